"""Speed rewrites of the off-topic PDF path (issue #17, layoutspeed) give what the code they replaced gave.

``normalize.may_hold_noise`` reads every line's noise gate in one ``bytes.translate`` pass;
``normalize.bullet`` and ``normalize.is_numbered`` look up the first character before their regex;
``layout._content_lines`` cleans its lines in one list and strips noise from the gated ones only, and
``layout._item`` answers "is this a list item" once for the heading rule and the paragraph rule;
``metadata._labelled`` and ``streams._STREAM`` start with a class or a literal the regex engine scans
for; ``sections.enclosing`` walks the nesting of ordered sections. Each is
compared with its reference form here, on generated lines and on the wordings the facts tables hold
(tests/extractors/test_extract_rewrites.py's ``_texts``), and the whole layout on rendered policies.
"""

from __future__ import annotations

import functools
import random
import re

import pytest

from extractors import layout, metadata, normalize, streams
from extractors import sections as sections_module
from extractors.layout import Line
from extractors.model import Section
from extractors.sections import Block, assemble, build_sections, enclosing
from tests.extractors.test_extract_rewrites import _texts
from tests.support.pdf import load, mixed_policy, render, synthetic_policy

#: pieces of lines: the noise patterns' words, digits, brackets, separators, bullets and non-ASCII text
_WORDS = [
    "Page", "page", "of", "/", "3", "12", "2026", "-", " ", "  ", "|", "(c)", "(C)", "©", "Copyright",
    "COPYRIGHT", "All Rights Reserved", "rights reserved", "Proprietary information of", "PROPRIETARY",
    "Inc.", "Printed on", "Generated:", "01/02/2026", "Jan 5, 2026", "Evidence", "Review", "Part", ":",
    "é", "\u2022", "\u2013", "\u00a0", "\ufb01", "(", ")", "1.", "a)", "iv.", "(b)", "\uf0b7", "o", "*",
    "\u27a2", "\t", "\x00", "\udc80", "ketamine", "Esketamine", "criteria",
]  # fmt: skip


def _made(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(_WORDS) + rng.choice(["", " "]) for _ in range(rng.randint(0, 7)))
        for _ in range(n)
    ]


@functools.cache
def _lines() -> list[str]:
    return _texts() + _made(17, 6000) + [f"Evidence Review Part {k}" for k in range(12)] + ["", " ", "x"]


# -- normalize.may_hold_noise ------------------------------------------------------------------------------


def test_a_line_the_noise_gate_passes_is_one_strip_noise_leaves_as_it_is() -> None:
    lines = _lines()
    for line, maybe in zip(lines, normalize.may_hold_noise(lines), strict=True):
        if not maybe:
            assert normalize.strip_noise(line) == line, repr(line)


@pytest.mark.parametrize("seed", range(6))
def test_the_noise_gate_reads_every_line_of_a_page_as_it_reads_it_alone(seed: int) -> None:
    """All lines at once or one at a time: the same answer (a noise word anywhere in the page makes
    every line ask for the words; a line break inside a line makes every line True)."""
    lines = _made(seed, 40)
    together = normalize.may_hold_noise(lines)
    if any("\n" in line for line in lines):
        assert together == [True] * len(lines)
    else:
        assert together == [normalize.may_hold_noise([line])[0] for line in lines]


def test_the_noise_gate_passes_plain_words_and_stops_digits_brackets_words_and_other_scripts() -> None:
    lines = [
        "Published studies of the comparator therapies enrolled adults.",
        "Evidence Review Part 3",
        "See (c) above",
        "Copyright Example Health",
        "ALL RIGHTS RESERVED",
        "Proprietary information of the plan",
        "Caf\u00e9 text",
        "",
        "no digits here, nothing to strip",
    ]
    assert normalize.may_hold_noise(lines) == [False, True, True, True, True, True, True, False, False]
    assert normalize.may_hold_noise(["plain", "two\nlines"]) == [True, True]
    assert normalize.may_hold_noise(["plain", "Copyright"]) == [False, True]
    assert normalize.may_hold_noise([]) == []


# -- normalize.bullet / normalize.is_numbered ---------------------------------------------------------------

_TAILS = (
    " x",
    "  item",
    " ",
    "",
    ". x",
    ") x",
    "1. x",
    "0) x",
    "i. x",
    "iv) x",
    "viii. x",
    ". ",
    "x",
    "12) y",
)


def test_only_a_bullet_glyph_starts_a_bullet_match() -> None:
    """``bullet``'s first-character look-up skips no line its regex matches: every character of the
    Basic Multilingual Plane, with the tails a bullet or a number takes."""
    for code in range(0x10000):
        ch = chr(code)
        for tail in _TAILS:
            if normalize._BULLET.match(ch + tail):
                assert ch in normalize.BULLET_FIRST, (hex(code), tail)
            if normalize.NUMBERED.match(ch + tail) or normalize.NUMBERED.match(f"{ch}i{tail}"):
                assert ch in normalize.NUMBER_FIRST, (hex(code), tail)


