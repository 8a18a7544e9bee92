"""Debris of a killed process — a temp blob, a run left ``running`` — is cleaned on the next start, and
``verify`` says what it fixed; work in progress (a live writer, a held crawl lock) is left alone."""

from __future__ import annotations

import os
import subprocess
import time

from payerwatch.locks import holder, source_lock
from store import Archive
from store.models import Source
from tests.support import run_cli


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
