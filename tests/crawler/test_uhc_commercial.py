"""UnitedHealthcare commercial (``uhc-commercial``, ``uhc`` spider): the medical benefit drug policy list,
stable numbers, PDFs kept, HTML at a PDF URL refused."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen import canvas
from scrapy.http import Response

from crawler.spiders.uhc import UhcSpider, stable_number
from tests.support.spiders import documents, make_spider, page, split

BASE = "https://www.uhcprovider.com"
COMMERCIAL = f"{BASE}/en/policies-protocols/commercial-policies/commercial-medical-drug-policies.html"


@pytest.fixture
def commercial():
    spider = make_spider(UhcSpider, "uhc-commercial")
    return documents(
        spider.parse(page("uhc-commercial", "commercial-medical-drug-policies.html", COMMERCIAL))
    )


def test_commercial_finds_every_pdf(commercial):
    urls = [r.url for r in commercial]
    assert len(urls) == 4
    assert (
        f"{BASE}/content/dam/provider/docs/public/policies/comm-medical-drug/spravato-esketamine.pdf" in urls
    )  # fragment dropped
    assert all(".pdf" in u for u in urls)


def test_commercial_titles_and_stable_numbers(commercial):
    by_title = {r.meta["title"]: r.meta["number"] for r in commercial}
    assert by_title["Spravato® (Esketamine)"] == "D0069"
    assert by_title["Off-Label/Unproven Specialty Drug Treatment"] == "D0047"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2025D0069O", "D0069"),
        ("2026D0069P", "D0069"),
        ("CSTX2025D0069A", "CSTX-D0069"),
        ("Policy Number: 2025D0047AG", "D0047"),
        ("no number here", None),
    ],
)
def test_stable_number(raw, expected):
    assert stable_number(raw) == expected


def _pdf(*lines: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i, line in enumerate(lines or ("Sample policy: esketamine",)):
        c.drawString(72, 720 - 16 * i, line)
    c.save()
    return buf.getvalue()


def test_pdf_document_becomes_an_item():
    spider = make_spider(UhcSpider, "uhc-commercial")
    req = documents(
        spider.parse(page("uhc-commercial", "commercial-medical-drug-policies.html", COMMERCIAL))
    )[0]
    resp = Response(req.url, body=_pdf(), headers={"Content-Type": "application/pdf"}, request=req)
    _, items = split(spider.parse_document(resp))
    assert items[0].ok and items[0].body.startswith(b"%PDF") and items[0].policy_number == req.meta["number"]


def test_html_error_page_at_a_pdf_url_is_an_error():
    spider = make_spider(UhcSpider, "uhc-commercial")
    req = documents(
        spider.parse(page("uhc-commercial", "commercial-medical-drug-policies.html", COMMERCIAL))
    )[0]
    resp = page("bcbsmn", "II-226-009.html", req.url, request=req).replace(
        body=b"<html><body><p>hello</p></body></html>"
    )
    _, items = split(spider.parse_document(resp))
    assert items[0].error_kind == "error-page"
