"""``/healthz`` judges staleness: a scheduler that silently stopped must page someone, not answer "ok"."""

from __future__ import annotations

import datetime as dt

import pytest

from payerwatch.web import create_app
from store.models import Source

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def health(archive, monkeypatch):
    monkeypatch.setenv("PAYERWATCH_CLOCK", NOW.isoformat())
    daily = Source(id="daily-payer", payer="Daily Payer", schedule="0 6 * * *")
    weekly = Source(id="weekly-payer", payer="Weekly Payer", schedule="0 6 * * 1")
    for source in (daily, weekly):
        archive.upsert_source(source)
    client = create_app(archive, sources=[daily, weekly]).test_client()

    def finished(source_id: str, ago: dt.timedelta) -> None:
        run = archive.start_run(source_id, started_at=NOW - ago - dt.timedelta(minutes=5))
        run.status, run.finished_at = "ok", NOW - ago
        archive.finish_run(run)

    return client, finished


def test_recent_runs_are_ok(health):
    client, finished = health
    finished("daily-payer", dt.timedelta(hours=20))
    finished("weekly-payer", dt.timedelta(days=6))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_a_run_older_than_twice_the_longest_interval_is_stale(health):
    client, finished = health
    finished("daily-payer", dt.timedelta(hours=20))
    finished("weekly-payer", dt.timedelta(days=300))  # ten months: the scheduler stopped long ago
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "stale"
    assert (
        body["stale"] == ["weekly-payer"]
        and body["stale_after"] == f"{14 * 86400 + 1800} s without a finished run"
    )


def test_a_source_that_never_ran_is_not_stale(health):
    client, finished = health
    finished("daily-payer", dt.timedelta(days=2))
    assert client.get("/healthz").status_code == 200
