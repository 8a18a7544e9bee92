"""The C helper (``extractors._pdftext``) against the Python loops it replaced (issue #17).

``pdfium._pieces`` and ``pdfglyphs._rows`` now ask PDFium in C, one call a page; their results must be
the very values the Python loops (``tests/support/pdftext_reference.py``) computed — same floats, same
order, same font cache — on every page of every font kind (standard Type 1, subset TrueType, a
/Differences encoding, CID/Identity-H, cairo and ghostscript rewrites), the typesetter variant's
hyphenated line ends, and a page of the cases the loops decide: sideways margin runs before and after
straight text, a bold first glyph with a plain last one (and the reverse), right-to-left and other
non-ASCII lines, a scaled line, blank and whitespace-only lines, a blank page. Then what C must not do:
read past the page's characters, leak, or swallow an error.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import math
import random
import tracemalloc
from collections.abc import Iterator

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import _pdftext, pdfglyphs, pdfium
from extractors.pdfhandles import address, document, font_bold, raw, text_page
from tests.support import pdftext_reference as ref
from tests.support.pdf import (
    FONT_KINDS,
    TTF_DIR,
    load,
    mixed_policy,
    render,
    rewrite,
    rewriter_available,
    synthetic_policy,
    ttf_available,
)

PROSE = "The member has a diagnosis and the plan reviews the request in the usual way."


@functools.cache
def _cases_pdf() -> bytes:
    """Page 0: the line cases; page 1: blank; page 2: right-to-left and other non-ASCII lines (DejaVu)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(54, 740, PROSE)
    c.saveState()  # a margin note set sideways after straight text: PDFium appends it to the line
    c.translate(560, 300)
    c.rotate(90)
    c.drawString(0, 0, "sideways note")
    c.restoreState()
    c.setFont("Helvetica-Bold", 10)
    c.drawString(54, 720, "Effective Date:")  # bold first glyph, plain last: not bold
    c.setFont("Helvetica", 10)
    c.drawString(130, 720, "May 1, 2026")
    c.drawString(54, 700, "Plan name")  # plain first glyph, bold last
    c.setFont("Helvetica-Bold", 10)
    c.drawString(102, 700, "Commercial")
    c.drawString(54, 680, "All Bold Heading")
    c.setFont("Helvetica", 10)
    c.drawString(54, 660, "   indented after blanks   ")
    c.drawString(54, 640, "     ")
    c.saveState()
    c.translate(54, 610)
    c.scale(1.5, 1.2)
    c.drawString(0, 0, "Scaled text")
    c.restoreState()
    c.drawString(54, 590, "Requests for keta-")  # a hyphen at a line end
    c.drawString(54, 576, "mine are reviewed.")
    c.drawString(54, 560, "superscript")
    c.setFont("Helvetica", 6)
    c.drawString(104, 564, "12")
    c.showPage()
    c.showPage()  # blank: no characters
    if ttf_available():
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DejaVu", str(TTF_DIR / "DejaVuSans.ttf")))
        c.setFont("DejaVu", 11)
        for k, line in enumerate(
            (
                "שלום עולם ketamine",  # Hebrew then Latin
                "مرحبا بالعالم 2026",  # Arabic then digits
                "Café naïve résumé – Ωmega",
                "Ketamine שלום",
            )
        ):
            c.drawString(54, 700 - 20 * k, line)
        c.saveState()
        c.translate(560, 200)
        c.rotate(90)
        c.drawString(0, 0, "עברית sideways")
        c.restoreState()
    c.setFont("Helvetica", 10)
    c.drawString(54, 500, PROSE)
    c.showPage()
    c.save()
    return buf.getvalue()


@functools.cache
def _files() -> dict[str, bytes]:
    src = synthetic_policy(4, (1,))
    files = {f"synthetic|{font}": render(src, font=font) for font in FONT_KINDS}
    files["mixed|type1"] = render(mixed_policy(4, (2,)), font="type1")
    files["spravato|typeset"] = render(load("uhc-spravato.yaml"), variant="typeset")  # line-end hyphens
    files["spravato|cid"] = render(load("uhc-spravato.yaml"), font="cid")
    for tool in ("cairo", "gs"):
        if rewriter_available(tool):
            files[f"synthetic|{tool}"] = rewrite(files["synthetic|ttf"], tool)
    files["cases"] = _cases_pdf()
    return files


@contextlib.contextmanager
def _page(data: bytes, index: int) -> Iterator[tuple[object, str]]:
    """(text page, its text), open for the ``with`` block (a handle of a closed page is no handle)."""
    with document(data, lambda: None) as doc, text_page(doc, index) as loaded:
        assert loaded is not None
        yield loaded[1], loaded[2]


def _pages(data: bytes) -> Iterator[tuple[object, str]]:
    with document(data, lambda: None) as doc:
        for i in range(raw.FPDF_GetPageCount(doc)):
            with text_page(doc, i) as loaded:
                assert loaded is not None
                yield loaded[1], loaded[2]


@pytest.mark.parametrize("name", list(_files()))
def test_the_c_readers_equal_the_python_loops(name: str) -> None:
    for tp, text in _pages(_files()[name]):
        c_fonts: dict[bytes, bool] = {}
        py_fonts: dict[bytes, bool] = {}
        assert pdfium._pieces(tp, text, c_fonts) == ref.pieces(tp, text, py_fonts)
        assert list(pdfglyphs._rows(tp, text, c_fonts).items()) == list(ref.rows(tp, text, py_fonts).items())
        assert c_fonts == py_fonts


