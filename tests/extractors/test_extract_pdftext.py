"""The C helper (``extractors._pdftext``) against the Python it replaced (issue #17).

The line reader's per-line look-ups (``_pdftext.pieces``) and ``pdfglyphs._rows`` now ask PDFium in C, one
call a page; their results must be the very values the Python loops (``tests/support/pdftext_reference.py``)
computed — same floats, same order, same font cache — on every page of every font kind (standard Type 1,
subset TrueType, a /Differences encoding, CID/Identity-H, cairo and ghostscript rewrites), the typesetter
variant's hyphenated line ends, and a page of the cases the loops decide: sideways margin runs before and
after straight text, a bold first glyph with a plain last one (and the reverse), right-to-left and other
non-ASCII lines, a scaled line, blank and whitespace-only lines, a blank page.

``pdfium._page`` (the page's handles, text, checks, needles, counts and lines: ``_pdftext.page``) must
give what the Python ``_page`` gave on the same pages — and on a page of needle spellings, a rotated
page, a page of objects without text and a ruled table —, with and without the ruled graphics, inside
and outside ``held`` (the same pages kept open, read again from the kept handles); its text checks
(``doubtful``, the letters-and-digits reading, the counts) what Python computed on thousands of strings
of control characters, private-use glyphs, full-width letters, composed accents and needles split by
line ends, kerning and soft hyphens. Then what C must not do: read past the page's characters, leak,
or swallow an error.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import math
import os
import random
import sys
import threading
import tracemalloc
import types
import unicodedata
from collections.abc import Iterator

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import _pdftext, pdfglyphs, pdfhandles, pdfium, terms
from extractors.pdfhandles import address, document, font_bold, held, kept_pages, raw, text_page
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
    files["needles"] = _needles_pdf()
    return files


@functools.cache
def _needles_pdf() -> bytes:
    """Page 0: needles split by a line-end hyphen and by kerning, common words in capitals; page 1: a
    rotated page; page 2: objects without text; page 3: a ruled table; page 4: a Kelvin sign, a dotted
    capital I and a composed accent (DejaVu); page 5: two PDFium lines on one baseline (grouped)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(54, 740, "THE plan AND the member OF the state TO the end of the the the line")
    c.drawString(54, 720, "Requests for Spra-")
    c.drawString(54, 706, "vato are reviewed.")
    for k, ch in enumerate("KETAMINE infusion"):  # one glyph at a time: PDFium may add no spaces
        c.drawString(54 + 9 * k, 690, ch)
    c.drawString(54, 670, "code J0013 and s 0 0 1 3 and g2083")
    c.showPage()
    c.setPageRotation(90)
    c.drawString(54, 740, "A rotated page of the policy.")
    c.showPage()
    c.setPageRotation(0)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    for k in range(4):  # a ruled table of two columns
        c.line(54, 700 - 20 * k, 400, 700 - 20 * k)
    for x in (54, 200, 400):
        c.line(x, 640, x, 700)
    c.drawString(60, 685, "Drug")
    c.drawString(206, 685, "Criteria")
    c.showPage()
    if ttf_available():
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DejaVu", str(TTF_DIR / "DejaVuSans.ttf")))
        c.setFont("DejaVu", 11)
        c.drawString(54, 700, "\u212aETAMINE and \u0130 and cafe\u0301 of the plan")
        c.drawString(54, 680, "soft\u00adhyphen keta\u00admine")
    c.setFont("Helvetica", 10)
    c.drawString(54, 500, PROSE)
    c.showPage()
    c.drawString(54, 500, "left piece")
    c.drawString(54, 480, "below")
    c.drawString(300, 500.02, "right piece")  # after a line below: a PDFium line of its own
    c.showPage()
    c.save()
    return buf.getvalue()


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


def _c_pieces(
    tp, text: str, fonts: dict[bytes, bool]
) -> tuple[list[tuple[float, float, float, bool, str]], bool]:
    """The line reader's per-line look-ups alone (what ``_pdftext.page`` runs on a page's text): one piece a
    PDFium line, (baseline to 0.1 pt, x, size, bold, text), and whether every line is set straight."""
    return _pdftext.pieces(address(tp), text, fonts, font_bold)


