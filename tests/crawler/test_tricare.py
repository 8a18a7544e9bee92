"""``tricare`` spider: TRICARE Policy Manual sections under as-of dated paths."""

from __future__ import annotations

from crawler.spiders.tricare import TricareSpider
from tests.support.spiders import documents, make_spider, page

TOC = "https://manuals.health.mil/pages/DisplayManual.aspx?SeriesId=TP15"


def test_configured_sections_with_date_free_numbers():
    reqs = documents(make_spider(TricareSpider, "tricare-tpm").parse(page("tricare", "toc.html", TOC)))
    assert [r.meta["number"] for r in reqs] == ["TP15/C7S3_1", "TP15/C7S3_8", "TP15/C8S2_1"]
    assert "/2025-11-03/AsOf/" in reqs[1].url
