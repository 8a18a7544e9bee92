"""``pdf.read_pdf`` on small documents: which reader read which page, the blocks, and the errors.

Every case is a document of a few pages drawn once per session: an off-topic policy (PDFium alone), a
topic policy whose passage runs over a page break (PDFium's glyphs for the passage pages, pdfplumber
for the ruled table, PDFium's lines for the rest), a cipher, a page count the two parsers disagree on,
and the bad files (truncated, unparseable, encrypted, no pages, too many pages, no text layer). The
blocks are asserted whole; the reference (``full=True``, stock pdfplumber on every page) must give the
same blocks wherever the README promises it.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import model
from extractors.passages import passage_pages
from extractors.pdf import PdfRead, plumb_page, read_pdf
from tests.support.pdf import image_only_pdf
from tests.support.pdfium_lock import Stop, pdfium_held_elsewhere, stop

Draw = Callable[[canvas.Canvas], None]


def _pdf(*pages: Draw, header: bool = True) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for i, draw in enumerate(pages):
        if header:
            c.setFont("Helvetica", 9)
            c.drawString(54, 760, "Acme Health Plan Medical Policy")
            c.drawString(500, 40, f"Page {i + 1}")
        c.setFont("Helvetica", 10)
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def _lines(*texts: str, heading: bool = False) -> Draw:
    """One line per string, the first a 12 pt bold heading if ``heading``."""

    def draw(c: canvas.Canvas) -> None:
        for k, text in enumerate(texts):
            bold = heading and k == 0
            c.setFont("Helvetica-Bold" if bold else "Helvetica", 12 if bold else 10)
            c.drawString(54, 700 - 16 * k, text)

    return draw


def _table(c: canvas.Canvas) -> None:
    _lines("Billing codes", "The codes below are billed with the claim form.", heading=True)(c)
    c.grid([54, 204, 504], [470, 500, 530, 560])
    c.setFont("Helvetica", 9)  # table cells a size smaller than the text
    c.drawString(60, 540, "Code")
    c.drawString(210, 540, "Description")
    c.drawString(60, 510, "J3490")
    c.drawString(210, 510, "Unclassified drugs")  # the bottom row is left empty


@functools.cache
def _off_topic() -> bytes:
    return _pdf(
        _lines(
            "Botulinum Toxin Injections",
            "Policy Number: MP-1234",
            "Toxin is injected by a doctor.",
            heading=True,
        ),
        _table,
        _lines("Coverage Rationale", "The plan covers the injections for chronic migraine.", heading=True),
    )


@functools.cache
def _topic() -> bytes:
    return _pdf(
        _lines("Nasal Spray Policy", "Policy Number: MP-77", "This policy lists nasal sprays.", heading=True),
        _table,
        _lines(
            "Esketamine",
            "Esketamine nasal spray is covered when the member has tried two antidepressants and",
            heading=True,
        ),
        _lines("the prescriber documents the response to each of them.", "Other sprays follow."),
        _lines("References", "A list of sources the plan used.", heading=True),
    )


def _blocks(read: PdfRead) -> list[tuple]:
    return [(b.kind, b.level, b.page, b.page_last, b.text) for b in read.blocks]


HEADER = "Acme Health Plan Medical Policy Page 1"
TABLE_ROWS = [
    ("heading", 1, 1, 1, "Billing codes"),
    ("para", 0, 1, 1, "The codes below are billed with the claim form."),
    ("row", 0, 1, None, "Code | Description"),
    ("row", 0, 1, None, "J3490 | Unclassified drugs"),
]


def test_an_off_topic_policy_is_read_by_pdfium_alone():
    read = read_pdf(_off_topic(), passage_pages=passage_pages)
    assert (read.source, read.pages, read.plumbed, read.glyphs) == ("pdfium", 3, set(), set())
    assert _blocks(read) == [
        ("heading", 1, 0, 0, "Botulinum Toxin Injections"),
        ("para", 0, 0, 0, "Policy Number: MP-1234"),
        ("para", 0, 0, 0, "Toxin is injected by a doctor."),
        ("heading", 1, 1, 1, "Billing codes"),
        ("para", 0, 1, 1, "The codes below are billed with the claim form."),
        ("para", 0, 1, 1, "Code Description"),  # PDFium reads a table's rows as lines
        ("para", 0, 1, 1, "J3490 Unclassified drugs"),
        ("heading", 1, 2, 2, "Coverage Rationale"),
        ("para", 0, 2, 2, "The plan covers the injections for chronic migraine."),
    ]
    assert read.furniture == HEADER


def test_the_reference_reads_every_page_with_pdfplumber():
    for kwargs in ({"full": True}, {"pdfium": False}):
        read = read_pdf(_off_topic(), passage_pages=passage_pages, **kwargs)
        assert (read.source, read.pages, read.plumbed, read.glyphs) == ("pdfplumber", 3, {0, 1, 2}, set())
        blocks = _blocks(read)
        assert blocks[3:7] == TABLE_ROWS
        assert read.furniture == HEADER


TOPIC_BLOCKS = [
    ("heading", 1, 0, 0, "Nasal Spray Policy"),
    ("para", 0, 0, 0, "Policy Number: MP-77"),
    ("para", 0, 0, 0, "This policy lists nasal sprays."),
    *TABLE_ROWS,
    ("heading", 1, 2, 2, "Esketamine"),
    (
        "para",
        0,
        2,
        3,
        "Esketamine nasal spray is covered when the member has tried two antidepressants and the prescriber "
        "documents the response to each of them.",
    ),
    ("para", 0, 3, 3, "Other sprays follow."),
    ("heading", 1, 4, 4, "References"),
    ("para", 0, 4, 4, "A list of sources the plan used."),
]


def test_a_topic_policy_reads_its_passage_pages_exactly():
    """The needle's page and the page the passage continues on (found in a second round) are read glyph
    by glyph; the table page by pdfplumber; the rest keep PDFium's lines."""
    read = read_pdf(_topic(), passage_pages=passage_pages)
    assert (read.source, read.pages, read.plumbed, read.glyphs) == ("pdfplumber", 5, {1}, {2, 3})
    assert _blocks(read) == TOPIC_BLOCKS
    assert read.furniture == HEADER
    full = read_pdf(_topic(), full=True, passage_pages=passage_pages)
    assert full.plumbed == {0, 1, 2, 3, 4} and _blocks(full) == TOPIC_BLOCKS


