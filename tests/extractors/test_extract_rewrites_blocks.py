"""Speed rewrites of the off-topic layout (issue #17, layfast) give what the code they replaced gave.

``layout.lines_to_blocks`` classifies each line in one pass (``layout._classify``) and joins its
paragraphs at once (``layout._join``); ``layout.furniture`` asks only a page's edge lines and
``_keep_topic_runs`` walks the marked ones. Each is compared with the code before, on generated pages
(broken words, items, headings, rows, small print, recurring lines naming the drugs) and on PDFium's
lines of rendered policies.
"""

from __future__ import annotations

import random
import re

from extractors import layout, normalize, terms
from extractors.layout import Line
from extractors.pdfium import read_pages
from extractors.sections import Block
from tests.support.pdf import _filler, load, mixed_policy, render, synthetic_policy

# -- layout.lines_to_blocks: one classifying pass, paragraphs joined at once -------------------------------


def _lines_to_blocks_before(
    pages: list[list[Line]], running: set[str] | None = None, body: float | None = None
) -> list[Block]:
    """``layout.lines_to_blocks`` before #17's layfast: an item test, a heading rule and a join per line
    or paragraph, each a call of its own."""
    edge_body = body if body is not None else layout.page_body(pages)
    if running is None:
        running = layout.running_shapes(pages, edge_body)
    lines = layout._content_lines(pages, running, edge_body)
    if not lines and running:
        lines = layout._content_lines(pages, set(), edge_body)
    if not lines:
        return []
    body = layout._body_size(lines)
    lines = layout._drop_small_print(lines, body)
    title_size = max((ln.size for ln in lines if ln.page == 0), default=body)
    is_title = title_size >= body + 3
    items = [layout._item(ln.text) for ln in lines]

    def heading_kind(ln: Line, is_item: bool) -> str | None:
        if ln.row or len(ln.text) > 150:
            return None
        if is_title and ln.page == 0 and ln.size == title_size:
            return "title"
        if is_item or ln.text.endswith((".", ",", ";")):
            return None
        if ln.size >= body + 1 or (ln.bold and layout._LETTER.search(ln.text)) or layout._is_vocab(ln.text):
            return "heading"
        return None

    kinds = [heading_kind(ln, is_item) for ln, (is_item, _) in zip(lines, items, strict=True)]
    body_lens = sorted(len(ln.text) for ln, k in zip(lines, kinds, strict=True) if k is None and not ln.row)
    full_len = body_lens[int(len(body_lens) * 0.9)] if body_lens else 80
    sizes = sorted(
        {ln.size for ln, k in zip(lines, kinds, strict=True) if k == "heading" and ln.size >= body + 1},
        reverse=True,
    )
    level_of = {s: i + 1 for i, s in enumerate(sizes)}

    def level(ln: Line) -> int:
        if ln.size in level_of:
            return level_of[ln.size]
        if layout._is_vocab(ln.text) and not ln.bold:
            return 1
        return len(sizes) + 1

    blocks: list[Block] = []
    cur: list[str] = []
    cur_block: Block | None = None
    prev: Line | None = None
    cur_x = 0.0

    def flush() -> None:
        nonlocal cur, cur_block
        if cur_block is not None and cur:
            cur_block.text = normalize.join_lines(cur, mark=True)
            blocks.append(cur_block)
        cur, cur_block = [], None

    for ln, kind, (is_item, text) in zip(lines, kinds, items, strict=True):
        if kind in ("title", "heading"):
            lvl = 0 if kind == "title" else level(ln)
            same = (
                cur_block is not None
                and cur_block.kind == kind
                and cur_block.level == lvl
                and prev is not None
                and prev.page == ln.page
                and prev.size == ln.size
                and prev.baseline - ln.baseline <= ln.size * 1.45
            )
            if not same:
                flush()
                cur_block = Block(kind, "", level=lvl, page=ln.page)
            cur.append(ln.text)
            cur_block.page_last = ln.page  # type: ignore[union-attr]
            prev = ln
            continue
        if ln.row:
            flush()
            blocks.append(Block("row", ln.text, page=ln.page))
            prev = ln
            continue
        new = cur_block is None or cur_block.kind not in ("para", "item") or is_item
        if not new and prev is not None:
            if prev.page == ln.page:
                new = prev.baseline - ln.baseline > max(prev.size, ln.size) * 1.45
                if cur_block.kind == "item" and ln.x <= cur_x + 1:  # type: ignore[union-attr]
                    new = True
            else:
                wrapped = len(cur[-1]) >= 0.85 * (max(map(len, cur[:-1])) if len(cur) > 1 else full_len)
                new = bool(re.search(r"[.:;!?]\"?$", cur[-1])) and not ln.text[:1].islower() and not wrapped
                if cur_block.kind == "item" and ln.x <= cur_x + 1:  # type: ignore[union-attr]
                    new = new or not ln.text[:1].islower()
        if new:
            flush()
            cur_block = Block("item" if is_item else "para", "", page=ln.page)
            cur_x = ln.x
        cur.append(text)
        cur_block.page_last = ln.page  # type: ignore[union-attr]
        prev = ln
    flush()
    for block, text in zip(blocks, normalize.resolve_line_hyphens([b.text for b in blocks]), strict=True):
        block.text = text
    return blocks


