"""The researcher commands on an archive built from the sample portal through the real extractors.

The portal's UHC Community Plan (Texas) Spravato policy is re-issued in epoch 4 (seen 2026-01-19) with an
effective date of 2026-02-01, and every policy's first version took effect before payerwatch first saw
it: both are days on which the effective and the observed clocks name different versions.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from warcio.archiveiterator import ArchiveIterator

from payerwatch.web import create_app
from store import Archive
from tests.support import run_cli
from tests.support.archive_builder import build_portal_archive

CSTX = "sample-uhc-community-tx/cstx-spravato"
UHC = "sample-uhc-commercial/spravato"


@pytest.fixture(scope="module")
def portal(module_database, tmp_path_factory):
    data = tmp_path_factory.mktemp("portal") / "data"
    with Archive(data) as arc:
        ids = build_portal_archive(arc)
    return data, ids


def show(data, *args) -> dict:
    result = run_cli("show", *args, "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_portal_archive_history(portal):
    data, ids = portal
    assert ids["uhc/cstx-spravato"] == CSTX
    result = run_cli("history", CSTX, "--json", data_dir=data)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    # epochs 2 and 3 only re-stamp the footer: new bytes (new versions), same effective date
    assert [r["first_seen"][:10] for r in rows] == ["2025-12-01", "2025-12-15", "2026-01-05", "2026-01-19"]
    assert [r["effective"] for r in rows] == ["2025-09-01"] * 3 + ["2026-02-01"]
    assert rows[-1]["last_seen"][:10] == "2026-02-16"


def test_show_where_effective_and_observed_disagree(portal):
    data, _ = portal
    by_effective = show(data, CSTX, "--as-of", "2026-01-25", "--by", "effective")
    by_observed = show(data, CSTX, "--as-of", "2026-01-25", "--by", "observed")
    assert (by_effective["seq"], by_effective["effective"]) == (3, "2025-09-01")  # ties → the later seq
    assert (by_observed["seq"], by_observed["effective"]) == (4, "2026-02-01")
    old = {p["text"] for p in by_effective["passages"]}
    new = {p["text"] for p in by_observed["passages"]}
    assert old and new and old != new
    assert show(data, CSTX, "--as-of", "2026-02-01")["seq"] == 4


def test_show_before_first_observation(portal):
    data, _ = portal
    # in force since 2025-10-01 by its own date, but nobody had seen it yet
    early = show(data, UHC, "--as-of", "2025-11-01", "--by", "effective")
    assert early["seq"] == 1 and early["effective"] == "2025-10-01"
    assert any(f["drug"] == "esketamine" for f in early["facts"])
    unseen = run_cli("show", UHC, "--as-of", "2025-11-01", "--by", "observed", data_dir=data)
    assert unseen.returncode == 1 and "no version in force" in unseen.stderr


def test_search_and_matrix_over_the_portal(portal):
    data, _ = portal
    hits = [
        json.loads(x)
        for x in run_cli(
            "search", "Spravato", "--payer", "sample-uhc-commercial", "--json", data_dir=data
        ).stdout.splitlines()
    ]
    assert hits and {h["policy"] for h in hits} <= {UHC, "sample-uhc-commercial/off-label"}
    with Archive(data) as arc:
        payers = {c.payer for c in arc.matrix()}
        assert {"UnitedHealthcare", "Aetna"} <= payers
        medicaid = arc.matrix(program="medicaid")
        assert medicaid and {c.program for c in medicaid} == {"medicaid"}
        assert CSTX in {c.policy_id for c in arc.matrix(state="TX")}
        html = create_app(arc).test_client().get(f"/policy/{CSTX}").get_data(as_text=True)
        assert html.count('class="diff-link"') == 3
        assert arc.search("Spravato", as_of=dt.date(2025, 11, 1), by="observed") == []


def test_warc_export_of_the_portal_archive(portal, tmp_path):
    data, _ = portal
    out = tmp_path / "portal.warc.gz"
    assert run_cli("export", "--format", "warc", "--out", str(out), data_dir=data).returncode == 0
    with Archive(data) as arc:
        total = sum(len(arc.list_versions(p.id)) for p in arc.list_policies())
        media = {v.media_type for p in arc.list_policies() for v in arc.list_versions(p.id)}
    with out.open("rb") as fh:
        responses = [
            r.http_headers.get_header("Content-Type") for r in ArchiveIterator(fh) if r.rec_type == "response"
        ]
    assert len(responses) == total and set(responses) == media
