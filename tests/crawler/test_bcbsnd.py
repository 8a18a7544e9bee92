"""``bcbsnd`` spider: the JSON search API (paged) and the HTML policy pages."""

from __future__ import annotations

from crawler.spiders.bcbsnd import BcbsndSpider
from tests.support.spiders import documents, indexes, make_spider, page, split

API = "https://www.bcbsnd.com/api/medical-policy/search?q=&page=1"


def test_api_results_become_documents_with_numbers():
    spider = make_spider(BcbsndSpider, "bcbsnd")
    reqs = documents(spider.parse(page("bcbsnd", "api-page1.json", API)))
    assert [(r.meta["number"], r.url.rsplit("/", 1)[-1]) for r in reqs] == [
        ("MED-451", "esketamine-spravato"),
        ("MED-402", "ketamine-infusion-therapy"),
    ]
    assert reqs[0].url.startswith(
        "https://www.bcbsnd.com/providers/policies-precertification/medical-policy/e/"
    )


def test_api_pages_until_the_last():
    spider = make_spider(BcbsndSpider, "bcbsnd")
    assert [r.url for r in indexes(spider.parse(page("bcbsnd", "api-page1.json", API)))] == [
        "https://www.bcbsnd.com/api/medical-policy/search?q=&page=2"
    ]
    assert indexes(spider.parse(page("bcbsnd", "api-page2.json", API.replace("page=1", "page=2")))) == []


def test_html_instead_of_json_is_an_error():
    spider = make_spider(BcbsndSpider, "bcbsnd")
    _, items = split(spider.parse(page("bcbsnd", "esketamine-spravato.html", API)))
    assert items[0].error_kind == "error-page" and items[0].is_index


def test_policy_page_item():
    spider = make_spider(BcbsndSpider, "bcbsnd")
    req = documents(spider.parse(page("bcbsnd", "api-page1.json", API)))[0]
    _, items = split(spider.parse_document(page("bcbsnd", "esketamine-spravato.html", req.url, request=req)))
    assert items[0].ok and items[0].policy_number == "MED-451"
