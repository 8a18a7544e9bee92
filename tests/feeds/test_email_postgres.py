"""The outbox and the feeds on PostgreSQL: queueing, exactly-once sending and concurrent claims."""

from __future__ import annotations

import datetime as dt
import threading

import feedparser
import pytest

from feeds.build import FeedFilter, build_feed
from feeds.outbox import queue_changes, send_outbox
from feeds.present import entry_id
from store import Archive
from store.models import utcnow
from tests.feeds.test_email import EXPECTED, SUBS
from tests.support.feeds import SmtpSink, mail_settings, seed


@pytest.fixture
def pg(pg_archive, pg_url):
    return pg_archive, pg_url


def test_outbox_on_postgres(pg, tmp_path):
    archive, url = pg
    assert archive.engine.dialect.name == "postgresql"
    for email, opts in SUBS.items():
        archive.add_subscription(email, **opts)
    changes = seed(archive, detected_at=utcnow() + dt.timedelta(seconds=1))
    assert queue_changes(archive, changes.values()) == 14
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        reports = []

        def run():
            with Archive(tmp_path / "data", database_url=url) as own:
                reports.append(send_outbox(own, settings))

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert {to: len(msgs) for to, msgs in sink.by_recipient().items()} == {
            to: len(keys) for to, keys in EXPECTED.items()
        }
        assert send_outbox(archive, settings, flush_digests=True).sent[0][2] == 3
        assert send_outbox(archive, settings, flush_digests=True).sent == []
    ids = [m["Message-ID"] for _, m in sink.messages]
    assert len(ids) == len(set(ids)) == 12
    assert archive.delivery_counts() == {"sent": 14}


def test_feed_on_postgres(pg):
    archive, _ = pg
    changes = seed(archive)
    parsed = feedparser.parse(
        build_feed(archive.list_change_contexts(), FeedFilter(), "atom", "https://w.test")
    )
    assert not parsed.bozo
    expected = sorted(changes.values(), key=lambda c: (-c.detected_at.timestamp(), c.id))
    assert [e.id for e in parsed.entries] == [entry_id(c.id) for c in expected]
