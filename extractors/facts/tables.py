"""Table rows: label cells, field-and-value tables, stance cells and stance columns, old/new columns.

Mixed into ``Reader`` (reader.py) next to ``UnitReader``; a row's cells are read as units (units.py) with
what the row and its header say around them:

* a first cell that names an indication is the row's label ("Treatment-resistant depression | …");
* a field table ("Minimum age | 18", "Renewal duration | 12 months") reads each value with its field name;
* a cell that is only a stance ("Investigational", "Not medically necessary") is the position of the row's
  drug on the uses its other cells name ("Intravenous ketamine | Depression, PTSD | Investigational");
* a column whose header is a stance ("Covered with prior authorization | Not covered") gives it to the uses
  named in its cells;
* a revision table's old column ("Previous criteria", "Prior position", "Current" next to "New") states
  nothing in force: only the current column counts.
"""

from __future__ import annotations

import re

from ..terms import drugs_in
from . import scope as S
from .clauses import indications_of, other_subject, outside_use
from .context import INHERITED
from .criteria import approval_cue, criteria_of
from .partd import partd_label
from .positions import stance

_OLD_COLUMN = re.compile(
    r"\b(?:previous(?:ly)?|former(?:ly)?|old|original|outgoing|superseded|replaced|retired|deleted|removed|was|"
    r"before|prior to|legacy|discontinued|pre-(?:change|revision|update))\b|"
    r"\bprior\s+(?:criteria|position|policy|version|requirements?|coverage|language|wording|rules?|text|status|"
    r"values?|limits?)\b|^\W*(?:from|prior)\W*$",
    re.I,
)
_NEW_COLUMN = re.compile(
    r"\b(?:new|revised|updated|amended|proposed|effective|changed|now|after|replacement|future|upcoming|"
    r"beginning|starting|going forward|as of|on and after|on or after)\b|^\W*to\W*$|"
    # "From July 1, 2027" (a bare "From" is the old column of a from/to pair)
    r"^\W*from\s+(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
    re.I,
)
_CURRENT_COLUMN = re.compile(r"\b(?:current|existing|present)\b", re.I)
#: An end date in a header ("Through 12/31/2025", "Until March 1"): the column of values that end.
_ENDING_COLUMN = re.compile(r"\b(?:through|thru|until|ending|ends|expires?|up to)\b", re.I)
#: A row label that says the row holds the values before a change ("Previous", "Old criteria", "Before
#: 1/1/2026"): a revision table laid out by rows.
_OLD_ROW = re.compile(
    r"^\W*(?:previous(?:ly)?|prior|old|original|former(?:ly)?|outgoing|superseded|was|"
    r"before(?: [\w/,. ]{1,20})?)"
    r"(?:\s+(?:criteria|policy|language|wording|text|version|position|requirements?|values?|coverage))?\W*$",
    re.I,
)
#: A change log's columns: what changed ("Summary of changes", "Description of change", "Type of revision",
#: "Revision details") and when ("Date", "Revision date", "Effective date", "Approved").
_LOG_CHANGE = re.compile(
    r"^\W*(?:(?:summary|description|details?|type|nature|log|list)\s+of\s+(?:the\s+)?)?"
    r"(?:changes|revisions?|updates|amendments)(?:\s+made)?\W*$|"
    r"^\W*(?:summary|description|details?|type|nature)\s+of\s+(?:the\s+)?(?:change|update|amendment)\W*$|"
    r"^\W*(?:revision|change|update)\s+(?:summary|details|description|history|notes)\W*$",
    re.I,
)
_LOG_DATE = re.compile(r"\bdates?\b|^\W*(?:revised|reviewed|approved|effective|updated)\W*$", re.I)
#: A year in a header ("2025 criteria", "Effective 1/1/2026"): between dated columns, the earlier is old.
_YEAR = re.compile(r"\b(?:19|20)(\d\d)\b")
#: A cell that is only the word: "Ketamine | Anesthesia | Covered" (in prose "covered" alone says too little);
#: also with a footnote number read with a space ("Covered 1" from a cell's ``<sup>``, facts/footnotes.py).
_BARE_COVERED = re.compile(
    r"^\W*(?:yes,?\s+)?covered(?:\s+benefit)?(?:\s*(?:\d{1,2}|\(\d{1,2}\)|\[\d{1,2}\]))?[\s.*!]*$", re.I
)
#: A cell that says covered with prior authorization in a grid's shorthand: "PA required", "Covered (PA)",
#: "Covered - PA required", "Yes, with PA", "Covered with criteria" (a bare "PA" or "Criteria" is a program
#: or a column's name, not a stance).
_CELL_PA = re.compile(
    r"^\W*(?:(?:yes\W+|covered\W+)(?:with\s+)?(?:PA|prior\s+(?:authori[sz]ation|approval)|precert\w*|criteria)"
    r"(?:\s+(?:required|applies|apply|needed))?"
    r"|(?:PA|prior\s+approval|precert\w*|criteria)\s+(?:required|applies|apply|needed))[\s.*!)]*$",
    re.I,
)
#: A field label's use in brackets at its end: "Initial approval (TRD)", "Failed trials [MDSI]".
_LABEL_USE = re.compile(r"[(\[]\s*([^()\[\]]{2,60}?)\s*[)\]]\s*:?\s*$")
#: A heading that names a drug class, not a use ("Depression agents", "Antidepressants", "PTSD drugs").
_CLASS_HEAD = re.compile(
    r"\b(?:agents?|drugs?|medications?|products?|class(?:es)?|antidepressants?)\W*$", re.I
)
#: A drug's names in a cell ("All other uses of esketamine (Spravato)"): not words of the use.
_DRUG_WORDS = re.compile(r"\(?\b(?:es-?ketamine|ketamine|ketalar|spravato|s-ketamine)\b\)?", re.I)
#: A row label that is a stance by itself: "Covered indications | TRD; MDSI".
_COVERED_LABEL = re.compile(
    r"^\W*(?:covered|approved|eligible)\s+(?:uses|indications|conditions|diagnoses|disorders)\W*$", re.I
)


