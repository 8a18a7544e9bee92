"""Regence BlueCross BlueShield of Utah (``regence-ut``, ``regence`` spider): the provider library's policy
index; numbered policy pages are documents, links into the retired site are not."""

from __future__ import annotations

from crawler.middlewares import host_allowed
from crawler.spiders.regence import RegenceSpider
from tests.support.spiders import documents, make_spider, page

INDEX = "https://www.regence.com/provider/library/policies-guidelines/medical-policy"


def test_policy_pages_with_their_numbers():
    spider = make_spider(RegenceSpider, "regence-ut")
    reqs = documents(spider.parse(page("regence-ut", "medical-policy.html", INDEX)))
    assert [(r.meta["number"], r.meta["title"]) for r in reqs] == [
        ("psych12", "Ketamine and Esketamine for Psychiatric Disorders"),
        ("dru605", "Esketamine nasal spray (Spravato)"),
        ("med180", "Sample Policy About Light Therapy"),
    ]
    assert all(host_allowed(r.url, spider.allowed_domains) for r in reqs)


def test_retired_site_links_are_not_documents():
    reqs = documents(
        make_spider(RegenceSpider, "regence-ut").parse(page("regence-ut", "medical-policy.html", INDEX))
    )
    assert not any("/docs/medicalpolicies/" in r.url for r in reqs)