@pytest.mark.parametrize("name", list(_files()))
def test_the_c_readers_equal_the_python_loops(name: str) -> None:
    for tp, text in _pages(_files()[name]):
        c_fonts: dict[bytes, bool] = {}
        py_fonts: dict[bytes, bool] = {}
        assert _c_pieces(tp, text, c_fonts) == ref.pieces(tp, text, py_fonts)
        assert list(pdfglyphs._rows(tp, text, c_fonts).items()) == list(ref.rows(tp, text, py_fonts).items())
        assert c_fonts == py_fonts


def _both_pages(data: bytes, *, ruling: bool, inside: bool) -> list[object]:
    """What ``pdfium._page`` and the Python ``_page`` give on every page, twice (the second pass reads
    the pages ``held`` keeps open from their kept handles), with their fonts and kept pages."""
    out: list[object] = []
    for c_reader in (True, False):
        fonts: dict[bytes, bool] = {}
        pages = []
        with held(data, lambda: None) if inside else contextlib.nullcontext():
            with document(data, lambda: None) as doc:
                kept = kept_pages(doc)
                for _ in range(2):
                    for i in range(raw.FPDF_GetPageCount(doc)):
                        if c_reader:
                            pages.append(pdfium._page(doc, address(doc), kept, i, fonts, ruling=ruling))
                        else:
                            pages.append(ref.page(doc, i, fonts, ruling=ruling))
                held_texts = None if kept is None else {k: v[2] for k, v in kept.items()}
        out.append((pages, fonts, held_texts))
    return out


@pytest.mark.parametrize("inside", [False, True], ids=["alone", "held"])
@pytest.mark.parametrize("ruling", [False, True], ids=["unruled", "ruled"])
@pytest.mark.parametrize("name", list(_files()))
def test_the_c_page_equals_the_python_page(name: str, ruling: bool, inside: bool) -> None:
    c_read, py_read = _both_pages(_files()[name], ruling=ruling, inside=inside)
    assert c_read == py_read


def test_the_needles_pages_hold_their_cases() -> None:
    """The comparison above meets what it is meant to: split needles found, counts of capitals, a rotated
    page inexact, objects without text in doubt, a ruled table inexact only when ruling, grouping."""
    with held(_needles_pdf(), lambda: None), document(_needles_pdf(), lambda: None) as doc:
        kept = kept_pages(doc)
        assert kept == {}
        pages = [pdfium._page(doc, address(doc), kept, i, {}, ruling=True) for i in range(6)]
        assert pages[0] is not None and pages[0][6] is True and pages[0][3] >= 9  # hit; THE, AND, ...
        assert set(kept) == {0} | ({4} if ttf_available() else set())
        assert pages[1] is not None and pages[1][5] is False  # rotated
        assert pages[2] is None  # objects without text
        assert pages[3] is not None and pages[3][5] is False  # tabular
        assert pdfium._page(doc, address(doc), None, 3, {}, ruling=False)[5] is True  # type: ignore[index]
        assert pages[5] is not None and [ln.text for ln in pages[5][4]] == ["left piece right piece", "below"]
        if ttf_available():
            assert pages[4] is not None and pages[4][6] is True  # K, soft hyphens: ketamine
    texts = [text for _, text in _pages(_needles_pdf())]
    assert "\ufffe" in texts[0] or "\x02" in texts[0]
    if ttf_available():
        assert "\u212a" in texts[4] and "\u0130" in texts[4]


