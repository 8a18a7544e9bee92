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


def test_a_real_crawl_over_loopback_archives_the_api_answers(tmp_path, data_dir):
    """Through Scrapy's real downloader, pipelines and analysis: the token, three revisions (one the API
    lacks), the current one archived as a version that reads as the article."""
    import yaml

    from portal.localsite import LocalSite, Page
    from store import Archive
    from tests.support import run_cli

    def answer(name: str) -> Page:
        return Page(fixture_path(SLUG, name).read_bytes(), content_type="application/json")

    current = fixture_path(SLUG, "article-59250.json").read_text()
    current = current.replace('"article_version": 11', '"article_version": 3')
    pages = {
        "/v1/metadata/license-agreement": answer("license-agreement.json"),
        "/v1/data/article?articleid=59250": Page(current.encode(), content_type="application/json"),
        "/v1/data/article?articleid=59250&ver=1": answer("article-empty.json"),
        "/v1/data/article?articleid=59250&ver=2": answer("article-59250-ver9.json"),
        "/v1/data/article?articleid=59250&ver=3": Page(current.encode(), content_type="application/json"),
    }
    with LocalSite(pages) as site:
        source = {
            "id": SLUG,
            "payer": "Medicare",
            "program": "medicare",
            "spider": "cms_mcd",
            "start_urls": [f"{site.url}/v1/metadata/license-agreement"],
            "allowed_domains": ["127.0.0.1"],
            "articles": [59250],
        }
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [source]}))
        result = run_cli("crawl", "--no-progress", "--sources", str(path), data_dir=data_dir)
        auth = {r.headers.get("Authorization") for r in site.requests if "/data/article" in r.path}
    assert result.returncode == 0, result.stderr[-2000:]
    assert auth == {"Bearer sample-token-0001"}
    with Archive(data_dir) as arc:
        run = arc.list_runs(SLUG)[0]
        fetches = {f.url.rsplit("=", 1)[-1]: f for f in arc.list_fetches(SLUG)}
        policies = arc.list_policies(SLUG)
    assert run.status == "ok", run.message
    assert [p.policy_number for p in policies] == ["A59250"]
    assert fetches["2"].outcome != "error" and fetches["3"].outcome == "new_version"
    assert "1" not in fetches  # the revision the API lacks is skipped quietly
    history = run_cli("history", policies[0].id, data_dir=data_dir, env={"COLUMNS": "250"})
    assert "2026-01-01" in history.stdout  # the revision's effective date, read from the archived JSON