#: line texts: wrapped words broken by a hyphen, compounds, bullets, item numbers, headings, the section
#: vocabulary, sentence ends, noise, double spaces, tabs, non-ASCII, page-number and status lines
_LINE_PIECES = [
    "medi-", "cally", "treatment-", "resistant", "pre-", "gnancy", "non-", "preferred", "well-known", "x -",
    "-", "- ", "\u2022", "\u2022 ", "o ", "* ", "1.", "2)", "(b)", "iv.", "(viii)", "viii.", "(12)", "Policy",
    "Coverage Rationale", "Background:", "The member", "is covered.", "when:", "and", ";", ",", ".", "  ",
    "\t", "caf\u00e9", "\u2013", "\ufb01", "Page 3 of 9", "Copyright 2026", "(cid:127) ", "\u00a0", "A", "a",
    "Z-", "zeta-", "REVIEW", "Evidence Review Part 2", "x" * 70, "criteria " * 20,
]  # fmt: skip


def _generated_pages(seed: int) -> list[list[Line]]:
    """Pages of lines of every kind: a title on the first page, headings in larger or bold type, list items
    indented or not, rows, small print at the page edges, paragraphs over page breaks."""
    rng = random.Random(seed)
    pages = []
    for page in range(rng.randint(1, 6)):
        lines = [Line(page, "Example Health Plan Policy", 760.0, 54.0, 8.0, False)]
        if page == 0 and rng.random() < 0.7:
            lines.append(Line(page, "A Policy Title", 740.0, 54.0, rng.choice([14.0, 18.0]), True))
        y = 720.0
        for _ in range(rng.randint(0, 25)):
            text = "".join(
                rng.choice(_LINE_PIECES) + rng.choice(["", " ", " "]) for _ in range(rng.randint(1, 5))
            )
            size = rng.choice([10.0, 10.0, 10.0, 10.0, 9.0, 11.0, 12.0, 14.0, 8.0])
            lines.append(
                Line(
                    page,
                    text,
                    y,
                    rng.choice([54.0, 54.0, 72.0, 90.0]),
                    size,
                    rng.random() < 0.15,
                    rng.random() < 0.08,
                )
            )
            y -= rng.choice([12.0, 12.0, 12.0, 14.0, 18.0, 30.0])
        lines.append(Line(page, f"Page {page + 1}", 40.0, 54.0, 8.0, False))
        pages.append(lines)
    return pages


def _rendered() -> list[list[list[Line]]]:
    """PDFium's lines of rendered policies: the benchmark's, the mixed one, the fixtures in three variants."""
    sources = [synthetic_policy(8, ()), synthetic_policy(6, (2,)), mixed_policy(8, (3,))]
    sources += [load(n) for n in ("uhc-spravato.yaml", "uhc-botox-no-topic.yaml", "cigna-ketamine.yaml")]
    sources += [load(n) for n in ("premera-5-01-16.yaml", "mo-medicaid-esketamine.yaml")]
    out = []
    for src in sources:
        for variant in ("base", "rewrap", "typeset"):
            reading = read_pages(render(src, variant), check=lambda: None, max_pages=80)
            assert reading is not None
            out.append([p for p in reading.pages if p is not None])
    return out


def _copied(pages: list[list[Line]]) -> list[list[Line]]:
    return [[Line(ln.page, ln.text, ln.baseline, ln.x, ln.size, ln.bold, ln.row) for ln in p] for p in pages]


def test_blocks_equal_their_line_by_line_form() -> None:
    documents = _rendered() + [_generated_pages(seed) for seed in range(300)]
    for pages in documents:
        for running in (None, set()):
            before, after = _copied(pages), _copied(pages)
            want = _lines_to_blocks_before(before, running)
            assert layout.lines_to_blocks(after, running) == want, pages
            assert after == before  # the lines cleaned in place alike


def test_paragraphs_joined_at_once_equal_join_lines() -> None:
    """``layout._join`` on paragraphs of content lines (what ``lines_to_blocks`` gives it): broken words,
    compounds and dashes at the line ends, items, and none of them."""
    rng = random.Random(8)
    for seed in range(200):
        pages = _generated_pages(seed)
        lines = layout._content_lines(_copied(pages), set(), 10.0)
        texts = [layout._item(ln.text)[1] for ln in lines if not ln.row]
        paragraphs: list[list[str]] = []
        while texts:
            k = rng.randint(1, 4)
            paragraphs.append(texts[:k])
            texts = texts[k:]
        assert layout._join(paragraphs) == [normalize.join_lines(p, mark=True) for p in paragraphs]
    assert layout._join([["one", "two-"], ["three"]]) == ["one two-", "three"]
    assert layout._join([["medi-", "cally"]]) == [f"medi{normalize.LINE_HYPHEN}cally"]