@pytest.mark.parametrize("inside", [False, True], ids=["alone", "held"])
@pytest.mark.parametrize("ruling", [False, True], ids=["unruled", "ruled"])
def test_every_page_left_open_is_closed_or_kept(monkeypatch, ruling: bool, inside: bool) -> None:
    """``_pdftext.page`` leaves a page open only for Python (a needle's page ``held`` keeps, a straight
    page whose graphics ``tabular`` looks at); ``_page`` closes each such page it does not keep, once."""
    left: list[int] = []  # pages C left open
    closed: list[int] = []

    def page(*args: object) -> object:
        got = _pdftext.page(*args)  # type: ignore[arg-type]
        if got is not None and got[0] is not None and not args[4]:
            left.append(got[0])
        return got

    def close(pg: int, tp: int) -> None:
        closed.append(pg)
        pdfhandles.close(pg, tp)

    monkeypatch.setattr(pdfium, "_pdftext", types.SimpleNamespace(page=page))
    monkeypatch.setattr(pdfium, "close", close)
    data = _needles_pdf()
    opened = 0
    with held(data, lambda: None) if inside else contextlib.nullcontext():
        with document(data, lambda: None) as doc:
            kept = kept_pages(doc)
            for i in range(raw.FPDF_GetPageCount(doc)):
                before = len(left), len(closed)
                pdfium._page(doc, address(doc), kept, i, {}, ruling=ruling)
                if len(left) > before[0]:  # left open: closed now, once, unless held keeps it
                    opened += 1
                    is_kept = kept is not None and i in kept
                    assert closed[before[1] :] == ([] if is_kept else [left[-1]])
                else:
                    assert len(closed) == before[1]
            n_kept = len(kept or {})
    assert opened == len(closed) + n_kept
    assert n_kept == (2 if inside and ttf_available() else 1 if inside else 0)
    assert opened == (4 if ruling else n_kept)  # ruled: the four straight pages with text


#: the characters the text-check strings are made of: every class ``doubtful`` and ``_flat`` decide
_ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzKETAMINESPRVOJGHD0123456789     .,-")
    + ["\r\n", "\t", "\ufffe", "\x02", "\x00", "\x1f", "\x0b", "\ufffd", "\uffff", "\uf0b7", "\uf0a7"]
    + ["\ue012", "\u0378", "\ud800", "\u00ad", "\u212a", "\u0130", "\u0301", "\u00e9", "\u2013"]
    + ["\u201c", "\u05e9", "\u0645", "\uff2b", "\uff45", "\u2160", "\u00a0", "\u3000", "\U0001d400"]
    + [" the ", " The ", " AND ", " of ", " to ", " the the ", "ketamine", "keta-\ufffe\r\nmine"]
    + ["Spra\u00advato", "s 0 0 1 3", "J0013", "ketalar", "g2082"]
)


def _strings() -> list[str]:
    rng = random.Random(17)
    texts = ["", " ", "\r\n", "plain ASCII text", "the", " the", " the of and to ", "\ufffe", "a\ufffeb"]
    for _ in range(6000):
        pool = _ALPHABET if rng.random() < 0.5 else _ALPHABET[:70]  # half of them ASCII and U+FFFE only
        texts.append("".join(rng.choice(pool) for _ in range(rng.randrange(1, 40))))
    return texts


def test_the_c_text_checks_equal_the_python_ones() -> None:
    for text in _strings():
        assert _pdftext.doubtful(text) is ref.doubtful(text), repr(text)
        assert _pdftext._checks(text) == ref.checks(text), repr(text)


def test_the_text_checks_find_split_needles_and_count_words() -> None:
    assert _pdftext._checks("Keta-\ufffe\r\nMINE") == ("ketamine", 0, 0, True)
    assert _pdftext._checks("S p r a v a t o") == ("spravato", 7, 0, True)
    assert _pdftext._checks("keta\u00admine") == ("ketamine", 0, 0, True)  # a soft hyphen
    assert _pdftext._checks("\uff2b\uff25\uff34\uff21\uff2d\uff29\uff2e\uff25") == ("ketamine", 0, 0, True)
    assert _pdftext._checks("of The the the end") == ("ofthethetheend", 4, 2, False)
    assert _pdftext._checks("\x03 hidden") is None


