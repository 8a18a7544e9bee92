"""Layouts whose words alone state nothing, read before a block's clauses: a stance written after its list
(afterlist.py), a PA form's answers (forms.py) and its question tables (qtable.py), a Part D criteria
record (partd.py).

Mixed into ``Reader`` (reader.py). Each is tried on every paragraph and list item *before* the pre-check
(precheck.py), so the state they keep — the pooled uses, the form's questions, the open record — is the
same whether or not the pre-check skips the block after them; table rows reach them from
``TableReader.on_row``.
"""

from __future__ import annotations

from .afterlist import AfterListReader
from .forms import FormReader
from .partd import PartDReader
from .qtable import QuestionTableReader


class LayoutReader(AfterListReader, QuestionTableReader, FormReader, PartDReader):
    prev_kind: str  # the kind of the block before (reader.py): a row after a row is a table's data

    def layout_block(self, block, path, text: str, kind: str) -> bool:
        """True when the block was read here in full (a form's question, a Part D record line)."""
        if self.form_q is not None and self.form_answers(block, path, text):
            return True
        self.form_q = None
        if kind == "row" and self.prev_kind == "row" and self.qtable_row(block, path):
            return True  # "5 | Is the patient 18 or older? | Go to #6 | Deny": a question table's row
        if "?" in text and self.form_line(block, path, text):
            return True
        if kind == "para" and text[:1].isupper() and self.partd_line(block, path, text):
            return True
        if kind in ("para", "item") and self.form_period(block, path, text):
            return True  # "Initial approval 90 days, continuation 180 days" after a checkbox form
        self.pool_block(block, path, text, kind)
        return False

    def layout_row(self, block, path) -> bool:
        """True when a table row was read here in full."""
        self.form_q = None
        return self.form_row(block, path) or self.partd_row(block, path)
