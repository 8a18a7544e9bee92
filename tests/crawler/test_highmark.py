"""Highmark (``highmark``, ``bcbs_versioned`` spider) on the securecms structure it shares with Blue
Cross MN."""

from __future__ import annotations

from crawler.middlewares import host_allowed
from crawler.spiders.bcbs_versioned import BcbsVersionedSpider
from tests.support.spiders import documents, make_spider, page, split

SITE = "https://securecms.highmark.com/content/medpolicy/en/highmark/pa/commercial"
I_212 = f"{SITE}/policies/Injections/I-212/I-212-"


def test_search_finds_the_esketamine_policy_and_walks_its_versions():
    spider = make_spider(BcbsVersionedSpider, "highmark")
    reqs = documents(
        spider.parse(page("highmark", "search-esketamine.html", f"{SITE}/search.html?q=esketamine"))
    )
    chain = [reqs[0], *reqs[0].meta["chain"]]
    assert [r.url for r in chain] == [f"{I_212}{n:03d}.html" for n in range(1, 9)]
    assert {r.meta["number"] for r in chain} == {"I-212"}
    assert all(host_allowed(r.url, spider.allowed_domains) for r in chain)


def test_current_version_page_is_kept():
    spider = make_spider(BcbsVersionedSpider, "highmark")
    req = spider.document_request(
        f"{I_212}008.html", number="I-212", callback=spider.parse_version, current=8
    )
    _, items = split(spider.parse_version(page("highmark", "I-212-008.html", req.url, request=req)))
    assert items[0].ok and b"esketamine" in items[0].body.lower() and items[0].policy_number == "I-212"


def test_configured_number_is_looked_up_through_the_search_route():
    import asyncio

    spider = make_spider(BcbsVersionedSpider, "highmark")

    async def collect():
        return [r async for r in spider.start()]

    urls = [r.url for r in asyncio.run(collect())]
    assert f"{SITE}/search.html?q=I-212&sort-by-field=version&sort-by-order=desc&number=I-212" in urls
