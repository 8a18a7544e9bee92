"""PDFium's reading of a document (``pdfium.read_pages``), asserted on its exact result.

The fast path's decisions all come from this reading: which pages PDFium read cleanly (their lines),
which pdfplumber may read differently (``inexact``), whether some page may name the drugs (``topic``),
which pages name them (``hits``), whether the words are a cipher. The documents are small (a few lines
a page, drawn once per session); each page holds one case.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import model
from extractors.layout import Line
from extractors.pdfhandles import held
from extractors.pdfium import Reading, _flat, cipher, doubtful, read_pages
from tests.support.pdfium_lock import Stop, pdfium_held_elsewhere, stop

PROSE = "The member has a diagnosis and the plan reviews the request in the usual way."


Draw = Callable[[canvas.Canvas], None]


def _pdf(*pages: Callable[[canvas.Canvas], None]) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for draw in pages:
        c.setPageRotation(0)  # reportlab keeps a page's rotation for the next ones
        c.setFont("Helvetica", 10)
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def _lines(*texts: str, y: float = 700, font: str = "Helvetica") -> Callable[[canvas.Canvas], None]:
    def draw(c: canvas.Canvas) -> None:
        c.setFont(font, 10)
        for k, text in enumerate(texts):
            c.drawString(54, y - 14 * k, text)

    return draw


def _grid(c: canvas.Canvas) -> None:
    c.grid([54, 204, 504], [100, 130, 160])


def _read(data: bytes, max_pages: int = 99) -> Reading:
    reading = read_pages(data, check=lambda: None, max_pages=max_pages)
    assert reading is not None
    return reading


def _tuples(lines: list[Line] | None) -> list[tuple] | None:
    if lines is None:
        return None
    return [(ln.page, ln.text, ln.baseline, round(ln.x, 2), ln.size, ln.bold) for ln in lines]


def _page_of(*draws: Callable[[canvas.Canvas], None]) -> Callable[[canvas.Canvas], None]:
    def draw(c: canvas.Canvas) -> None:
        for d in draws:
            d(c)

    return draw


def _scan(c: canvas.Canvas) -> None:
    """Ink without a text layer."""
    for k in range(5):
        c.rect(50 + k * 5, 100 + k * 20, 400, 8, stroke=0, fill=1)


def _turned(c: canvas.Canvas) -> None:
    c.drawString(54, 700, PROSE)
    c.setPageRotation(90)


def _sideways_after(c: canvas.Canvas) -> None:
    """A margin note set sideways, drawn after the text: PDFium appends it to the text's line."""
    c.drawString(54, 700, PROSE)
    c.saveState()
    c.translate(300, 300)
    c.rotate(90)
    c.drawString(0, 0, "sideways note")
    c.restoreState()


def _sideways_first(c: canvas.Canvas) -> None:
    c.saveState()
    c.translate(300, 300)
    c.rotate(90)
    c.drawString(0, 0, "sideways note")
    c.restoreState()
    c.drawString(54, 700, PROSE)


@functools.cache
def _topic_pdf() -> bytes:
    return _pdf(
        _page_of(_lines(PROSE, PROSE), _grid),  # 0: a grid before any needle: looked at when one comes
        _lines(PROSE, "Requests for keta-"),  # 1-2: a term over a page break (no page names it alone)
        _lines("mine infusions are reviewed.", PROSE),
        _turned,  # 3: a rotated page
        lambda c: None,  # 4: blank
        _scan,  # 5: objects, no text: in doubt
        _page_of(_lines(PROSE), _grid),  # 6: a grid after the first needle
        _sideways_after,  # 7, 8: sideways text after and before straight text
        _sideways_first,
        _lines("Spravato is a nasal spray.", PROSE),  # 9: names a needle
    )


def _prose_line(page: int, y: float = 700.0, text: str = PROSE) -> tuple:
    return (page, text, y, 54.0, 10.0, False)


