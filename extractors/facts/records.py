"""PBM record tables: "Product Name: Spravato | Diagnosis: …" / "Approval Length: 3 month(s) | Therapy Stage:
Initial Authorization" over each criteria list.

Mixed into ``Reader`` (reader.py), which reads a record's lines before anything else (a record is read whole,
then closed by the first block that is no part of it): the record's diagnosis is covered with criteria, its
approval length is its stage's period, and the criteria list after it belongs to it.
"""

from __future__ import annotations

import re

from ..sections import Block
from ..terms import drugs_in
from . import scope as S
from .clauses import indications_of
from .context import INHERITED
from .criteria import criteria_of

#: A PBM guideline's record table: "Product Name: Spravato | Diagnosis: …" / "Approval Length: 3 month(s) |
#: Therapy Stage: Initial Authorization" over each criteria list.
_RECORD_CELL = re.compile(r"^\s*([A-Z][A-Za-z /&-]{2,30}):\s*(.*)$")
_RECORD_KEYS = re.compile(
    r"^(?:product|drug|medication|brand)(?: name)?$|^(?:diagnosis|indication)$|"
    r"^approval (?:length|duration)$|^(?:therapy|review|authori[sz]ation) (?:stage|type)$|^guideline type$",
    re.I,
)
_PRODUCT = re.compile(r"^(?:product|drug|medication|brand)(?: name)?$", re.I)
#: Several pairs on one line: "Product Name: Spravato Diagnosis: Treatment-Resistant Depression".
_RECORD_SPLIT = re.compile(
    r"\s+(?=(?:Product Name|Drug Name|Diagnosis|Indication|Approval (?:Length|Duration)|Therapy Stage|"
    r"Guideline Type):)"
)


class RecordReader:
    def record_pairs(self, block: Block) -> list[tuple[str, str]] | None:
        """The "Label: value" pairs of a PBM record line: a table row whose every cell is one (some labels the
        record's own), or (where the PDF reader gave lines, not cells) paragraphs of them, which must open
        with the product ("Product Name: Spravato") or continue a record already open."""
        if ":" not in block.text:
            return None  # every cell must be "Label: value"
        if block.kind == "row":
            cells = [c for c in (c.strip() for c in block.text.split(" | ")) if c]
        elif block.kind == "para":
            cells = [c.strip() for c in _RECORD_SPLIT.split(block.text) if c.strip()]
        else:
            return None
        found = [_RECORD_CELL.match(c) for c in cells]
        pairs = [(m.group(1).strip().lower(), m.group(2).strip()) for m in found if m]
        if not cells or len(pairs) < len(cells) or not any(_RECORD_KEYS.match(k) for k, _ in pairs):
            return None
        if block.kind == "para" and not all(_RECORD_KEYS.match(k) for k, _ in pairs):
            return None
        if block.kind == "para" and self.record is None and not _PRODUCT.match(pairs[0][0]):
            return None
        return pairs

    def close_record(self, path) -> None:
        """The record's diagnosis is covered with criteria; its approval length is the stage's period; the
        criteria list after it belongs to it."""
        if self.record is None:
            return
        (block, rec), self.record = self.record, None
        product = " ".join(v for k, v in rec.items() if re.match(r"product|drug|medication|brand", k))
        drugs = drugs_in(product) or self.context_drugs(path)
        diagnosis = " ".join(v for k, v in rec.items() if k in ("diagnosis", "indication"))
        inds = tuple(i for i in indications_of(diagnosis) if i != "other")
        if not (drugs and inds):
            if drugs and diagnosis.strip():
                # a record of a use outside the vocabulary ("Diagnosis: Schizophrenia") still owns the
                # criteria list after it: they are no use's of ours (they went to the record before it)
                self.close_leadin(None)
                self.targets.set(drugs, (), True, path)
            return
        self.close_leadin(None)
        whole = (block, 0, len(block.text))
        self.emit(drugs, inds, "position", "covered_with_criteria", INHERITED, *whole)
        length = " ".join(v for k, v in rec.items() if k.startswith("approval"))
        stage = " ".join(v for k, v in rec.items() if k.endswith(("stage", "type")))
        for fld, value in criteria_of(f"approval {length}", S.phase_of(stage) or "initial"):
            if fld.startswith("approval"):
                self.emit(drugs, inds, fld, value, INHERITED, *whole)
        self.targets.set(drugs, inds, True, path)
