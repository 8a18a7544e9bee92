"""PDF lines → blocks: running headers, page noise, headings, paragraphs re-joined across wraps and pages.

Both PDF readers (PDFium in ``pdfium`` and pdfplumber in ``pdf``) emit the same ``Line`` records —
baseline, x, font size, boldness — so one set of layout rules turns either into blocks. That is what
lets the fast path mix PDFium pages with pdfplumber pages and still produce the same passages as the
all-pdfplumber path.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from itertools import chain, compress
from operator import itemgetter, not_

from . import normalize
from .sections import Block
from .terms import SECTION_VOCABULARY, is_topic

_VOCAB = set(SECTION_VOCABULARY)


@dataclass(slots=True)
class Line:
    page: int
    text: str
    baseline: float  # PDF user space, y grows upwards
    x: float
    size: float
    bold: bool
    row: bool = False  # a table row, cells joined with " | "


def is_bold(fontname: str) -> bool:
    """The one rule both readers use: a font is bold if its name says so ("ABCDEF+Arial-BoldMT")."""
    return bool(_BOLD.search(fontname))


_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)


def group_pieces(pieces: list[tuple[float, float, float, bool, str]], index: int) -> list[Line]:
    """Pieces of text (baseline, x, size, bold, text) → one ``Line`` per baseline (to 0.1 pt), pieces
    joined left to right with a space, as pdfplumber groups glyphs into rows."""
    rows: dict[float, list[tuple[float, float, bool, str]]] = {}
    for y, x, size, bold, s in pieces:
        rows.setdefault(round(y, 1), []).append((x, size, bold, s))
    lines = []
    for y in sorted(rows, reverse=True):
        items = sorted(rows[y], key=lambda t: t[0])
        text = " ".join(s for _, _, _, s in items)
        if not text.strip():
            continue
        lines.append(
            Line(
                page=index,
                text=text,
                baseline=y,
                x=items[0][0],
                size=max(t[1] for t in items),
                bold=all(t[2] for t in items if t[3].strip()),
            )
        )
    return lines


def _item(text: str) -> tuple[bool, str]:
    """(is a list item, the text with a bullet glyph as "- "): a bullet, or a number or letter with "."
    or ")" ("1.", "(b)", "iv)"). Both the heading rule (an item is no heading) and the paragraph rule (an
    item starts a block) ask it."""
    is_bullet, rest = normalize.bullet(text)
    return is_bullet or normalize.is_numbered(text), rest


_LETTER = re.compile(r"[A-Za-z]")


def _is_vocab(text: str) -> bool:
    return text.lower().rstrip(":").strip() in _VOCAB


_VOCAB_LONGEST = max(map(len, _VOCAB))
_SENTENCE_ENDS = frozenset(".,;")


def _body_size(lines: list[Line]) -> float:
    """The most used font size outside tables. Table cells are often set a point smaller than the text;
    counting them let a table-heavy policy's ordinary paragraphs pass for headings (their first lines
    became section titles, cutting "… is medically necessary when:" from its own sentence)."""
    weights: dict[float, int] = {}  # a plain dict: Counter's += costs twice as much, on every line
    get = weights.get
    for ln in lines:
        if not ln.row:
            weights[ln.size] = get(ln.size, 0) + len(ln.text)
    if sum(weights.values()) < 200:  # (almost) all table: the cells are the body
        for ln in lines:
            if ln.row:
                weights[ln.size] = get(ln.size, 0) + len(ln.text)
    # the first size of the largest weight, as ``Counter.most_common(1)`` picks it
    return max(weights.items(), key=itemgetter(1))[0] if weights else 10.0


def page_body(pages: list[list[Line]]) -> float:
    """``_body_size`` of every line of ``pages``: the size running headers and footers are judged by."""
    return _body_size([ln for page in pages for ln in page])


def _drop_small_print(lines: list[Line], body: float) -> list[Line]:
    """Footers and headers are set in small type at the page edges; on a one-page document this is the
    only way to tell them from the policy's own words."""
    small = body * 0.85
    if not any(ln.size <= small for ln in lines):
        return lines  # nothing in small type: nothing to drop (most documents)
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    drop: set[int] = set()
    for page in by_page.values():
        body_lines = [ln for ln in page if ln.size > body * 0.85]
        if not body_lines:
            continue
        top, bottom = max(ln.baseline for ln in body_lines), min(ln.baseline for ln in body_lines)
        for ln in page:
            if ln.size <= body * 0.85 and not ln.row and (ln.baseline > top or ln.baseline < bottom):
                drop.add(id(ln))
    return [ln for ln in lines if id(ln) not in drop]


