"""Queueing crawls for the workers: one waiting crawl per source, and ``serve --queue`` only queues."""

from __future__ import annotations

import sqlalchemy as sa

from crawler.sources import DEFAULT_SOURCES, load_sources
from payerwatch import service
from tests.support import run_cli


def test_enqueue_queues_each_source_once_until_a_worker_takes_it(pg_url, tmp_path):
    env = {"PAYERWATCH_DATABASE_URL": pg_url}
    data = tmp_path / "data"
    first = run_cli("enqueue", "--source", "aetna-cpb", "--source", "cigna-drug", data_dir=data, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert first.stdout.strip() == "2 crawl(s) queued"
    again = run_cli("enqueue", "--source", "cigna-drug", data_dir=data, env=env)
    assert again.stdout.strip() == "0 crawl(s) queued"  # the queueing lock: one waiting crawl per source
    engine = sa.create_engine(pg_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT lock, queueing_lock, args->>'source_id' FROM procrastinate_jobs ORDER BY id"
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("source:aetna-cpb", "crawl:aetna-cpb", "aetna-cpb"),
        ("source:cigna-drug", "crawl:cigna-drug", "cigna-drug"),
    ]


def test_worker_commands_need_postgresql(tmp_path):
    for args in (["worker", "--burst"], ["enqueue"], ["serve", "--queue", "--port", "0"]):
        result = run_cli(*args, data_dir=tmp_path / "data", env={"PAYERWATCH_DATABASE_URL": ""})
        assert result.returncode != 0 and "PostgreSQL" in result.stderr, (args, result.stderr[-500:])


def test_serve_with_a_queue_schedules_queueing_jobs_not_crawls(tmp_path):
    from store import Archive

    sources = load_sources(DEFAULT_SOURCES)[:3]
    archive = Archive(tmp_path / "data")
    scheduler = service.build_scheduler(archive.engine, sources, tmp_path, DEFAULT_SOURCES, queue=True)
    scheduler.start(paused=True)
    try:
        jobs = scheduler.get_jobs()
        assert {job.func for job in jobs} == {service.enqueue_source_job}
        assert sorted(job.args[2] for job in jobs) == sorted(s.id for s in sources)
    finally:
        scheduler.shutdown(wait=False)
        archive.close()