def old_columns(header: list[str]) -> set[int]:
    """Columns of a revision table that hold the values before the change. "Current" is old only next to a
    "New" / "Revised" / "Beginning <date>" column (a notice of a coming change); next to "Previous" it is the
    value in force. An end date ("Through 12/31/2025") or an earlier year than another column's is old next
    to a new column too. The first column is a row label unless it is old itself and a newer column follows
    ("Before 1/1/2026 | Effective 1/1/2026", "Previous | Current", "Current | New", "Through 12/31/2025 |
    Effective 1/1/2026", "2025 | 2026"): a label column is headed "Criterion" or "Drug", not by a date."""
    is_new = [bool(_NEW_COLUMN.search(h) and not _OLD_COLUMN.search(h)) for h in header]
    new = any(is_new)
    years = [max((int(y) for y in _YEAR.findall(h)), default=None) for h in header]
    dated = [y for y in years if y is not None]
    latest = max(dated) if len(dated) > 1 and dated.count(max(dated)) == 1 else None
    in_force = any(_CURRENT_COLUMN.search(h) for h in header[1:])  # "Previous | Current": the first is old
    old = set()
    for k, h in enumerate(header):
        if is_new[k]:
            continue
        word = bool(_OLD_COLUMN.search(h))
        weak = new and bool(_CURRENT_COLUMN.search(h) or _ENDING_COLUMN.search(h))
        year = years[k]
        earlier = latest is not None and year is not None and year < latest
        if k == 0 and not ((word and (new or in_force)) or weak or earlier):
            continue
        if word or weak or earlier:
            old.add(k)
    live = len(header) - len(old) - (0 not in old)  # the columns left to read, the row label aside
    return old if live >= 1 else set()


def _use_cells(cells: list[tuple[int, str]]) -> list[tuple[int, tuple[str, ...]]]:
    """(offset, uses) of the cells after the label that are only a use ("Treatment-resistant depression"):
    no stance, no criterion (a cell "Two antidepressants failed in the current depressive episode" is a
    criterion, not the row's use), an indication of the vocabulary — or one outside it ("Migraine":
    ``other``; an umbrella such as "Psychiatric disorders" names no use of its own)."""
    out = []
    for off, cell in cells[1:]:
        named = indications_of(cell)
        inds = tuple(i for i in named if i != "other")
        if not inds and named and outside_use(cell) and not drugs_in(cell):
            inds = named
        if inds and not stance(cell)[0] and not criteria_of(cell):
            out.append((off, inds))
    return out


def _other_cell(cell: str, row_drugs: tuple[str, ...]) -> bool:
    """A short cell naming only the uses not listed ("All other uses", "Any other diagnosis"), also of the
    row's own drug ("All other uses of esketamine" in Spravato's row; another drug's uses are not its)."""
    bare = _DRUG_WORDS.sub(" ", cell)
    if indications_of(cell) != ("other",) or len(bare.split()) > 6:
        return False
    return not (stance(cell)[0] or not set(drugs_in(cell)) <= set(row_drugs) or criteria_of(cell))


def change_log(header: list[str]) -> bool:
    """A dated change log ("Date | Summary of changes", "Type of revision | Description of change |
    Revision date"): the payer's revision history wherever it sits, so it states nothing in force — an
    entry "Initial approval changed to 6 months" may have been changed again by a later one. A change
    table with a new column ("Criterion | Previous | New") is no log: its new column is in force."""
    return any(_LOG_CHANGE.match(h) for h in header) and any(_LOG_DATE.search(h) for h in header)


