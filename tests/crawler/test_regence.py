"""``regence`` spider: Regence (Utah) A–Z lists with ``psych12`` / ``dru398`` policy numbers."""

from __future__ import annotations

from crawler.spiders.regence import RegenceSpider
from tests.support.spiders import documents, indexes, make_spider, page

INDEX = "https://www.regence.com/provider/library/policies/medical-policies?state=ut"


def test_numbered_links_are_documents():
    reqs = documents(make_spider(RegenceSpider, "regence-ut").parse(page("regence", "index.html", INDEX)))
    assert [(r.meta["number"], r.meta["title"]) for r in reqs] == [
        ("psych12", "Ketamine and Esketamine for Psychiatric Disorders"),
        ("dru398", "Esketamine (Spravato)"),
    ]


def test_letter_pages_are_followed():
    reqs = indexes(make_spider(RegenceSpider, "regence-ut").parse(page("regence", "index.html", INDEX)))
    assert {r.url.rsplit("/", 1)[-1] for r in reqs} == {"a?state=ut", "k?state=ut"}
