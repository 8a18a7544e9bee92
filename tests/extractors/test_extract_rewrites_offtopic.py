"""Speed rewrites of the off-topic extraction (issue #17, layfast) give what the code they replaced gave.

``terms.may_name_drugs`` and ``status.may_say_status`` answer for a whole document's blocks at once
(``passages.find_passages``, ``metadata._notices``) and gate ``drugs_in`` / ``says_status`` for non-ASCII
text too, which is exact where the text holds none of ``terms.CASE_TWINS``; ``metadata._labelled``
searches near its needles only; ``layout.lines_to_blocks`` classifies each line in one pass and joins
its paragraphs at once (``layout._join``). Each is compared with its reference form (a gate forced open,
or the code before), on generated blocks and lines, rendered policies and the facts tables' wordings;
``streams._streams`` reads a stream's dictionary in place and ``refuse_bombs`` adds a one-level Flate
stream's bound at once (against the copying form, on byte soups).
"""

from __future__ import annotations

import random
import re
import string
import sys

import pytest

from extractors import layout, metadata, normalize, passages, status, streams, terms
from extractors.layout import Line
from extractors.pdfium import read_pages
from extractors.sections import Block, assemble, build_sections
from tests.extractors.test_extract_rewrites import _texts
from tests.extractors.test_extract_rewrites_layout import _LABEL_SETS, _labelled_now
from tests.support.pdf import _filler, load, mixed_policy, render, synthetic_policy

#: drug names, codes, status words, the case twins inside them and other non-ASCII text
_WORDS = [
    "ketamine", "KETAMINE", "Ketalar", "spravato", "Spravato", "es-ketamine", "(S)-ketamine", "S0013",
    "J0013", "G2082", "g2083", "J3490", "\u212aetamine", "ketam\u0131ne", "KETAM\u0130NE", "\u017fpravato",
    "Es\u212aetamine", "retired", "ARCHIVED", "superseded", "\u017fuper\u017feded", "retir\u0130ed",
    "replaced by", "no longer active", "No Longer", "caf\u00e9", "\u2013", "\u00e9", "policy", "criteria",
    "Evidence Review", "x", " ", "-", "(", ")", "\n",
]  # fmt: skip


