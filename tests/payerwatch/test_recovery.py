"""Debris of a killed process — a temp blob, a run left ``running`` — is cleaned on the next start, and
``verify`` says what it fixed; work in progress (a live writer, a held crawl lock) is left alone."""

from __future__ import annotations

import os
import subprocess
import time

from payerwatch.locks import holder, source_lock
from portal.localsite import LocalSite, Page
from store import Archive
from store.models import Source
from tests.support import run_cli
from tests.support.sources import local_source_file

FAST = {"PAYERWATCH_CRAWL_DELAY": "0"}


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _source(archive, sid):
    archive.upsert_source(Source(id=sid, payer=sid.title(), program="commercial", spider="generic"))


def test_verify_removes_temp_blobs_of_dead_writers_only(data_dir):
    with Archive(data_dir) as archive:
        sha = archive.blobs.put(b"%PDF-1.4 policy bytes")
        folder = archive.blobs.path_for(sha).parent
    dead = folder / f".tmp-{_dead_pid()}-k2j3"
    dead.write_bytes(b"half a blob")
    legacy = folder / ".tmp-x8y7z6"
    legacy.write_bytes(b"older payerwatch")
    hour_ago = time.time() - 7200
    os.utime(legacy, (hour_ago, hour_ago))
    live = folder / f".tmp-{os.getpid()}-w1"  # this test process: a write in progress
    live.write_bytes(b"being written")
    result = run_cli("verify", data_dir=data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    fixed = [line for line in result.stdout.splitlines() if line.startswith("fixed:")]
    assert len(fixed) == 2 and all("interrupted before its rename" in line for line in fixed)
    assert not dead.exists() and not legacy.exists() and live.exists()
    assert "archive OK" in result.stdout


def test_verify_closes_runs_of_dead_crawls_but_not_of_live_ones(data_dir):
    with Archive(data_dir) as archive:
        _source(archive, "dead")
        _source(archive, "alive")
        dead_run = archive.start_run("dead")
        live_run = archive.start_run("alive")
    with source_lock(data_dir, "alive"):
        assert holder(data_dir, "alive") == os.getpid()
        assert holder(data_dir, "dead") is None
        result = run_cli("verify", data_dir=data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"fixed: crawl run {dead_run.id} of dead marked interrupted" in result.stdout
    with Archive(data_dir) as archive:
        assert archive.get_run(dead_run.id).status == "interrupted"
        assert archive.get_run(dead_run.id).finished_at is not None
        assert archive.get_run(live_run.id).status == "running"
    # the lock is released now: that crawl is gone too, and its run is closed once
    again = run_cli("verify", data_dir=data_dir)
    assert f"fixed: crawl run {live_run.id} of alive marked interrupted" in again.stdout
    assert "fixed:" not in run_cli("verify", data_dir=data_dir).stdout


def test_settling_leaves_a_running_run_alone(archive):
    """Analysis settles finished runs only: a run still ``running`` is a live crawl's, or a dead one's
    that the source's next crawl (or ``reprocess``, ``verify``) closes first."""
    _source(archive, "s")
    finished = archive.start_run("s")
    finished.status = "ok"
    archive.finish_run(finished)
    running = archive.start_run("s")
    assert [r.id for r in archive.runs_to_settle("s")] == [finished.id]
    assert archive.get_run(running.id).status == "running"


def test_a_crawl_closes_its_sources_dead_run_before_it_starts_and_settles_it(tmp_path, data_dir):
    page = b"<html><head><title>Policy 1</title></head><body><p>Ketamine is unproven.</p></body></html>"
    pages = {
        "/medical/": Page(b'<html><body><a href="/policy/1.html">Policy 1</a></body></html>'),
        "/policy/1.html": Page(page),
    }
    with LocalSite(pages) as site:
        sources = local_source_file(tmp_path, site.url)
        first = run_cli("crawl", "--no-progress", "--sources", str(sources), data_dir=data_dir, env=FAST)
        assert first.returncode == 0, first.stderr[-2000:]
        with Archive(data_dir) as archive:
            dead = archive.start_run("local")  # a crawl killed mid-way: nobody holds the lock now
        again = run_cli("crawl", "--no-progress", "--sources", str(sources), data_dir=data_dir, env=FAST)
        assert again.returncode == 0, again.stderr[-2000:]
    with Archive(data_dir) as archive:
        closed = archive.get_run(dead.id)
        assert closed.status == "interrupted" and closed.analysed_at is not None
        assert [r.status for r in archive.list_runs("local")] == ["ok", "interrupted", "ok"]
        assert archive.runs_to_settle("local") == []


def test_reprocess_closes_a_dead_crawls_run(data_dir):
    """reprocess holds every source's lock, as a crawl does: a run still running is dead."""
    with Archive(data_dir) as archive:
        _source(archive, "s")
        dead = archive.start_run("s")
    result = run_cli("reprocess", data_dir=data_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    with Archive(data_dir) as archive:
        assert archive.get_run(dead.id).status == "interrupted"
