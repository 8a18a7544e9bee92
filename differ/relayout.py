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

A table written out as a list is a re-layout too (``listed``): each row becomes one line (a list item)
holding the row's cells in order, labelled at most by the words of its table's header row ("Drug |
HCPCS | Criteria" → "- Esketamine nasal spray (Spravato): HCPCS J0013; criteria PA-ESK-03"), and every
other line stays. A row whose cells changed, went missing or gained words is no such line, nor one whose
labels come in another order than the header's: in a "Drug | Covered | Not covered" table the column is
the stance, so "not covered No; covered Yes" is a coverage change written as a list.
"""

from __future__ import annotations

import re
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
    return relaid_as_list(old, new) or _regrouped(old, new)


def relaid_as_list(old: str, new: str) -> bool:
    """Is one whole text the other with its tables written out as lists (or lists made tables)?"""
    return listed(old, new) or listed(new, old)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def listed(tabled: str, lined: str) -> bool:
    """Are ``lined``'s lines ``tabled``'s lines with the rows of its tables written out one per line,
    cells in order, labelled at most by the words of their table's header (dates aside)? A table whose
    header row ``lined`` still has stayed a table: its lines must be there as they are."""
    if _SEP not in tabled:
        return False
    lines = Counter(squash(line) for line in lined.split("\n") if squash(line))
    pool = Counter({line: n for line, n in lines.items() if _SEP not in line})
    kept: list[str] = []
    header: list[str] = []
    mode = ""  # "" outside a table, "table" for one that stayed, "list" for one written out
    rows = 0
    words: dict[str, list[str]] | None = None  # each pool line's words
    for line in (squash(raw) for raw in tabled.split("\n")):
        if not line:
            continue
        if _SEP not in line:
            mode = ""
            kept.append(line)
            continue
        if not mode:  # a table's first row: its header, whose words may label the cells
            mode = "table" if lines[line] else "list"
            header = _words(line)
            if mode == "list":
                continue
        if mode == "table":
            kept.append(line)
            continue
        if words is None:  # the first row written out: the other text's lines, read once for every row
            words = {b: _words(b) for b in pool}
        want = [w for w in _words(line) if w not in header]
        match = next(
            (
                b
                for b in pool
                if pool[b] and [w for w in words[b] if w not in header] == want and _labelled(line, b, header)
            ),
            None,
        )
        if not want or match is None:
            return False
        pool[match] -= 1
        kept.append(match)
        rows += 1
    return rows > 0 and Counter(DATEISH.sub(" ", k) for k in kept) == Counter(
        DATEISH.sub(" ", k) for k in lines.elements()
    )


def _labelled(row: str, item: str, header: list[str]) -> bool:
    """Are the header's words that ``item`` adds to ``row``'s cells in the header's order? The labels name
    the columns: "covered No; not covered Yes" from a "Drug | Covered | Not covered" table is the row
    written out, "not covered No; covered Yes" swaps the stance (a coverage change, not a re-layout)."""
    cells, labels, i = _words(row), [], 0
    for w in _words(item):
        if w not in header:  # a cell's own header word may be left out ("PA criteria" → "PA")
            while i < len(cells) and cells[i] != w and cells[i] in header:
                i += 1
        if i < len(cells) and w == cells[i]:
            i += 1
        else:
            labels.append(w)
    rest = iter(header)
    return all(any(label == h for h in rest) for label in labels)


def _regrouped(old: str, new: str) -> bool:
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
