"""``extractors.extract``: one call from bytes to the whole result, and the only errors it lets out.

Each reader's own rules have their own tests; these check what ``extract`` adds: every part of the
result filled from the right reader (a PDF's running header and an HTML page's <title> still name the
policy, a banner in the site chrome still says it is retired), the byte limit, the timeout in both
threading modes, and every failure typed (the fetch log keeps only the reason and the message).
"""

from __future__ import annotations

import itertools
import threading
from types import SimpleNamespace

import pytest

import extractors
from extractors import EXTRACTOR_VERSION, extract
from extractors.model import (
    CorruptDocument,
    DocumentTooLarge,
    ExtractionTimeout,
    InflationBomb,
    NotAPolicy,
    Passage,
    ResourceLimit,
    UnsupportedMediaType,
)
from tests.support.pdf import render, synthetic_policy

COVERED = "Esketamine nasal spray is medically necessary for adults with treatment-resistant depression."
CODES = "Report J0013 for esketamine and S0013 for each 28 mg."
HTML = (
    "<html><head><title>Policy Number: MP-410 | Sample Health Plan</title></head><body>"
    '<div class="banner">This policy has been retired.</div>'
    "<h1>Esketamine Nasal Spray</h1><h2>Coverage</h2>"
    f"<p>{COVERED}</p><p>{CODES}</p>"
    "<h2>Revision History</h2><table><tr><td>01/15/2026</td><td>Retired the policy.</td></tr></table>"
    "</body></html>"
).encode()


def test_an_html_page_gives_every_part_of_the_result():
    doc = extract(HTML, "text/html", "https://plan.example/policies/esketamine")
    assert doc.media_type == "text/html" and doc.pages is None and doc.extractor_version == EXTRACTOR_VERSION
    assert doc.text.split("\n") == [
        "Esketamine Nasal Spray",
        "Coverage",
        COVERED,
        CODES,
        "Revision History",
        "01/15/2026 | Retired the policy.",
    ]
    assert [s.path for s in doc.sections] == [("Coverage",), ("Revision History",)]
    assert [p.text for p in doc.passages] == [f"{COVERED}\n{CODES}"]
    assert doc.codes == ("J0013", "S0013")
    assert [(f.drug, f.indication, f.field, f.value, f.sentence) for f in doc.facts] == [
        ("esketamine", "trd", "position", "covered", COVERED),
        ("esketamine", "any", "codes", "J0013", CODES),
        ("esketamine", "any", "codes", "S0013", CODES),
    ]
    assert [(str(r.date), r.text) for r in doc.revision_history] == [("2026-01-15", "Retired the policy.")]
    meta = doc.metadata
    assert (meta.title, meta.policy_number, meta.status) == ("Esketamine Nasal Spray", "MP-410", "retired")


def test_the_url_names_a_policy_that_names_no_number_itself():
    page = HTML.replace(b"Policy Number: MP-410 | ", b"")
    assert extract(page, url="https://plan.example/policies/MP-412.html").metadata.policy_number == "MP-412"
    assert extract(page).metadata.policy_number is None


def _pdf() -> bytes:
    content = [{"title": "Esketamine Nasal Spray"}, {"h1": "Coverage"}, {"p": COVERED}, {"p": CODES}]
    content += [{"pagebreak": True}, {"h1": "Background"}, {"p": "Depression is common and often recurs."}]
    return render(
        {"header": "Sample Health Plan Policy Number MP-777", "footer": ["Page {page}"], "content": content}
    )


def test_a_pdf_gives_its_pages_title_and_the_number_in_its_running_header():
    doc = extract(_pdf(), "application/pdf")
    assert doc.media_type == "application/pdf" and doc.pages == 2
    assert doc.metadata.title == "Esketamine Nasal Spray" and doc.metadata.policy_number == "MP-777"
    assert "MP-777" not in doc.text and doc.codes == ("J0013", "S0013")
    assert extract(_pdf(), thread=False) == doc


def test_a_document_of_exactly_the_byte_limit_is_read():
    assert extract(HTML, max_bytes=len(HTML)).metadata.policy_number == "MP-410"
    with pytest.raises(DocumentTooLarge) as info:
        extract(HTML, max_bytes=len(HTML) - 1)
    assert str(info.value) == f"document is {len(HTML)} bytes; the limit is {len(HTML) - 1}"


@pytest.mark.parametrize("thread", [True, False])
def test_a_document_past_its_time_is_a_timeout(thread):
    with pytest.raises(ExtractionTimeout) as info:
        extract(HTML, timeout=0, thread=thread)
    assert str(info.value) == "extraction took longer than 0 s"
    assert extract(HTML, timeout=30, thread=thread).metadata.policy_number == "MP-410"


@pytest.mark.parametrize("thread", [True, False])
def test_a_typed_error_of_a_reader_is_raised_as_it_is(thread):
    with pytest.raises(NotAPolicy, match=r"^login page \(password field\)$"):
        extract(b'<html><body><form><input type="password"></form>Sign in</body></html>', thread=thread)


