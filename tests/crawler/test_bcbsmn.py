"""Blue Cross MN (``bcbsmn``, ``bcbs_versioned`` spider) on the securecms structure: keyword search →
current version → every version oldest first; the per-number "Currently Active Policy" route."""

from __future__ import annotations

from crawler.middlewares import host_allowed
from crawler.spiders.bcbs_versioned import BcbsVersionedSpider
from tests.support.spiders import documents, indexes, make_spider, page, split

SITE = "https://securecms.bluecrossmnonline.com/content/medpolicy/en/minnesota/core/all"
SEARCH = f"{SITE}/search.html?q=esketamine"
II_226 = f"{SITE}/policies/Medicine/II-226/II-226-"


def spider():
    return make_spider(BcbsVersionedSpider, "bcbsmn")


def test_keyword_search_walks_each_policy_from_version_001():
    reqs = documents(spider().parse(page("bcbsmn", "search-esketamine.html", SEARCH)))
    assert [r.url for r in reqs] == [
        f"{II_226}001.html",
        f"{SITE}/policies/Behavioral_Health/X-12/X-12-001.html",
    ]
    chain = [reqs[0], *reqs[0].meta["chain"]]
    assert [r.url.rsplit("-", 1)[1] for r in chain] == [f"{n:03d}.html" for n in range(1, 10)]
    assert {r.meta["number"] for r in chain} == {"II-226"} and chain[0].meta["title"] == "Esketamine"


def test_numbers_without_links_are_looked_up_one_by_one():
    out = indexes(spider().parse(page("bcbsmn", "search-keyword-numbers-only.html", SEARCH)))
    assert [r.url for r in out] == [
        f"{SITE}/search.html?q=II-226&sort-by-field=version&sort-by-order=desc&number=II-226"
    ]
    assert out[0].meta["number"] == "II-226"


def test_currently_active_table_gives_the_current_url():
    url = f"{SITE}/search.html?q=II-226&sort-by-field=version&sort-by-order=desc&number=II-226"
    request = spider().index_request(url, number="II-226")
    reqs = documents(spider().parse(page("bcbsmn", "search-II-226.html", url, request=request)))
    last = reqs[0].meta["chain"][-1]
    assert reqs[0].url == f"{II_226}001.html" and last.url == f"{II_226}009.html"
    assert last.meta["title"] == "Esketamine"


def test_replaced_version_carries_its_banner_date_and_makes_no_version():
    s = spider()
    req = s.document_request(
        f"{II_226}007.html", number="II-226", callback=s.parse_version, current=9, probe=True
    )
    _, items = split(s.parse_version(page("bcbsmn", "II-226-007.html", req.url, request=req)))
    assert items[0].replaced_on == "June 5, 2023" and items[0].policy_number == "II-226"


def test_current_version_is_an_esketamine_document():
    s = spider()
    req = s.document_request(f"{II_226}009.html", number="II-226", callback=s.parse_version, current=9)
    out, items = split(s.parse_version(page("bcbsmn", "II-226-009.html", req.url, request=req)))
    assert items[0].ok and items[0].replaced_on is None and b"esketamine" in items[0].body and out == []


def test_allowed_domains_cover_the_document_host():
    assert host_allowed(f"{II_226}009.html", spider().allowed_domains)