def test_without_passage_pages_only_the_needles_page_is_read_exactly():
    read = read_pdf(_topic())
    assert (read.plumbed, read.glyphs) == ({1}, {2})
    assert _blocks(read) == TOPIC_BLOCKS


@functools.cache
def _cipher() -> bytes:
    shifted = "".join(chr(ord(c) + 1) if c.isalpha() else c for c in "the plan reviews each request " * 3)
    return _pdf(*[_lines(*[shifted] * 12)] * 2, header=False)


def test_a_cipher_is_read_by_pdfplumber_on_every_page():
    read = read_pdf(_cipher(), passage_pages=passage_pages)
    assert (read.source, read.pages, read.plumbed, read.glyphs) == ("pdfplumber", 2, {0, 1}, set())


def test_when_pdfium_and_pdfminer_count_the_pages_differently_pdfminer_decides():
    """The page tree says three pages and holds two: PDFium counts three (the third in doubt)."""
    data = _pdf(_lines("First page of the policy."), _lines("Second page of the policy."), header=False)
    data = data.replace(b"/Count 2", b"/Count 3")
    read = read_pdf(data, passage_pages=passage_pages)
    assert (read.source, read.pages, read.plumbed, read.glyphs) == ("pdfplumber", 2, {0, 1}, set())
    assert _blocks(read) == [("para", 0, 0, 1, "First page of the policy. Second page of the policy.")]


@functools.cache
def _encrypted() -> bytes:
    from reportlab.lib import pdfencrypt

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1, encrypt=pdfencrypt.StandardEncryption("s3cret"))
    c.drawString(54, 700, "A policy behind a password.")
    c.showPage()
    c.save()
    return buf.getvalue()


def _no_pages() -> bytes:
    from tests.support.bombs import pdf

    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