def running_shapes(pages: list[list[Line]], body: float | None = None) -> set[str]:
    """Masked running header/footer lines. Lines set larger than the body text are never running: a
    numbered heading at the top of every page ("Part 2", "Part 3") is content, not furniture.
    ``body``: the body size of all of ``pages``' lines, if the caller has it."""
    if body is None:
        body = page_body(pages)
    return normalize.running_lines([[ln.text for ln in page if ln.size <= body + 0.5] for page in pages])


def furniture(
    pages: list[list[Line]], running: set[str] | None = None, body: float | None = None
) -> list[list[bool]]:
    """Per page, which lines are running headers/footers: the one decision the layout drops them by and
    the PDF fast path chooses its pages by (``pdf._read_plumbed``: a page whose only needle is in its
    furniture needs no exact reading). The two used to differ — the fast path took every running line for
    furniture, the layout kept a header naming the drug as policy text — so a header such as "Spravato
    Program Manual" drew every page into the passages, and joined the paragraph running over each page
    break (a wording alert whenever the pages broke elsewhere). ``running`` and ``body``: the running
    shapes and body size of all of ``pages``' lines, if the caller has them."""
    if body is None:
        body = page_body(pages)
    if running is None:
        running = running_shapes(pages, body)
    edge, mask = normalize.EDGE, normalize.mask
    marks = []
    for page in pages:
        n = len(page)
        marked = [False] * n
        if running:  # only the first and last ``edge`` lines can be furniture: only they are asked
            for k in range(n) if n <= 2 * edge else chain(range(edge), range(n - edge, n)):
                if mask(page[k].text) in running:
                    marked[k] = True
            if True in marked:
                _keep_topic_runs(page, marked, body)
        marks.append(marked)
    return marks


def _content_lines(pages: list[list[Line]], running: set[str], body: float) -> list[Line]:
    """The lines that are not running headers/footers, cleaned (``Line.text`` is rewritten in place).
    Table rows keep page-number-like cells; other lines lose page numbers, stamps and boilerplate.

    Lines are picked and walked by ``itertools`` (a Python loop a line cost ~0.15 ms on a 60-page
    policy): the kept ones, the few the noise gate stops, and then, unless a line was cleaned away,
    every kept line's text set."""
    marks = furniture(pages, running, body)
    kept = list(compress(chain.from_iterable(pages), map(not_, chain.from_iterable(marks))))
    texts = normalize.clean_all([ln.text for ln in kept])
    for k in compress(range(len(texts)), normalize.may_hold_noise(texts)):
        if not kept[k].row:
            texts[k] = normalize.strip_noise(texts[k])
    if all(texts):  # nothing cleaned away (most documents)
        for ln, text in zip(kept, texts, strict=True):
            ln.text = text
        return kept
    lines: list[Line] = []
    for ln, text in zip(kept, texts, strict=True):
        if text:
            ln.text = text
            lines.append(ln)
    return lines


def _set_smaller(ln: Line, body: float) -> bool:
    """A line set smaller than the text: furniture when it recurs, even if it names a drug. Policy text is
    set at the body size; a header or footer a point smaller ("Spravato Program Manual" in 9 pt over 10 pt
    text) is not. A table row keeps the small-print bound (cells are often set a point smaller than the
    text, and a header row repeated on each page of a long table is the table's own)."""
    return ln.size <= body * 0.85 if ln.row else ln.size < body - 0.5


