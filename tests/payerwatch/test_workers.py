"""Three ``payerwatch worker``s on PostgreSQL, one killed mid-crawl, against one ``payerwatch crawl``.

Every epoch of the sample portal is crawled twice: by a single ``payerwatch crawl`` into a reference
archive, and by workers from the queue into a PostgreSQL archive. The first worker is killed with SIGKILL
in the middle of its first crawl (a kill point: its crawl child kills it after archiving one document),
so the job is recovered from the worker's missing heartbeat and retried by another worker. Both
archives must end with the same changes and both SMTP servers with the same mails, and no source may
have been crawled by two workers at once (the crawl runs' intervals never overlap).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
import yaml

from tests.support import ROOT, run_cli
from tests.support.feeds import SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

CLINIC, ADVOCATE = "clinic@example.org", "advocate@example.org"


def _mail_env(sink: SmtpSink) -> dict[str, str]:
    return {
        "PAYERWATCH_SMTP_HOST": "127.0.0.1",
        "PAYERWATCH_SMTP_PORT": str(sink.port),
        "PAYERWATCH_SMTP_SECURITY": "none",
        "PAYERWATCH_MAIL_FROM": "payerwatch@localhost",
    }


def _ok(result) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _subscribe(data, env, before: dt.datetime) -> None:
    env = env | {"PAYERWATCH_CLOCK": before.isoformat()}
    _ok(
        run_cli(
            "subscribe", CLINIC, "--drug", "esketamine", "--min-severity", "medium", data_dir=data, env=env
        )
    )
    _ok(run_cli("subscribe", ADVOCATE, "--digest", "daily", data_dir=data, env=env))


def _start_worker(data, env, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "payerwatch", "--data", str(data), "worker"]
    return subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ) | env, stdout=log, stderr=log)


def _wait_until_drained(engine: sa.Engine, workers: list[subprocess.Popen], timeout: float = 600) -> None:
    """Until no crawl, analysis, settle or deliver job is waiting or running (the queue is the truth)."""
    deadline = time.monotonic() + timeout
    query = sa.text(
        "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
        "AND task_name <> 'payerwatch:retry_stalled'"
    )
    while True:
        with engine.connect() as conn:
            if conn.execute(query).scalar_one() == 0:
                return
        assert any(w.poll() is None for w in workers), "every worker died"
        assert time.monotonic() < deadline, "the queue did not drain"
        time.sleep(0.5)  # polling a condition in the database, not waiting for a guess


def _changes(data, env) -> collections.Counter:
    """What was announced, archive-independent: a retirement's id names the run that confirmed it (a
    per-archive number), so ids are compared for the other kinds only."""
    out = _ok(run_cli("changes", "--json", data_dir=data, env=env))
    fields = ("policy", "kind", "severity", "drugs", "summary", "old_version", "new_version")
    return collections.Counter(
        json.dumps(
            [None if c["kind"] in ("retired", "reinstated") else c["id"]] + [c[f] for f in fields],
            sort_keys=True,
        )
        for c in map(json.loads, out.splitlines())
    )


def _mails(sink: SmtpSink) -> collections.Counter:
    return collections.Counter((json.dumps(to), str(msg["Subject"])) for to, msg in sink.messages)


def test_three_workers_one_killed_match_a_single_crawl(pg_server, tmp_path):
    from portal.content import epoch_date, max_epoch
    from portal.server import PortalServer
    from portal.sources import portal_sources

    url = pg_server.create_database("pw_workers")
    ref_data, pg_data = tmp_path / "single", tmp_path / "workers"
    first = dt.datetime.combine(epoch_date(1), dt.time(0, 0), tzinfo=dt.UTC)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    log = (tmp_path / "workers.log").open("w")
    workers: list[subprocess.Popen] = []
    with SmtpSink() as ref_sink, SmtpSink() as pg_sink, PortalServer(epoch=1) as portal:
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": portal_sources(portal.url)}, sort_keys=False))
        ref_env = _mail_env(ref_sink)
        pg_env = _mail_env(pg_sink) | {
            "PAYERWATCH_DATABASE_URL": url,
            "PAYERWATCH_HEARTBEAT": "1",
            "PAYERWATCH_STALLED_AFTER": "3",
        }
        _subscribe(ref_data, ref_env, first)
        _subscribe(pg_data, pg_env, first)
        try:
            for epoch in range(1, max_epoch() + 1):
                portal.set_epoch(epoch)
                clock = dt.datetime.combine(epoch_date(epoch), dt.time(6, 0), tzinfo=dt.UTC).isoformat()
                _ok(
                    run_cli(
                        "crawl",
                        "--sources",
                        str(sources),
                        "--quiet",
                        data_dir=ref_data,
                        env=ref_env | {"PAYERWATCH_CLOCK": clock},
                        timeout=600,
                    )
                )
                _ok(
                    run_cli(
                        "send",
                        "--flush-digests",
                        data_dir=ref_data,
                        env=ref_env | {"PAYERWATCH_CLOCK": clock},
                    )
                )

                _ok(
                    run_cli(
                        "enqueue", "--sources", str(sources), "--clock", clock, data_dir=pg_data, env=pg_env
                    )
                )
                if epoch == 1:
                    # the first worker alone takes the first crawl and is killed in the middle of it
                    victim = _start_worker(pg_data, pg_env | {"PAYERWATCH_KILL_WORKER_AFTER": "1"}, log)
                    assert victim.wait(timeout=300) == -9
                    workers = [victim] + [_start_worker(pg_data, pg_env, log) for _ in range(2)]
                _wait_until_drained(engine, workers)
                _ok(
                    run_cli(
                        "send", "--flush-digests", data_dir=pg_data, env=pg_env | {"PAYERWATCH_CLOCK": clock}
                    )
                )
        finally:
            for w in workers:
                if w.poll() is None:
                    w.terminate()
            for w in workers:
                w.wait(timeout=120)
            log.close()

        expected = _changes(ref_data, ref_env)
        assert expected, "the reference crawl found no change: the comparison would prove nothing"
        assert _changes(pg_data, pg_env) == expected
        assert _mails(pg_sink) == _mails(ref_sink) and sum(_mails(ref_sink).values()) > 0

    with engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'").scalar()
            == 0
        )
        runs = conn.exec_driver_sql(
            "SELECT source_id, started_at, finished_at, status FROM crawl_runs ORDER BY source_id, started_at"
        ).all()
    engine.dispose()
    assert [r.status for r in runs].count("interrupted") == 1  # the killed worker's crawl, closed on retry
    by_source = collections.defaultdict(list)
    for r in runs:
        assert r.finished_at is not None, f"a crawl of {r.source_id} was never closed"
        by_source[r.source_id].append(r)
    for source_id, its_runs in by_source.items():
        for before, after in zip(its_runs, its_runs[1:], strict=False):
            assert before.finished_at <= after.started_at, f"two crawls of {source_id} overlapped"
