"""The coverage matrix page and ``/api/matrix`` a page at a time: following the links / cursors visits
every row (cell) once, in order, with the filters applied; a made-up cursor is a 400."""

from __future__ import annotations

import re

import pytest

import payerwatch.web.views as views_module
from payerwatch.web import create_app
from store import Archive
from tests.support.matrix_grid import build, wanted


@pytest.fixture(scope="module")
def grid(module_database, tmp_path_factory):
    archive = Archive(tmp_path_factory.mktemp("matrix-web") / "data")
    expected = build(archive)
    yield create_app(archive).test_client(), expected
    archive.close()


def rows_of(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a class="policy-link" href="/policy/([^"]+)"', html)


@pytest.mark.parametrize("query", ["", "stance=not_covered", "payer=acme-c", "drug=ketamine&indication=ptsd"])
def test_the_page_links_walk_every_row_once(grid, monkeypatch, query):
    client, expected = grid
    monkeypatch.setattr(views_module, "PAGE", 4)
    filters = dict(pair.split("=") for pair in query.split("&") if pair)
    want = []  # policies with a chosen cell other than the billing codes (indication "any")
    for _payer, pid, _drug, indication in wanted(expected, **filters):
        if indication != "any" and pid not in want:
            want.append(pid)
    seen, url = [], f"/?{query}"
    for _ in range(len(want) + 2):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        seen += rows_of(html)
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
        assert "First page" in client.get(url).get_data(as_text=True)
    assert seen == want


def test_the_page_rejects_a_made_up_cursor(grid):
    client, _ = grid
    assert client.get("/?after=bm90IGEgY3Vyc29y").status_code == 400


@pytest.mark.parametrize("query", ["", "stance=mixed", "program=medicare", "indication=trd"])
def test_the_api_cursor_walks_every_cell_once(grid, query):
    client, expected = grid
    filters = dict(pair.split("=") for pair in query.split("&") if pair)
    keys, cursor = [], None
    for _ in range(100):
        body = client.get(f"/api/matrix?limit=3&{query}" + (f"&cursor={cursor}" if cursor else "")).get_json()
        keys += [(c["payer"], c["policy_id"], c["drug"], c["indication"]) for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert keys == wanted(expected, **filters)


def test_the_api_rejects_a_made_up_cursor(grid):
    client, _ = grid
    for cursor in ("3", "bm90IGEgY3Vyc29y"):
        response = client.get(f"/api/matrix?cursor={cursor}")
        assert response.status_code == 400 and "cursor" in response.get_json()["error"]