def _keep_topic_runs(page: list[Line], furniture: list[bool], body: float) -> None:
    """Un-mark the recurring lines that are policy text about the drugs, not furniture.

    A policy may repeat a sentence at the top of several pages ("Esketamine (Spravato) is covered for
    ... when:" before each page's criteria), which the running-line rule takes for a header: dropped,
    its passage vanished. A run of recurring lines set in one size (a wrapped sentence) is kept when
    together they name a drug, unless it is set smaller than the text (``_set_smaller``: a header
    "Spravato Policy | Page 2" in 9 pt over 10 pt text stays furniture). ``furniture`` is changed in
    place. It walks the marked lines only, not every line."""
    n = len(page)
    done = 0  # the lines before are read
    for k in list(compress(range(n), furniture)):
        if k < done or _set_smaller(page[k], body):
            continue
        end = k + 1
        while end < n and furniture[end] and page[end].size == page[k].size:
            end += 1
        if is_topic(" ".join(ln.text for ln in page[k:end])):
            furniture[k:end] = [False] * (end - k)
        done = end


def lines_to_blocks(
    pages: list[list[Line]], running: set[str] | None = None, body: float | None = None
) -> list[Block]:
    """Turn the lines of every page (reading order) into blocks. ``running`` and ``body``: the running
    shapes and body size of all of ``pages``' lines, if the caller has them (``pdf.read_pdf`` keeps the
    shapes for the document's furniture text: computed once, on the lines as read, before this cleans
    their text in place)."""
    edge_body = body if body is not None else page_body(pages)
    if running is None:
        running = running_shapes(pages, edge_body)
    lines = _content_lines(pages, running, edge_body)
    if not lines and running:
        # every line is "running": a document that says one thing on every page (pdftotext reads it).
        # Furniture removal must never empty a document into "no text layer".
        lines = _content_lines(pages, set(), edge_body)
    if not lines:
        return []
    body = _body_size(lines)
    lines = _drop_small_print(lines, body)
    title_size = max((ln.size for ln in lines if ln.page == 0), default=body)
    kinds, items, sizes = _classify(lines, body, title_size)
    full_len = -1  # the length of a full line of body text, read when a paragraph first crosses a page
    level_of = {s: i + 1 for i, s in enumerate(sizes)}

    def level(ln: Line) -> int:
        if ln.size in level_of:
            return level_of[ln.size]
        if _is_vocab(ln.text) and not ln.bold:
            return 1
        return len(sizes) + 1

    blocks: list[Block] = []
    # the blocks made of lines (all but rows) and their lines, joined at the end (``_join``)
    joined: list[Block] = []
    paragraphs: list[list[str]] = []
    cur: list[str] = []
    cur_block: Block | None = None
    prev: Line | None = None
    cur_x = 0.0
    last = 0

    def flush() -> None:
        nonlocal cur, cur_block
        if cur_block is not None and cur:
            cur_block.page_last = last
            blocks.append(cur_block)
            joined.append(cur_block)
            paragraphs.append(cur)
        cur, cur_block = [], None

    for ln, kind, item in zip(lines, kinds, items, strict=True):
        if kind is not None:  # a title or a heading
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
            last = ln.page
            prev = ln
            continue
        if ln.row:
            flush()
            blocks.append(Block("row", ln.text, page=ln.page))
            prev = ln
            continue
        is_item = item is not None
        new = cur_block is None or cur_block.kind not in ("para", "item") or is_item
        if not new and prev is not None:
            if prev.page == ln.page:
                gap = prev.size if prev.size > ln.size else ln.size
                new = prev.baseline - ln.baseline > gap * 1.45
                if cur_block.kind == "item" and ln.x <= cur_x + 1:  # type: ignore[union-attr]
                    new = True
            else:  # across a page break: continue unless the last line closed a sentence and was short
                if len(cur) == 1 and full_len < 0:
                    full_len = _full_length(lines, kinds)
                wrapped = len(cur[-1]) >= 0.85 * (max(map(len, cur[:-1])) if len(cur) > 1 else full_len)
                new = bool(re.search(r"[.:;!?]\"?$", cur[-1])) and not ln.text[:1].islower() and not wrapped
                if cur_block.kind == "item" and ln.x <= cur_x + 1:  # type: ignore[union-attr]
                    new = new or not ln.text[:1].islower()
        if new:
            flush()
            cur_block = Block("item" if is_item else "para", "", page=ln.page)
            cur_x = ln.x
        cur.append(item if is_item else ln.text)  # type: ignore[arg-type]  # an item's text is a str
        last = ln.page
        prev = ln
    flush()
    for block, text in zip(joined, _join(paragraphs), strict=True):
        block.text = text
    for block, text in zip(blocks, normalize.resolve_line_hyphens([b.text for b in blocks]), strict=True):
        block.text = text
    return blocks