@pytest.mark.parametrize("pdfium", [True, False])
@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: _off_topic()[:-200],
            model.CorruptDocument,
            r"^PDF is truncated: no %%EOF marker at the end",
        ),
        (
            lambda: b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage\n%%EOF\n",
            model.CorruptDocument,
            r"^PDF cannot be parsed: \w+: ",
        ),
        (_encrypted, model.EncryptedDocument, r"^PDF is encrypted with a password$"),
        (_no_pages, model.EmptyDocument, r"^PDF has no pages$"),
        (
            lambda: image_only_pdf(2),
            model.NoTextLayer,
            r"^PDF has 2 pages but no text layer \(scanned images\?\)$",
        ),
        (_off_topic, model.DocumentTooLarge, r"^PDF has 3 pages; the limit is 2$"),
    ],
    ids=["truncated", "unparseable", "encrypted", "no-pages", "image-only", "too-many-pages"],
)
def test_bad_files_raise_typed_errors_on_both_paths(make, error, message, pdfium):
    with pytest.raises(error, match=message):
        read_pdf(make(), max_pages=2, pdfium=pdfium, passage_pages=passage_pages)


def test_a_page_pdfplumber_cannot_lay_out_is_a_corrupt_document_naming_the_page(monkeypatch):
    import extractors.pdf as pdf

    def fail(page, index, *, lean=True):
        if index == 1:
            raise ValueError("no layout here")
        return plumb_page(page, index, lean=lean)

    monkeypatch.setattr(pdf, "plumb_page", fail)
    with pytest.raises(model.CorruptDocument, match=r"^page 2 cannot be laid out: no layout here$"):
        read_pdf(_topic(), passage_pages=passage_pages)


def test_check_is_called_before_each_page_pdfplumber_lays_out():
    class Stop(Exception):
        pass

    calls: list[int] = []

    def check() -> None:
        calls.append(1)

    read_pdf(_off_topic(), pdfium=False, check=check)
    assert len(calls) == 3

    def stop() -> None:
        raise Stop

    with pytest.raises(Stop):
        read_pdf(_off_topic(), pdfium=False, check=stop)


def _laid_out(data: bytes, index: int, *, lean: bool = True) -> list[tuple]:
    from pdfplumber.page import Page

    from extractors.pdf import _open

    pdf, objs = _open(data)
    try:
        lines = plumb_page(Page(pdf, objs[index], page_number=index + 1), index, lean=lean)
    finally:
        pdf.close()
    return [(ln.page, ln.text, ln.baseline, round(ln.x, 2), ln.size, ln.bold, ln.row) for ln in lines]


def test_a_ruled_table_is_read_as_rows_and_its_glyphs_are_not_lines():
    """One line per table row (cells joined by " | ", the row's top edge as baseline, its left edge as
    x, the largest glyph inside it as size; an empty row left out); the other lines around it."""
    want = [
        (1, "Acme Health Plan Medical Policy", 760.0, 54.0, 9.0, False, False),
        (1, "Billing codes", 700.0, 54.0, 12.0, True, False),
        (1, "The codes below are billed with the claim form.", 684.0, 54.0, 10.0, False, False),
        (1, "Code | Description", 560.0, 54.0, 9.0, False, True),
        (1, "J3490 | Unclassified drugs", 530.0, 54.0, 9.0, False, True),
        (1, "Page 2", 40.0, 500.0, 9.0, False, False),
    ]
    assert _laid_out(_off_topic(), 1) == want
    assert _laid_out(_off_topic(), 1, lean=False) == want


def _gaps(c: canvas.Canvas) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    ket = stringWidth("Ket", "Helvetica", 10)
    c.drawString(54, 700, "Ket")
    c.drawString(54 + ket + 3, 700, "amine")  # 0.3 em: a space
    c.drawString(54, 680, "Ket")
    c.drawString(54 + ket + 1.4, 680, "amine")  # 0.14 em: none
    c.setFont("Helvetica-Bold", 10)
    c.drawString(54, 660, "Bold ")
    c.setFont("Helvetica", 10)
    c.drawString(80, 660, "and plain")


@functools.cache
def _gaps_pdf() -> bytes:
    return _pdf(_gaps, header=False)


