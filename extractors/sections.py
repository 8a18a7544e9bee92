"""Blocks → normalized text and the section tree.

Both the PDF and the HTML readers reduce a document to a flat list of ``Block`` s (title, heading,
paragraph, list item, table row). The normalized text is simply the blocks joined by newlines, one
block per line, so that wrapping can never leak into the text and every offset maps back to a block.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Section

KINDS = ("title", "heading", "para", "item", "row")


@dataclass
class Block:
    kind: str
    text: str
    level: int = 0
    page: int | None = None
    start: int = 0
    end: int = 0
    #: pages a paragraph spans (a paragraph can continue over a page break)
    page_last: int | None = None

    @property
    def pages(self) -> tuple[int | None, int | None]:
        return self.page, self.page_last if self.page_last is not None else self.page


def assemble(blocks: list[Block]) -> tuple[str, list[Block]]:
    """Join blocks into the normalized text and record each block's offsets (in place)."""
    parts: list[str] = []
    pos = 0
    kept: list[Block] = []
    for b in blocks:
        if not b.text:
            continue
        if kept:
            pos += 1  # the "\n" separator
        b.start, b.end = pos, pos + len(b.text)
        parts.append(b.text)
        pos = b.end
        kept.append(b)
    return "\n".join(parts), kept


def build_sections(blocks: list[Block], text_len: int) -> tuple[Section, ...]:
    """A section per heading, spanning until the next heading of the same or a higher level."""
    heads = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading"]
    out: list[Section] = []
    stack: list[Block] = []
    for n, (_i, b) in enumerate(heads):
        while stack and stack[-1].level >= b.level:
            stack.pop()
        stack.append(b)
        end, last = text_len, blocks[-1]
        for j, other in heads[n + 1 :]:
            if other.level <= b.level:
                end, last = other.start - 1, blocks[j - 1]
                break
        out.append(
            Section(
                heading=b.text,
                path=tuple(s.text for s in stack),
                level=b.level,
                start=b.start,
                end=max(end, b.end),
                page_start=b.page,
                page_end=last.pages[1],
            )
        )
    return tuple(out)


def enclosing(sections: tuple[Section, ...], start: int, end: int) -> list[Section]:
    """Sections containing [start, end), innermost first."""
    found = [s for s in sections if s.start <= start and end <= s.end]
    return sorted(found, key=lambda s: (-s.level, s.end - s.start))
