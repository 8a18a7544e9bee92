"""Hostile files: every PDF bomb ends with a typed error, the crawl process stays small, the next crawl is
healthy, and a document that exhausts its worker is retried with backoff and then given up.

The bombs are generated at test time (``tests.support.bombs``). The crawl runs as a real process whose
peak RSS (``VmHWM``) and its workers' (``RUSAGE_CHILDREN``) are written at exit by a probe, so the
numbers are the kernel's, not an estimate; run with ``-s`` to see them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys

import pytest
import yaml

from payerwatch import processing
from payerwatch.extraction import Job, Limits, extract_many
from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import ROOT, bombs
from tests.support.pdf import render_file

GiB = 1024 * 1024 * 1024


@pytest.fixture(scope="module")
def bomb_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    paths = {}
    for name, (build, _) in bombs.BOMBS.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(build())
    return paths


def test_each_bomb_ends_with_a_typed_error(bomb_files):
    jobs = [Job(name, path, "application/pdf") for name, path in bomb_files.items()]
    results = {job.key: result for job, result in extract_many(jobs, workers=2)}
    for name, (_, reasons) in bombs.BOMBS.items():
        assert getattr(results[name], "reason", None) in reasons, (name, results[name])


def test_a_worker_past_its_memory_limit_is_reported_not_fatal(bomb_files):
    """The backstop behind the inflation budget: with the budget off, the 1 GiB stream meets RLIMIT_AS."""
    limits = Limits(memory=512 * 1024 * 1024, max_inflated=1 << 40)
    ((_, result),) = list(extract_many([Job("x", bomb_files["huge-flate"])], limits=limits))
    assert result.reason == "resource-limit", result


@pytest.mark.parametrize(
    "limits,words",
    [(Limits(wall=1.0, max_inflated=1 << 40), "wall time"), (Limits(cpu=1, max_inflated=1 << 40), "SIGXCPU")],
)
def test_a_worker_past_its_time_is_killed(bomb_files, limits, words):
    """800 MB of content streams, read a page at a time: little memory, much time."""
    ((_, result),) = list(extract_many([Job("x", bomb_files["many-streams"])], limits=limits))
    assert result.reason == "resource-limit" and words in str(result), result


def test_a_pool_keeps_submission_order(bomb_files, tmp_path):
    fine = tmp_path / "fine.pdf"
    fine.write_bytes(render_file("cigna-ketamine.yaml"))
    jobs = [Job(i, bomb_files["wide-page-tree"] if i % 2 else fine) for i in range(6)]
    results = list(extract_many(jobs, workers=3))
    assert [job.key for job, _ in results] == list(range(6))
    assert [type(r).__name__ for _, r in results][:2] == ["ExtractedPolicy", "DocumentTooLarge"]


_PROBE = """
import atexit, json, resource, runpy, sys
out = sys.argv.pop(1)
def report():
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    with open(out, "w") as fh:
        json.dump({"crawl_hwm": int(status["VmHWM"].split()[0]) * 1024, "workers_max": kids}, fh)