def test_word_gaps_and_bold_lines_read_the_same_lean_and_stock():
    want = [
        (0, "Ket amine", 700.0, 54.0, 10.0, False, False),
        (0, "Ketamine", 680.0, 54.0, 10.0, False, False),
        (0, "Bold and plain", 660.0, 54.0, 10.0, False, False),
    ]
    assert _laid_out(_gaps_pdf(), 0) == want
    assert _laid_out(_gaps_pdf(), 0, lean=False) == want


def test_a_mediabox_off_the_origin_reads_the_same_lean_and_stock():
    """pdfplumber offsets a glyph's x1 (not its matrix) by the MediaBox's x: the gap test then sees no
    gap; the lean reading must do the same."""
    moved = _gaps_pdf().replace(b"/MediaBox [ 0 0 612 792 ]", b"/MediaBox [ 36 0 648 792 ]")
    want = [
        (0, "Ketamine", 700.0, 18.0, 10.0, False, False),
        (0, "Ketamine", 680.0, 18.0, 10.0, False, False),
        (0, "Bold and plain", 660.0, 18.0, 10.0, False, False),
    ]
    assert _laid_out(moved, 0) == want
    assert _laid_out(moved, 0, lean=False) == want


def _sideways_note(c: canvas.Canvas) -> None:
    """A note set sideways in the margin, drawn after the text: PDFium appends it to the text's line,
    pdfplumber reads it glyph by glyph on rows of their own."""
    c.drawString(54, 700, "The member has a diagnosis and the plan reviews the request in the usual way.")
    c.saveState()
    c.translate(300, 300)
    c.rotate(90)
    c.drawString(0, 0, "Proprietary note")
    c.restoreState()


@functools.cache
def _sideways_pdf() -> bytes:
    return _pdf(
        _lines("Ketamine Infusions", "Ketamine infusions are covered for one indication only.", heading=True),
        _lines("This page says nothing about any drug at all.", "Nor does this line."),
        _sideways_note,
        header=False,
    )


def test_a_sideways_margin_note_sends_its_page_to_pdfplumber():
    """Found by mutation testing: PDFium's reading took the page as straight (only each line's first
    glyph was looked at) and the fast path's text differed from the reference."""
    read = read_pdf(_sideways_pdf(), passage_pages=passage_pages)
    assert (read.plumbed, read.glyphs) == ({2}, {0, 1})
    full = read_pdf(_sideways_pdf(), full=True, passage_pages=passage_pages)
    assert _blocks(read) == _blocks(full)


def test_runs_of_spaces_read_the_same_on_every_path():
    """PDFium collapses a run of space glyphs to one; pdfplumber keeps them. The layout rules collapse
    blanks, so the blocks are the same."""
    data = _pdf(
        _lines(
            "Ketamine  Infusions",
            "Ketamine infusions are covered.  Two  spaces   here.",
            "   Esketamine nasal spray is not covered.",
            heading=True,
        ),
        header=False,
    )
    read = read_pdf(data, passage_pages=passage_pages)
    assert (read.plumbed, read.glyphs) == (set(), {0})
    assert _blocks(read) == _blocks(read_pdf(data, full=True, passage_pages=passage_pages))


def _layout_cases(c: canvas.Canvas) -> None:
    c.drawString(300, 700, "right part")  # drawn first, read second: a row is ordered by x
    c.drawString(54, 700, "left part")
    c.drawString(54, 680, "aaa")
    c.drawString(54, 690, "  ")  # a row of blanks alone, in the middle of the stream
    c.drawString(54, 670, "bbb")
    c.drawString(54, 650, "Left ")
    c.drawString(300, 650, "right")  # a space glyph, then a wide gap: no second space
    c.drawString(54, 640, "Gap")
    c.drawString(100, 640, " then")  # a wide gap, then a space glyph: no second space either
    c.drawString(54, 630, "base")
    c.drawString(100, 630.04, "up")  # the same row to 0.1 pt
    c.drawString(200, 630.3, "lifted")  # a row of its own
    c.setFont("Helvetica", 10.333)
    c.drawString(54, 610, "odd size")
    c.grid([54, 204, 504], [440, 470, 500, 530.37])
    c.setFont("Helvetica", 9.333)
    c.drawString(60, 510, "Code")
    c.drawString(210, 510, "Description")
    c.drawString(60, 480, "X")  # a row whose only text is an X
    c.setFont("Helvetica", 10)
    c.drawString(54, 420, "After the table.")
    c.beginForm("note")
    c.setFont("Helvetica", 10)
    c.drawString(54, 380, "Inside a form.")  # pdfminer's LTFigure: its glyphs are read too
    c.endForm()
    c.doForm("note")


