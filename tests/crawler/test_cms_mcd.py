"""``cms_mcd`` spider: Medicare Coverage Database articles, every ``ver=``, SUPERSEDED banners,
license page."""

from __future__ import annotations

from crawler.identity import policy_id
from crawler.spiders.cms_mcd import CmsMcdSpider
from tests.support.spiders import documents, make_spider, page, split

ARTICLE = "https://www.cms.gov/medicare-coverage-database/view/article.aspx?articleid=59250"


def test_every_version_oldest_first_under_one_number():
    spider = make_spider(CmsMcdSpider, "cms-mcd-esketamine")
    reqs = documents(spider.parse(page("cms_mcd", "article-59250.html", ARTICLE)))
    assert len(reqs) == 1  # chained: one at a time, oldest first
    chain = [reqs[0], *reqs[0].meta["chain"]]
    assert [r.url.split("ver=")[1][:2] for r in chain] == ["9&", "10", "11"]
    assert {r.meta["number"] for r in chain} == {"A59250"}
    assert chain[0].meta["title"] == "Billing and Coding: Esketamine (Spravato)"


def test_superseded_banner():
    spider = make_spider(CmsMcdSpider, "cms-mcd-esketamine")
    _, items = split(spider.parse_document(page("cms_mcd", "article-59250-ver10.html", ARTICLE + "&ver=10")))
    assert items[0].replaced_on == "12/31/2025"


def test_license_click_through_is_an_interstitial():
    spider = make_spider(CmsMcdSpider, "cms-mcd-esketamine")
    _, items = split(spider.parse(page("cms_mcd", "license.html", ARTICLE)))
    assert items[0].error_kind == "interstitial" and items[0].is_index


def test_ver_does_not_split_identity():
    a = policy_id("medicare", None, ARTICLE + "&ver=3", ("ver",))
    assert a == policy_id("medicare", None, ARTICLE + "&ver=11", ("ver",))