def _made(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    pieces = _WORDS + ["covered", "when", "the", "member", "is", "18", "Effective Date:", "01/02/2026"]
    return [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(n)]


def _drugs_regexes(text: str) -> tuple[str, ...]:
    """``terms.drugs_in`` without any gate: its three regexes."""
    found = set()
    if terms.ESKETAMINE_RE.search(text) or terms.TOPIC_CODE_RE.search(text):
        found.add("esketamine")
    if terms.KETAMINE_RE.search(text):
        found.add("ketamine")
    return tuple(d for d in ("ketamine", "esketamine") if d in found)


def test_the_case_twins_are_every_character_a_case_insensitive_ascii_pattern_takes_for_ascii() -> None:
    """Every code point outside ASCII that an ASCII letter, digit or sign matches under ``re.I``."""
    everything = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    found = set()
    for ch in string.ascii_letters + string.digits + string.punctuation + " ":
        found.update(m.group() for m in re.finditer(re.escape(ch), everything, re.I))
    assert found == set(terms.CASE_TWINS)


def test_the_drug_gate_equals_the_drug_regexes_in_any_script() -> None:
    for text in _texts() + _made(1, 3000) + [w + tail for w in _WORDS for tail in ("", "s", ".")]:
        assert terms.drugs_in(text) == _drugs_regexes(text), repr(text)
        if not terms.may_name_drugs(text):
            assert not _drugs_regexes(text), repr(text)


def test_the_status_gate_equals_the_status_regex_in_any_script() -> None:
    for text in _texts() + _made(2, 3000):
        assert status.says_status(text) == bool(status.STATUS_WORDS.search(text)), repr(text)


@pytest.mark.parametrize("seed", range(4))
def test_one_gate_for_all_pieces_says_no_only_when_each_piece_says_no(seed: int) -> None:
    """A joined text the gates pass over holds no piece that names a drug or a status (the passages and
    notices of a whole document are skipped on that)."""
    rng = random.Random(seed)
    made = _made(seed + 10, 3000) + _texts()
    for _ in range(1000):
        pieces = rng.sample(made, rng.randint(0, 6))
        joined = "\n".join(pieces)
        if not terms.may_name_drugs(joined):
            assert not any(_drugs_regexes(p) for p in pieces), pieces
        if not status.may_say_status(joined):
            assert not any(status.STATUS_WORDS.search(p) for p in pieces), pieces


def _documents(seed: int) -> list[tuple[str, list[Block], str | None]]:
    """(text, blocks, title) of generated documents: headings of levels 1-3 among paragraphs, items and
    rows; most name no drug and no status, some do in one block, in the title or in the heading."""
    rng = random.Random(seed)
    plain = [t for t in _texts() if not terms.may_name_drugs(t) and not status.may_say_status(t)]
    spice = _made(seed, 400)
    out = []
    for _ in range(150):
        blocks = [Block("title", rng.choice(plain + spice[:20]), page=0)] if rng.random() < 0.7 else []
        for k in range(rng.randint(0, 30)):
            kind = rng.choice(("heading", "para", "para", "item", "row"))
            text = rng.choice(spice) if rng.random() < 0.05 else rng.choice(plain)
            level = rng.randint(1, 3) if kind == "heading" else 0
            blocks.append(Block(kind, text, level=level, page=k // 6))
        text, kept = assemble(blocks)
        title = rng.choice([None, None, "Ketamine infusion", "Evidence review", "Caf\u00e9 K\u0131tap"])
        out.append((text, kept, title))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_passages_and_notices_equal_their_block_by_block_form(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = _documents(seed)
    now = []
    for text, blocks, title in documents:
        sections = build_sections(blocks, len(text)) if blocks else ()
        now.append(
            (passages.find_passages(text, blocks, sections, title), metadata._notices(blocks, sections))
        )
    monkeypatch.setattr(passages, "may_name_drugs", lambda text: True)
    monkeypatch.setattr(metadata, "may_say_status", lambda text: True)
    for (text, blocks, title), got in zip(documents, now, strict=True):
        sections = build_sections(blocks, len(text)) if blocks else ()
        before = passages.find_passages(text, blocks, sections, title), metadata._notices(blocks, sections)
        assert got == before, (blocks, title)
    assert any(p for p, _ in now) and any(n for _, n in now)  # both gates also let documents through


# -- metadata._labelled near its needles ----------------------------------------------------------------

#: every ``_labelled`` call of ``read_metadata``: (labels, needles)
_CALLS = (
    (r"revision effective", ("revision effective",)),
    (r"(?<!original )(?<!ending )effective|date effective", ("effective",)),
    (r"original effective", ("original effective",)),
    (
        r"last review(?:ed)?|last revised|revised|revision|last updated|updated|publication|published|"
        r"posted|date of last review|issued|release",
        (
            "review",
            "revised",
            "revision",
            "updated",
            "publication",
            "published",
            "posted",
            "issued",
            "release",
        ),
    ),
    (r"next (?:annual )?review|review due|scheduled review", ("review",)),
)


def test_the_calls_are_read_metadatas_and_their_labels_are_shorter_than_the_reach() -> None:
    import inspect

    source = inspect.getsource(metadata.read_metadata)
    assert source.count("_labelled(") == len(_CALLS) + 1  # "original effective" is asked twice
    for labels, needles in _CALLS:
        assert labels in source.replace('"\n        r"', "").replace('"\n            r"', "")
        assert labels in _LABEL_SETS
        width = re._parser.parse(labels).getwidth()  # type: ignore[attr-defined]
        assert width[1] + 1 < metadata.LABEL_REACH, labels
        for alternative in re.sub(r"\(\?<![^)]*\)", "", labels).split("|"):
            assert any(n in alternative.replace("(?:ed)?", "") for n in needles), alternative


def test_a_labelled_date_near_the_needles_is_the_one_the_whole_search_finds() -> None:
    """The labels, their needles without a label ("Evidence Review", "Published studies"), dates of every
    form, separators and other words, in random order and at every distance: the same date as the
    search of the whole text."""
    pieces = [
        "Effective Date", "effective", "Original Effective Date:", "Revision effective", "Last Reviewed",
        "last review", "Date of Last Review", "Published", "Next Annual Review", "review due", "Revised",
        "ending effective", "Updated", "Issued", "Release", "01/02/2026", "Jan 5, 2026", "2026-03-04",
        "on", "date", ":", "|", "(", ")", "-", ".", " ", "\n", "\n\n", "x", "Policy", "\t",
        "Evidence Review Part 3", "Published studies of", "the comparator therapies enrolled adults",
        "scheduled", "next", "annual", "revision", "original", "posted", "publication",
    ]  # fmt: skip
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(4000)]
    texts += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(1000)]
    texts += [line for line in _texts() if re.search(r"\d", line)]
    for text in texts:
        for labels, needles in _CALLS:
            before = _labelled_now(text, labels)
            want = metadata.parse_date(before) if before else None
            assert metadata._labelled(text, labels, needles) == want, (text, labels)


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


# -- streams: the dictionary read in place, one Flate level counted at once --------------------------------


def _streams_before(data: bytes) -> list[tuple[int, int, list[bytes]]]:
    """``streams._streams`` before #17's layfast: each stream's 4 KiB before it copied, then cut."""
    out, pos = [], 0
    while (m := streams._STREAM.search(data, pos)) is not None:
        start = m.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        pos = end
        head = data[max(0, m.start() - 4096) : m.start()]
        obj = head.rfind(b" obj")
        head = head[obj:] if obj >= 0 else head
        filters = streams._FILTER.findall(head)
        if filters and not streams._IMAGE.search(head):
            out.append((start, end, filters))
    return out


def _bound_before(data: bytes, limit: int) -> bool:
    """Whether ``refuse_bombs`` before #17's layfast went on to inflate (its bound passed ``limit``)."""
    bound = 0
    for start, end, filters in _streams_before(data):
        wrappers = 0
        while wrappers < len(filters) and filters[wrappers] in streams._ASCII:
            wrappers += 1
        levels = min(sum(f in (b"FlateDecode", b"Fl") for f in filters[wrappers:]), 4)
        size = (end - start) * 4**wrappers
        for _ in range(levels):
            size *= streams.FLATE_RATIO
            bound += size
        if bound > limit:
            return True
    return False


def _soups(seed: int) -> list[bytes]:
    """Byte soups of stream keywords, dictionaries, filter names (chains, wrappers, short names, images),
    object headers near and far, and binary filler."""
    rng = random.Random(seed)
    pieces = [
        b"stream\n", b"stream\r\n", b"endstream", b"\nendstream", b" obj", b"4 0 obj", b"<< /Length 9",
        b"/Filter /FlateDecode", b"/Filter [/FlateDecode /FlateDecode]", b"/Fl", b"/FlateDecodeX",
        b"/ASCII85Decode", b"/A85", b"/AHx", b"/ASCIIHexDecode", b"/Subtype /Image", b"/Subtype/Image",
        b" >>\n", b"x" * 50, b"\x00\xff" * 30, b"z" * 3000, b"/", b"\r",
    ]  # fmt: skip
    return [b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(1500)]


def test_streams_and_their_bound_equal_their_copying_form(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _soups(3) + [render(synthetic_policy(6, ())), render(load("uhc-spravato.yaml"), "typeset")]
    inflated: list[bytes] = []
    monkeypatch.setattr(streams, "check_inflation", lambda data, limit: inflated.append(data))
    for data in files:
        assert list(streams._streams(data)) == _streams_before(data), data
        for limit in (0, 5_000, 200_000, 10**7, streams.MAX_INFLATED):
            inflated.clear()
            streams.refuse_bombs(data, limit)
            assert bool(inflated) == _bound_before(data, limit), (data, limit)


# -- normalize: the noise gate's words and the printed-on words spelled out --------------------------------


def _may_hold_noise_before(lines: list[str]) -> list[bool]:
    """``normalize.may_hold_noise`` before #17's layfast: each noise word looked for in the whole page."""
    read = normalize._residues(lines, normalize._PLAIN)
    if read is None:
        return [True] * len(lines)
    blob, left = read
    low = blob.lower()
    if any(w in low for w in normalize._NOISE_WORDS):
        return [
            bool(rest) or any(w in line for w in normalize._NOISE_WORDS)
            for rest, line in zip(left, low.split(b"\n"), strict=True)
        ]
    return [bool(rest) for rest in left]


@pytest.mark.parametrize("seed", range(4))
def test_the_noise_gate_and_the_printed_words_equal_their_generator_forms(seed: int) -> None:
    rng = random.Random(seed)
    words = ["right", "Rights", "copy", "copyright", "rights reserved", "RIGHTS RESERVED", "proprietary",
             "Proprietary", "bright", "printed", "Generated", "viewed", "report date", "x", "1", "(",
             "\u00e9"]  # fmt: skip
    texts = _texts() + [" ".join(rng.choice(words) for _ in range(rng.randint(0, 4))) for _ in range(3000)]
    for text in texts:
        low = text.lower()
        assert normalize._printed_word(low) == any(w in low for w in normalize._PRINTED_WORDS), text
    for _ in range(400):
        page = rng.sample(texts, rng.randint(0, 12))
        assert normalize.may_hold_noise(page) == _may_hold_noise_before(page), page


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