def _classify(
    lines: list[Line], body: float, title_size: float
) -> tuple[list[str | None], list[str | None], list[float]]:
    """One pass over the content lines for the paragraph rules: each line's kind ("title", "heading" or
    None), its text if it is a list item (a bullet glyph as "- ", ``_item``; None for any other line),
    and the heading sizes above the body, largest first.

    A line's item test reads its first characters before ``_item`` is asked (a bullet glyph, or an item
    number's first character with a "." or ")" among the first six, as ``normalize.bullet`` and
    ``normalize.is_numbered`` read them): most lines are neither, and the three calls a line, with a
    call of the heading rule, were a fifth of the layout's time (#17)."""
    is_title = title_size >= body + 3
    big = body + 1
    kinds: list[str | None] = []
    items: list[str | None] = []
    sizes: set[float] = set()
    bullets, numbers = normalize.BULLET_FIRST, normalize.NUMBER_FIRST
    add_kind, add_item = kinds.append, items.append
    for ln in lines:
        text = ln.text
        first = text[:1]
        item = None
        if first in bullets or (first in numbers and ("." in text[:6] or ")" in text[:6])):
            is_item, rest = _item(text)
            if is_item:
                item = rest
        # the heading rule: a table row, a long line, an item or a line ending a sentence is none
        kind: str | None = None
        if ln.row or len(text) > 150:
            pass
        elif is_title and ln.page == 0 and ln.size == title_size:
            kind = "title"
        elif item is not None or text[-1:] in _SENTENCE_ENDS:
            pass
        elif ln.size >= big:
            kind = "heading"
            sizes.add(ln.size)
        elif (ln.bold and _LETTER.search(text)) or (
            # ``_is_vocab``, asked only of a text its ``lower``, ``rstrip(":")`` and ``strip`` can bring
            # down to a vocabulary heading's length (``lower`` never shortens)
            (len(text) <= _VOCAB_LONGEST or text[-1] == ":" or text[-1].isspace() or text[0].isspace())
            and _is_vocab(text)
        ):
            kind = "heading"
        add_kind(kind)
        add_item(item)
    return kinds, items, sorted(sizes, reverse=True)


def _full_length(lines: list[Line], kinds: list[str | None]) -> int:
    """The length of a full line of body text: the 90th percentile of the lines outside headings and
    tables (80 without any)."""
    body_lens = sorted(len(ln.text) for ln, k in zip(lines, kinds, strict=True) if k is None and not ln.row)
    return body_lens[int(len(body_lens) * 0.9)] if body_lens else 80


def _join(paragraphs: list[list[str]]) -> list[str]:
    """``normalize.join_lines(p, mark=True)`` of each paragraph, read for all at once (~0.02 ms for a
    60-page policy's 300 paragraphs, against ~0.3 ms one by one).

    Their lines are ``_content_lines``' (a list item's with "- " for its glyph): stripped, not empty,
    their only whitespace single spaces (``normalize.clean`` and ``strip_noise`` leave no other). Of
    such lines ``join_lines`` makes the lines joined by spaces, unless a line ends in an ASCII letter and
    a hyphen and the next one starts in lower case (a word broken at the line end): where no paragraph
    has a letter, a hyphen and a space in a row, none has such a break."""
    outs = [" ".join(p) for p in paragraphs]
    every = " ".join(outs)
    i = every.find("-", 1)
    while i > 0:  # a hyphen is a rare character: a look at each costs less than a scan for "- "
        if every[i + 1 : i + 2] == " " and every[i - 1] in _ASCII_LETTERS:
            return [normalize.join_lines(p, mark=True) for p in paragraphs]
        i = every.find("-", i + 1)
    return outs


_ASCII_LETTERS = frozenset(string.ascii_letters)
