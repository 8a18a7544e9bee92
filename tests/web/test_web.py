"""The archive web view through Flask's test client: pages, raw downloads, escaping, JSON API paging."""

from __future__ import annotations

import re

import pytest

from payerwatch.web import create_app
from tests.support.archive_builder import build_sample_archive

UHC = "sample-uhc-commercial/2026D0069P"
TX = "sample-tx-medicaid/KET-01"


@pytest.fixture
def sample(archive):
    return build_sample_archive(archive)


@pytest.fixture
def client(archive, sample):
    app = create_app(archive, base_url="https://watch.example.org/")
    return app.test_client()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_create_app_config_and_every_route(archive):
    app = create_app(archive, base_url="https://watch.example.org/")
    assert app.config["ARCHIVE"] is archive and app.config["BASE_URL"] == "https://watch.example.org"
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert {"/", "/api/changes", "/feeds/all.<fmt>", "/unsubscribe", "/healthz"} <= rules, rules
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"


def test_matrix_shows_current_positions_and_filters(client, sample):
    html = page(client, "/")
    assert "not medically necessary" in html and "failed antidepressants required: 2" in html
    assert f'href="/policy/{UHC}"' in html and html.count("changed 2025-03-01") == 1  # once per policy
    assert ">trd<" not in html and "treatment-resistant depression" in html  # columns read as words
    assert "_" not in re.sub(r"<[^>]+>", "", html.split("<table", 1)[1])  # no raw keys in any cell
    assert (
        "Sample Texas Medicaid" not in page(client, "/?payer=sample-uhc-commercial").split('id="matrix"')[1]
    )
    only_ketamine = page(client, "/?drug=ketamine").split('id="matrix"')[1]
    assert "IV ketamine" in only_ketamine and ">Esketamine<" not in only_ketamine
    medicaid = page(client, "/?program=medicaid").split('id="matrix"')[1]
    assert "Sample Texas Medicaid" in medicaid and "Sample United Health" not in medicaid
    assert "Sample United Health" not in page(client, "/?state=TX").split('id="matrix"')[1]
    assert "No policies with coverage facts" in page(client, "/?program=federal")


def test_policy_page_has_timeline_chart_passages_and_links(client, sample):
    html = page(client, f"/policy/{UHC}")
    # URLs speak in the policy's own version numbers (the CLI's history #), not database ids
    assert f'href="/policy/{UHC}/diff/2/3"' in html and f'href="/policy/{UHC}/diff/1/2"' in html
    assert f'href="/policy/{UHC}/raw/1"' in html
    assert html.count('<g class="series"') == 2  # esketamine·trd and ketamine·depression
    assert "Intravenous ketamine infusion for depression is not medically necessary." in html
    older = page(client, f"/policy/{UHC}?version=1")
    assert "failed three antidepressant" in older
    assert client.get("/policy/nobody/none").status_code == 404


def test_diff_page_between_any_two_versions(client, sample):
    html = page(client, f"/policy/{UHC}/diff/1/2")
    assert "Sample United Health" in html and "v1 → v2" in html
    assert re.search(r"<del style=\"[^\"]+\">three</del><ins style=\"[^\"]+\">two</ins>", html)
    assert "failed antidepressants required 3 → 2" in html
    assert '<mark style="' in html and ">two</mark>" in html and ">three</mark>" in html
    across = page(client, f"/policy/{UHC}/diff/1/3")
    assert "lowered from 3 to 2" not in across  # bullet texts, not summaries, when bullets exist
    assert "failed antidepressants required 3 → 2" in across and "not_medically_necessary" in across
    missing = client.get(f"/policy/{UHC}/diff/1/9")
    assert missing.status_code == 404 and "No versions 1 and 9" in missing.get_data(as_text=True)
    assert 'href="/changes"' in missing.get_data(as_text=True)  # an error page with a way on


def test_raw_is_a_download_with_the_right_media_type(client, sample, archive):
    v1 = sample.uhc_versions[0]
    response = client.get(f"/version/{v1}/raw")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == archive.version_bytes(v1)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="2026D0069P-v1-')
    html = client.get(f"/version/{sample.tx_versions[0]}/raw")
    assert html.mimetype == "text/html" and "sandbox" in html.headers["Content-Security-Policy"]
    assert client.get("/version/999/raw").status_code == 404
    by_number = client.get(f"/policy/{UHC}/raw/1")
    assert by_number.status_code == 200 and by_number.data == response.data
    assert client.get(f"/policy/{UHC}/raw/7").status_code == 404


def test_changes_list_filters_and_search(client, sample):
    html = page(client, "/changes")
    assert html.count('class="sev sev-') == 4
    crit = page(client, "/changes?kind=criteria")
    assert "lowered from 3 to 2" in crit and "moved from investigational" not in crit
    assert "Texas" not in page(client, "/changes?payer=sample-uhc-commercial").split("<ol")[1]
    found = page(client, "/search?q=investigational&as_of=2024-12-31")
    assert found.count("<mark>investigational</mark>") == 2
    assert "No passages match" in page(client, "/search?q=zzzunknown")
    assert client.get("/search?q=x&as_of=yesterday").status_code == 400
    observed = page(client, "/search?q=investigational&as_of=2025-02-01&by=observed")
    assert observed.count("<mark>investigational</mark>") == 2
    assert (
        page(client, "/search?q=investigational&as_of=2025-02-01").count("<mark>investigational</mark>") == 1
    )
    recent = page(client, "/changes?since=2025-01-01")
    assert "moved from investigational" in recent and "lowered from 3 to 2" not in recent