def test_a_topic_documents_pages_each_get_their_reading():
    reading = _read(_topic_pdf())
    assert reading.topic and not reading.cipher and not reading.off_topic
    assert reading.hits == {9}
    assert reading.inexact == {0, 3, 6, 7, 8}
    pages = [_tuples(p) for p in reading.pages]
    assert pages[0] == [_prose_line(0), _prose_line(0, 686.0)]
    assert pages[1] == [_prose_line(1), _prose_line(1, 686.0, "Requests for keta-")]
    assert pages[2] == [_prose_line(2, text="mine infusions are reviewed."), _prose_line(2, 686.0)]
    assert pages[3] == [_prose_line(3)]
    assert pages[4] == []
    assert pages[5] is None
    assert pages[6] == [_prose_line(6)]
    assert pages[8] == [_prose_line(8), (8, "sideways note", 300.0, 300.0, 10.0, False)]
    assert pages[9] == [_prose_line(9, text="Spravato is a nasal spray."), _prose_line(9, 686.0)]


@functools.cache
def _off_topic_pdf() -> bytes:
    return _pdf(_page_of(_lines(PROSE, PROSE), _grid), _lines(PROSE), lambda c: None)


def test_an_off_topic_documents_graphics_are_never_looked_at():
    reading = _read(_off_topic_pdf())
    assert reading.off_topic and not reading.topic and reading.hits == set()
    assert reading.inexact == set()
    assert [_tuples(p) for p in reading.pages] == [
        [_prose_line(0), _prose_line(0, 686.0)],
        [_prose_line(1)],
        [],
    ]


def _far_apart(c: canvas.Canvas) -> None:
    """Two pieces of one baseline that PDFium reads as two lines (another line drawn between them)."""
    c.drawString(300, 500, "right piece")
    c.drawString(54, 600, "middle line")
    c.drawString(54, 500, "left piece")


def _styles(c: canvas.Canvas) -> None:
    c.setFont("Helvetica-Bold", 10)
    c.drawString(54, 700, "Policy Number:")
    c.setFont("Helvetica", 10)
    c.drawString(130, 700, "MP-1234")  # bold first glyph, plain last: not bold
    c.setFont("Helvetica-Bold", 12)
    c.drawString(54, 680, "Coverage Rationale")
    c.drawString(54, 660, "A")  # a one-glyph bold line
    c.setFont("Helvetica", 10.333)
    c.drawString(54, 640, "odd size")
    c.saveState()
    c.translate(54, 600)
    c.scale(1.5, 1.5)
    c.setFont("Helvetica", 10)
    c.drawString(0, 0, "scaled")
    c.restoreState()
    c.setFont("Helvetica", 10)
    c.drawString(54, 560, "Requests for ther-")  # a line-end hyphen inside the page
    c.drawString(54, 546, "apy are reviewed.")
    c.drawString(54, 520, "   indented")


@functools.cache
def _shapes_pdf() -> bytes:
    return _pdf(_far_apart, _styles)


def test_line_records_from_pdfiums_lines():
    reading = _read(_shapes_pdf())
    assert [_tuples(p) for p in reading.pages] == [
        [
            (0, "middle line", 600.0, 54.0, 10.0, False),
            (0, "left piece right piece", 500.0, 54.0, 10.0, False),
        ],
        [
            (1, "Policy Number: MP-1234", 700.0, 54.0, 10.0, False),
            (1, "Coverage Rationale", 680.0, 54.0, 12.0, True),
            (1, "A", 660.0, 54.0, 12.0, True),
            (1, "odd size", 640.0, 54.0, 10.33, False),
            (1, "scaled", 600.0, 54.0, 15.0, False),
            (1, "Requests for ther-", 560.0, 54.0, 10.0, False),
            (1, "apy are reviewed.", 546.0, 54.0, 10.0, False),
            (1, "indented", 520.0, 62.34, 10.0, False),
        ],
    ]
    assert reading.inexact == set() and reading.off_topic


def _topic_with(*draws: Callable[[canvas.Canvas], None]) -> Callable[[canvas.Canvas], None]:
    return _page_of(_lines("Esketamine (Spravato) codes are listed below."), *draws)


def _form(c: canvas.Canvas) -> None:
    c.beginForm("logo")
    c.drawString(0, 0, "Logo")
    c.endForm()
    c.doForm("logo")


def _dot_in_box(c: canvas.Canvas) -> None:
    c.rect(50, 640, 500, 40)
    c.rect(300, 650, 0.5, 0.5, stroke=0, fill=1)  # under 1 pt: no edge for pdfplumber