atexit.register(report)
sys.argv[0] = "payerwatch"
runpy.run_module("payerwatch", run_name="__main__")
"""


def _crawl(data_dir, sources, probe_out):
    env = dict(os.environ, PAYERWATCH_CRAWL_DELAY="0")
    env.pop("PAYERWATCH_DATABASE_URL", None)
    cmd = [sys.executable, "-c", _PROBE, str(probe_out), "--data", str(data_dir), "crawl", "--no-progress"]
    result = subprocess.run(
        cmd + ["--sources", str(sources)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(probe_out.read_text())


def test_a_crawl_full_of_bombs_stays_small_and_the_next_crawl_is_healthy(bomb_files, tmp_path, data_dir):
    pages = {
        f"/docs/{name}.pdf": Page(path.read_bytes(), content_type="application/pdf")
        for name, path in bomb_files.items()
    }
    pages["/docs/fine.pdf"] = Page(render_file("cigna-ketamine.yaml"), content_type="application/pdf")
    links = "".join(f'<a href="{path}">{path}</a>' for path in pages)
    pages["/"] = Page(f"<html><head><title>Policies</title></head><body>{links}</body></html>".encode())
    with LocalSite(pages) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            "id": "bombs",
                            "payer": "Hostile Health",
                            "program": "commercial",
                            "spider": "generic",
                            "start_urls": [site.url + "/"],
                            "allowed_domains": ["127.0.0.1"],
                            "documents": [r"\.pdf$"],
                        }
                    ]
                }
            )
        )
        first = _crawl(data_dir, sources, tmp_path / "first.json")
        second = _crawl(data_dir, sources, tmp_path / "second.json")
    print(
        f"\npeak RSS: crawl {first['crawl_hwm'] / 2**20:.0f} MiB, "
        f"largest worker {first['workers_max'] / 2**20:.0f} MiB"
    )
    print(f"next crawl: {second['crawl_hwm'] / 2**20:.0f} MiB")
    assert first["crawl_hwm"] < GiB and second["crawl_hwm"] < GiB
    with Archive(data_dir) as archive:
        runs = archive.list_runs("bombs")
        assert [r.status for r in runs] == ["ok", "ok"]
        errors = {}
        for policy in archive.list_policies("bombs"):
            (version,) = archive.list_versions(policy.id)
            errors[policy.url.rsplit("/", 1)[-1].removesuffix(".pdf")] = version
        assert errors["fine"].extract_error is None and errors["fine"].mentions_topic
        for name, (_, reasons) in bombs.BOMBS.items():
            version = errors[name]
            if "no-text-layer" in reasons:
                assert version.extract_error.startswith("no-text-layer"), (name, version.extract_error)
            else:
                assert version.extract_error.split(":")[0] in reasons, (name, version.extract_error)
        assert archive.unprocessed_version_ids("bombs") == []


def test_an_exhausted_worker_is_retried_with_backoff_then_given_up(archive, monkeypatch):
    from store.models import Source

    archive.upsert_source(Source(id="s", payer="S", program="commercial", spider="generic"))
    from store.models import Policy

    archive.upsert_policy(Policy(id="s/p", source_id="s", url="https://s.example/p.pdf"))
    version, _ = archive.add_version("s/p", render_file("cigna-ketamine.yaml"), "https://s.example/p.pdf")
    monkeypatch.setenv("PAYERWATCH_KILL_AT", "extract:worker")  # each worker dies as if OOM-killed
    start = dt.datetime.now(dt.UTC)
    for attempt in (1, 2, 3):
        processing.process_versions(archive, [version.id])
        v = archive.get_version(version.id)
        assert v.extract_error.startswith("resource-limit:") and v.extract_attempts == attempt
        if attempt < 3:
            assert v.extract_retry_at > start
            assert archive.unprocessed_version_ids("s") == []  # not before its time
            assert archive.unprocessed_version_ids("s", now=v.extract_retry_at) == [version.id]
        else:
            assert v.extract_retry_at is None and "gave up after 3 attempts" in v.extract_error
            assert archive.unprocessed_version_ids("s", now=start + dt.timedelta(days=365)) == []
    (status,) = archive.source_status()
    assert status.extract_given_up == 1
    monkeypatch.delenv("PAYERWATCH_KILL_AT")
    processing.process_versions(archive, [version.id])  # reprocess still may, and it now works
    v = archive.get_version(version.id)
    assert v.extract_error is None and v.mentions_topic
    assert archive.source_status()[0].extract_given_up == 0


def test_limits_from_the_environment_name_the_variable():
    from payerwatch.extraction import ConfigError

    assert Limits.from_env({"PAYERWATCH_EXTRACT_MEMORY": "700"}).memory == 700 * 1024 * 1024
    with pytest.raises(ConfigError, match="PAYERWATCH_EXTRACT_WALL"):
        Limits.from_env({"PAYERWATCH_EXTRACT_WALL": "soon"})
    assert dataclasses.replace(Limits(), cpu=5).cpu == 5