HOSTILE_RAW = ('<script>alert("pwned")</script>', '<img src=x onerror="alert(2)">')


@pytest.mark.parametrize(
    "url",
    ["/", "/?payer=texas", f"/policy/{TX}", "/changes", "/search?q=ketamine+infusion", "/?payer=<script>"],
)
def test_payer_text_is_escaped_everywhere(client, sample, url):
    html = page(client, url)
    for raw in HOSTILE_RAW:
        assert raw not in html
    assert "<script>" not in html.split("<main", 1)[1]  # what a reader typed in the payer box too
    assert "&lt;script&gt;" in html or "&lt;img" in html  # the text is there, inert
    assert "script-src 'self'" in client.get(url).headers["Content-Security-Policy"]


def test_diff_ops_are_escaped(client, sample):
    html = page(client, "/changes?payer=sample-tx-medicaid")
    assert '<ins style="' in html and "&lt;script&gt;alert(" in html
    same = page(client, f"/policy/{TX}/diff/1/1")
    assert "&lt;script&gt;alert(" in same and "identical" in same
    for raw in HOSTILE_RAW:
        assert raw not in html and raw not in same


def test_diff_html_escapes_before_marking_up():
    from payerwatch.web.fragments import diff_html, snippet_html

    out = str(diff_html([[0, "a<b"], [-1, "<i>x</i>"], [1, "&y"]]))
    assert (
        out.startswith("a&lt;b<del style=") and "&lt;i&gt;x&lt;/i&gt;</del>" in out and "&amp;y</ins>" in out
    )
    assert str(snippet_html("<b>\x02hit\x03</b>")) == "&lt;b&gt;<mark>hit</mark>&lt;/b&gt;"


def test_api_is_documented_and_paginated(client, sample):
    docs = page(client, "/api")
    for endpoint in ("/api/policies", "/api/changes", "/api/search", "/api/matrix", "next_cursor"):
        assert endpoint in docs
    first = client.get("/api/changes?limit=3").get_json()
    assert len(first["items"]) == 3 and first["next_cursor"] == "3"
    rest = client.get(f"/api/changes?limit=3&cursor={first['next_cursor']}").get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert len(set(ids)) == 4
    crit = client.get("/api/changes?kind=criteria").get_json()["items"][0]
    assert crit["diff_url"] == f"/policy/{UHC}/diff/1/2"
    assert crit["details"][0]["field"] == "failed_antidepressants" and crit["payer"] == "Sample United Health"
    assert client.get("/api/changes?limit=abc").status_code == 400


def test_api_policies_versions_as_of_search_matrix(client, sample):
    pols = client.get("/api/policies").get_json()
    assert [p["id"] for p in pols["items"]] == [TX, UHC]
    versions = client.get(f"/api/policies/{UHC}/versions").get_json()["items"]
    assert [v["seq"] for v in versions] == [1, 2, 3]
    assert {
        "drug": "ketamine",
        "indication": "depression",
        "position": "not_medically_necessary",
    } in versions[2]["positions"]
    assert (
        versions[1]["changes"][0]["kind"] == "criteria"
        and versions[0]["first_seen"] == "2024-01-10T06:00:00Z"
    )
    shown = client.get(f"/api/policies/{UHC}/as-of?date=2024-06-20&by=observed").get_json()
    assert (
        shown["version"]["seq"] == 2
        and shown["version"]["passages"][0]["heading"] == "Esketamine nasal spray"
    )
    assert client.get(f"/api/policies/{UHC}/as-of?date=2024-06-20").get_json()["version"]["seq"] == 1
    assert client.get(f"/api/policies/{UHC}/as-of?date=2020-01-01").status_code == 404
    hits = client.get("/api/search?q=investigational&all_versions=1&limit=2").get_json()
    assert (
        len(hits["items"]) == 2 and hits["next_cursor"] == "2" and "\x02" not in hits["items"][0]["snippet"]
    )
    cells = client.get("/api/matrix?program=medicaid").get_json()["items"]
    assert [(c["policy_id"], c["position"]) for c in cells] == [(TX, "experimental_investigational")]
    assert client.get("/api/policies/nobody/none/versions").get_json()["error"].startswith("no such policy")


def test_api_diff_between_any_two_versions(client):
    """The route speaks in the policy's version numbers, like the change records it returns."""
    body = client.get(f"/api/policies/{UHC}/diff/1/3").get_json()
    assert [-1, "three"] in body["diff"] and [1, "two"] in body["diff"]
    assert (body["old_version"], body["new_version"]) == (1, 3)
    assert [(c["kind"], c["old_version"], c["new_version"]) for c in body["changes"]] == [
        ("criteria", 1, 2),
        ("coverage_position", 2, 3),
    ]
    assert body["changes"][0]["payer"] == "Sample United Health"  # the one change record shape
    assert body["html_url"] == f"/policy/{UHC}/diff/1/3"
    assert client.get(f"/api/policies/{UHC}/diff/1/9").status_code == 404
    assert client.get(f"/api/policies/{TX}/diff/1/3").status_code == 404