def _scaled_dot_by_box(c: canvas.Canvas) -> None:
    c.rect(50, 640, 200, 40)
    c.saveState()
    c.translate(255, 650)
    c.scale(10, 10)
    c.rect(0, 0, 0.5, 0.5, stroke=0, fill=1)  # 5 pt once scaled: a second box near the first
    c.restoreState()


def _moved_box(c: canvas.Canvas) -> None:
    c.rect(50, 100, 150, 20)
    c.saveState()
    c.translate(204, 100)
    c.rect(0, 0, 300, 20)  # the second cell, drawn at the origin and moved next to the first
    c.restoreState()


def _rotated_box(c: canvas.Canvas) -> None:
    """A box drawn turned by 90 degrees, 10 pt right of another (its corners through the matrix)."""
    c.rect(50, 640, 100, 40)
    c.saveState()
    c.translate(200, 640)
    c.rotate(90)
    c.rect(0, 0, 40, 40)
    c.restoreState()


def _rules(flat: tuple[tuple[int, int, int], ...], upright: tuple[int, int, int]) -> Draw:
    """Horizontal rules (x0, y, x1) drawn in order, then an upright one (x, y0, y1)."""

    def draw(c: canvas.Canvas) -> None:
        for x0, y, x1 in flat:
            c.line(x0, y, x1, y)
        x, y0, y1 = upright
        c.line(x, y0, x, y1)

    return draw


#: page → (what it draws besides a line naming the drugs, whether pdfplumber may find a table there)
GRAPHICS: list[tuple[str, Callable[[canvas.Canvas], None], bool]] = [
    ("header-row-of-two-cells", lambda c: (c.rect(54, 100, 150, 20), c.rect(204, 100, 300, 20)), True),
    ("grid-in-one-path", _grid, True),
    ("rule-and-box", lambda c: (c.line(54, 748, 558, 748), c.rect(50, 640, 500, 40)), False),
    ("one-box", lambda c: c.rect(50, 640, 500, 40), False),
    ("rules-only", lambda c: [c.line(54, y, 558, y) for y in (748, 744, 120)], False),
    ("upright-rules-only", lambda c: [c.line(x, 100, x, 700) for x in (54, 58, 500)], False),
    ("a-corner", lambda c: (c.line(54, 100, 300, 100), c.line(54, 100, 54, 300)), True),
    ("nothing", lambda c: None, False),
    ("a-form", _form, True),
    ("a-dot-in-a-box", _dot_in_box, False),
    ("a-scaled-dot-by-a-box", _scaled_dot_by_box, True),
    ("two-boxes-9pt-apart", lambda c: (c.rect(50, 640, 100, 40), c.rect(159, 640, 100, 40)), True),
    ("two-boxes-11pt-apart", lambda c: (c.rect(50, 640, 100, 40), c.rect(161, 640, 100, 40)), False),
    ("two-boxes-9pt-above", lambda c: (c.rect(50, 640, 100, 40), c.rect(50, 689, 100, 40)), True),
    ("two-boxes-11pt-above", lambda c: (c.rect(50, 640, 100, 40), c.rect(50, 691, 100, 40)), False),
    ("two-boxes-11pt-below", lambda c: (c.rect(50, 640, 100, 40), c.rect(50, 589, 100, 40)), False),
    ("two-boxes-11pt-left", lambda c: (c.rect(200, 640, 100, 40), c.rect(89, 640, 100, 40)), False),
    ("a-moved-box", _moved_box, True),
    (
        "a-six-point-path",
        lambda c: c.lines([(54, 100, 300, 100), (300, 100, 300, 200), (300, 200, 54, 200)]),
        True,
    ),
    (
        "a-dot-then-two-cells",
        lambda c: (c.rect(30, 30, 0.5, 0.5, fill=1), c.rect(54, 100, 150, 20), c.rect(204, 100, 300, 20)),
        True,
    ),
    # two boxes exactly 10 pt apart, on each side: near
    ("a-box-10pt-left", lambda c: (c.rect(200, 640, 100, 40), c.rect(90, 640, 100, 40)), True),
    ("a-box-10pt-right", lambda c: (c.rect(200, 640, 100, 40), c.rect(310, 640, 100, 40)), True),
    ("a-box-10pt-below", lambda c: (c.rect(200, 640, 100, 40), c.rect(200, 590, 100, 40)), True),
    ("a-box-10pt-above", lambda c: (c.rect(200, 640, 100, 40), c.rect(200, 690, 100, 40)), True),
    ("a-box-9pt-below", lambda c: (c.rect(200, 640, 100, 40), c.rect(200, 591, 100, 40)), True),
    ("a-rotated-box-by-a-box", _rotated_box, True),
    # a 1 pt high rectangle is a box, not a rule; 1 pt wide likewise
    ("a-thin-box-by-a-rule", lambda c: (c.rect(54, 300, 400, 1), c.line(54, 305, 454, 305)), True),
    (
        "a-narrow-box-by-an-upright-rule",
        lambda c: (c.rect(300, 100, 1, 400), c.line(305, 100, 305, 500)),
        True,
    ),
    # a segment 1 pt long is an edge (only shorter ones are dots)
    ("a-1pt-segment-by-a-box", lambda c: (c.rect(50, 640, 100, 40), c.line(160, 660, 161, 660)), True),
    (
        "a-1pt-upright-segment-by-a-box",
        lambda c: (c.rect(50, 640, 100, 40), c.line(160, 660, 160, 661)),
        True,
    ),
    # two rules merged, then an upright rule near only their joint extent (each edge) or beyond it
    ("rules-then-one-by-their-bottom", _rules(((400, 150, 480), (470, 142, 550)), (420, 60, 135)), True),
    ("rules-then-one-by-their-right", _rules(((400, 150, 480), (470, 142, 550)), (555, 158, 300)), True),
    ("rules-then-one-by-their-top", _rules(((400, 150, 480), (470, 142, 550)), (520, 158, 300)), True),
    ("rules-then-one-by-their-top-2", _rules(((400, 142, 480), (470, 150, 550)), (430, 158, 300)), True),
    ("rules-then-one-left-of-them", _rules(((400, 150, 480), (470, 142, 550)), (300, 100, 200)), False),
    ("rules-then-one-below-them", _rules(((54, 650, 130), (120, 642, 200)), (100, 300, 600)), False),
    ("rules-then-one-right-of-them", _rules(((54, 650, 130), (120, 642, 200)), (400, 600, 700)), False),
]


