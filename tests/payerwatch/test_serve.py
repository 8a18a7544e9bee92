"""``payerwatch serve`` for real: scheduled crawls of the sample portal, /healthz, feeds, clean shutdown.

The service runs as a real process; the tests wait on observable conditions (rows in the archive, the
portal's request log, a ready file) with deadlines, never on fixed sleeps.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from portal.build import build_site
from portal.server import PortalServer
from portal.sources import portal_sources
from store import Archive
from tests.support import ROOT, run_cli

pytestmark = pytest.mark.slow

SPRAVATO_PDF = "/uhc/content/dam/provider/docs/public/policies/comm-medical-drug/spravato-esketamine.pdf"


def _sources_file(tmp_path: Path, portal_url: str, ids: set[str], schedule: str) -> Path:
    chosen = [dict(s, schedule=schedule) for s in portal_sources(portal_url) if s["id"] in ids]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": chosen}, sort_keys=False))
    return path


def _wait_for(condition, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(
                f"serve exited with {proc.returncode} while waiting for {what}: {proc.stderr.read()[-2000:]}"
            )
        time.sleep(0.1)  # polling an observable condition, not hoping for timing
    raise AssertionError(f"timed out waiting for {what}")


class Service:
    def __init__(self, tmp_path: Path, data: Path, sources: Path):
        self.ready = tmp_path / f"ready-{time.monotonic_ns()}"
        env = dict(os.environ, PAYERWATCH_READY_FILE=str(self.ready))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "payerwatch",
                "--data",
                str(data),
                "serve",
                "--sources",
                str(sources),
                "--port",
                "0",
                "--crawl-timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = _wait_for(
            lambda: self.ready.exists() and self.ready.read_text(), 60, "serve to listen", self.proc
        )

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=30) as resp:
            return json.loads(resp.read())

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"serve did not stop on SIGTERM: {err[-2000:]}") from None
        return self.proc.returncode, err


def _runs(data: Path, source_id: str):
    with Archive(data) as archive:
        return sorted((r for r in archive.list_runs(source_id) if r.status != "running"), key=lambda r: r.id)


def test_serve_runs_scheduled_crawls_without_overlap_and_reports_health(database, tmp_path):
    data = tmp_path / "data"
    with PortalServer(epoch=1) as portal:
        sources = _sources_file(
            tmp_path, portal.url, {"sample-tx-medicaid", "sample-aetna-cpb"}, "every 2 seconds"
        )
        service = Service(tmp_path, data, sources)
        try:
            _wait_for(
                lambda: all(len(_runs(data, s)) >= 2 for s in ("sample-tx-medicaid", "sample-aetna-cpb")),
                120,
                "two scheduled runs of each source",
                service.proc,
            )
            _wait_for(
                lambda: (data / "feeds" / "all.atom").exists(), 60, "feeds to be published", service.proc
            )
            health = service.get_json("/healthz")
        finally:
            code, err = service.stop()
    assert code == 0, err[-2000:]
    for source_id in ("sample-tx-medicaid", "sample-aetna-cpb"):
        runs = _runs(data, source_id)
        # The schedule keeps firing every 2 s, so SIGTERM may land in the middle of a third run. That run
        # is closed as "interrupted" and must have archived nothing; every run before it finished "ok".
        if runs[-1].status == "interrupted" and len(runs) > 2:
            assert runs[-1].new_versions == 0, runs[-1].message
            assert runs[-1].message == "crawl interrupted; nothing counted as missing"
            runs = runs[:-1]
        assert all(r.status == "ok" for r in runs), [(r.status, r.message) for r in runs]
        for before, after in zip(runs, runs[1:], strict=False):
            assert after.started_at >= before.finished_at, "two runs of one source overlapped"
        # The second run re-fetched with validators: nothing new was archived.
        assert runs[1].new_versions == 0 and runs[0].new_versions > 0
    assert health["status"] == "ok" and health["failing"] == []
    assert {s["source"] for s in health["sources"]} == {"sample-tx-medicaid", "sample-aetna-cpb"}
    assert all(s["status"] == "ok" and s["last_run"] for s in health["sources"])
    feed = (data / "feeds" / "all.atom").read_text()
    # Both runs saw epoch 1 only: the first crawl of a source is its baseline, so the published feed is
    # valid and announces nothing.
    assert "<feed" in feed and "<entry>" not in feed
    # structured one-line log records
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(r["msg"] == "crawl finished" and r["source"] == "sample-aetna-cpb" for r in records)


def test_sigterm_during_a_crawl_loses_nothing_and_a_restart_completes_the_work(tmp_path):
    data = tmp_path / "data"
    site = build_site(1)
    uhc_documents = [p for p in site if p.startswith("/uhc/content/") and "/comm-medical-drug/" in p]
    with PortalServer(epoch=1) as portal:
        sources = _sources_file(tmp_path, portal.url, {"sample-uhc-commercial"}, "every 1 seconds")
        portal.hold(SPRAVATO_PDF)
        service = Service(tmp_path, data, sources)
        try:
            assert portal.wait_arrived(SPRAVATO_PDF, timeout=120), "the crawl never reached the held document"
            service.proc.send_signal(signal.SIGTERM)
        finally:
            portal.release(SPRAVATO_PDF)
            code, err = service.stop()
        assert code == 0, err[-2000:]
        with Archive(data) as archive:
            interrupted = archive.list_runs("sample-uhc-commercial")
            assert interrupted and all(r.status != "running" for r in interrupted), (
                "a run was left half-written"
            )
            assert archive.verify() == []

        # The next start carries on: a crawl of the same epoch completes the work.
        result = run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data)
        assert result.returncode == 0, result.stderr[-2000:]
        again = run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data)
        assert again.returncode == 0, again.stderr[-2000:]

    with Archive(data) as archive:
        assert archive.verify() == []
        policies = archive.list_policies("sample-uhc-commercial")
        urls = {v.url for p in policies for v in archive.list_versions(p.id)}
        assert {portal.url + p for p in uhc_documents} <= urls
        for p in policies:
            versions = archive.list_versions(p.id)
            assert len({v.sha256 for v in versions}) == len(versions) == 1, p.id
            kinds = [c.kind for c in archive.list_changes(policy_id=p.id)]
            assert kinds.count("new_policy") <= 1 and set(kinds) <= {"new_policy"}, (p.id, kinds)
        # the first crawl that completed is the source's baseline: analysed, archived, not announced
        assert archive.list_changes() == []
        assert all(v.extractor_version for p in policies for v in archive.list_versions(p.id))
        pending = [
            v
            for p in policies
            for v in archive.list_versions(p.id)
            if v.extractor_version is None and v.extract_error is None
        ]
        assert pending == [], "archived versions were left unprocessed"
