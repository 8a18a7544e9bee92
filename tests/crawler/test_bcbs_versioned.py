"""``bcbs_versioned`` spider: Blue Cross MN / Highmark ``<ID>-<NNN>.html`` versions and the
'replaced' banner."""

from __future__ import annotations

from crawler.spiders.bcbs_versioned import BcbsVersionedSpider, version_url
from tests.support.spiders import documents, make_spider, page, split

MN = "https://medicalpolicy.bluecrossmn.com"


def test_index_starts_each_walk_at_version_001():
    spider = make_spider(BcbsVersionedSpider, "bcbsmn")
    reqs = documents(spider.parse(page("bcbs_versioned", "bcbsmn-index.html", f"{MN}/policies/index.html")))
    assert [r.url for r in reqs] == [
        f"{MN}/policies/Medicine/II-170/II-170-001.html",
        f"{MN}/policies/Medicine/II-021/II-021-001.html",
    ]
    chain = reqs[0].meta["chain"]
    assert [r.url.rsplit("/", 1)[1] for r in chain] == ["II-170-002.html", "II-170-003.html"]
    assert {r.meta["number"] for r in reqs} == {"II-170", "II-021"}


def test_highmark_ids():
    spider = make_spider(BcbsVersionedSpider, "highmark")
    url = "https://medicalpolicy.highmark.com/policies/index.html"
    reqs = documents(spider.parse(page("bcbs_versioned", "highmark-index.html", url)))
    assert [r.meta["number"] for r in reqs] == ["Z-27", "L-96"]
    assert len(reqs[0].meta["chain"]) == 11


def test_replaced_version_is_marked_and_walk_continues():
    spider = make_spider(BcbsVersionedSpider, "bcbsmn")
    reqs = documents(spider.parse(page("bcbs_versioned", "bcbsmn-index.html", f"{MN}/policies/index.html")))
    second = next(spider.chain(reqs[0].meta["chain"]))
    out, items = split(
        spider.parse_version(page("bcbs_versioned", "II-170-002.html", second.url, request=second))
    )
    assert items[0].replaced_on == "12/15/2025"
    assert [r.url.rsplit("/", 1)[1] for r in out] == ["II-170-003.html"]


def test_current_version_is_not_replaced_and_stops():
    spider = make_spider(BcbsVersionedSpider, "bcbsmn")
    reqs = documents(spider.parse(page("bcbs_versioned", "bcbsmn-index.html", f"{MN}/policies/index.html")))
    last = reqs[0].meta["chain"][-1]
    out, items = split(
        spider.parse_version(page("bcbs_versioned", "II-170-003.html", last.url, request=last))
    )
    assert items[0].replaced_on is None and items[0].ok and out == []


def test_version_url():
    assert version_url(f"{MN}/policies/Medicine/II-170/II-170-003.html", 12).endswith(
        "II-170/II-170-012.html"
    )