@functools.cache
def _graphics_pdf() -> bytes:
    return _pdf(*(_topic_with(draw) for _, draw, _ in GRAPHICS))


def test_pages_pdfplumber_may_read_as_a_table_are_inexact():
    """Each page names the drugs, so every page's graphics are looked at (the first page's again once
    its needle is found)."""
    reading = _read(_graphics_pdf())
    got = {name: i in reading.inexact for i, (name, _, _) in enumerate(GRAPHICS)}
    assert got == {name: table for name, _, table in GRAPHICS}


def test_the_table_rule_agrees_with_pdfplumbers_table_finder_where_it_says_no_table():
    """Where the rule says no table, pdfplumber's ``find_tables`` finds none (the rule may say "maybe"
    where pdfplumber finds none: that only costs a layout)."""
    for i, (name, _, table) in enumerate(GRAPHICS):
        if not table:
            assert not _plumber_tables()[i], name


@functools.cache
def _plumber_tables() -> list[bool]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(_graphics_pdf())) as pdf:
        return [bool(page.find_tables()) for page in pdf.pages]


def _words(count: int, common: int) -> str:
    """``count`` made-up words on one line, ``common`` of them "the" (apart, never first or last)."""
    return " ".join("the" if k % 3 == 1 and k // 3 < common else "xqv" for k in range(count))


def _tiny_lines(*texts: str) -> Callable[[canvas.Canvas], None]:
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 1)  # a hundred words fit on a line
        for k, text in enumerate(texts):
            c.drawString(54, 700 - 14 * k, text)

    return draw


