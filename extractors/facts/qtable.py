"""Question tables: PA criteria published as numbered rows whose answer columns say what happens next.

State Medicaid PA criteria guides (Oregon's drug sections and the many programs that copy them) set the
criteria as "# | Question | Yes | No" rows — "5 | Is the patient 18 or older? | Go to #6 | Pass to RPh.
Deny; not medically appropriate." — and some write the questions as statements under "If met / If not met"
("2 | The member is 18 or older. | Continue to step 3 | Deny"). Read cell by cell, such a row says the
opposite of what it means (the "No" cell's "not medically appropriate" is no position on anything), and
the question sits in the second cell, where ``FormReader.form_row`` does not look. This reader hands the
row to ``FormReader.form_question`` as the question it is, with each answer cell marked by its column:

* the number column gives the question's number, so "Go to #9" routes question 9 to the use that sent
  the reader there;
* a numbering that starts again at 1 starts a new table of the same form: the routes of the old one no
  longer apply;
* a table under a renewal heading ("Renewal Criteria", "Reauthorization") approves the renewal.

A ``FormReader`` (forms.py) mixed into ``Reader`` (reader.py) through ``LayoutReader`` (layouts.py).
"""

from __future__ import annotations

import re

from . import scope as S
from .forms import FormReader

#: An answer column's header: "Yes", "If yes", "If met", "Criteria met" — and its "No" twin.
_YES_HEAD = re.compile(r"^\W*(?:if\s+)?(?:yes|y|met|criteria\s+met|true)\W*$", re.I)
_NO_HEAD = re.compile(r"^\W*(?:if\s+)?(?:no|n|not\s+met|criteria\s+not\s+met|false)\W*$", re.I)
#: A number column's header ("#", "No.", "Step", "Question #") and a cell that is only a number.
_NUMBER_HEAD = re.compile(r"^\W*(?:#|no\.?|n[o°]\.?\s*#?|step|item|number|question\s*(?:#|no\.?))\W*$", re.I)
_NUMBER_CELL = re.compile(r"^\W*(\d{1,2})[.)]?\W*$")


def answer_columns(header: list[str]) -> tuple[int, int] | None:
    """(yes, no) column indexes of a question table's header, or None. The first column holds the number
    or the question, never an answer ("No. | Question | Yes | No")."""
    yes = [k for k, h in enumerate(header) if k and _YES_HEAD.match(h)]
    no = [k for k, h in enumerate(header) if k and _NO_HEAD.match(h)]
    return (yes[0], no[0]) if len(yes) == 1 and len(no) == 1 else None


class QuestionTableReader(FormReader):
    header: list[str]  # the table's first row (tables.py)

    def qtable_row(self, block, path) -> bool:
        """A data row of a question table: True when it was read here in full."""
        cols = answer_columns(self.header)
        if cols is None:
            return False
        cells = block.text.split(" | ")
        first = min(cols)  # never 0: answer_columns skips the first column
        if len(cells) != len(self.header):
            return False
        numbered = _NUMBER_CELL.match(cells[0])
        q = 1 if first >= 2 and (numbered or _NUMBER_HEAD.match(self.header[0])) else 0
        question = cells[q].strip()
        # two words are a criterion ("REMS certification", "REMS-certified site?"), one a label ("Otherwise")
        if not question or len(question.split()) < 2:
            return False
        if not question.endswith("?") and q == 0:
            return False  # a statement table needs its number column: "Criterion | Met | Not met" is a record
        offsets = [0]
        for cell in cells[:-1]:
            offsets.append(offsets[-1] + len(cell) + 3)
        parts = []
        for word, k in zip(("yes", "no"), cols, strict=True):
            if cells[k].strip():
                # the answer is the column's: "yes Go to #6" (offsets stay the block's)
                parts.append((block, offsets[k] - len(word) - 1, f"{word} {cells[k]}"))
        number = int(numbered.group(1)) if numbered else None
        form = self.form
        if form is not None and number == 1 and form.last is not None:
            form.route.clear()  # a new table of the same form: its numbers start again
            form.renewal_from = None
        renewal = bool(path) and S.phase_of(path[-1]) == "continuation"
        return self.form_question(block, path, question, offsets[q], parts, number=number, renewal=renewal)
