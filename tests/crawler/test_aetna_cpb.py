"""``aetna_cpb`` spider: the CPB number-range index and the HTML bulletins."""

from __future__ import annotations

from crawler.spiders.aetna_cpb import AetnaCpbSpider
from tests.support.spiders import documents, indexes, make_spider, page, split

INDEX = "https://www.aetna.com/cpb/medical/data/cpb_num_900_999.html"
CPB = "https://www.aetna.com/cpb/medical/data/900_999/0938.html"


def test_index_lists_each_bulletin_once_by_number():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    reqs = documents(spider.parse(page("aetna_cpb", "index.html", INDEX)))
    assert [r.meta["number"] for r in reqs] == ["0936", "0938", "0944"]
    assert reqs[2].url == "https://www.aetna.com/cpb/medical/data/900_999/0944.html"  # tracking query dropped
    assert reqs[1].meta["title"].startswith("Ketamine and Esketamine")


def test_follows_other_number_ranges():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    follow = indexes(spider.parse(page("aetna_cpb", "index.html", INDEX)))
    assert {r.url for r in follow} == {"https://www.aetna.com/cpb/medical/data/cpb_num_800_899.html", INDEX}


def test_bulletin_item_keeps_bytes_and_number():
    spider = make_spider(AetnaCpbSpider, "aetna-cpb")
    _, items = split(spider.parse_document(page("aetna_cpb", "0938.html", CPB)))
    assert items[0].ok and b"experimental and investigational" in items[0].body
    assert items[0].policy_number == "0938"
