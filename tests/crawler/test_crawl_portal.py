"""The sample portal (portal/) crawled over real loopback HTTP by every family spider:
epoch 1 archives every document; the same epoch again sends conditional requests and makes no version;
a fault epoch makes no versions and no retirements."""

from __future__ import annotations

import yaml

from portal.content import load_expected
from portal.server import PortalServer
from portal.sources import portal_sources
from store import Archive
from tests.support import run_cli

FAST = {"PAYERWATCH_CRAWL_DELAY": "0"}


def fallback_sources(url: str) -> list[dict]:
    """The portal's sources in case ``portal_sources`` is still a placeholder on this branch."""

    def src(sid, payer, spider, starts, **extra):
        return {
            "id": sid,
            "payer": payer,
            "program": extra.pop("program", "commercial"),
            "spider": spider,
            "start_urls": [url + s for s in starts],
            "allowed_domains": ["127.0.0.1"],
            **extra,
        }

    return [
        src(
            "sample-uhc-commercial",
            "UnitedHealthcare (sample)",
            "uhc",
            [
                "/uhc/resources/clinical-guidelines/commercial/medical-benefit-drug-policies.html",
                "/uhc/resources/clinical-guidelines/community-plan/texas/medical-benefit-drug-policies.html",
            ],
        ),
        src(
            "sample-aetna-cpb", "Aetna (sample)", "aetna_cpb", ["/aetna/cpb/medical/data/900_999/index.html"]
        ),
        src("sample-bcbsmn", "Blue Cross MN (sample)", "bcbs_versioned", ["/bcbsmn/policies/index.html"]),
        src("sample-bcbsnd", "BCBS ND (sample)", "bcbsnd", ["/bcbsnd/api/policies?page=1"]),
        src(
            "sample-tx-medicaid",
            "Texas Medicaid (sample)",
            "tx_medicaid",
            ["/txmedicaid/news"],
            program="medicaid",
            state="TX",
        ),
        src(
            "sample-masshealth",
            "MassHealth (sample)",
            "masshealth",
            ["/masshealth/MHDL/pubtheragroup.do"],
            program="medicaid",
            state="MA",
        ),
        src("sample-cigna-drug", "Cigna (sample)", "cigna", ["/cigna/coverage-policies/pharmacy/index.html"]),
    ]


def _sources_file(tmp_path, url: str):
    sources = portal_sources(url) or fallback_sources(url)
    path = tmp_path / "portal-sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}))
    return path


def _expected_documents(epoch: int) -> dict[str, str]:
    expected = load_expected()
    docs = expected["documents"]
    return {
        key: docs[key]["url"]
        for key, row in expected["epochs"][epoch]["documents"].items()
        if row["status"] == 200 and docs[key].get("role") != "index"
    }


def _crawl(tmp_path, data_dir, srv):
    result = run_cli(
        "crawl",
        "--no-progress",
        "--sources",
        str(_sources_file(tmp_path, srv.url)),
        data_dir=data_dir,
        env=FAST,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _version_count(arc: Archive) -> int:
    return sum(len(arc.list_versions(p.id)) for p in arc.list_policies())


def test_portal_epoch_recrawl_and_faults(tmp_path, data_dir):
    with PortalServer(epoch=1) as srv:
        _crawl(tmp_path, data_dir, srv)
        expected = _expected_documents(1)
        with Archive(data_dir) as arc:
            good = {f.url.replace(srv.url, "") for f in arc.list_fetches(limit=10_000) if f.sha256}
            missing = {k: u for k, u in expected.items() if u not in good}
            assert not missing, f"epoch 1 documents not archived: {missing}"
            runs = {r.source_id: r for r in arc.list_runs(limit=100)}
            assert all(r.status == "ok" for r in runs.values()), {k: r.message for k, r in runs.items()}
            versions = _version_count(arc)
            assert versions == len(expected)

        srv.clear_requests()
        _crawl(tmp_path, data_dir, srv)
        with Archive(data_dir) as arc:
            assert _version_count(arc) == versions
        conditional = [r for r in srv.requests if r.if_none_match]
        assert len(conditional) >= len(expected) and all(r.status == 304 for r in conditional)

        srv.set_faults(True)
        for _ in range(2):  # two consecutive fault crawls: still nothing retired
            result = _crawl(tmp_path, data_dir, srv)
        with Archive(data_dir) as arc:
            assert _version_count(arc) == versions
            assert not [p.id for p in arc.list_policies() if p.status == "retired"]
            kinds = {f.error_kind for f in arc.list_fetches(limit=10_000) if f.outcome == "error"}
            assert {"http-503", "login-redirect", "error-page"} <= kinds, (kinds, result.stdout)


def test_portal_all_epochs_retire_after_two_misses_and_reinstate(tmp_path, data_dir):
    """MED-402 leaves the BCBS ND API and answers 404 in epochs 4 and 5, and is back in epoch 6."""

    epochs = load_expected()["epochs"]
    statuses = {}
    with PortalServer(epoch=1) as srv:
        for epoch in sorted(epochs):
            srv.set_epoch(epoch)
            _crawl(tmp_path, data_dir, srv)
            with Archive(data_dir) as arc:
                policy = next(p for p in arc.list_policies("sample-bcbsnd") if p.policy_number == "MED-402")
                statuses[epoch] = (policy.status, policy.missing_count)
            kinds = {c.kind for c in arc.list_changes() if c.policy_id == policy.id}
    wanted = {e: epochs[e]["documents"]["bcbsnd/MED-402"]["status"] for e in epochs}
    misses = 0
    for epoch in sorted(epochs):
        misses = misses + 1 if wanted[epoch] == 404 else 0
        expected = "active" if misses == 0 else ("retired" if misses >= 2 else "missing")
        assert statuses[epoch][0] == expected, (epoch, statuses)
    # analysis (payerwatch.absence) announced the confirmed retirement and the return
    assert {"retired", "reinstated"} <= kinds
