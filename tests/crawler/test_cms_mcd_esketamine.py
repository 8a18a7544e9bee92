"""Medicare (``cms-mcd-esketamine``, ``cms_mcd`` spider) through the CMS Coverage API: licence token →
current revision → every ``ver`` oldest first under ``A59250``; the JSON reads as the article."""

from __future__ import annotations

from crawler.middlewares import host_allowed
from crawler.spiders.cms_mcd import CmsMcdSpider
from extractors import extract
from tests.support import fixture_path
from tests.support.spiders import documents, indexes, make_spider, page, split

API = "https://api.coverage.cms.gov"
LICENSE = f"{API}/v1/metadata/license-agreement"
ARTICLE = f"{API}/v1/data/article?articleid=59250"
JSON = {"Content-Type": "application/json"}
SLUG = "cms-mcd-esketamine"


def spider():
    return make_spider(CmsMcdSpider, SLUG)


def _article_request(s):
    return indexes(s.parse(page(SLUG, "license-agreement.json", LICENSE, headers=JSON)))[0]


def test_token_then_the_current_revision_with_the_bearer_header():
    req = _article_request(spider())
    assert req.url == ARTICLE and req.headers[b"Authorization"] == b"Bearer sample-token-0001"
    assert host_allowed(req.url, spider().allowed_domains)


def test_every_revision_oldest_first_under_one_number():
    s = spider()
    req = _article_request(s)
    reqs = documents(s.parse_article(page(SLUG, "article-59250.json", req.url, headers=JSON, request=req)))
    chain = [reqs[0], *reqs[0].meta["chain"]]
    assert [r.url for r in chain] == [f"{ARTICLE}&ver={n}" for n in range(1, 12)]
    assert {r.meta["number"] for r in chain} == {"A59250"}
    assert chain[0].meta["title"] == "Billing and Coding: Esketamine (Spravato)"
    assert all(r.headers[b"Authorization"] == b"Bearer sample-token-0001" for r in chain)


def _revision(s, name: str, ver: int, probe: bool):
    req = s.document_request(
        f"{ARTICLE}&ver={ver}", number="A59250", callback=s.parse_revision, current=11, probe=probe
    )
    return split(s.parse_revision(page(SLUG, name, req.url, headers=JSON, request=req)))


def test_older_revision_is_replaced_with_its_end_date():
    _, items = _revision(spider(), "article-59250-ver9.json", 9, probe=True)
    assert items[0].ok and items[0].replaced_on == "12/31/2025"


def test_current_revision_is_kept_as_a_version():
    _, items = _revision(spider(), "article-59250.json", 11, probe=False)
    assert items[0].ok and items[0].replaced_on is None and b"esketamine" in items[0].body


def test_a_revision_the_api_does_not_serve_is_skipped_quietly():
    out, items = _revision(spider(), "article-empty.json", 3, probe=True)
    assert items == [] and out == []


def test_no_token_is_an_index_fault():
    _, items = split(spider().parse(page(SLUG, "article-empty.json", LICENSE, headers=JSON)))
    assert items[0].is_index and items[0].error_kind == "error-page" and "no token" in items[0].error


def test_a_403_from_the_api_is_blocked():
    _, items = split(spider().parse(page(SLUG, "article-empty.json", LICENSE, status=403, headers=JSON)))
    assert items[0].error_kind == "blocked" and "PAYERWATCH_CONTACT_URL" in items[0].error


def test_the_archived_json_reads_as_the_article():
    doc = extract(fixture_path(SLUG, "article-59250.json").read_bytes(), "application/json")
    assert doc.media_type == "application/json"
    assert "J0013" in doc.text and doc.passages and "esketamine" in doc.text.lower()
