"""Hostile numbers and queries: every route answers 400 (or 404), never 500; search is capped and timed.

Numbers past 2^63 in ids, pages and cursors used to reach SQLite and come back as ``OverflowError`` (500)
on six routes; 5,000 search terms took 13.7 s. The routes are enumerated from the app, so a new route
with an ``<int:...>`` is covered without editing this file.
"""

from __future__ import annotations

import re
import time

import pytest

import store.search
from payerwatch.web import create_app
from store.search import MAX_TERMS, SearchQueryError
from tests.support.archive_builder import build_sample_archive

HUGE = [str(2**63), str(2**64 + 7), "9" * 400]


@pytest.fixture
def app(archive):
    build_sample_archive(archive)
    return create_app(archive, base_url="https://watch.example.org/")


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and any(
            type(conv).__name__ == "BoundedInt" for conv in rule._converters.values()
        ):
            yield rule


def test_every_int_in_a_path_is_range_checked(app):
    client = app.test_client()
    rules = list(_int_routes(app))
    assert len(rules) >= 3
    for rule in rules:
        for huge in HUGE:
            url = re.sub(r"<int:[^>]+>", huge, rule.rule)
            url = re.sub(r"<path:[^>]+>", "sample-uhc-commercial/2026D0069P", url)
            url = re.sub(r"<[^>]+>", "x", url)
            assert client.get(url).status_code == 400, url


@pytest.mark.parametrize("param", ["page", "cursor", "limit", "version"])
def test_every_number_in_a_query_is_range_checked(app, param):
    client = app.test_client()
    urls = [
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and "<" not in r.rule and not r.rule.startswith("/static")
    ]
    for url in urls:
        for bad in [*HUGE, "-1", "abc"]:
            status = client.get(f"{url}?q=ketamine&{param}={bad}").status_code
            assert status != 500 and status < 500, (url, param, bad, status)
    assert client.get(f"/changes?page={2**63}").status_code == 400
    assert client.get(f"/api/changes?cursor={2**64}").status_code == 400
    assert client.get(f"/policy/sample-uhc-commercial/2026D0069P?version={2**64}").status_code == 400


def test_search_terms_are_deduplicated_and_capped(archive):
    build_sample_archive(archive)
    once = archive.search("ketamine")
    assert once and [h.passage_id for h in archive.search("ketamine KETAMINE ketamine")] == [
        h.passage_id for h in once
    ]
    words = " ".join(f"w{i}" for i in range(MAX_TERMS))
    assert archive.search(words) == []
    with pytest.raises(SearchQueryError, match="distinct words"):
        archive.search(words + " another")
    with pytest.raises(SearchQueryError, match="characters"):
        archive.search("ketamine " * 2000)


def test_a_flood_of_terms_is_refused_fast(app):
    client = app.test_client()
    query = " ".join(f"term{i}" for i in range(5000))[:9000]
    start = time.monotonic()
    for url in ("/search", "/api/search"):
        response = client.get(url, query_string={"q": query})
        assert response.status_code == 400, url
    assert time.monotonic() - start < 2
    assert "limit" in client.get("/api/search", query_string={"q": query}).get_json()["error"]


def test_a_slow_search_is_interrupted(app, monkeypatch):
    monkeypatch.setattr(store.search, "SEARCH_TIMEOUT", 0.0)
    monkeypatch.setattr(store.search, "_STEPS", 1)  # the sample archive is too small to reach 1,000 steps
    client = app.test_client()
    response = client.get("/api/search?q=ketamine")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert client.get("/search?q=ketamine").status_code == 503
    monkeypatch.setattr(store.search, "SEARCH_TIMEOUT", 5.0)
    assert client.get("/api/search?q=ketamine").status_code == 200  # the connection has no deadline left
