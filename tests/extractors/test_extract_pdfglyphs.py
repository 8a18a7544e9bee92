"""The glyph reader (``pdfglyphs.glyph_lines``): pdfplumber's line rule on PDFium's glyphs, line by line.

One small page holds each case the rule decides (a word gap just under and just over 0.15 em with no
space glyph, a gap PDFium fills with a space of its own, a superscript on its own baseline, a line bold
only at its ends, leading blanks, a blank-only line, scaled text, sizes of three decimals, a line-end
hyphen, two pieces of one baseline drawn apart). The expected lines are pdfplumber's (checked against
``pdf.plumb_page`` once); the documents are drawn once per session, in milliseconds.
"""

from __future__ import annotations

import functools
import io

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from extractors.pdfglyphs import glyph_lines
from tests.support.pdfium_lock import Stop, pdfium_held_elsewhere, stop


def _width(text: str, font: str = "Helvetica", size: float = 10) -> float:
    return stringWidth(text, font, size)


@functools.cache
def _cases_pdf() -> bytes:
    """Three pages: the cases, a blank page, a one-line bold page (another font)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(54, 480, "lower line drawn first")
    ket = _width("Ket")
    c.drawString(54, 700, "Ket")
    c.drawString(54 + ket + 1.45, 700, "amine")  # gap 0.145 em: no space
    c.drawString(54, 680, "Ket")
    c.drawString(54 + ket + 1.55, 680, "amine")  # gap 0.155 em: a space
    c.drawString(54, 670, "Ket")
    c.drawString(54 + ket + 3, 670, "amine")  # PDFium makes up a space here: skipped, the rule adds one
    c.drawString(54, 660, "criteria")
    c.setFont("Helvetica", 6)
    c.drawString(54 + _width("criteria"), 663, "1")  # a superscript: its own line
    c.setFont("Helvetica-Bold", 10)
    c.drawString(54, 640, "S")
    c.setFont("Helvetica", 10)
    c.drawString(60, 640, "ome words")
    c.setFont("Helvetica-Bold", 10)
    c.drawString(60 + _width("ome words"), 640, "X")  # bold at both ends only: not bold
    c.setFont("Helvetica-Bold", 12)
    c.drawString(54, 620, "All Bold Heading")
    c.setFont("Helvetica", 10)
    c.drawString(54, 600, " indented line")  # x is the first ink glyph's
    c.drawString(54, 590, " ")  # blanks only: no line
    c.saveState()
    c.translate(54, 560)
    c.scale(1.5, 1.5)
    c.drawString(0, 0, "Scaled")  # size 15: the line's size is its largest glyph's
    c.restoreState()
    c.setFont("Helvetica", 8)
    c.drawString(200, 560, "small right")
    c.setFont("Helvetica", 10)
    c.drawString(54, 540, "Requests for keta-")  # PDFium marks the hyphen (\ufffe): read as "-"
    c.drawString(54, 528, "mine infusions")
    c.drawString(300, 500.04, "right part")  # 0.04 pt higher: the same row to 0.1 pt
    c.drawString(54, 500, "left part")
    c.setFont("Helvetica", 10.333)
    c.drawString(54, 460, "odd size")
    c.showPage()
    c.showPage()
    c.setFont("Times-Bold", 14)
    c.drawString(54, 700, "Third page")
    c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(54, 650, "Left ")
    c.drawString(300, 650, "right")  # a space glyph, then a wide gap: no second space
    c.drawString(54, 620, "aaa")
    c.drawString(54, 630, "  ")  # a row of a space glyph alone, in the middle of the stream
    c.drawString(54, 610, "bbb")
    c.drawString(100, 600, "W")
    c.drawString(101, 600, "i")  # starts inside the W: ordered by origin, not by advance end
    c.drawString(200, 600, "W")
    c.drawString(200, 600, "l")  # the same origin: stream order
    c.drawString(54, 580, "base")
    c.drawString(90, 580.3, "lifted")  # 0.3 pt up: a row of its own; PDFium makes up a space before it
    c.showPage()
    c.save()
    return buf.getvalue()


#: (text, baseline, x, size, bold) of page 0's lines, top to bottom: pdfplumber's reading
PAGE0 = [
    ("Ketamine", 700.0, 54.0, 10.0, False),
    ("Ket amine", 680.0, 54.0, 10.0, False),
    ("Ket amine", 670.0, 54.0, 10.0, False),
    ("1", 663.0, 84.0, 6.0, False),
    ("criteria", 660.0, 54.0, 10.0, False),
    ("Some wordsX", 640.0, 54.0, 10.0, False),
    ("All Bold Heading", 620.0, 54.0, 12.0, True),
    (" indented line", 600.0, 56.78, 10.0, False),
    ("Scaled small right", 560.0, 54.0, 15.0, False),
    ("Requests for keta-", 540.0, 54.0, 10.0, False),
    ("mine infusions", 528.0, 54.0, 10.0, False),
    ("left part right part", 500.0, 54.0, 10.0, False),
    ("lower line drawn first", 480.0, 54.0, 10.0, False),
    ("odd size", 460.0, 54.0, 10.33, False),
]
PAGE2 = [("Third page", 700.0, 54.0, 14.0, True)]
PAGE3 = [
    ("Left right", 650.0, 54.0, 10.0, False),
    ("aaa", 620.0, 54.0, 10.0, False),
    ("bbb", 610.0, 54.0, 10.0, False),
    ("Wi Wl", 600.0, 100.0, 10.0, False),
    ("lifted", 580.3, 90.0, 10.0, False),
    ("base", 580.0, 54.0, 10.0, False),
]


def _tuples(lines) -> list[tuple]:
    return [(ln.text, ln.baseline, round(ln.x, 2), ln.size, ln.bold) for ln in lines]


def test_each_case_reads_as_pdfplumber_reads_it():
    got = glyph_lines(_cases_pdf(), {0, 1, 2, 3}, check=lambda: None)
    assert got is not None and set(got) == {0, 1, 2, 3}
    assert _tuples(got[0]) == PAGE0
    assert got[1] == []
    assert _tuples(got[2]) == PAGE2
    assert _tuples(got[3]) == PAGE3
    assert {ln.page for ln in got[0]} == {0} and {ln.page for ln in got[2]} == {2}
    assert not any(ln.row for ln in got[0])


@functools.cache
def _plumber_lines() -> dict[int, list[tuple]]:
    from pdfplumber.page import Page

    from extractors.pdf import _open, plumb_page

    pdf, objs = _open(_cases_pdf())
    try:
        return {i: _tuples(plumb_page(Page(pdf, o, page_number=i + 1), i)) for i, o in enumerate(objs)}
    finally:
        pdf.close()


def test_the_expected_lines_are_pdfplumbers():
    assert _plumber_lines() == {0: PAGE0, 1: [], 2: PAGE2, 3: PAGE3}


def test_only_the_pages_asked_for_are_read():
    calls = []
    got = glyph_lines(_cases_pdf(), {2}, check=lambda: calls.append(1))
    assert got is not None and list(got) == [2] and _tuples(got[2]) == PAGE2
    assert calls == [1]  # one check a page


def test_bold_is_decided_per_font_across_pages():
    """The font cache is shared by the pages of one call: a bold font stays bold, a plain one plain."""
    got = glyph_lines(_cases_pdf(), {0, 2}, check=lambda: None)
    assert got is not None
    assert [ln.bold for ln in got[0]] == [t[4] for t in PAGE0]
    assert got[2][0].bold


def test_a_timeout_between_pages_stops_the_reading():
    with pytest.raises(Stop):
        glyph_lines(_cases_pdf(), {0}, check=stop)


def test_waiting_for_pdfium_checks_the_deadline():
    """PDFium runs one document at a time: a reader waiting for it still calls ``check`` (a timed-out
    extraction must not wait for ever behind another one)."""
    with pdfium_held_elsewhere(_turned_pdf()), pytest.raises(Stop):
        glyph_lines(_cases_pdf(), {0}, check=stop)


def test_a_file_pdfium_cannot_open_or_a_missing_page_gives_none():
    assert glyph_lines(b"%PDF-1.7\nnot a pdf at all\n%%EOF\n", {0}, check=lambda: None) is None
    assert glyph_lines(_cases_pdf(), {0, 7}, check=lambda: None) is None


@functools.cache
def _turned_pdf() -> bytes:
    """Text rotated by 30 degrees and text mirrored: the size is the font size × the matrix's scale."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    c.saveState()
    c.translate(100, 300)
    c.rotate(30)
    c.drawString(0, 0, "T")
    c.restoreState()
    c.saveState()
    c.translate(300, 600)
    c.scale(-2, 2)
    c.drawString(0, 0, "M")
    c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def test_rotated_and_mirrored_text_keeps_its_size():
    got = glyph_lines(_turned_pdf(), {0}, check=lambda: None)
    assert got is not None
    assert [(ln.text, ln.size) for ln in got[0]] == [("M", 20.0), ("T", 10.0)]
