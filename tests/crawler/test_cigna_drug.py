"""``cigna`` spider: the A–Z table of drug coverage policy PDFs with their numbers."""

from __future__ import annotations

from crawler.spiders.cigna import CignaSpider
from tests.support.spiders import documents, make_spider, page

INDEX = "https://static.cigna.com/assets/chcp/resourceLibrary/coveragePolicies/pharmacy_a-z.html"


def _reqs():
    return documents(make_spider(CignaSpider, "cigna-drug").parse(page("cigna-drug", "index.html", INDEX)))


def test_every_pdf_row_is_a_document():
    assert len(_reqs()) == 3
    assert all(
        r.url.startswith("https://static.cigna.com/assets/chcp/pdf/coveragePolicies/pharmacy/")
        for r in _reqs()
    )


def test_numbers_from_cell_or_file_name():
    numbers = {r.meta["title"]: r.meta["number"] for r in _reqs()}
    assert numbers == {
        "Antidepressants – Quantity Limitations": "IP0220",
        "Psychiatry – Spravato": "PH1706",
        "Esketamine": "IP0412",
    }
