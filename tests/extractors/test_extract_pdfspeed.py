"""The PDF speed-ups must not change a single character: pdfplumber's lean reading equals its full one."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

import extractors
from extractors.pdf import _lean_layout, _open, plumb_page
from tests.support.pdf import FILES, image_only_pdf, load, render, synthetic_policy, ttf_available

SOURCES = sorted(p.name for p in FILES.glob("*.yaml") if p.name != "cases.yaml")
FIELDS = ("text", "matrix", "x1", "size", "fontname")


def _ruled_note() -> bytes:
    """A page with a header rule, a boxed note and a two-by-two ruled table, and a page with only the
    rule and the box (lines and rectangles, but no table)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for page in range(2):
        c.setFont("Helvetica", 8)
        c.drawString(54, 752, "Synthetic Health Plan Medical Policy")
        c.line(54, 748, 558, 748)
        c.setFont("Helvetica-Bold", 14)
        c.drawString(54, 700, "Esketamine (Spravato)")
        c.setFont("Helvetica", 10)
        c.rect(50, 640, 500, 40, stroke=1, fill=0)
        c.drawString(54, 660, "Note: Spravato must be given in a certified healthcare setting.")
        if page == 0:
            for r in range(2):
                for k in range(2):
                    c.rect(54 + k * 200, 500 - r * 30, 200, 30, stroke=1, fill=0)
                    c.drawString(60 + k * 200, 510 - r * 30, f"cell {r}{k} G2082")
        c.showPage()
    c.save()
    return buf.getvalue()


def _documents() -> list[tuple[str, bytes]]:
    docs = [(f"{s}:base", render(load(s))) for s in SOURCES]
    docs += [(f"{s}:rewrap", render(load(s), "rewrap")) for s in SOURCES[:2]]
    if ttf_available():
        docs += [(f"{s}:ttf", render(load(s), ttf=True)) for s in SOURCES]
    docs += [
        ("synthetic", render(synthetic_policy(6, (1, 4), drug_section_at=2))),
        ("scan", image_only_pdf()),
        ("ruled", _ruled_note()),
    ]
    return docs


DOCUMENTS = _documents()


def _pages(data: bytes):
    from pdfplumber.page import Page

    pdf, page_objs = _open(data)
    try:
        for i, obj in enumerate(page_objs):
            yield i, lambda obj=obj, i=i: Page(pdf, obj, page_number=i + 1)
    finally:
        pdf.close()


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_lean_glyphs_equal_pdfplumber_chars(name: str, data: bytes) -> None:
    for _, page in _pages(data):
        lean, _ = _lean_layout(page())
        full = [{k: c[k] for k in FIELDS} for c in page().chars]
        assert lean == full


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_lean_page_reading_equals_full(name: str, data: bytes) -> None:
    for i, page in _pages(data):
        assert plumb_page(page(), i) == plumb_page(page(), i, lean=False)


def test_ruled_pages_keep_their_table_and_lose_nothing() -> None:
    data = _ruled_note()
    rows = [ln.text for i, page in _pages(data) for ln in plumb_page(page(), i) if ln.row]
    assert rows == ["cell 00 G2082 | cell 01 G2082", "cell 10 G2082 | cell 11 G2082"]
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert fast.text == full.text and fast.passages == full.passages and fast.facts == full.facts


def test_policy_without_the_drugs_lays_out_no_page() -> None:
    """PDFium reads it alone, with the same passages, facts and metadata as pdfplumber on every page;
    without PDFium (``pdfium=False``) the lean pdfplumber reading equals the stock one."""
    from extractors.passages import passage_pages
    from extractors.pdf import read_pdf

    data = render(synthetic_policy(12))
    read = read_pdf(data, passage_pages=passage_pages)
    assert read.source == "pdfium" and read.plumbed == set()
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert not fast.passages and not fast.facts
    assert fast.metadata.policy_number == "2026D0999A" and fast.metadata.effective is not None
    assert fast.metadata == full.metadata
    lean = extractors._extract(
        data, extractors.detect.PDF, None, full=False, max_pages=1500, check=lambda: None, pdfium=False
    )
    assert (lean.text, lean.metadata, lean.sections) == (full.text, full.metadata, full.sections)
