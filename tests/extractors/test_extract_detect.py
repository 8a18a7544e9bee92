"""The type sniff (extractors/detect.py): what servers send is often mislabelled, so the bytes decide.

Each case is one thing a payer's server has been seen (or could be expected) to do: a PDF behind a few
blank lines, an image or a ZIP declared as a PDF, a UTF-16 page, an error page of binary junk. A refusal
must name what the bytes are and what they were declared as, because that line is all the fetch log keeps.
"""

from __future__ import annotations

import json

import pytest

from extractors.detect import HTML, JSON, PDF, sniff
from extractors.model import EmptyDocument, UnsupportedMediaType

PAGE = b"<p>Ketamine infusion is considered investigational for depression.</p>"
PDF_START = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def _refused(data: bytes, declared: str | None = None) -> str:
    with pytest.raises(UnsupportedMediaType) as info:
        sniff(data, declared)
    return str(info.value)


@pytest.mark.parametrize("data", [b"", b" \r\n\t \n"])
def test_nothing_but_whitespace_is_an_empty_document(data):
    with pytest.raises(EmptyDocument):
        sniff(data, "application/pdf")


@pytest.mark.parametrize(
    "magic, kind",
    [
        (b"PK\x03\x04", "application/zip"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"GIF89a", "image/gif"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
        (b"\x1f\x8b\x08\x00", "application/gzip"),
        (b"{\\rtf1\\ansi ", "application/rtf"),
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
    ],
)
def test_a_container_or_image_declared_as_a_pdf_is_refused_by_name(magic, kind):
    """Checked before the PDF header: a stored ZIP holding a PDF has one in its first kilobyte."""
    message = _refused(magic + b"\x00" * 8 + PDF_START, "application/pdf")
    assert kind in message and "declared as application/pdf" in message
    assert "declared as unknown" in _refused(magic + PDF_START)


def test_a_pdf_header_counts_only_when_it_lies_within_the_first_kilobyte():
    assert sniff(b" " * 1019 + PDF_START, "text/html") == PDF
    assert "neither HTML nor PDF" in _refused(b" " * 1020 + PDF_START, "application/octet-stream")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_page_with_a_byte_order_mark_is_html(encoding):
    assert sniff(("\ufeff" + PAGE.decode()).encode(encoding), None) == HTML


def test_a_utf8_byte_order_mark_does_not_hide_the_first_tag():
    assert sniff(b"\xef\xbb\xbf" + PAGE, None) == HTML


def test_a_coverage_api_answer_is_json_and_other_json_is_refused():
    answer = {"meta": {"status": 200}, "data": [{"title": "Ketamine", "article_id": 1}]}
    assert sniff(json.dumps(answer).encode(), "application/json") == JSON
    assert "neither HTML nor PDF" in _refused(json.dumps({"data": []}).encode(), "application/json")


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE HTML PUBLIC><HTML><BODY>Ketamine</BODY></HTML>",
        b'<?xml version="1.0"?>\n<html><body>Ketamine</body></html>',
        b"<!-- saved from\nthe portal -->\n<!-- second -->\n<table><tr><td>Ketamine</td></tr></table>",
        b"\n\n  <H1>Ketamine infusion</H1>",
        b"Skip to content\n" * 20 + b"<BODY class=policy>Ketamine</BODY>",
    ],
)
def test_markup_is_html_whatever_it_is_declared_as(data):
    assert sniff(data, "application/pdf") == HTML


def test_a_page_that_declares_its_own_entities_is_refused():
    page = b'<!DOCTYPE html [<!ENTITY lol "lol">]><html><body>&lol;</body></html>'
    assert "<!ENTITY>" in _refused(page, "text/html")


def test_binary_data_that_starts_like_html_is_refused():
    message = _refused(b"<html><body>" + bytes(range(256)) * 4, "text/html")
    assert "starts like HTML (declared text/html)" in message
    assert "(declared unknown)" in _refused(b"<html><body>" + bytes(range(256)) * 4)


def test_binary_junk_of_no_known_type_is_refused():
    assert "binary data of unknown type (declared application/pdf)" in _refused(
        b"\x01\x02junk\xfe" * 50, "application/pdf"
    )
    assert "(declared unknown)" in _refused(b"\x01\x02junk\xfe" * 50)