@functools.cache
def _layout_pdf() -> bytes:
    return _pdf(_layout_cases, header=False)


def test_pdfplumbers_line_rule_lean_and_stock():
    want = [
        (0, "left part right part", 700.0, 54.0, 10.0, False, False),
        (0, "aaa", 680.0, 54.0, 10.0, False, False),
        (0, "bbb", 670.0, 54.0, 10.0, False, False),
        (0, "Left right", 650.0, 54.0, 10.0, False, False),
        (0, "Gap then", 640.0, 54.0, 10.0, False, False),
        (0, "lifted", 630.3, 200.0, 10.0, False, False),
        (0, "base up", 630.0, 54.0, 10.0, False, False),
        (0, "odd size", 610.0, 54.0, 10.33, False, False),
        (0, "Code | Description", 530.4, 54.0, 9.33, False, True),
        (0, "X | ", 500.0, 54.0, 9.33, False, True),
        (0, "After the table.", 420.0, 54.0, 10.0, False, False),
        (0, "Inside a form.", 380.0, 54.0, 10.0, False, False),
    ]
    assert _laid_out(_layout_pdf(), 0) == want
    assert _laid_out(_layout_pdf(), 0, lean=False) == want


def test_the_end_of_file_marker_must_be_in_the_last_4_kib():
    base = _pdf(_lines("Short policy text."), header=False)
    assert base.endswith(b"%%EOF\n")
    inside = base + b" " * (4096 - 6)  # "%%EOF" starts 4096 bytes before the end
    outside = base + b" " * (4096 - 5)
    for pdfium in (True, False):
        assert [b.text for b in read_pdf(inside, pdfium=pdfium).blocks] == ["Short policy text."]
        with pytest.raises(model.CorruptDocument, match="^PDF is truncated"):
            read_pdf(outside, pdfium=pdfium)


@pytest.mark.parametrize(
    ("raised", "error", "message"),
    [
        (
            lambda: _chained(RuntimeError("wrapped"), cause=_password_error()),
            model.EncryptedDocument,
            "password",
        ),
        (
            lambda: _chained(RuntimeError("wrapped"), context=_password_error()),
            model.EncryptedDocument,
            "password",
        ),
        (lambda: _named("PDFEncryptionError")("unsupported"), model.EncryptedDocument, "password"),
        (lambda: _named("PDFPasswordIncorrect")("no"), model.EncryptedDocument, "password"),
        (
            lambda: _chained(ValueError("outer"), cause=_named("PDFPasswordIncorrect")("no")),
            model.EncryptedDocument,
            "password",
        ),
        (lambda: ValueError("A Password is required"), model.EncryptedDocument, "password"),
        (
            lambda: _chained(_named("PDFEncryptionError")("unsupported"), cause=KeyError("V")),
            model.EncryptedDocument,
            "password",
        ),
        (
            lambda: _chained(ValueError("outer"), cause=KeyError("xref")),
            model.CorruptDocument,
            r"^PDF cannot be parsed: KeyError: 'xref'$",
        ),
        (
            lambda: _chained(ValueError("outer"), context=KeyError("trailer")),
            model.CorruptDocument,
            r"^PDF cannot be parsed: KeyError: 'trailer'$",
        ),
        (
            lambda: ValueError("bad xref"),
            model.CorruptDocument,
            r"^PDF cannot be parsed: ValueError: bad xref$",
        ),
    ],
)
def test_pdfminers_many_exceptions_become_two_errors(monkeypatch, raised, error, message):
    """pdfminer (and pdfplumber around it) raise a zoo of types, wrapped or not: a password in the type
    or the message is an encrypted document, anything else a corrupt one naming the inner error."""
    import pdfplumber

    def fail(*_a, **_k):
        raise raised()

    monkeypatch.setattr(pdfplumber, "open", fail)
    with pytest.raises(error, match=message):
        read_pdf(_gaps_pdf(), pdfium=False)


