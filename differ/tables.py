"""Tables laid out anew: the same cells in another arrangement are formatting, not wording.

Payers re-publish code tables in another shape — columns in another order, one table split into one
table per code type with the type as a caption over each ("HCPCS", "ICD-10"), or such tables merged back
under a "Code Type" column. The normalized text keeps a table row as one line of " | "-joined cells, so
the word diff reads a re-layout as words removed and added ("“Code Type |” → “HCPCS”") and a subscriber
would be told that wording changed when no code, description or criterion did.

``relaid(old, new)`` says the two texts differ only by layout when every data row keeps its cells — its
group label either a cell of its own or the caption over its table — and the other lines differ at most
by those captions and by dates (printed-on stamps); a header row may lose or gain the one column whose
values became captions. A row that moved to another group, a code or a description that changed, a row
added or removed, or any prose edit is not a re-layout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from differ.noise import DATEISH, squash

_SEP = " | "


@dataclass
class _Layout:
    prose: list[str] = field(default_factory=list)  # lines outside tables, squashed
    headers: set[str] = field(default_factory=set)  # the cells of each table's first row
    rows: list[tuple[frozenset[str], str | None]] = field(default_factory=list)  # (cells, caption)
    blocks: list[tuple[str, ...]] = field(default_factory=list)  # each table's lines, for "did any move"


def _layout(text: str) -> _Layout:
    out = _Layout()
    caption: str | None = None
    block: list[str] = []
    for line in text.split("\n"):
        line = squash(line)
        if not line:
            continue
        if _SEP not in line:
            if block:
                out.blocks.append(tuple(block))
                block = []
            out.prose.append(line)
            caption = line
            continue
        cells = frozenset(c.strip() for c in line.split(_SEP) if c.strip())
        if block:
            out.rows.append((cells, caption))
        else:  # a table's first row: its header
            out.headers.update(cells)
        block.append(line)
    if block:
        out.blocks.append(tuple(block))
    return out


def relaid(old: str, new: str) -> bool:
    """Do ``old`` and ``new`` differ only in how their tables are laid out (see the module docstring)?"""
    if _SEP not in old or _SEP not in new:
        return False
    a, b = _layout(old), _layout(new)
    if not a.rows or a.blocks == b.blocks:
        return False
    # group labels: cells of one version's rows that are caption lines in the other
    labels = {c for cells, _ in a.rows for c in cells if c in b.prose} | {
        c for cells, _ in b.rows for c in cells if c in a.prose
    }

    def rows(lay: _Layout) -> Counter[frozenset[str]]:
        return Counter(cells | ({cap} if cap in labels else set()) for cells, cap in lay.rows)

    def prose(lay: _Layout) -> Counter[str]:
        return Counter(DATEISH.sub(" ", p) for p in lay.prose if p not in labels)

    if rows(a) != rows(b) or prose(a) != prose(b):
        return False
    lost, gained = a.headers - b.headers, b.headers - a.headers
    return not (lost or gained) or (bool(labels) and len(lost) <= 1 and len(gained) <= 1)