class TableReader:
    log_table = False  # the table being read is a change log (``change_log``): no row states a fact

    def start_table(self, block) -> bool:
        """A first row: the header. False when it is no more than a header (no drug, no stance)."""
        self.header = [c.strip() for c in block.text.split(" | ")]
        self.header_block = block
        self.old_cols = old_columns(self.header)
        self.log_table = change_log(self.header)
        if self.log_table:
            return False
        if self.header and partd_label(self.header[0]):
            return True  # "Products Affected | …": a Part D record starts with its first row (partd.py)
        return any(drugs_in(c) or stance(c)[0] or _COVERED_LABEL.match(c) for c in self.header)

    def retake_header(self, block) -> bool:
        """A caption row ("Summary of the revision") over the real header: the row of short labels with an
        old and a new column ("Criterion | Existing language | Replacement language") is the header."""
        cells = [c.strip() for c in block.text.split(" | ")]
        if self.old_cols or len(cells) < 2 or any(len(c.split()) > 6 for c in cells):
            return False
        if any(stance(c)[0] or indications_of(c) or criteria_of(c) for c in cells) or not old_columns(cells):
            return False
        self.header, self.header_block, self.old_cols = cells, block, old_columns(cells)
        return True

    def on_row(self, block, path) -> None:
        if self.log_table or change_log([c.strip() for c in block.text.split(" | ")]):
            self.log_table = True  # a change log, also under a caption row ("Revision history")
            return
        if block is not self.header_block and self.retake_header(block):
            return
        if self.layout_row(block, path):
            return  # a form's question with its answers, a Part D record row (layouts.py)
        if _OLD_ROW.match(block.text.split(" | ")[0]):
            return  # "Previous | Initial approval for 3 months": the row before the change (first row too)
        cells = []
        pos = 0
        for k, cell in enumerate(block.text.split(" | ")):
            if k not in self.old_cols or block is self.header_block:
                cells.append((pos, cell))
            pos += len(cell) + 3
        live = " | ".join(c for _, c in cells)
        row_drugs = drugs_in(live)
        if cells and not row_drugs and other_subject(cells[0][1]):
            return  # "Zuranolone | Payment will be considered for postpartum …": not the drug's row
        if self.table_lead and row_drugs:
            # the row's most specific indications: "Depression | Spravato | For TRD: …" is about TRD
            inds = tuple(i for i in indications_of(live) if i != "other")
            inds = tuple(i for i in inds if i in ("trd", "mdsi")) or inds
            self.emit(row_drugs, inds, "position", self.table_lead, INHERITED, block, 0, len(block.text))
        label_inds: tuple[str, ...] = ()
        label_phase = None
        if self.field_row(block, path, cells):
            return
        stated, row_inds = self.row_stances(block, path, cells, row_drugs)
        uses = _use_cells(cells)
        for k, (off, cell) in enumerate(cells):
            if k == 0 and not stance(cell)[0]:
                named = indications_of(cell)
                label_inds = tuple(i for i in named if i != "other")
                label_phase = S.phase_of(cell)
                self.row_under_leadin(block, path, label_inds, off, len(cell))
                if named == ("other",) and outside_use(cell) and not drugs_in(cell) and not criteria_of(cell):
                    label_inds = named  # "Migraine | 21 or older": the outside use's criteria, not TRD's
                if (label_inds or label_phase or not drugs_in(cell)) and not criteria_of(cell):
                    continue  # a label; but a form's question ("1. Is the member 18 or older?") is read
            if off in stated:
                continue
            head = self.column_head(block, off)
            ctx = bool(S.phase_of(head) or "approv" in head.lower())
            # "Spravato | MDSI | 4 weeks": a row labelled by its drug names its use in a cell of its own
            mine = tuple(dict.fromkeys(i for o, inds in uses if o != off for i in inds))
            inds = label_inds or (row_inds if stance(cell)[0] else mine)
            drugs = drugs_in(head) if block is not self.header_block else ()
            self.read_unit(
                block,
                path,
                cell,
                off,
                False,
                inds,
                S.phase_of(head) or label_phase,
                ctx,
                False,
                drugs or row_drugs,
            )

    def column_head(self, block, off: int) -> str:
        k = block.text[:off].count(" | ")
        return self.header[k] if k < len(self.header) else ""

    def row_stances(self, block, path, cells, row_drugs) -> tuple[set[int], tuple[str, ...]]:
        """Positions a row states by its layout: stance cells and stance columns. Returns the offsets of the
        short stance cells it read (nothing more to read in them) and the row's indications."""
        done: set[int] = set()
        if block is self.header_block and not any(indications_of(c) for _, c in cells):
            return done, ()  # a header; a first row naming uses ("Covered indications | TRD") is data
        drugs = row_drugs or self.table_drugs or self.context_drugs(path)
        row_inds = tuple(
            dict.fromkeys(i for _, c in cells if not stance(c)[0] for i in indications_of(c) if i != "other")
        )
        # "All other indications | Not covered", "Schizophrenia | Investigational": a row of two short cells
        other_row = not row_inds and (
            (len(cells) == 2 and indications_of(cells[0][1]) == ("other",) and len(cells[1][1].split()) <= 4)
            # "Spravato | All other uses | Not covered": a drug's row whose use cell is the rest
            or (bool(row_drugs) and any(_other_cell(c, drugs_in(cells[0][1]) or row_drugs) for _, c in cells))
        )
        if cells and other_subject(cells[0][1]):
            return done, ()  # "TMS | Covered with criteria": another treatment's row
        if not drugs:
            return done, row_inds
        head_inds: tuple[str, ...] = ()
        if row_drugs and not (row_inds or other_row) and path and not _CLASS_HEAD.search(path[-1]):
            # "Spravato | Non-preferred | PA required" under "Treatment-resistant depression": the use of the
            # heading (a drug class, "Depression agents", names none; a row under no use states nothing)
            head_inds = self.heading_context(path)[1]
        for off, cell in cells:
            head = self.column_head(block, off)
            hst, how = stance(head) if len(head.split()) <= 8 and not indications_of(head) else (None, "")
            inds = indications_of(cell)
            if hst and how == "strong" and inds and not stance(cell)[0]:
                self.emit(drugs, inds, "position", hst, INHERITED, block, off, off + len(cell))
                if hst.startswith("covered"):
                    self.targets.set(drugs, tuple(i for i in inds if i != "other"), True, path)
        for off, cell in cells:
            covered = _COVERED_LABEL.match(cell) or _BARE_COVERED.match(cell)
            st, how = stance(cell) if not covered else ("covered", "strong")
            if not st and _CELL_PA.match(cell):
                st, how = "covered_with_criteria", "strong"
            if not st or how != "strong" or indications_of(cell) or not (row_inds or other_row or head_inds):
                continue
            inds = row_inds or head_inds or ("other",)
            self.emit(drugs, inds, "position", st, INHERITED, block, off, off + len(cell))
            if st.startswith("covered"):
                self.targets.set(drugs, row_inds or head_inds, True, path)
            if len(cell.split()) < 3:
                done.add(off)
        return done, row_inds

    def field_row(self, block, path, cells: list[tuple[int, str]]) -> bool:
        """A criteria table of field and value ("Minimum age | 18", "Oral antidepressant | Not required",
        "Renewal duration | 12 months"): each value is read with its field name in front of it."""
        label = cells[0][1].strip()
        values = cells[1:]
        # "Initial approval (TRD) | 1 month | 3 months": the use in brackets after the field is the row's use
        use = _LABEL_USE.search(label)
        label_inds = tuple(i for i in indications_of(use.group(1)) if i != "other") if use else ()
        if label_inds:
            label = label[: use.start()].strip()  # type: ignore[union-attr]
        if not values or not label or len(label.split()) > 5 or drugs_in(label) or indications_of(label):
            return False
        own = criteria_of(label)  # "Concurrent oral antidepressant | Not required": the value says which
        if stance(label)[0] or (own and all(criteria_of(f"{label}: {v}") == own for _, v in values)):
            return False
        if any(stance(v)[0] or len(v.split()) > 12 or indications_of(v) for _, v in values):
            return False
        head_drugs, head_inds = self.heading_context(path)
        drugs = drugs_in(block.text) or head_drugs or self.targets.drugs or self.doc_drugs
        phase = S.phase_of(label) or S.path_phase(path) or "initial"
        inds = label_inds or self.criteria_inds(path, (), (), head_inds, False, False, drugs)
        found = False
        for off, value in values:
            col_drugs = drugs_in(self.column_head(block, off))  # "Criterion | Esketamine | IV ketamine"
            for fld, v in criteria_of(f"{label}: {value}", phase, approval_cue(label)):
                self.emit(col_drugs or drugs, inds, fld, v, INHERITED, block, off, off + len(value))
                found = True
        return found

    def row_under_leadin(self, block, path, inds: tuple[str, ...], a: int, n: int) -> None:
        """A table under a lead-in that names no indication ("… is medically necessary when the following
        criteria are met:" over rows "TRD | criteria | duration"): each row's label takes its stance."""
        lead = self.leadin
        if not (inds and lead and lead.stance and not lead.inds):
            return
        if lead.how == "weak":
            lead.pending += [(i, block, a, a + n) for i in inds]
            return
        self.emit(lead.drugs, inds, "position", lead.stance, INHERITED, block, a, a + n)
        if lead.stance.startswith("covered"):
            self.targets.set(lead.drugs, inds, True, path)