def _password_error() -> Exception:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    return PDFPasswordIncorrect()


def _named(name: str) -> type[Exception]:
    return type(name, (Exception,), {})


def _chained(
    exc: Exception, *, cause: Exception | None = None, context: Exception | None = None
) -> Exception:
    exc.__cause__, exc.__context__ = cause, context
    return exc


def test_an_unparseable_file_names_pdfminers_error():
    with pytest.raises(model.CorruptDocument, match=r"^PDF cannot be parsed: PSEOF: Unexpected EOF$"):
        read_pdf(b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage\n%%EOF\n")


@functools.cache
def _headed_pdf(size: float = 9) -> bytes:
    """A running header naming the drug on every page (``size`` pt over 10 pt text); only page 2's own
    text names it."""

    def page(*texts: str) -> Draw:
        def draw(c: canvas.Canvas) -> None:
            c.setFont("Helvetica", size)
            c.drawString(54, 760, "Spravato Program Manual")
            c.setFont("Helvetica", 10)
            _lines(*texts)(c)

        return draw

    return _pdf(
        page("Enrollment", "Members enroll through the plan portal."),
        page("Pharmacies", "Pharmacies register once a year."),
        page("Dosing", "Spravato is given in a certified setting only."),
        page("Records", "Records are kept for six years."),
        header=False,
    )


def test_a_running_header_naming_the_drug_does_not_make_every_page_exact():
    """Set a point smaller than the text, the header is furniture for the page choice and for the layout
    alike (``layout.furniture``): it draws no page into the passages either (it used to be kept as text,
    so every page was read exactly and joined the passage)."""
    # with passages: page 2's sentence runs on into page 3's first line (these lines are all short)
    for pages, exact in ((None, {2}), (passage_pages, {2, 3})):
        read = read_pdf(_headed_pdf(), passage_pages=pages)
        assert (read.plumbed, read.glyphs) == (set(), exact)
        assert read.furniture == "Spravato Program Manual"
        assert "Spravato Program Manual" not in " ".join(b.text for b in read.blocks)


def test_a_recurring_drug_line_the_layout_keeps_makes_its_pages_exact():
    """At the body size the recurring line is policy text to the layout, so its needle marks every page
    in the first round, by the same rule (the page choice once skipped every running line)."""
    read = read_pdf(_headed_pdf(10))
    assert (read.plumbed, read.glyphs) == (set(), {0, 1, 2, 3})
    assert [b.text for b in read.blocks].count("Spravato Program Manual") >= 2


def test_a_reader_waiting_for_pdfium_checks_its_deadline():
    with pdfium_held_elsewhere(_gaps_pdf()), pytest.raises(Stop):
        read_pdf(_topic(), check=stop)


def _list_page(c: canvas.Canvas) -> None:
    c.setFont("Helvetica-Bold", 10)
    c.drawString(54, 700, "Covered Uses")  # bold at the body size: a heading by its weight alone
    c.setFont("Helvetica", 10)
    c.drawString(54, 684, "\u2022 Treatment-resistant depression in adults who have tried two")
    c.drawString(66, 670, "antidepressants at adequate doses")
    c.drawString(54, 656, "\u2022 Major depressive disorder with acute suicidal thoughts")


def test_lines_keep_their_weight_and_indent_when_pages_are_mixed():
    """Blocks are built from copies of each page's lines: the copies keep bold (a heading at the body
    size) and x (a list item's continuation line)."""
    data = _pdf(_list_page, _lines("Esketamine", "Esketamine is covered for the uses above.", heading=True))
    read = read_pdf(data, passage_pages=passage_pages)
    assert _blocks(read)[:3] == [
        ("heading", 2, 0, 0, "Covered Uses"),
        (
            "item",
            0,
            0,
            0,
            "- Treatment-resistant depression in adults who have tried two antidepressants at adequate doses",
        ),
        ("item", 0, 0, 0, "- Major depressive disorder with acute suicidal thoughts"),
    ]
