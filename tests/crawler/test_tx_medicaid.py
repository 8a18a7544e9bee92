"""``tx_medicaid`` spider: TMHP dated notices filtered by keywords, pager followed."""

from __future__ import annotations

from crawler.spiders.tx_medicaid import TxMedicaidSpider
from tests.support.spiders import documents, indexes, make_spider, page

NEWS = "https://www.tmhp.com/news"


def test_keyword_notices_with_dated_numbers():
    reqs = documents(
        make_spider(TxMedicaidSpider, "tx-medicaid").parse(page("tx-medicaid", "news.html", NEWS))
    )
    assert [r.meta["number"] for r in reqs] == [
        "2025-10-01-esketamine-procedure-code-and-diagnosis-updates",
        "2025-05-01-esketamine-monotherapy-added",
        "2025-04-11-behavioral-health-benefit-reminders",
    ]
    assert "utm_source" not in reqs[0].url


def test_pager_within_limit():
    reqs = indexes(make_spider(TxMedicaidSpider, "tx-medicaid").parse(page("tx-medicaid", "news.html", NEWS)))
    assert [r.url for r in reqs] == ["https://www.tmhp.com/news?page=1"]
