"""Aetna (``aetna-cpb``, ``aetna_cpb`` spider): the by-number index lists every bulletin; CPB 0938 covers
ketamine and esketamine."""

from __future__ import annotations

from crawler.middlewares import host_allowed
from crawler.spiders.aetna_cpb import AetnaCpbSpider
from tests.support.spiders import documents, make_spider, page, split

INDEX = "https://www.aetna.com/cpb/medical/data/cpb_num.html"
CPB = "https://www.aetna.com/cpb/medical/data/900_999/0938.html"


def test_both_indexes_are_start_urls():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    assert spider.start_urls == [INDEX, "https://www.aetna.com/cpb/medical/data/cpb_alpha.html"]


def test_index_lists_each_bulletin_once_by_number():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    reqs = documents(spider.parse(page("aetna-cpb", "cpb_num.html", INDEX)))
    assert [r.meta["number"] for r in reqs] == ["0001", "0936", "0938", "0944"]
    assert reqs[3].url == "https://www.aetna.com/cpb/medical/data/900_999/0944.html"  # tracking query dropped
    assert reqs[2].meta["title"].startswith("Ketamine and Esketamine")
    assert all(host_allowed(r.url, spider.allowed_domains) for r in reqs)


def test_bulletin_item_keeps_bytes_and_number():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    _, items = split(spider.parse_document(page("aetna-cpb", "0938.html", CPB)))
    assert items[0].ok and b"experimental and investigational" in items[0].body
    assert items[0].policy_number == "0938"


def test_a_403_is_blocked_with_its_remedy():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    _, items = split(spider.parse(page("aetna-cpb", "cpb_num.html", INDEX, status=403)))
    assert items[0].error_kind == "blocked" and "PAYERWATCH_CONTACT_URL" in items[0].error