def _bullet_before(line: str) -> tuple[bool, str]:
    m = normalize._BULLET.match(line)
    if m and line[m.end() :]:
        return True, "- " + line[m.end() :]
    return False, line


def test_bullet_and_is_numbered_equal_their_regexes() -> None:
    """The generated lines, and every item number with its mark at the last place it can be."""
    numbers = [f"{o}{n}{c} x" for o in ("", "(") for n in ("1", "12", "b", "viii", "ix") for c in ".)"]
    for line in _lines() + numbers + [n.replace(" x", "x") for n in numbers]:
        assert normalize.bullet(line) == _bullet_before(line), repr(line)
        assert normalize.is_numbered(line) == bool(normalize.NUMBERED.match(line)), repr(line)


def test_an_item_is_a_bullet_or_a_number_as_both_layout_rules_asked() -> None:
    for line in _lines():
        is_bullet, rest = normalize.bullet(line)
        assert layout._item(line) == (is_bullet or bool(normalize.NUMBERED.match(line)), rest), repr(line)


# -- layout._content_lines ---------------------------------------------------------------------------------


def _content_lines_before(pages: list[list[Line]], running: set[str], body: float) -> list[Line]:
    """``layout._content_lines`` before the noise gate read all lines at once (#17)."""
    lines: list[Line] = []
    for page, marked in zip(pages, layout.furniture(pages, running, body), strict=True):
        for ln, drop in zip(page, marked, strict=True):
            if drop:
                continue
            text = normalize.clean(ln.text)
            if not ln.row:
                text = normalize.strip_noise(text)
            if text:
                ln.text = text
                lines.append(ln)
    return lines


def _copy(pages: list[list[Line]]) -> list[list[Line]]:
    return [[Line(ln.page, ln.text, ln.baseline, ln.x, ln.size, ln.bold, ln.row) for ln in p] for p in pages]


def _made_pages(seed: int) -> list[list[Line]]:
    """Pages of generated lines: rows among them, a running header and a page number on each page."""
    rng = random.Random(seed)
    made = _made(seed, 200)
    pages = []
    for page in range(5):
        lines = [Line(page, "Example Health Plan", 750.0, 72.0, 9.0, False)]
        for k in range(rng.randint(0, 12)):
            lines.append(Line(page, rng.choice(made), 700.0 - 12 * k, 72.0, 10.0, False, rng.random() < 0.2))
        lines.append(Line(page, f"Page {page + 1} of 5", 40.0, 72.0, 8.0, False))
        pages.append(lines)
    return pages


def _rendered_pages() -> list[list[list[Line]]]:
    from extractors.pdfium import read_pages

    out = []
    for src in (synthetic_policy(6, (2,)), mixed_policy(6, (3,)), load("uhc-spravato.yaml")):
        reading = read_pages(render(src), check=lambda: None, max_pages=50)
        assert reading is not None
        out.append([p for p in reading.pages if p is not None])
    return out


@pytest.mark.parametrize("running", [True, False])
def test_content_lines_equal_their_line_by_line_form(running: bool) -> None:
    documents = [_made_pages(seed) for seed in range(8)] + _rendered_pages()
    for pages in documents:
        body = layout._body_size([ln for page in pages for ln in page])
        shapes = layout.running_shapes(pages, body) if running else set()
        before, after = _copy(pages), _copy(pages)
        assert layout._content_lines(after, shapes, body) == _content_lines_before(before, shapes, body)
        assert after == before  # the lines are cleaned in place alike, dropped ones included


# -- metadata._labelled ------------------------------------------------------------------------------------

_LABEL_SETS = (
    r"revision effective",
    r"(?<!original )(?<!ending )effective|date effective",
    r"original effective",
    r"last review(?:ed)?|last revised|revised|revision|last updated|updated|publication|published|"
    r"posted|date of last review|issued|release",
    r"next (?:annual )?review|review due|scheduled review",
)


def _labelled_before(text: str, labels: str) -> str | None:
    """``metadata._labelled``'s regex before the line break put before the text (#17): the date it reads."""
    m = re.search(
        rf"(?:^|[\s|(])(?:{labels})\s*(?:date)?[\s:.\-|]*(?:on\s+)?{metadata._D}", text, re.I | re.M
    )
    return m.group(1) if m else None


def _labelled_now(text: str, labels: str) -> str | None:
    m = re.search(rf"[\s|(](?:{labels})\s*(?:date)?[\s:.\-|]*(?:on\s+)?{metadata._D}", "\n" + text, re.I)
    return m.group(1) if m else None


