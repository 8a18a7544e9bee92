"""Topic passages: the smallest self-contained pieces of text that say something about the drugs.

How much context a passage takes (the differ's unit of comparison, so it must be predictable):

* A block (paragraph, list item, table row, heading) that names ketamine, esketamine, Spravato,
  Ketalar, or S0013 / J0013 / G2082 / G2083 is a *mention*. J3490 alone is never a mention (it is the
  generic unlisted-drug code); it is only recorded in ``codes`` when it sits inside a passage.
* If an enclosing section's heading names a drug ("Esketamine (Spravato)", "Ketamine Infusion") and the
  section is at most ``MAX_SECTION`` characters, the passage is that whole section (innermost first), so
  the criteria list under the heading belongs to it even where the list never repeats the name.
* Otherwise the passage is the block itself; a paragraph ending in ":" also takes the list items and
  table rows that follow it ("… when all of the following criteria are met:").
* Overlapping passages and passages separated only by a line break inside the same section are merged
  (a code table becomes one passage, not one per row).

An omnibus policy where ketamine is one paragraph therefore yields that paragraph only.
"""

from __future__ import annotations

import re

from .model import Passage, Section
from .sections import Block, assemble, build_sections, enclosing
from .terms import COVERAGE_HEADINGS, codes_in, drugs_in, indications_in, is_topic, may_name_drugs

MAX_SECTION = 4000
MAX_COVERAGE_SECTION = 12000


def document_drugs(blocks: list[Block], title: str | None = None) -> tuple[str, ...]:
    """Drugs named by the document title: the drugs the whole policy is about."""
    titles = [b.text for b in blocks if b.kind == "title"] + ([title] if title else [])
    return drugs_in(" ".join(titles))


def find_passages(
    text: str, blocks: list[Block], sections: tuple[Section, ...], title: str | None = None
) -> tuple[Passage, ...]:
    if not may_name_drugs("\n".join(b.text for b in blocks)) and not (title and may_name_drugs(title)):
        return ()  # no block and no title names a drug (most of a payer's library): one test of them all
    spans: list[tuple[int, int]] = []
    doc_drugs = document_drugs(blocks, title)
    if doc_drugs:
        body = [b for b in blocks if b.kind != "title"]
        if not sections and body and body[-1].end - body[0].start <= MAX_COVERAGE_SECTION:
            spans.append((body[0].start, body[-1].end))  # a short notice about the drug: all of it
        for s in sections:
            if (
                s.level == min(x.level for x in sections)
                and COVERAGE_HEADINGS.match(re.sub(r"^[\d.]+\s+", "", s.heading.rstrip(":")))
                and s.end - s.start <= MAX_COVERAGE_SECTION
            ):
                spans.append((s.start, s.end))
    for i, b in enumerate(blocks):
        if b.kind == "title" or not is_topic(b.text):
            continue  # the title is metadata; a renamed title is not a passage change
        chosen = None
        for s in enclosing(sections, b.start, b.end):
            if is_topic(s.heading) and s.end - s.start <= MAX_SECTION:
                chosen = (s.start, s.end)
                break
        if chosen is None:
            if b.kind == "heading":
                continue  # a long drug section: its paragraphs are passages of their own
            end = b.end
            if b.text.endswith(":"):
                # the list may hold sub-headings of the paragraph's section; any other heading (and any
                # heading at all before the first section) starts another part of the document
                here = enclosing(sections, b.start, b.end)
                for nxt in blocks[i + 1 :]:
                    if nxt.kind in ("item", "row"):
                        end = nxt.end
                    elif not (here and nxt.kind == "heading" and nxt.level > here[0].level):
                        break
            chosen = (b.start, end)
        spans.append(chosen)
    merged: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if merged and (
            start <= merged[-1][1]
            or (start == merged[-1][1] + 1 and _same_section(sections, merged[-1][0], start))
        ):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out = []
    for start, end in merged:
        ptext = text[start:end]
        inner = enclosing(sections, start, end)
        sec = inner[0] if inner else None
        covered = [b for b in blocks if b.start < end and b.end > start]
        out.append(
            Passage(
                section_path=sec.path if sec else (),
                heading=sec.heading if sec else "",
                text=ptext,
                start=start,
                end=end,
                page_start=min((b.page for b in covered if b.page is not None), default=None),
                page_end=max((b.pages[1] for b in covered if b.pages[1] is not None), default=None),
                drugs=drugs_in(ptext) or doc_drugs,
                indications=indications_in(ptext),
                codes=codes_in(ptext),
            )
        )
    return tuple(out)


def _same_section(sections: tuple[Section, ...], a: int, b: int) -> bool:
    ia, ib = enclosing(sections, a, a), enclosing(sections, b, b)
    return (ia[0] if ia else None) == (ib[0] if ib else None)


def passage_pages(blocks: list[Block]) -> set[int]:
    """Pages the topic passages of ``blocks`` span (the PDF fast path's closure test)."""
    return Rounds()(blocks)


class Rounds:
    """``passage_pages`` that keeps its last reading: the PDF fast path's final round has assembled
    the final blocks, built their sections and found their passages, which ``extract`` would otherwise
    do again (~1.5 ms of a 60-page policy naming the drugs)."""

    def __init__(self) -> None:
        self._last: tuple[list[Block], str, list[Block], tuple[Section, ...], tuple[Passage, ...]] | None = (
            None
        )

    def __call__(self, blocks: list[Block]) -> set[int]:
        copies = [Block(b.kind, b.text, b.level, b.page, page_last=b.page_last) for b in blocks]
        text, copies = assemble(copies)
        sections = build_sections(copies, len(text)) if copies else ()
        passages = find_passages(text, copies, sections)
        self._last = (blocks, text, copies, sections, passages)
        pages: set[int] = set()
        for p in passages:
            if p.page_start is not None and p.page_end is not None:
                pages.update(range(p.page_start, p.page_end + 1))
        return pages

    def reading(
        self, blocks: list[Block]
    ) -> tuple[str, list[Block], tuple[Section, ...], tuple[Passage, ...]] | None:
        """(text, blocks with offsets, sections, passages) of ``blocks`` if they were the last read
        (the same list), as ``assemble``, ``build_sections`` and ``find_passages`` give them; passages
        are the same with the document's title (it only adds a title block's drugs again)."""
        if self._last is None or self._last[0] is not blocks:
            return None
        return self._last[1:]