@pytest.mark.parametrize(
    ("raised", "error", "message"),
    [
        (RecursionError("maximum depth"), CorruptDocument, "document nests too deeply: maximum depth"),
        (MemoryError(), ResourceLimit, "ran out of memory while reading the document"),
        (KeyError("glyph"), CorruptDocument, "KeyError: 'glyph'"),
        (ValueError("bad stream"), CorruptDocument, "ValueError: bad stream"),
    ],
)
@pytest.mark.parametrize("thread", [True, False])
def test_a_reader_crash_is_a_typed_error(monkeypatch, raised, error, message, thread):
    """Library internals (lxml, pdfminer) fail in their own ways; ``extract`` types every one."""

    def crash(data):
        raise raised

    monkeypatch.setattr(extractors, "read_html", crash)
    with pytest.raises(error) as info:
        extract(HTML, thread=thread)
    assert type(info.value) is error and str(info.value) == message


def test_a_title_only_in_the_page_head_still_names_the_drug():
    """No h1: the <title> names the drug, so the coverage section is the passage and its statement,
    which names no drug, is about esketamine."""
    page = (
        b"<html><head><title>Esketamine Nasal Spray</title></head><body><h2>Coverage Policy</h2>"
        b"<p>This drug is medically necessary for treatment-resistant depression.</p>"
        b"<p>Approval is for six months.</p><h2>Background</h2><p>Depression often recurs.</p></body></html>"
    )
    doc = extract(page)
    assert doc.metadata.title == "Esketamine Nasal Spray"
    assert [p.section_path for p in doc.passages] == [("Coverage Policy",)]
    assert [(f.drug, f.indication, f.field, f.value) for f in doc.facts] == [
        ("esketamine", "trd", "position", "covered_with_criteria"),
        ("esketamine", "trd", "approval_initial", "6 months"),
    ]


def test_the_declared_type_breaks_the_tie_for_plain_text():
    text = b"Esketamine nasal spray is covered for adults with treatment-resistant depression."
    assert extract(text, "text/html").text == text.decode()
    with pytest.raises(UnsupportedMediaType):
        extract(text)


def _off_topic_pdf() -> bytes:
    content = [{"title": "Botulinum Toxin Injections"}, {"h1": "Coverage"}]
    content += [{"p": "Botulinum toxin is covered for chronic migraine after two preventive drugs failed."}]
    content += [{"table": [["Code", "Description"], ["J0585", "Botulinum toxin, 1 unit"]]}]
    return render({"content": content})


def test_a_pdf_that_never_names_the_drugs_is_read_by_pdfium_unless_full():
    """PDFium reads table cells as lines; the reference (``full=True``) reading joins them with bars."""
    data = _off_topic_pdf()
    assert extract(data).text.split("\n")[-2:] == ["Code Description", "J0585 Botulinum toxin, 1 unit"]
    full = extract(data, full=True)
    assert full.text.split("\n")[-2:] == ["Code | Description", "J0585 | Botulinum toxin, 1 unit"]
    assert extract(data, full=True, thread=False) == full


def test_a_pdfium_reading_that_finds_a_passage_is_redone_the_pdfplumber_way(monkeypatch):
    """The safety net for a drug the fast path's needles missed (it cannot happen today): a passage in a
    PDFium reading sends the document back through pdfplumber, which gives the reference text."""
    real = extractors.find_passages

    def one_more(text, blocks, sections, title=None):
        return real(text, blocks, sections, title) or (Passage(("Coverage",), "Coverage", text[:8], 0, 8),)

    monkeypatch.setattr(extractors, "find_passages", one_more)
    data = _off_topic_pdf()
    doc = extract(data, url="https://plan.example/policies/MP-99.htm")  # a PDF behind an .htm address
    assert doc.text.split("\n")[-2:] == ["Code | Description", "J0585 | Botulinum toxin, 1 unit"]
    assert doc.metadata.policy_number == "MP-99" and doc.pages == 1
    with pytest.raises(DocumentTooLarge):
        extract(render(synthetic_policy(3)), max_pages=2)


def test_a_pdf_without_a_title_has_none():
    doc = extract(render({"content": [{"p": COVERED}, {"p": CODES}]}))
    assert doc.metadata.title is None and doc.codes == ("J0013", "S0013")


def test_page_and_inflation_limits_reach_the_pdf_reader():
    with pytest.raises(DocumentTooLarge):
        extract(_pdf(), max_pages=1)
    assert extract(_pdf(), max_pages=2).pages == 2
    with pytest.raises(InflationBomb):
        extract(_pdf(), max_inflated=100)
    assert extract(HTML, max_inflated=1).metadata.policy_number == "MP-410"  # HTML has no streams


def test_the_timeout_is_checked_between_pages(monkeypatch):
    """A clock that moves one second a reading: six pages cannot be read within three seconds."""
    ticks = itertools.count()
    monkeypatch.setattr(extractors, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    with pytest.raises(ExtractionTimeout, match="^extraction took longer than 3 s$"):
        extract(render(synthetic_policy(6, topic_pages=(1, 4))), timeout=3, thread=False)


def test_a_reader_stuck_past_the_timeout_is_left_behind_in_its_own_thread(monkeypatch):
    """The caller gets its timeout while the reader is still stuck (here until the test lets it go):
    a daemon thread named for stack dumps, never the caller's thread."""
    release, finished = threading.Event(), threading.Event()
    seen = {}

    def stuck(data):
        seen["thread"] = threading.current_thread()
        release.wait(5)
        finished.set()
        raise NotAPolicy("released")

    monkeypatch.setattr(extractors, "read_html", stuck)
    with pytest.raises(ExtractionTimeout, match="^extraction took longer than 0.05 s$"):
        extract(HTML, timeout=0.05)
    assert not finished.is_set()
    release.set()
    assert finished.wait(5)
    assert seen["thread"].name == "payerwatch-extract" and seen["thread"].daemon