# -- layout.furniture: only the edge lines asked, the marked lines walked ---------------------------------


def _furniture_before(pages: list[list[Line]], running: set[str], body: float) -> list[list[bool]]:
    """``layout.furniture`` before #17's layfast: every line of a page asked, every line walked."""
    edge = normalize.EDGE
    marks = []
    for page in pages:
        marked = [
            bool(running) and (k < edge or k >= len(page) - edge) and normalize.mask(ln.text) in running
            for k, ln in enumerate(page)
        ]
        if any(marked):
            k = 0
            while k < len(page):
                if not marked[k] or layout._set_smaller(page[k], body):
                    k += 1
                    continue
                end = k + 1
                while end < len(page) and marked[end] and page[end].size == page[k].size:
                    end += 1
                if terms.is_topic(" ".join(ln.text for ln in page[k:end])):
                    marked[k:end] = [False] * (end - k)
                k = end
        marks.append(marked)
    return marks


#: recurring lines: headers and footers, drug names among them, a sentence repeated at the top of pages
_EDGES = [
    ("Example Health Plan", 9.0), ("Spravato Program Manual", 9.0),
    ("Esketamine (Spravato) is covered", 10.0), ("when all of the following are met:", 10.0),
    ("Ketamine", 10.0), ("Page 1 of 9", 8.0), ("Confidential", 10.0), ("Medical Policy 5.01.16", 10.5),
    ("Ketalar notes", 12.0),
]  # fmt: skip


def _recurring_pages(seed: int) -> list[list[Line]]:
    rng = random.Random(seed)
    tops, bottoms = rng.sample(_EDGES, rng.randint(0, 4)), rng.sample(_EDGES, rng.randint(0, 3))
    pages = []
    for page in range(rng.randint(1, 8)):
        lines = [
            Line(page, t, 760.0 - 12 * k, 54.0, s, False)
            for k, (t, s) in enumerate(tops)
            if rng.random() < 0.9
        ]
        lines += [
            Line(page, _filler(page, k), 600.0 - 12 * k, 54.0, 10.0, False) for k in range(rng.randint(0, 14))
        ]
        lines += [
            Line(page, t, 60.0 - 12 * k, 54.0, s, False)
            for k, (t, s) in enumerate(bottoms)
            if rng.random() < 0.9
        ]
        pages.append(lines)
    return pages


def test_furniture_equals_its_line_by_line_form() -> None:
    for pages in [_recurring_pages(seed) for seed in range(400)] + _rendered():
        body = layout.page_body(pages)
        for running in (layout.running_shapes(pages, body), set()):
            assert layout.furniture(pages, running, body) == _furniture_before(pages, running, body), pages


def _kinds_before(lines: list[Line], body: float, title_size: float) -> list[str | None]:
    """The heading rule of ``lines_to_blocks`` before #17's layfast, line by line."""
    is_title = title_size >= body + 3
    out: list[str | None] = []
    for ln in lines:
        is_item = layout._item(ln.text)[0]
        if ln.row or len(ln.text) > 150:
            out.append(None)
        elif is_title and ln.page == 0 and ln.size == title_size:
            out.append("title")
        elif is_item or ln.text.endswith((".", ",", ";")):
            out.append(None)
        elif ln.size >= body + 1 or (ln.bold and layout._LETTER.search(ln.text)) or layout._is_vocab(ln.text):
            out.append("heading")
        else:
            out.append(None)
    return out


def test_the_heading_rule_reads_any_text_as_before() -> None:
    """Texts no content line has too (spaces at the ends, colons after a vocabulary heading, empty ones),
    the vocabulary in every case and length around the longest heading: the same kinds and items."""
    vocab = sorted(layout._VOCAB)
    texts = [*vocab, *(v.upper() + ":" * 40 for v in vocab), *(" " * 50 + v for v in vocab)]
    texts += [v + " " * 50 for v in vocab] + [v + " :" for v in vocab] + ["", ":", " ", "x" * 59, "x" * 61]
    texts += [v + "x" * (layout._VOCAB_LONGEST - len(v) + k) for v in vocab[:20] for k in (-1, 0, 1, 2)]
    rng = random.Random(4)
    lines = [
        Line(rng.randint(0, 1), t, 700.0, 54.0, rng.choice([10.0, 10.0, 12.0, 18.0]), rng.random() < 0.2)
        for t in texts + [rng.choice(_LINE_PIECES) * rng.randint(1, 3) for _ in range(2000)]
    ]
    for title_size in (10.0, 18.0):
        kinds, items, _ = layout._classify(lines, 10.0, title_size)
        assert kinds == _kinds_before(lines, 10.0, title_size)
        assert items == [
            rest if is_item else None for is_item, rest in map(layout._item, (ln.text for ln in lines))
        ]