def test_a_labelled_date_is_the_one_the_multiline_pattern_read() -> None:
    """The labels at the start of the text, of a line, after a space, "|" or "(" and glued to a word,
    with dates of every form around them: the same date (and ``_labelled`` parses the one it finds)."""
    pieces = [
        "Effective Date", "effective", "Original Effective Date:", "Revision effective", "Last Reviewed",
        "last review", "Date of Last Review", "Published", "Next Annual Review", "review due", "Revised",
        "ending effective", "Updated", "Issued", "Release", "01/02/2026", "Jan 5, 2026", "2026-03-04",
        "on", "date", ":", "|", "(", ")", "-", ".", " ", "\n", "\n\n", "x", "Policy", "\t",
    ]  # fmt: skip
    rng = random.Random(3)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    texts += [line for line in _texts() if re.search(r"\d", line)]
    for text in texts:
        for labels in _LABEL_SETS:
            before = _labelled_before(text, labels)
            assert _labelled_now(text, labels) == before, (text, labels)
            assert metadata._labelled(text, labels) == (metadata.parse_date(before) if before else None)


# -- streams._STREAM ---------------------------------------------------------------------------------------


def test_the_stream_keyword_is_found_where_the_leading_look_behind_found_it() -> None:
    before = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
    pieces = [b"stream", b"endstream", b"end", b"\r\n", b"\n", b"\r", b" ", b"x", b"obj", b"streamstream"]
    rng = random.Random(9)
    for _ in range(5000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        spans = [m.span() for m in streams._STREAM.finditer(data)]
        assert spans == [m.span() for m in before.finditer(data)], data


# -- normalize.clean_all -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_clean_all_equals_clean_line_by_line(seed: int) -> None:
    """Pages of generated lines (double spaces, "(cid:" glyphs, tabs, non-ASCII, line breaks inside a
    line, spaces at the ends) and the tables' wordings, cleaned all at once and one at a time."""
    rng = random.Random(seed)
    extra = [
        "(cid:127) ",
        "(cid:3)",
        "  ",
        " x ",
        "\t",
        "\n",
        "\x0c",
        "\u00a0",
        "\ufb01",
        "caf\u00e9",
        "\u2019",
    ]
    pages = [
        [rng.choice(_WORDS + extra) * rng.randint(1, 2) for _ in range(rng.randint(0, 9))] for _ in range(300)
    ]
    pages += [_texts(), [line for line in _texts() if "  " not in line], ["plain", "  padded  "], []]
    for lines in pages:
        assert normalize.clean_all(lines) == [normalize.clean(line) for line in lines], lines


# -- sections.enclosing ------------------------------------------------------------------------------------


def _enclosing_before(sections: tuple[Section, ...], start: int, end: int) -> list[Section]:
    """``sections.enclosing`` before it walked the nesting of ordered sections (#17): a scan of all."""
    found = [s for s in sections if s.start <= start and end <= s.end]
    return sorted(found, key=lambda s: (-s.level, s.end - s.start))


def _built(rng: random.Random) -> tuple[tuple[Section, ...], int]:
    """``build_sections`` of random blocks: headings of levels 1-4 (jumps and returns) among paragraphs."""
    blocks = []
    for _ in range(rng.randint(0, 30)):
        heading = rng.random() < 0.4
        text = "x" * rng.randint(1, 20)
        blocks.append(
            Block("heading" if heading else "para", text, level=rng.randint(1, 4) if heading else 0)
        )
    text, kept = assemble(blocks)
    return (build_sections(kept, len(text)) if kept else ()), len(text)


def _made_sections(rng: random.Random) -> tuple[Section, ...]:
    """Any spans at all: unordered, overlapping, equal, empty or reversed."""
    out = []
    for _ in range(rng.randint(0, 8)):
        a, b = rng.randint(0, 40), rng.randint(0, 40)
        out.append(Section(heading="h", path=("h",), level=rng.randint(1, 3), start=a, end=b))
    if rng.random() < 0.5:
        out.sort(key=lambda s: s.start)
    return tuple(out)


def test_enclosing_equals_the_scan_of_every_section() -> None:
    """Every span (reversed ones too) of sections built from random blocks and of arbitrary sections,
    also asked of two tuples in turn (the nesting is kept for the last tuple only)."""
    rng = random.Random(23)
    for _ in range(250):
        built, length = _built(rng)
        made = _made_sections(rng)
        for sections in (built, made, built):
            top = max(length, 41)
            for start in range(-1, top + 1, 2):
                for end in (start - 1, start, start + 1, start + 7, rng.randint(0, top)):
                    want = _enclosing_before(sections, start, end)
                    assert enclosing(sections, start, end) == want, (sections, start, end)


def test_sections_that_do_not_nest_are_scanned() -> None:
    a = Section(heading="a", path=("a",), level=1, start=0, end=10)
    b = Section(heading="b", path=("b",), level=2, start=5, end=20)  # overlaps a without lying inside it
    c = Section(heading="c", path=("c",), level=1, start=30, end=40)
    assert sections_module._nesting((a, b)) is None and sections_module._nesting((b, a)) is None
    assert sections_module._nesting((a, c)) == ([0, 30], [-1, -1])
    assert enclosing((a, b), 6, 8) == [b, a]
    assert enclosing((c, a), 6, 8) == [a]
