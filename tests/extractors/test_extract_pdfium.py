"""PDFium reads every page: off-topic PDFs are read by PDFium alone, the rest get pdfplumber where needed.

What must hold (extractors/README.md, "PDF fast path"): a PDF that never names the drugs never reaches
pdfplumber or pdfminer and still has passages (none), facts (none) and metadata equal to the full path's
and formatting-proof text; a PDF that may name them (or that PDFium cannot read cleanly) gets the
passages, facts, metadata and text of the all-pages pdfplumber path; errors keep their types.
"""

from __future__ import annotations

import io
import threading

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

import extractors
from extractors import detect, model
from extractors.pdf import read_pdf
from extractors.pdfium import cipher, doubtful, read_pages
from tests.support.pdf import (
    FILES,
    image_only_pdf,
    load,
    render,
    render_file,
    synthetic_policy,
    ttf_available,
)

PDF_SOURCES = sorted(p.name for p in FILES.glob("*.yaml") if p.name != "cases.yaml")
NO_TOPIC = "uhc-botox-no-topic.yaml"


def _old_path(data: bytes) -> model.ExtractedPolicy:
    """The reading without PDFium: every page through pdfplumber (lean, as the fast path lays out)."""
    return extractors._extract(
        data, detect.PDF, None, full=False, max_pages=1500, check=lambda: None, pdfium=False
    )


def _off_topic(data: bytes) -> bool:
    reading = read_pages(data, check=lambda: None, max_pages=1500)
    return reading is not None and reading.off_topic


def _source(data: bytes) -> str:
    return read_pdf(data).source


def _pages_pdf(pages: list[list[str]], fonts: tuple[str, ...] = ()) -> bytes:
    """One line per string, 14 pt apart, a page per list; ``fonts`` registers TrueType fonts first."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for lines in pages:
        c.setFont(fonts[0] if fonts else "Helvetica", 10)
        for k, line in enumerate(lines):
            c.drawString(54, 720 - 14 * k, line)
        c.showPage()
    c.save()
    return buf.getvalue()


_PROSE = (
    "The member has a diagnosis of chronic migraine and the plan reviews the request for this "
    "drug in the usual way."
)


@pytest.fixture
def no_plumber(monkeypatch):
    """Make every entry into pdfplumber / pdfminer fail loudly."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    import extractors.pdf as pdf

    def boom(*_a, **_k):
        raise AssertionError("pdfplumber/pdfminer touched")

    monkeypatch.setattr(pdf, "_open", boom)
    monkeypatch.setattr(pdfplumber, "open", boom)
    monkeypatch.setattr(PDFPage, "create_pages", boom)


@pytest.mark.parametrize(
    "data", [render_file(NO_TOPIC), render(synthetic_policy(12))], ids=["uhc-botox", "synthetic"]
)
def test_no_topic_pdf_never_touches_pdfplumber(data: bytes, no_plumber) -> None:
    result = extractors.extract(data)
    assert result.passages == () and result.facts == () and result.codes == ()
    assert result.text and result.metadata.policy_number and result.metadata.title


@pytest.mark.parametrize("source", [NO_TOPIC])
def test_no_topic_pdf_matches_full_path_in_passages_facts_and_metadata(source: str) -> None:
    """The text of an off-topic PDF is PDFium's (tables read as lines, not " | " rows), so it is not
    compared with pdfplumber's; what downstream code uses from it is."""
    data = render_file(source)
    assert _source(data) == "pdfium"
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert (fast.passages, fast.facts, fast.metadata) == (full.passages, full.facts, full.metadata)
    assert fast.revision_history == full.revision_history
    # sections come from the same layout rules, but a ruled table's bold header row is a heading here
    # (PDFium reads lines, not table rows)
    assert {s.heading for s in full.sections} <= {s.heading for s in fast.sections}


@pytest.mark.parametrize("source", [s for s in PDF_SOURCES if s != NO_TOPIC])
def test_topic_pdf_gives_exactly_todays_result(source: str) -> None:
    data = render_file(source)
    assert not _off_topic(data)
    assert _source(data) == "pdfplumber"
    assert extractors.extract(data).to_dict() == _old_path(data).to_dict()


@pytest.mark.parametrize(
    "lines",
    [
        ["Coverage of KETAMINE infusions is described below."],
        ["Some plans list Spra-", "vato under the pharmacy benefit."],  # hyphenated over a line break
        ["Billing code J 0013 is not used here."],  # a kerning split inside a code
        ["Es-ketamine is not covered."],
    ],
    ids=["upper-case", "hyphenated", "split-code", "es-ketamine"],
)
def test_any_spelling_of_a_term_goes_the_old_way(lines: list[str]) -> None:
    data = _pages_pdf([[_PROSE] * 3, [_PROSE, *lines, _PROSE]])
    assert not _off_topic(data)
    assert extractors.extract(data).to_dict() == _old_path(data).to_dict()