@pytest.mark.parametrize(
    ("words", "common", "is_cipher"),
    [(101, 2, True), (100, 2, False), (80, 1, True), (78, 0, False), (160, 3, True), (160, 4, False)],
)
def test_a_document_is_a_cipher_by_its_word_counts(words, common, is_cipher):
    """Words are a page's spaces plus one, counted over all pages; "the", "and", "of", "to" between
    spaces are the common words. Here two pages share the words and the common ones."""
    first, second = words // 2 + words % 2, words // 2
    data = _pdf(_tiny_lines(_words(first, common // 2)), _tiny_lines(_words(second, common - common // 2)))
    reading = _read(data)
    assert reading.cipher is is_cipher
    assert reading.off_topic is not is_cipher


def test_a_blank_page_counts_one_word():
    """(The count is cheap, not exact: a page adds its spaces plus one.)"""
    data = _pdf(_tiny_lines(_words(78, 0)), lambda c: None)
    assert not _read(data).cipher
    data = _pdf(_tiny_lines(_words(78, 0)), lambda c: None, lambda c: None)
    assert _read(data).cipher


def _encrypted() -> bytes:
    from reportlab.lib import pdfencrypt

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1, encrypt=pdfencrypt.StandardEncryption("s3cret"))
    c.drawString(54, 700, PROSE)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_password_is_an_encrypted_document_and_garbage_is_left_to_pdfminer():
    with pytest.raises(model.EncryptedDocument, match="^PDF is encrypted with a password$"):
        read_pages(_encrypted(), check=lambda: None, max_pages=9)
    assert (
        read_pages(b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage\n%%EOF\n", check=lambda: None, max_pages=9)
        is None
    )


def test_the_page_limit_is_decided_before_any_page_is_read():
    data = _pdf(*[_lines(PROSE)] * 4)
    assert len(_read(data, max_pages=4).pages) == 4
    calls = []
    with pytest.raises(model.DocumentTooLarge, match="^PDF has 4 pages; the limit is 3$"):
        read_pages(data, check=lambda: calls.append(1), max_pages=3)
    assert calls == []


def test_check_is_called_before_each_page():
    class Stop(Exception):
        pass

    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise Stop

    with pytest.raises(Stop):
        read_pages(_pdf(*[_lines(PROSE)] * 4), check=check, max_pages=9)
    assert len(calls) == 3


def test_held_keeps_one_document_open_for_the_readers_inside():
    """Inside ``held`` the same bytes are read from the held document (the module lock is already
    this thread's: waiting for it would end in ``check``); after it, the lock is free again."""
    from extractors.pdfglyphs import glyph_lines

    def must_not_wait() -> None:
        raise AssertionError("waited for PDFium's lock")

    data = _shapes_pdf()
    expected = [_tuples(p) for p in _read(data).pages]
    with held(data, must_not_wait) as doc:
        assert doc
        reading = read_pages(data, check=lambda: None, max_pages=9)
        assert reading is not None and [_tuples(p) for p in reading.pages] == expected
        assert glyph_lines(data, {0}, check=lambda: None) is not None
    assert [_tuples(p) for p in _read(data).pages] == expected
    results: list[list] = []  # a thread that never entered ``held`` reads on its own
    other = threading.Thread(target=lambda: results.append([_tuples(p) for p in _read(data).pages]))
    other.start()
    other.join(10)
    assert results == [expected]


def test_pages_kept_open_by_held_read_the_same_the_second_time():
    """Inside ``held`` the pages naming a needle stay open for the glyph reader: its lines from them
    equal its lines from a fresh document."""
    from extractors.pdfglyphs import glyph_lines

    data = _topic_pdf()
    fresh = glyph_lines(data, {2, 9}, check=lambda: None)
    assert fresh is not None and fresh[9]
    with held(data, lambda: None):
        assert _read(data).hits == {9}
        assert glyph_lines(data, {2, 9}, check=lambda: None) == fresh
        assert glyph_lines(data, {9}, check=lambda: None) == {9: fresh[9]}  # and again


def test_another_document_inside_held_waits_for_the_lock():
    """``held`` serves only its own bytes (equal bytes in another object load on their own)."""

    class Waited(Exception):
        pass

    def check() -> None:
        raise Waited

    data = _shapes_pdf()
    with held(data, lambda: None), pytest.raises(Waited):
        read_pages(bytes(bytearray(data)), check=check, max_pages=9)


def test_a_reader_waiting_for_pdfium_still_checks_its_deadline():
    with pdfium_held_elsewhere(_off_topic_pdf()), pytest.raises(Stop):
        read_pages(_shapes_pdf(), check=stop, max_pages=9)


def _line(text: str, page: int = 0) -> Line:
    return Line(page, text, 700.0, 54.0, 10.0, False)


def test_needles_are_looked_for_in_a_pages_own_lines():
    header = _line("Spravato Policy Manual")
    reading = Reading(
        pages=[[header, _line("Intro")], [header, _line("Keta-"), _line("mine is covered")], None, []],
        hits={0, 1, 2, 3},
    )
    assert reading.needles() == {0, 1}
    assert reading.needles(lambda ln: ln.text == header.text) == {1}
    reading.hits = {0}
    assert reading.needles() == {0}


@pytest.mark.parametrize(
    ("topic", "cipher_", "pages", "off"),
    [
        (False, False, [[_line("a")], []], True),
        (True, False, [[_line("a")]], False),
        (False, True, [[_line("a")]], False),
        (False, False, [[_line("a")], None], False),
        (False, False, [[], []], False),
        (False, False, [], False),
    ],
)
def test_off_topic_means_read_cleanly_with_some_text_and_no_topic(topic, cipher_, pages, off):
    assert Reading(pages=pages, topic=topic, cipher=cipher_).off_topic is off


@pytest.mark.parametrize(
    ("text", "flat"),
    [
        ("keta-\r\nmine", "ketamine"),
        ("k e t a m i n e", "ketamine"),
        ("j 0013, s0013.", "j0013s0013"),
        ("\uff2b\uff25\uff34\uff21\uff2d\uff29\uff2e\uff25", "ketamine"),  # full-width capitals
        ("na\u00efve \u2013 caf\u00e9", "navecaf"),  # other letters dropped, never turned into ASCII
        ("", ""),
    ],
)
def test_flat_text_keeps_only_letters_and_digits(text, flat):
    assert _flat(text.lower()) == flat


@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        ("", True),
        ("   \r\n ", True),
        ("Covered when \ufffd criteria are met", True),
        ("Covered \x03 when", True),
        ("Covered \x00 when", True),
        ("Covered \x08 when", True),
        ("Covered \x0b when", True),
        ("Covered \x0c when", True),
        ("Covered \x0e when", True),
        ("Covered \x1f when", True),
        ("Covered \uffff when", True),
        ("\ue012 private use", True),
        ("\u0378 unassigned", True),
        ("\ud800 a lone surrogate", True),
        ("Covered when criteria are met.\r\n\uf0b7 Bullet (Symbol font)", False),
        ("\uf0a7 Bullet (Wingdings)", False),
        ("Treatment-\ufffe\r\nresistant \u2013 na\u00efve \u201cquoted\u201d\t tab", False),
        ("plain ASCII text", False),
    ],
)
def test_doubtful_readings(text, doubt):
    assert doubtful(text) is doubt


@pytest.mark.parametrize(
    ("words", "common", "is_cipher"),
    [(80, 1, True), (79, 0, False), (100, 1, True), (100, 2, False), (200, 3, True), (200, 4, False)],
)
def test_cipher_rule(words, common, is_cipher):
    assert cipher(words, common) is is_cipher


def _more_lines(c: canvas.Canvas) -> None:
    c.drawString(54, 700, "Requests for ther-")  # two line-end hyphens in a row: one PDFium line
    c.drawString(54, 686, "apy with keta-")
    c.drawString(54, 672, "mine are reviewed.")
    c.drawString(54, 650.35, "Trailing space ")  # a baseline between tenths; a space glyph at the end
    c.drawString(54, 620, "aaa")
    c.drawString(54, 630, "  ")  # a line of blanks alone, in the middle of the stream
    c.drawString(54, 610, "bbb")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(54, 580, "Coverage Rationale")
    c.setFont("Helvetica", 12)
    c.drawString(54 + 112, 580, "1")  # a plain footnote mark ends the bold heading: not bold
    c.drawString(54, 560, "See ")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(80, 560, "Note")  # plain first glyph, bold last: not bold


def test_hyphen_chains_blank_lines_and_line_ends():
    reading = _read(_pdf(_more_lines))
    assert _tuples(reading.pages[0]) == [
        (0, "Requests for ther-", 700.0, 54.0, 10.0, False),
        (0, "apy with keta-", 686.0, 54.0, 10.0, False),
        (0, "mine are reviewed.", 672.0, 54.0, 10.0, False),
        (0, "Trailing space", 650.3, 54.0, 10.0, False),
        (0, "aaa", 620.0, 54.0, 10.0, False),
        (0, "bbb", 610.0, 54.0, 10.0, False),
        (0, "Coverage Rationale1", 580.0, 54.0, 12.0, False),
        (0, "See Note", 560.0, 54.0, 12.0, False),
    ]
    assert reading.topic and reading.hits == {0} and reading.inexact == set()


def _turned_line(c: canvas.Canvas) -> None:
    c.drawString(54, 700, PROSE)
    c.saveState()
    c.translate(100, 300)
    c.rotate(30)
    c.drawString(0, 0, "turned text")  # its size is the font size, whatever the angle
    c.restoreState()


def _skewed_line(c: canvas.Canvas) -> None:
    c.drawString(54, 700, PROSE)
    c.saveState()
    c.translate(300, 300)
    c.skew(0, 30)
    c.drawString(0, 0, "skewed note")  # slanted, not turned: pdfplumber reads it otherwise too
    c.restoreState()


def _one_turned_glyph(c: canvas.Canvas) -> None:
    c.drawString(54, 700, PROSE)
    c.saveState()
    c.translate(300, 300)
    c.rotate(30)
    c.drawString(0, 0, "X")
    c.restoreState()


def _one_slanted_glyph(c: canvas.Canvas) -> None:
    c.drawString(54, 700, PROSE)
    c.saveState()
    c.translate(300, 300)
    c.skew(0, 30)  # the matrix's c only
    c.drawString(0, 0, "Y")
    c.restoreState()


def test_turned_and_slanted_text_makes_a_page_inexact():
    reading = _read(_pdf(_lines(PROSE), _turned_line, _skewed_line, _one_turned_glyph, _one_slanted_glyph))
    assert reading.inexact == {1, 2, 3, 4}
    assert [(ln.text, ln.size) for ln in reading.pages[1] or []] == [(PROSE, 10.0), ("turned text", 10.0)]


def test_a_page_pdfium_cannot_read_before_any_text():
    """A page in doubt first, then text: the reading goes on (the term tail starts afresh)."""
    reading = _read(_pdf(_scan, _lines(PROSE)))
    assert reading.pages[0] is None and _tuples(reading.pages[1]) == [_prose_line(1)]
    assert not reading.topic and not reading.off_topic


@pytest.mark.parametrize(
    ("first", "topic"),
    [("Short keta-", True), (PROSE + " keta-", True), ("Short text.", False)],
)
def test_a_term_over_a_page_break_alone_makes_the_document_topic(first, topic):
    """No page names a term: only the end of one page and the start of the next do (a page's last 16
    letters are kept, so a short page's whole text counts)."""
    reading = _read(_pdf(_lines(first), _lines("mine infusions are reviewed.")))
    assert reading.topic is topic and reading.hits == set()


def test_addressed_functions_take_plain_addresses():
    """``addressed`` rebinds PDFium functions to plain int addresses: the glyph and line readers'
    look-ups give what the typed bindings give."""
    import ctypes

    from extractors.pdfhandles import address, addressed, document, raw, text_page

    count, size, origin = (
        addressed(raw.FPDFText_CountChars),
        addressed(raw.FPDFText_GetFontSize),
        addressed(raw.FPDFText_GetCharOrigin),
    )
    text_object = addressed(raw.FPDFText_GetTextObject)
    assert address(ctypes.POINTER(ctypes.c_int)()) == 0  # NULL
    with document(_shapes_pdf(), lambda: None) as doc, text_page(doc, 1) as loaded:
        assert loaded is not None
        _, tp, text = loaded
        page = address(tp)
        assert page and count(page) == raw.FPDFText_CountChars(tp) == len(text)
        assert size(page, 0) == raw.FPDFText_GetFontSize(tp, 0) == 10.0
        x, y = ctypes.c_double(), ctypes.c_double()
        assert origin(page, 0, ctypes.addressof(x), ctypes.addressof(y))
        assert (x.value, y.value) == (54.0, 700.0)
        assert text_object(page, 0) == address(raw.FPDFText_GetTextObject(tp, 0)) != 0