def test_the_cases_page_holds_the_cases() -> None:
    """The comparison above meets what it is meant to: a line-end hyphen, a sideways run appended to a
    straight line, a line bold at its first glyph only, right-to-left text, a blank page."""
    texts = [text for _, text in _pages(_cases_pdf())]
    assert "\ufffe" in texts[0] or "\x02" in texts[0]
    assert texts[1] == ""
    pieces = {}
    for i, (tp, text) in enumerate(_pages(_cases_pdf())):
        found, straight = pdfium._pieces(tp, text.replace("\x02", "\ufffe"), {})
        pieces.update({p[4]: p for p in found})
        assert straight is (i == 1 or (i == 2 and not ttf_available()))  # the sideways notes
    assert pieces["Requests for keta-"][3:] == (False, "Requests for keta-")
    effective = next(p for s, p in pieces.items() if s.startswith("Effective Date:"))
    assert effective[3] is False
    assert pieces["All Bold Heading"][3] is True
    assert pieces["Scaled text"][2] == 13.42  # 10 × √(1.5 × 1.2)
    if ttf_available():
        assert any("\u05e9" in s for s in pieces)  # Hebrew shin
        assert any("\u0645" in s for s in pieces)  # Arabic meem


def test_a_page_without_characters_gives_nothing() -> None:
    with _page(_cases_pdf(), 1) as (tp, text):
        assert text == ""
        assert _pdftext.pieces(address(tp), "", {}, font_bold) == ([], True)
        assert _pdftext.rows(address(tp), "", {}, font_bold) == {}


def test_a_text_not_of_the_page_is_refused_before_any_lookup() -> None:
    """Every character index C passes to PDFium lies below FPDFText_CountChars: a text longer or shorter
    than the page's (indexes past its characters) is refused."""
    with _page(_cases_pdf(), 0) as (tp, text):
        for wrong in (text + "x", text[:-1], text * 2, ""):
            for fn in (_pdftext.pieces, _pdftext.rows):
                with pytest.raises(ValueError, match="lengths differ"):
                    fn(address(tp), wrong, {}, font_bold)


def test_bad_arguments_raise() -> None:
    with _page(_cases_pdf(), 0) as (tp, text):
        for fn in (_pdftext.pieces, _pdftext.rows):
            with pytest.raises(ValueError, match="NULL"):
                fn(0, text, {}, font_bold)
            with pytest.raises(TypeError):
                fn(address(tp), text.encode(), {}, font_bold)
            with pytest.raises(TypeError):
                fn(address(tp), text, [], font_bold)
            with pytest.raises(TypeError):
                fn(address(tp), text, {})
    with pytest.raises(TypeError):
        _pdftext.bind(1, 2)
    with pytest.raises(ValueError, match="NULL"):
        _pdftext.bind(*[0] * 8)


def test_an_error_in_the_font_rule_propagates() -> None:
    def broken(name: bytes) -> bool:
        raise RuntimeError(f"no rule for {name!r}")

    with _page(_cases_pdf(), 0) as (tp, text):
        for fn in (_pdftext.pieces, _pdftext.rows):
            with pytest.raises(RuntimeError, match="no rule"):
                fn(address(tp), text, {}, broken)
            # every name already known: the rule is not asked
            fn(address(tp), text, dict.fromkeys(_font_names(tp, text), False), broken)


def _font_names(tp: object, text: str) -> set[bytes]:
    fonts: dict[bytes, bool] = {}
    ref.pieces(tp, text, fonts)
    ref.rows(tp, text, fonts)
    return set(fonts)


def test_repeated_calls_leak_nothing() -> None:
    """Python objects C makes are all handed over or released: thousands of calls on a page of every
    case leave the traced memory where it was."""
    with _page(_cases_pdf(), 0) as (tp, text):
        page = address(tp)

        def calls(n: int) -> None:
            for _ in range(n):
                _pdftext.pieces(page, text, {}, font_bold)
                _pdftext.rows(page, text, {}, font_bold)
                try:
                    _pdftext.rows(page, text + "x", {}, font_bold)
                except ValueError:
                    pass

        calls(50)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            calls(2000)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert grown < 20_000  # one leaked float a call would be 2000 × 24 bytes


def _round_cases() -> list[float]:
    rng = random.Random(17)
    values = [0.0, -0.0, 0.05, -0.05, 0.15, 0.25, 2.675, 1.005, -0.04, -0.004, 612.35, 1e8, -1e8, 1e300]
    values += [math.inf, -math.inf, math.nan, 5e-324, 0.5, -0.5, 0.045, 123456.785]
    for _ in range(20_000):
        values.append(rng.uniform(-1000, 1000))
        values.append(rng.uniform(0, 30))  # sizes
        values.append(round(rng.uniform(0, 800), 3))  # decimals as producers write them
    for k in range(-2000, 2000):  # exact and inexact ties at both precisions, and their neighbours
        for scale in (10, 100):
            tie = (k + 0.5) / scale
            values += [tie, math.nextafter(tie, math.inf), math.nextafter(tie, -math.inf)]
    return values


def test_the_c_rounding_is_pythons() -> None:
    """The readers' rounding (``_pdftext._round``: a fast path, Python's round() near a tie) gives the very
    float round() gives — sign of zero, ties to even on the exact binary value, infinities and NaN."""
    for x in _round_cases():
        for digits in (1, 2):
            assert repr(_pdftext._round(x, digits)) == repr(round(x, digits)), (x, digits)
    with pytest.raises(ValueError):
        _pdftext._round(1.0, 3)
    with pytest.raises(TypeError):
        _pdftext._round(1, 1)
