"""Concurrent senders on one outbox (SQLite and PostgreSQL): every alert mailed exactly once."""

from __future__ import annotations

import threading

from feeds.outbox import queue_changes, send_outbox
from store import Archive
from tests.feeds.test_email import EXPECTED, SUBS
from tests.support.feeds import SmtpSink, detection_moment, mail_settings, seed


def test_three_senders_claim_each_alert_once(archive, data_dir):
    for email, opts in SUBS.items():
        archive.add_subscription(email, **opts)
    changes = seed(archive, detected_at=detection_moment())
    assert queue_changes(archive, changes.values()) == 14
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        reports = []
        start = threading.Barrier(3)

        def run():
            with Archive(data_dir) as own:  # each sender its own connections, as separate processes have
                start.wait()
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