def test_the_cases_page_holds_the_cases() -> None:
    """The comparison above meets what it is meant to: a line-end hyphen, a sideways run appended to a
    straight line, a line bold at its first glyph only, right-to-left text, a blank page."""
    texts = [text for _, text in _pages(_cases_pdf())]
    assert "\ufffe" in texts[0] or "\x02" in texts[0]
    assert texts[1] == ""
    pieces = {}
    for i, (tp, text) in enumerate(_pages(_cases_pdf())):
        found, straight = _c_pieces(tp, text.replace("\x02", "\ufffe"), {})
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
    with document(_cases_pdf(), lambda: None) as doc, text_page(doc, 0) as loaded:
        assert loaded is not None
        handle, tp = address(doc), loaded[1]
        for bad, error in (
            ((handle, 0, {}, 0, 0), TypeError),
            ((handle, 0, [], 0, 0, 0), TypeError),
            ((handle, "0", {}, 0, 0, 0), TypeError),
            ((0, 0, {}, 0, 0, 0), ValueError),
            ((handle, 0, {}, 0, address(tp), 0), ValueError),  # a page without its text page
            ((handle, -1, {}, 0, 0, 0), IndexError),
        ):
            with pytest.raises(error):
                _pdftext.page(*bad)
        assert _pdftext.page(handle, 99, {}, 0, 0, 0) is None  # no such page: no reading, as before
    for fn in (_pdftext.doubtful, _pdftext._checks):
        with pytest.raises(TypeError):
            fn(b"text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _pdftext.configure(("ketamine",), str, str, str, str, str)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _pdftext.bind(1, 2)
    with pytest.raises(ValueError, match="NULL"):
        _pdftext.bind(*[0] * 15)


def test_an_error_in_the_font_rule_propagates() -> None:
    def broken(name: bytes) -> bool:
        raise RuntimeError(f"no rule for {name!r}")

    with _page(_cases_pdf(), 0) as (tp, text):
        for fn in (_pdftext.pieces, _pdftext.rows):
            with pytest.raises(RuntimeError, match="no rule"):
                fn(address(tp), text, {}, broken)
            # every name already known: the rule is not asked
            fn(address(tp), text, dict.fromkeys(_font_names(tp, text), False), broken)


def test_an_error_in_the_configured_python_propagates() -> None:
    """``page`` calls the font rule, ``_flat``, ``Line`` and the grouping configured at import: an error there
    comes out of ``page``, which closed the page it loaded (the call after it reads the page again)."""

    def broken(*args: object) -> bool:
        raise RuntimeError("no rule")

    def configure(**swap: object) -> None:
        parts = {
            "needles": terms.SCAN_NEEDLES,
            "flat": pdfium._flat,
            "category": unicodedata.category,
            "line": pdfium.Line,
            "group": pdfium._lines,
            "bold": font_bold,
        }
        _pdftext.configure(*{**parts, **swap}.values())

    cases = [("bold", 0), ("line", 0), ("group", 5), ("category", 4), ("flat", 4)]
    try:
        with document(_needles_pdf(), lambda: None) as doc:
            for part, index in cases if ttf_available() else cases[:3]:
                configure(**{part: broken})
                with pytest.raises(RuntimeError, match="no rule"):
                    _pdftext.page(address(doc), index, {}, 3, 0, 0)
                configure()
                assert _pdftext.page(address(doc), index, {}, 0, 0, 0) is not None
    finally:
        configure()


def _font_names(tp: object, text: str) -> set[bytes]:
    fonts: dict[bytes, bool] = {}
    ref.pieces(tp, text, fonts)
    ref.rows(tp, text, fonts)
    return set(fonts)


def _rss() -> int:
    """This process's resident memory in bytes: what PDFium allocates (a page left open) shows only here."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_repeated_calls_leak_nothing() -> None:
    """Python objects C makes are all handed over or released, and every page it loads is closed:
    thousands of calls on a page of every case leave the traced memory (Python's allocations, C's
    PyMem buffers) and the resident memory (PDFium's, which tracemalloc does not see) where they were.
    bench/extract_rss.py shows the same for whole extractions, 1,000 rounds."""
    mixed = "The \u201cplan\u201d of keta-\ufffe\r\nmine and \u212a"
    with document(_cases_pdf(), lambda: None) as doc, text_page(doc, 0) as loaded:
        assert loaded is not None
        page_handle, page, text, handle = address(loaded[0]), address(loaded[1]), loaded[2], address(doc)

        def calls(n: int) -> None:
            for _ in range(n):
                _pdftext.pieces(page, text, {}, font_bold)
                _pdftext.rows(page, text, {}, font_bold)
                _pdftext.page(handle, 0, {}, 0, 0, 0)  # loads, reads and closes the page
                _pdftext.page(handle, 0, {}, 0, page_handle, page)  # reads the page handed in
                _pdftext.page(handle, 2, {}, 0, 0, 0)
                _pdftext._checks(mixed)
                try:
                    _pdftext.rows(page, text + "x", {}, font_bold)
                except ValueError:
                    pass

        calls(50)
        gc.collect()
        rss = _rss()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            calls(2000)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        rss_grown = _rss() - rss
    assert grown < 20_000  # one leaked float a call would be 2000 × 24 bytes
    assert rss_grown < 4 << 20  # one page left open a call would be 2000 × ~20 KB


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


def test_a_page_pdfium_writes_short_is_no_reading() -> None:
    """PDFium drops characters beyond the BMP from FPDFText_GetText's text, so it writes fewer units than
    it counts characters: C then reads no further than PDFium wrote (the rest of its buffer was never
    written) and, as the Python reading did (a zeroed buffer: a NUL in the text, doubtful), gives None."""
    if not ttf_available():
        pytest.skip("needs DejaVu")
    from tests.support.pdf import _dejavu

    _dejavu()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("DejaVu", 11)
    c.drawString(54, 700, "The plan covers \U0001d400 and ketamine")
    c.showPage()
    c.save()
    data = buf.getvalue()
    with document(data, lambda: None) as doc:
        with text_page(doc, 0) as loaded:
            assert loaded is not None and loaded[2].endswith("\x00")  # one unit short: the NUL
        assert pdfium._page(doc, address(doc), None, 0, {}, ruling=False) is None
        assert ref.page(doc, 0, {}, ruling=False) is None


def test_page_loading_lets_other_threads_run() -> None:
    """``page`` lets go of the GIL while PDFium loads the page (ctypes did around the same calls): a thread
    waiting for the GIL gets in during the call, not only when the caller next blocks. The switch
    interval is set beyond the test's length so the interpreter never hands the GIL over on its own."""
    go, ran = threading.Event(), threading.Event()

    def waiter() -> None:
        go.wait()  # woken below, then waits for the GIL
        ran.set()

    thread = threading.Thread(target=waiter, daemon=True)
    thread.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    calls = 0
    try:
        with document(_cases_pdf(), lambda: None) as doc:
            go.set()
            while not ran.is_set() and calls < 2000:
                _pdftext.page(address(doc), 0, {}, 0, 0, 0)
                calls += 1
            got_in = ran.is_set()
    finally:
        sys.setswitchinterval(interval)
        thread.join()
    assert got_in, f"no other thread ran during {calls} page loads"


def test_a_font_rule_that_configures_again_is_not_freed_under_page() -> None:
    """``page`` holds the font rule it asks for a whole page: a rule that reconfigures the module (and so
    drops the module's reference to itself) is still alive for the page's next font name."""
    asked: list[bytes] = []

    class Rule:
        def __call__(self, name: bytes) -> bool:
            asked.append(name)
            if len(asked) == 1:  # the module's reference was the only one: dropped here
                _pdftext.configure(
                    terms.SCAN_NEEDLES,
                    pdfium._flat,
                    unicodedata.category,
                    pdfium.Line,
                    pdfium._lines,
                    font_bold,
                )
                gc.collect()
                for _ in range(200):  # reuse the freed memory, if it was freed
                    types.SimpleNamespace(a=1, b=2)
            return False

    try:
        with document(_cases_pdf(), lambda: None) as doc:
            _pdftext.configure(
                terms.SCAN_NEEDLES, pdfium._flat, unicodedata.category, pdfium.Line, pdfium._lines, Rule()
            )
            fonts: dict[bytes, bool] = {}
            got = _pdftext.page(address(doc), 0, fonts, 0, 0, 0)
    finally:
        _pdftext.configure(
            terms.SCAN_NEEDLES, pdfium._flat, unicodedata.category, pdfium.Line, pdfium._lines, font_bold
        )
    assert got is not None
    assert len(asked) >= 2 and set(asked) == set(fonts)  # every name asked of the rule it started with
