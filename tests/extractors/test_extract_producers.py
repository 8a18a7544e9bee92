"""The PDF fast path equals the all-pages pdfplumber path for every producer and font kind a payer's
PDF comes in (extractors/README.md, "PDF fast path").

PDFium reads every page; pdfplumber lays out only the pages passages rest on. That is only allowed
because PDFium's lines equal pdfplumber's on the pages it keeps, whatever the font: standard Type 1,
subset TrueType with a ToUnicode map, /Differences encodings, CID fonts with Identity-H, and the same
documents re-written by cairo (new subsets, Type 1C) and ghostscript (TrueType without ToUnicode).
"""

from __future__ import annotations

import pytest

import extractors
from extractors.passages import passage_pages
from extractors.pdf import read_pdf
from extractors.pdfium import read_pages
from tests.support.pdf import (
    FILES,
    FONT_KINDS,
    load,
    mixed_policy,
    render,
    rewrite,
    rewriter_available,
    synthetic_policy,
    ttf_available,
)

SOURCES = sorted(p.name for p in FILES.glob("*.yaml") if p.name != "cases.yaml")
LONG = {
    "synthetic": lambda: synthetic_policy(8, (1, 5), drug_section_at=3),
    "mixed": mixed_policy,
}


def _render(name: str, font: str, tool: str | None) -> bytes:
    if font != "type1" and not ttf_available():
        pytest.skip("DejaVu fonts not installed")
    if tool and not rewriter_available(tool):
        pytest.skip(f"{tool} not installed")
    src = LONG[name]() if name in LONG else load(name)
    data = render(src, font=font)
    return rewrite(data, tool) if tool else data


def _same(data: bytes) -> None:
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert fast.passages == full.passages  # offsets included
    assert fast.facts == full.facts
    assert fast.metadata == full.metadata
    assert fast.revision_history == full.revision_history
    if full.passages:  # an off-topic PDF is read by PDFium alone: its text is PDFium's (README)
        assert fast.text == full.text
        assert fast.sections == full.sections


CASES = [(s, f, None) for s in SOURCES for f in FONT_KINDS]
CASES += [(s, f, t) for s in ("synthetic", "mixed") for f in FONT_KINDS for t in (None, "cairo", "gs")]
CASES += [
    (s, f, t)
    for s in ("uhc-spravato.yaml", "uhc-botox-no-topic.yaml")
    for f in ("ttf", "cid")
    for t in ("cairo", "gs")
]


@pytest.mark.parametrize(
    ("name", "font", "tool"), CASES, ids=[f"{s}-{f}-{t or 'direct'}" for s, f, t in CASES]
)
def test_fast_path_equals_full_path(name: str, font: str, tool: str | None) -> None:
    _same(_render(name, font, tool))


@pytest.mark.parametrize("font", FONT_KINDS)
def test_long_policy_reads_only_the_passage_pages_exactly(font: str) -> None:
    """Whatever the font, the pages the passages rest on are read glyph by glyph from PDFium with
    pdfplumber's rule, pdfplumber lays out only the page with the ruled table (whose rows only it reads),
    and PDFium's lines serve for the rest."""
    data = _render("mixed", font, None)
    read = read_pdf(data, passage_pages=passage_pages)
    fast = extractors.extract(data)
    spans = {i for p in fast.passages for i in range(p.page_start, p.page_end + 1)}
    ruled = _inexact(data)
    assert spans and ruled and not spans & ruled
    assert read.glyphs == spans and read.plumbed == ruled, (sorted(spans), read.glyphs, read.plumbed)


def _inexact(data: bytes) -> set[int]:
    return read_pages(data, check=lambda: None, max_pages=99).inexact


def test_pdfium_glyph_lines_equal_pdfplumber_lines() -> None:
    """The glyph reader's lines are pdfplumber's, page by page, on every page without a ruled table."""
    from pdfplumber.page import Page

    from extractors.pdf import _open, plumb_page
    from extractors.pdfglyphs import glyph_lines

    for font in FONT_KINDS:
        for tool in (None, "cairo", "gs"):
            if tool and not rewriter_available(tool):
                continue
            data = _render("mixed", font, tool)
            pdf, objs = _open(data)
            try:
                plumber = {i: plumb_page(Page(pdf, o, page_number=i + 1), i) for i, o in enumerate(objs)}
            finally:
                pdf.close()
            glyphs = glyph_lines(data, set(plumber), check=lambda: None)
            for i, lines in plumber.items():
                if any(ln.row for ln in lines):
                    continue
                got = [(ln.text, ln.baseline, round(ln.x, 3), ln.size, ln.bold) for ln in glyphs[i]]
                want = [(ln.text, ln.baseline, round(ln.x, 3), ln.size, ln.bold) for ln in lines]
                assert got == want, (font, tool, i)


@pytest.mark.parametrize("font", FONT_KINDS)
def test_off_topic_policy_is_read_by_pdfium_alone(font: str) -> None:
    data = _render("uhc-botox-no-topic.yaml", font, None)
    read = read_pdf(data, passage_pages=passage_pages)
    assert read.source == "pdfium" and read.plumbed == set()