def test_term_split_over_a_page_break_goes_the_old_way() -> None:
    data = _pages_pdf(
        [[_PROSE, "The plan reviews requests for keta-"], ["mine nasal spray as below.", _PROSE]]
    )
    assert not _off_topic(data)


def test_topic_on_the_last_page_only() -> None:
    data = render(synthetic_policy(10, topic_pages=(9,)))
    assert _source(data) == "pdfplumber"
    result = extractors.extract(data)
    assert result.to_dict() == _old_path(data).to_dict()
    assert result.passages == extractors.extract(data, full=True).passages


@pytest.mark.parametrize("variant", ["reexport", "rewrap", "reprint"])
@pytest.mark.parametrize("source", ["no-topic-uhc", "no-topic-synthetic"])
def test_noise_pairs_of_an_off_topic_pdf_give_identical_text(source: str, variant: str) -> None:
    src = (
        load(NO_TOPIC)
        if source == "no-topic-uhc"
        else dict(
            synthetic_policy(12),
            footer=["Page {page} of {pages}", "Printed on {printed}", "© {year} Synthetic Health"],
        )
    )
    base, other = render(src), render(src, variant)
    assert base != other
    assert _source(base) == _source(other) == "pdfium"
    a, b = extractors.extract(base), extractors.extract(other)
    assert a.text == b.text
    assert a.metadata == b.metadata
    assert a.sections == b.sections
    for noise in ("Page 1 of", "Printed on", "11/02/2026", "03/15/2027", "All rights reserved", "©"):
        assert noise not in a.text


@pytest.mark.skipif(not ttf_available(), reason="DejaVu fonts not installed")
def test_embedded_truetype_off_topic_pdf_reads_like_type1() -> None:
    """Real policies embed subset TrueType fonts; PDFium reads them as it reads the standard fonts."""
    ttf, type1 = render(load(NO_TOPIC), ttf=True), render_file(NO_TOPIC)
    assert _source(ttf) == "pdfium"
    assert extractors.extract(ttf).text == extractors.extract(type1).text


def test_a_page_pdfium_cannot_read_sends_the_document_the_old_way() -> None:
    """A scanned page (objects, no text) among text pages: PDFium's reading is in doubt."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    for k in range(5):
        c.drawString(54, 720 - 14 * k, _PROSE)
    c.showPage()
    for k in range(20):  # the "scan": ink without a text layer
        c.rect(50 + k * 5, 100 + k * 20, 400, 8, stroke=0, fill=1)
    c.showPage()
    c.save()
    data = buf.getvalue()
    assert not _off_topic(data)
    assert _source(data) == "pdfplumber"
    assert extractors.extract(data).to_dict() == _old_path(data).to_dict()


def test_doubtful_readings() -> None:
    assert doubtful("")
    assert doubtful("   \r\n ")
    assert doubtful("Covered when \ufffd criteria are met")  # replacement character
    assert doubtful("Covered \x03\x04\x05 when")  # control characters: unmapped glyph codes
    assert doubtful("\ue012\ue013\ue014 \ue015")  # private-use code points
    assert not doubtful("Covered when criteria are met.\r\n\uf0b7 Bullet item (Symbol font)")
    assert not doubtful("Treatment-\ufffereresistant depression \u2013 na\u00efve \u201cquoted\u201d")
    assert cipher(200, 2)  # "Uif nfncfs ibt ..." decodes to letters but not to words
    assert not cipher(200, 30)
    assert not cipher(20, 0)  # too little text to judge (a code table page)


def test_cipher_text_goes_the_old_way() -> None:
    shifted = "".join(chr(ord(c) + 1) if c.isalpha() else c for c in _PROSE)
    data = _pages_pdf([[shifted] * 12])
    assert not _off_topic(data)


def test_private_use_glyphs_go_the_old_way() -> None:
    if not ttf_available():
        pytest.skip("DejaVu fonts not installed")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from tests.support.pdf import TTF_DIR

    pdfmetrics.registerFont(TTFont("DejaVu", str(TTF_DIR / "DejaVuSans.ttf")))
    data = _pages_pdf([[_PROSE, "Legend: \ue000\ue001\ue002 marks a change."]], fonts=("DejaVu",))
    assert not _off_topic(data)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: render(load(NO_TOPIC), encrypt="s3cret"), model.EncryptedDocument),
        (lambda: b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage\n%%EOF\n", model.CorruptDocument),
        (lambda: render_file(NO_TOPIC)[: len(render_file(NO_TOPIC)) // 2], model.CorruptDocument),
        (lambda: image_only_pdf(), model.NoTextLayer),
        (lambda: _empty_pdf(), model.EmptyDocument),
    ],
    ids=["encrypted", "corrupt", "truncated", "image-only", "no-pages"],
)
def test_bad_pdfs_raise_the_same_typed_errors(make, error) -> None:
    data = make()
    with pytest.raises(error) as fast:
        extractors.extract(data)
    with pytest.raises(error) as old:
        _old_path(data)
    assert fast.value.reason == old.value.reason


def test_too_many_pages_is_decided_by_the_first_pass() -> None:
    with pytest.raises(model.DocumentTooLarge):
        read_pages(render(synthetic_policy(6)), check=lambda: None, max_pages=3)


def _empty_pdf() -> bytes:
    """A well-formed PDF whose page tree has no pages."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_concurrent_extractions_agree() -> None:
    """PDFium is not thread-safe: the module lock serializes it, results are unaffected."""
    data = render(synthetic_policy(8))
    expected = extractors.extract(data).to_dict()
    results: list[dict] = []

    def work() -> None:
        for _ in range(3):
            results.append(extractors.extract(data).to_dict())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 12 and all(r == expected for r in results)


