"""The coverage matrix page and ``/api/matrix`` a page at a time: following the links / cursors visits
every row (cell) once, in order, with the filters applied; a made-up cursor is a 400. The page's payer
filter is a search box whose cost does not grow with the number of sources."""

from __future__ import annotations

import re

import pytest

import payerwatch.web.views as views_module
from payerwatch.web import create_app
from store import Archive
from store.models import Source
from tests.support.matrix_grid import build, wanted


@pytest.fixture(scope="module")
def grid(module_database, tmp_path_factory):
    archive = Archive(tmp_path_factory.mktemp("matrix-web") / "data")
    expected = build(archive)
    yield create_app(archive).test_client(), expected
    archive.close()


def rows_of(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a class="policy-link" href="/policy/([^"]+)"', html)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "stance=not_covered",
        "payer=acme-c",
        "payer=CARE",
        "payer=a&program=medicare",
        "drug=ketamine&indication=ptsd",
    ],
)
def test_the_page_links_walk_every_row_once(grid, monkeypatch, query):
    client, expected = grid
    monkeypatch.setattr(views_module, "PAGE", 4)
    filters = dict(pair.split("=") for pair in query.split("&") if pair)
    if "payer" in filters:  # the page's payer box: a source id, or part of the payer's name in any case
        filters["payer_contains"] = filters.pop("payer")
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


def test_the_payer_box_names_what_it_matched(grid):
    client, _ = grid
    html = client.get("/?payer=%20health%20").get_data(as_text=True)
    assert 'name="payer" value="health"' in html
    assert "Payers matching “health”: Acme Health." in html  # two sources, one payer name
    assert set(rows_of(html)) and all(pid.startswith("acme/") for pid in rows_of(html))
    # a payer's own feed is offered once the words chose one payer
    assert 'href="/feeds/payer/acme-health.atom"' in html
    for text in ("nobody", "%", "_"):  # LIKE's wildcards are matched as themselves
        html = client.get("/?payer=" + text.replace("%", "%25")).get_data(as_text=True)
        assert f"No payer's name contains “{text}”." in html and not rows_of(html)
    assert client.get("/?payer=" + "x" * 201).status_code == 400


def test_the_payer_filter_costs_the_same_whatever_the_number_of_sources(archive):
    """The page once listed every source in a menu: 500 ``<option>``s, two thirds of its time."""
    client = create_app(archive).test_client()
    archive.upsert_source(Source(id="one", payer="One Payer", program="medicaid", state="TX"))
    before = client.get("/").get_data(as_text=True)
    for n in range(300):
        state = "TX" if n % 2 else "OH"
        archive.upsert_source(
            Source(id=f"extra-{n}", payer=f"Extra Payer {n}", program="medicaid", state=state)
        )
    after = client.get("/").get_data(as_text=True)
    assert after.count("<option") == before.count("<option") + 1  # OH joins the state menu
    assert "Extra Payer" not in after and len(after) - len(before) < 100


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