def test_plain_text_is_html_only_when_declared_so():
    text = b"Ketamine infusion policy\n\nIntravenous ketamine is investigational.\n"
    assert sniff(text, "TEXT/HTML; charset=utf-8") == HTML
    assert "neither HTML nor PDF (declared text/plain)" in _refused(text, "text/plain")
    assert "(declared unknown)" in _refused(text)


def test_latin1_text_laid_out_with_tabs_and_line_breaks_is_text_not_binary():
    """Old Windows exports: accented letters that are not UTF-8, tables made of tabs, CRLF lines."""
    row = "Kétamine\tIV\t\tréservé\r\n".encode("latin-1")
    assert sniff(row * 40, "text/html") == HTML
    words = "Médicaments soumis à une autorisation préalable pour la kétamine ".encode("latin-1")
    assert sniff(words * 20, "text/html") == HTML


@pytest.mark.parametrize("control", [b"\x01", b"\x08", b"\x0e", b"\x1a", b"\x1b", b"\x1f"])
def test_text_with_more_than_one_control_character_in_twenty_is_binary(control):
    data = ("Kétamine " * 5).encode("latin-1") + control * 4  # 4 in 49 bytes
    assert "binary data of unknown type" in _refused(data * 20, "text/html")


def test_whitespace_controls_and_one_control_in_twenty_are_still_text():
    """Tabs, line and page breaks are layout, not binary; a stray escape or two is tolerated."""
    assert sniff(("Kétamine\t\n\x0b\x0c\r\n" * 60).encode("latin-1"), "text/html") == HTML
    data = ("Kétamine infusions " + "\x1b").encode("latin-1") * 50  # 50 escapes in 1,000 bytes
    assert len(data) == 1000 and sniff(data, "text/html") == HTML


def test_nul_bytes_make_data_binary_even_when_they_are_valid_utf8():
    """UTF-16 without a byte-order mark is all NULs between ASCII letters: refused, never read as garbage."""
    data = "Ketamine infusion policy. Intravenous ketamine is investigational.".encode("utf-16-le")
    assert "binary data of unknown type" in _refused(data, "text/html")


def test_utf8_text_is_text_even_when_the_sniff_window_cuts_a_character():
    """Valid UTF-8 (here full of terminal escapes) is text; the 1 KB window may end inside a character."""
    text = ("\x1b[1mKetamine\x1b[0m " * 200).encode()
    assert sniff(text, "text/html") == HTML
    cut = b"\x1b[1m" * 255 + b"abc" + "é".encode() + b"\x1b[0m" * 10  # "é" straddles byte 1024
    assert sniff(cut, "text/html") == HTML
    cut = b"\x1b[1m" * 255 + b"a" + "\U0001f489".encode() + b"\x1b[0m" * 10  # 3 of 4 bytes kept
    assert sniff(cut, "text/html") == HTML
    # a byte that is bad four bytes before the window's end is no cut character: the escapes count
    bad = b"\x1b[1m" * 255 + b"\xe9abc"
    assert "binary data" in _refused(bad, "text/html")


def test_a_utf16_page_cut_inside_a_character_is_still_read():
    """A download cut at an odd byte, or a page longer than the 16 KB sniff window that splits a pair."""
    page = ("\ufeff" + PAGE.decode()).encode("utf-16-le")
    assert sniff(page + b"<", "text/html") == HTML
    long = ("\ufeff" + PAGE.decode() + " " * 8190 + "\U0001f489" * 10).encode("utf-16-le")
    assert sniff(long, "text/html") == HTML


@pytest.mark.parametrize(
    "data, declared, message",
    [
        (b"", None, "document is empty (0 bytes of content)"),
        (b"GIF89a", "text/html", "document is image/gif, declared as text/html: not a PDF"),
        (
            b"<html><!ENTITY a 'b'></html>",
            "text/html",
            "markup that declares its own entities (<!ENTITY>): refused, as an entity-expansion bomb "
            "could be (no policy page needs them)",
        ),
        (b"\x01\x02\xfe\x03" * 4, None, "binary data of unknown type (declared unknown)"),
        (b"Ketamine", "text/plain", "text that is neither HTML nor PDF (declared text/plain)"),
    ],
)
def test_the_fetch_log_line_of_each_refusal(data, declared, message):
    """The message is all the fetch log keeps of a refused document: it is read by people, so pinned."""
    with pytest.raises((UnsupportedMediaType, EmptyDocument)) as info:
        sniff(data, declared)
    assert str(info.value) == message