def test_bold_label_with_a_plain_value_is_not_a_heading() -> None:
    """pdfplumber calls a line bold only if every glyph is; PDFium's reading checks both ends."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(54, 720, "Botulinum Toxin Injections")
    for k, (label, value) in enumerate((("Policy Number:", "MP-1234"), ("Effective Date:", "May 1, 2026"))):
        c.setFont("Helvetica-Bold", 10)
        c.drawString(54, 690 - 14 * k, label)
        c.setFont("Helvetica", 10)
        c.drawString(130, 690 - 14 * k, value)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(54, 640, "Coverage Rationale")
    c.setFont("Helvetica", 10)
    for k in range(4):
        c.drawString(54, 624 - 14 * k, _PROSE)
    c.showPage()
    c.save()
    data = buf.getvalue()
    assert _source(data) == "pdfium"
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert fast.metadata == full.metadata
    assert fast.metadata.policy_number == "MP-1234"
    assert [s.heading for s in fast.sections] == [s.heading for s in full.sections] == ["Coverage Rationale"]
    assert fast.text == full.text


def test_a_passage_found_in_pdfium_lines_redoes_the_document_the_old_way(monkeypatch) -> None:
    """The needles see PDFium's stream order; the layout rules sort lines by baseline and re-join words
    hyphenated over a line break. Drawn out of order, "keta-" / "mine" only meet in the blocks: the
    guard in ``extract`` must then take the pdfplumber path, so the passage is the reference one."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(54, 686, "mine infusions are not covered for any indication.")
    for k in range(3):
        c.drawString(54, 600 - 14 * k, _PROSE)
    c.drawString(54, 700, "The plan reviews requests for keta-")
    c.showPage()
    c.save()
    data = buf.getvalue()
    assert _off_topic(data)  # PDFium's text: no term
    calls = []
    original = extractors._extract_plumbed
    monkeypatch.setattr(extractors, "_extract_plumbed", lambda *a, **k: calls.append(1) or original(*a, **k))
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert calls == [1]
    assert fast.passages and fast.passages == full.passages and fast.text == full.text


def _graphics_page(draw) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(60, 700, "Esketamine (Spravato) codes are listed below.")
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "draw", "table"),
    [
        ("header-row-of-two-cells", lambda c: (c.rect(54, 100, 150, 20), c.rect(204, 100, 300, 20)), True),
        ("grid-in-one-path", lambda c: c.grid([54, 204, 504], [100, 130, 160]), True),
        ("rule-and-box", lambda c: (c.line(54, 748, 558, 748), c.rect(50, 640, 500, 40)), False),
        ("one-box", lambda c: c.rect(50, 640, 500, 40), False),
        ("rules-only", lambda c: [c.line(54, y, 558, y) for y in (748, 744, 120)], False),
        ("nothing", lambda c: None, False),
    ],
)
def test_pages_pdfplumber_may_read_as_a_table_are_inexact(name: str, draw, table: bool) -> None:
    """A page pdfplumber may read as " | " rows is laid out by pdfplumber; the rule is checked against
    pdfplumber's own ``find_tables`` (a lone table header row of two cells at a page's foot used to be
    read by PDFium as a plain line: the re-typeset fixtures' false difference)."""
    import pdfplumber

    data = _graphics_page(draw)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert bool(pdf.pages[0].find_tables()) == table
    reading = read_pages(data, check=lambda: None, max_pages=9)
    assert reading is not None and reading.topic
    assert (0 in reading.inexact) == table
