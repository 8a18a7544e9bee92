"""Medicare Part D prior-authorization criteria: one record per drug group, a label and its value per row
("Covered Uses | All FDA-approved indications not otherwise excluded from Part D", "Age Restrictions | 18
years of age and older", "Coverage Duration | 6 months"), or — in the PDF text — label and value on one line.

Mixed into ``Reader`` (reader.py). The record states no sentence a stance rule can read: the label is the
stance or the field. "Covered Uses" (also "Indications", "PA Indication Indicator") is the covered use —
with the criteria the other rows set, so ``covered_with_criteria``; "All FDA-approved indications" names
none, so it is esketamine's labelled use; "Exclusion Criteria" that name a use make it not covered (a
patient's condition, "members with a history of …", is no use); "Age Restrictions" is an age whatever its
words; "Coverage Duration" is an approval period; "Required Medical Information", "Prescriber
Restrictions" and "Other Criteria" are criteria of the record's use. A formulary's criteria list holds
hundreds of records, most about other drugs: a record's drug comes from its "Products Affected" row (or
the heading over it), and a record about no drug of ours is read for nothing — so another drug's ages
never reach Spravato's use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..terms import drugs_in
from .clauses import clauses, indications_of, sentences
from .context import DEFAULT, INHERITED
from .criteria import criteria_of

#: Labels only a Part D criteria record has: they open one.
_OPENS = (
    "covered uses",
    "exclusion criteria",
    "required medical information",
    "age restrictions",
    "age restriction",
    "prescriber restrictions",
    "prescriber restriction",
    "coverage duration",
    "pa indication indicator",
    "part b prerequisite",
    "products affected",
)
#: Labels that continue an open record.
_CONTINUES = (
    "other criteria",
    "off-label uses",
    "off label uses",
    "indications",
    "drug names",
    "pa criteria",
)
_LABEL = re.compile(
    r"^\s*("
    + "|".join(re.escape(x) for x in sorted(_OPENS + _CONTINUES, key=len, reverse=True))
    + r")\b\s*:?\s*",
    re.I,
)
#: "All FDA-approved indications", "All medically accepted indications": the drug's labelled uses.
_ALL_USES = re.compile(r"\ball\b[^.;]{0,40}\bindications\b", re.I)
#: An exclusion about the patient, not the use ("members with a history of psychosis").
_PATIENT = re.compile(
    r"\b(?:patients?|members?|enrollees?|beneficiar\w+|individuals?|history|concurrent|current|active|"
    r"contraindicat\w*|hypersensitiv\w*|pregnan\w*|aneurysm\w*)\b",
    re.I,
)
#: "Adults", "Adult patients only": the age row of a record naming no number.
_ADULTS = re.compile(r"^\W*(?:adults?|adult (?:patients|members)(?: only)?)\W*$", re.I)
_NONE = re.compile(r"^\W*(?:n/?a|none|not applicable|-)?\W*$", re.I)


@dataclass
class PartD:
    drugs: tuple[str, ...]
    labels: set[str] = field(default_factory=set)
    inds: tuple[str, ...] = ()
    default: bool = False  # the covered use was "All FDA-approved indications"
    started: bool = False  # a "Products Affected" or "Covered Uses" label: a record, not a stray label


def partd_label(cell: str) -> bool:
    """A cell that is a label only a Part D record has (a first row the table reader must not skip)."""
    m = _LABEL.match(cell)
    return m is not None and m.group(1).lower() in _OPENS


class PartDReader:
    partd: PartD | None  # the record being read

    def partd_row(self, block, path) -> bool:
        cells = block.text.split(" | ")
        if len(cells) != 2:
            return False
        return self.partd_item(block, path, cells[0], cells[1], len(cells[0]) + 3)

    def partd_line(self, block, path, text: str) -> bool:
        """ "Age Restrictions 18 years of age or older": a label set as in the form, then its value."""
        m = _LABEL.match(text)
        if m is None or not (m.group(1).istitle() or m.group(1).isupper()):
            return False
        return self.partd_item(block, path, m.group(1), text[m.end() :], m.end())

    def partd_item(self, block, path, label: str, value: str, off: int) -> bool:
        m = _LABEL.match(label)
        if m is None or m.end() < len(label.rstrip(": ")):
            return False
        key = m.group(1).lower()
        record = self.partd
        if record is None or key in record.labels:
            if key not in _OPENS:
                return False
            self.partd = record = PartD(self.context_drugs(path) or self.label_drugs)
        record.labels.add(key)
        if key in ("products affected", "drug names"):
            record.drugs, record.started = drugs_in(value), True
            return True
        uses = key in (
            "covered uses",
            "indications",
            "pa indication indicator",
            "off-label uses",
            "off label uses",
        )
        record.started = record.started or uses
        if not record.started:
            return False  # "Coverage Duration: 6 months" in an ordinary policy: read as before
        if not record.drugs or _NONE.match(value):
            return True  # another drug's record, or a row left empty: nothing for our drugs
        if uses:
            self.partd_uses(record, path, block, value, off)
        elif key == "exclusion criteria":
            inds = tuple(i for i in indications_of(value) if i not in record.inds)
            if inds and not _PATIENT.search(value) and len(value.split()) <= 15:
                self.emit(
                    record.drugs, inds, "position", "not_covered", INHERITED, block, off, off + len(value)
                )
        elif key.startswith("age"):
            self.partd_criteria(record, path, block, f"Age restriction: {value}", off, value)
        elif key == "coverage duration":
            self.partd_criteria(record, path, block, f"Approval duration: {value}", off, value)
        elif key in (
            "required medical information",
            "other criteria",
            "prescriber restrictions",
            "prescriber restriction",
        ):
            named = tuple(i for i in indications_of(value) if i in ("trd", "mdsi"))
            if record.default and named:
                self.emit(
                    record.drugs,
                    named,
                    "position",
                    "covered_with_criteria",
                    INHERITED,
                    block,
                    off,
                    off + len(value),
                )
            self.read_unit(block, path, value, off, False, (), None, False, False, record.drugs)
        return True

    def partd_uses(self, record: PartD, path, block, value: str, off: int) -> None:
        inds = tuple(i for i in indications_of(value) if i != "other")
        strength = INHERITED
        if not inds and _ALL_USES.search(value) and record.drugs == ("esketamine",):
            inds, strength, record.default = ("trd",), DEFAULT, True
        if not inds:
            return
        record.inds = tuple(dict.fromkeys(record.inds + inds))
        self.emit(
            record.drugs, inds, "position", "covered_with_criteria", strength, block, off, off + len(value)
        )
        for a, b in (c for s in sentences(value) for c in clauses(value, *s)):
            # "Treatment-resistant depression, alone or together with an oral antidepressant": the use's
            # antidepressant requirement, written in the use's own cell
            part = value[a:b]
            said = indications_of(part)
            if said == ("other",):
                continue  # "All other medically accepted indications, with an oral antidepressant": not ours
            named = tuple(i for i in said if i != "other") or inds
            for fld, v in criteria_of(part):
                if fld == "concomitant_antidepressant":
                    self.emit(record.drugs, named, fld, v, INHERITED, block, off + a, off + b)
        self.targets.set(record.drugs, record.inds, True, path)

    def partd_criteria(self, record: PartD, path, block, text: str, off: int, value: str) -> None:
        """A field row: its label is the field ("Age restriction: 18 and older", "Approval duration: 6
        months")."""
        if not record.inds:
            return
        found = criteria_of(text, "initial", True)
        if text.startswith("Age") and _ADULTS.match(value) and not found:
            found = [("age_min", "18")]  # "Age Restrictions | Adults"
        for fld, v in found:
            if fld.startswith(("age", "approval")):
                self.emit(record.drugs, record.inds, fld, v, INHERITED, block, off, off + len(value))
