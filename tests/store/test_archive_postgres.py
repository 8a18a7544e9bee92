"""The researcher queries and search on PostgreSQL (``to_tsvector`` instead of FTS5), on a real server."""

from __future__ import annotations

import datetime as dt

import pytest

from payerwatch.web import create_app
from store import Archive
from tests.support.archive_builder import build_sample_archive


@pytest.fixture(scope="module")
def pg(pg_server, tmp_path_factory):
    arc = Archive(
        tmp_path_factory.mktemp("pg") / "data", database_url=pg_server.create_database("pw_archiveweb")
    )
    sample = build_sample_archive(arc)
    yield arc, sample
    arc.close()


def test_search_scopes_on_postgres(pg):
    arc, sample = pg
    assert arc.engine.dialect.name == "postgresql"
    hits = arc.search("investigational depression")
    assert [h.policy_id for h in hits] == [sample.tx]
    assert "\x02investigational\x03" in hits[0].snippet
    then = arc.search("investigational", as_of=dt.date(2024, 12, 31))
    assert sorted((h.policy_id, h.seq) for h in then) == [(sample.tx, 1), (sample.uhc, 2)]
    observed = arc.search("investigational", as_of=dt.date(2025, 2, 1), by="observed")
    assert sorted((h.policy_id, h.seq) for h in observed) == [(sample.tx, 1), (sample.uhc, 2)]
    assert {h.policy_id for h in arc.search("psychiatrist", drug="esketamine")} == {sample.uhc}
    assert arc.search("psychiatrist", drug="ketamine") == []
    assert len(arc.search("investigational", all_versions=True)) == 3
    arc.search('"NEAR( *')  # user syntax never reaches the query parser


def test_queries_and_exports_on_postgres(pg):
    arc, sample = pg
    assert arc.version_as_of(sample.uhc, dt.date(2024, 6, 20), "observed").seq == 2
    assert arc.version_as_of(sample.uhc, dt.date(2024, 6, 20)).seq == 1
    cells = {(c.policy_id, c.drug): c.position for c in arc.matrix(state="TX")}
    assert cells == {(sample.tx, "ketamine"): "experimental_investigational"}
    assert [ctx.change.kind for ctx in arc.changes_page(drug="ketamine", payer="sample-uhc")] == [
        "coverage_position",
        "new_policy",
    ]
    assert len(list(arc.iter_export("passages"))) == 7
    assert next(arc.iter_export("changes"))["detected_at"].endswith("+00:00")


def test_web_pages_on_postgres(pg):
    arc, sample = pg
    client = create_app(arc).test_client()
    for url in (
        "/",
        f"/policy/{sample.uhc}",
        "/changes?drug=esketamine",
        "/search?q=psychiatrist",
        "/api/matrix",
    ):
        assert client.get(url).status_code == 200, url
    v1, v2, _ = sample.uhc_versions
    assert ">three</del>" in client.get(f"/policy/{sample.uhc}/diff/{v1}/{v2}").get_data(as_text=True)
