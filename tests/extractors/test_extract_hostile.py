"""Odd and hostile inputs that used to be misread: each is either read, or refused with a typed error and
nothing on the console."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

import extractors
from extractors.model import UnsupportedMediaType
from tests.support.pdf import render_file

PAGE = (
    "<html><head><title>Ketamine infusion policy</title></head><body><h1>Ketamine infusion</h1>"
    "<p>Intravenous ketamine is considered investigational for treatment-resistant depression.</p>"
    "</body></html>"
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_html_with_a_byte_order_mark_is_read(encoding):
    data = PAGE.encode(encoding) if encoding == "utf-16" else ("\ufeff" + PAGE).encode(encoding)
    result = extractors.extract(data, "text/html")
    assert result.metadata.title == "Ketamine infusion" and result.passages


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_zip_renamed_pdf_is_not_a_pdf(compression):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        archive.writestr("policy.pdf", render_file("cigna-ketamine.yaml"))
    assert b"%PDF-" in buf.getvalue()[:1024] or compression == zipfile.ZIP_DEFLATED
    with pytest.raises(UnsupportedMediaType, match="not a PDF"):
        extractors.extract(buf.getvalue(), "application/pdf")


def test_a_pdf_header_within_the_first_kilobyte_is_still_a_pdf():
    data = b"\r\n" * 100 + render_file("cigna-ketamine.yaml")
    assert extractors.extract(data, "application/pdf").passages


def _laughs(levels: int = 9) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?><!DOCTYPE html [' + "".join(entities) + "]>"
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Ketamine</title></head>'
        f"<body><h1>Ketamine</h1><p>&lol{levels};</p></body></html>"
    ).encode()


def test_billion_laughs_is_a_typed_error_without_warnings(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UnsupportedMediaType, match="ENTITY"):
            extractors.extract(_laughs(), "application/xhtml+xml")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_xhtml_policies_are_read_without_a_parser_warning():
    xhtml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + PAGE.replace("<html>", '<html xmlns="http://www.w3.org/1999/xhtml">')
    ).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert extractors.extract(xhtml, "application/xhtml+xml").passages


def test_one_repeated_line_on_every_page_is_text_not_no_text_layer():
    """1,400 pages that each say the same line: all "running header", yet pdftotext reads it."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for _ in range(1400):
        c.setFont("Helvetica", 11)
        c.drawString(72, 720, "Formulary exception requests are reviewed within two business days.")
        c.showPage()
    c.save()
    result = extractors.extract(buf.getvalue(), "application/pdf")
    assert "Formulary exception requests are reviewed" in result.text
    assert result.pages == 1400
