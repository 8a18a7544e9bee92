"""Who gets mail about what (``feeds/outbox.py``), checked on the outbox rows without speaking SMTP where
no mail needs to go out. Each test kills mutants that survived ``make mutate`` (docs/mutation.md); the
end-to-end paths against a real SMTP server are in test_email.py."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from feeds.outbox import digest_key_for, queue_changes, queue_recent, send_outbox, subscription_matches
from store.models import Subscription, utcnow
from tests.support.feeds import (
    SmtpSink,
    detection_moment,
    free_port,
    load_cases,
    mail_settings,
    make_change,
    seed,
)

#: a detection time safely after every subscription a test makes now (and 20:00 UTC, a day-edge case)
LATER = dt.datetime(dt.datetime.now(dt.UTC).year + 2, 3, 1, 20, tzinfo=dt.UTC)


@pytest.fixture
def east_of_utc(monkeypatch):
    """The server's local time zone 13 hours ahead of UTC (its "today" is UTC's tomorrow in the evening)."""
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_queueing_takes_change_ids_and_queues_only_the_changes_named(archive):
    archive.add_subscription("all@clinic.test")
    changes = seed(archive, detected_at=detection_moment())
    one = changes["eh-dates"]
    assert queue_changes(archive, [one.id]) == 1
    assert [d.change_id for d in archive.list_deliveries()] == [one.id]


def test_nothing_to_queue_counts_nothing(archive):
    changes = seed(archive, detected_at=detection_moment())
    assert queue_changes(archive, changes.values()) == 0  # no subscriptions yet
    assert queue_recent(archive) == 0
    archive.add_subscription("all@clinic.test")
    assert queue_changes(archive, []) == 0
    assert archive.list_deliveries() == []


def test_an_empty_minimum_severity_means_every_change(archive):
    archive.add_subscription("all@clinic.test")
    seed(archive, detected_at=detection_moment())
    ctx = next(c for c in archive.list_change_contexts() if c.change.severity == "low")
    for blank in (None, ""):
        sub = Subscription(id=1, email="all@clinic.test", min_severity=blank)  # type: ignore[arg-type]
        assert subscription_matches(sub, ctx)


def test_a_change_detected_the_instant_a_subscription_was_made_is_delivered(archive, monkeypatch):
    monkeypatch.setenv("PAYERWATCH_CLOCK", LATER.isoformat())
    archive.add_subscription("all@clinic.test")
    changes = seed(archive, detected_at=LATER)
    assert queue_changes(archive, changes.values()) == len(changes)


def test_each_subscription_is_judged_by_its_own_creation_time(archive, monkeypatch):
    """Subscriptions are listed by id; after a clock step back an older id can be the newer subscription."""
    monkeypatch.setenv("PAYERWATCH_CLOCK", (LATER + dt.timedelta(hours=1)).isoformat())
    archive.add_subscription("newer@clinic.test")
    monkeypatch.setenv("PAYERWATCH_CLOCK", (LATER - dt.timedelta(hours=1)).isoformat())
    older = archive.add_subscription("older@clinic.test")
    changes = seed(archive, detected_at=LATER)
    assert queue_changes(archive, changes.values()) == len(changes)
    assert {d.subscription_id for d in archive.list_deliveries()} == {older.id}


def test_the_digest_day_is_the_utc_day_whatever_the_servers_time_zone(archive, east_of_utc):
    """20:00 UTC is already tomorrow in Auckland: the digest still waits for the UTC day to end."""
    archive.add_subscription("a@clinic.test", digest="daily")
    archive.add_subscription("b@clinic.test", digest="daily", drugs=["esketamine"])
    changes = seed(archive, detected_at=LATER)
    assert {digest_key_for(c) for c in changes.values()} == {LATER.date().isoformat()}
    with SmtpSink() as sink:
        report = send_outbox(archive, mail_settings(sink.port), now=LATER + dt.timedelta(hours=1))
        assert report.sent == [] and report.waiting_digests == 2  # one per subscriber's day
        report = send_outbox(archive, mail_settings(sink.port), now=LATER + dt.timedelta(hours=5))
        assert sorted(to for to, _, _ in report.sent) == ["a@clinic.test", "b@clinic.test"]


def test_a_digest_names_its_day_and_mail_goes_from_the_bare_sender_address(archive):
    archive.add_subscription("a@clinic.test", digest="daily")
    seed(archive, detected_at=LATER)
    with SmtpSink() as sink:
        send_outbox(archive, mail_settings(sink.port), now=LATER + dt.timedelta(days=1))
    (msg,) = sink.by_recipient()["a@clinic.test"]
    assert f"on {LATER.date().isoformat()}" in msg["Subject"]
    assert sink.senders == ["alerts@watch.example.org"]  # MAIL FROM: the address, not "payerwatch <…>"


def test_a_rejected_recipient_fails_for_good_and_the_run_goes_on(archive):
    archive.add_subscription("gone@clinic.test", min_severity="critical")
    archive.add_subscription("ok@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    with SmtpSink(reject=("gone@clinic.test",)) as sink:
        report = send_outbox(archive, mail_settings(sink.port))
    assert [to for to, _ in report.failed] == ["gone@clinic.test"]
    assert "550" in report.failed[0][1] and "No such mailbox" in report.failed[0][1]
    assert [to for to, _, _ in report.sent] == ["ok@clinic.test"]
    by_to = {archive.get_subscription(d.subscription_id).email: d for d in archive.list_deliveries()}
    assert by_to["gone@clinic.test"].status == "failed" and "550" in by_to["gone@clinic.test"].last_error
    assert by_to["ok@clinic.test"].status == "sent"


def test_mail_for_a_subscription_switched_off_mid_run_is_cancelled_and_the_run_goes_on(archive):
    """An unsubscribe that lands after the run listed its mail (here: the row flipped under it)."""

    from store import schema

    off = archive.add_subscription("off@clinic.test", min_severity="critical")
    archive.add_subscription("on@clinic.test", min_severity="critical")
    queue_changes(archive, seed(archive, detected_at=detection_moment()).values())
    with archive.engine.begin() as conn:
        conn.execute(
            schema.subscriptions.update().where(schema.subscriptions.c.id == off.id).values(active=False)
        )
    with SmtpSink() as sink:
        report = send_outbox(archive, mail_settings(sink.port))
    assert [to for to, _, _ in report.sent] == ["on@clinic.test"] and list(sink.by_recipient()) == [
        "on@clinic.test"
    ]
    (row,) = archive.list_deliveries(subscription_id=off.id)
    assert (row.status, row.last_error) == ("cancelled", "unsubscribed")


def test_a_row_another_sender_claimed_meanwhile_is_left_to_it_and_the_run_goes_on(archive, monkeypatch):
    """Two senders list the same due rows; the one that loses the claim skips that row, not the rest."""
    from feeds.message import message_id

    for email in ("a@clinic.test", "b@clinic.test"):
        archive.add_subscription(email, min_severity="critical")
    queue_changes(archive, seed(archive, detected_at=detection_moment()).values())
    now = detection_moment() + dt.timedelta(minutes=1)
    listed = archive.due_deliveries(now)
    first = listed[0]
    theirs = message_id([first.id], [first.change_id], mail_settings(0).mail_from)
    assert archive.claim_deliveries([first.id], theirs, now, now + dt.timedelta(minutes=10))
    monkeypatch.setattr(archive, "due_deliveries", lambda _now: listed)  # the list read before the claim
    with SmtpSink() as sink:
        report = send_outbox(archive, mail_settings(sink.port), now=now)
    assert len(report.sent) == len(listed) - 1 and len(sink.messages) == len(listed) - 1
    row = next(d for d in archive.list_deliveries() if d.id == first.id)
    assert (row.status, row.message_id) == ("sending", theirs)


def test_a_digest_partly_backing_off_waits_whole_without_holding_up_other_mail(archive):
    archive.add_subscription("digest@clinic.test", digest="daily", drugs=["esketamine"])
    archive.add_subscription("now@clinic.test", drugs=["esketamine"])
    queue_changes(archive, seed(archive, detected_at=LATER).values())
    digest_rows = [d for d in archive.list_deliveries() if d.digest_key]
    later = LATER + dt.timedelta(days=1)
    busy = digest_rows[0]  # one part of the digest got a 451 earlier: claimed, then put back to wait
    assert archive.claim_deliveries([busy.id], "<busy@watch.example.org>", later, later)
    archive.mark_deliveries_retry([busy.id], "451 busy", later + dt.timedelta(hours=1))
    with SmtpSink() as sink:
        report = send_outbox(archive, mail_settings(sink.port), now=later, flush_digests=True)
        assert {to for to, _, _ in report.sent} == {"now@clinic.test"}
        report = send_outbox(archive, mail_settings(sink.port), now=later + dt.timedelta(hours=2))
        assert [(to, n) for to, _, n in report.sent] == [("digest@clinic.test", len(digest_rows))]


def test_mail_about_a_change_no_longer_in_the_archive_is_cancelled_and_the_run_goes_on(archive):
    """Deliveries name their change without a foreign key (a restored or hand-pruned archive can lose it)."""
    from store import schema

    archive.add_subscription("all@clinic.test")
    changes = seed(archive, detected_at=detection_moment())
    queue_changes(archive, changes.values())
    lost = changes["eh-trd-trials"]
    with archive.engine.begin() as conn:
        conn.execute(schema.changes.delete().where(schema.changes.c.id == lost.id))
    with SmtpSink() as sink:
        report = send_outbox(archive, mail_settings(sink.port))
    assert len(report.sent) == len(sink.messages) == len(changes) - 1
    (row,) = [d for d in archive.list_deliveries() if d.change_id == lost.id]
    assert (row.status, row.last_error) == ("cancelled", "change no longer in the archive")


def test_the_schedulers_call_holds_a_digest_until_its_day_is_over(archive, monkeypatch):
    from feeds.outbox import send_pending

    archive.add_subscription("now@clinic.test", min_severity="critical")
    archive.add_subscription("digest@clinic.test", digest="daily")
    seed(archive, detected_at=detection_moment())
    with SmtpSink() as sink:
        for name, value in {
            "PAYERWATCH_SMTP_HOST": "127.0.0.1",
            "PAYERWATCH_SMTP_PORT": str(sink.port),
            "PAYERWATCH_SMTP_SECURITY": "none",
            "PAYERWATCH_MAIL_FROM": "alerts@watch.example.org",
            "PAYERWATCH_SECRET": "s",
        }.items():
            monkeypatch.setenv(name, value)
        assert send_pending(archive) == len(sink.messages) == 1
        assert list(sink.by_recipient()) == ["now@clinic.test"]
        assert send_pending(archive, flush_digests=True) == 1


def test_a_sender_killed_mid_message_leaves_a_lease_and_the_message_id_for_the_retry(archive):
    """The claim is committed before SMTP is spoken: it must carry the Message-ID and a lease, so another
    run keeps off the row for the lease and then resends it under the same Message-ID, never loses it."""
    from feeds.outbox import LEASE
    from feeds.smtp import Mailer

    class KilledMidSend(Mailer):
        def send(self, msg, sender, recipient):
            raise SystemExit("killed while talking SMTP")

    archive.add_subscription("a@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    now = detection_moment() + dt.timedelta(minutes=1)
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        with pytest.raises(SystemExit):
            send_outbox(archive, settings, now=now, mailer=KilledMidSend(settings.smtp))
        (row,) = archive.list_deliveries()
        assert row.status == "sending" and row.message_id and row.next_attempt_at == now + LEASE
        assert send_outbox(archive, settings, now=now + LEASE - dt.timedelta(seconds=1)).sent == []
        report = send_outbox(archive, settings, now=now + LEASE)
    assert [mid for _, mid, _ in report.sent] == [row.message_id] == [sink.messages[0][1]["Message-ID"]]


def test_the_report_and_the_rows_say_why_mail_waits_failed_or_stopped(archive):
    """What ``payerwatch send`` prints and the outbox keeps: the server's own reply, never a blank."""
    from feeds.outbox import MAX_ATTEMPTS

    archive.add_subscription("busy@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    now = detection_moment() + dt.timedelta(minutes=1)
    with SmtpSink(tempfail=("busy@clinic.test",)) as sink:
        report = send_outbox(archive, mail_settings(sink.port), now=now)
        assert report.retrying == [("busy@clinic.test", "451 4.3.0 Mailbox busy, try again later")]
        assert "451" in archive.list_deliveries()[0].last_error
        for _ in range(MAX_ATTEMPTS):
            now += dt.timedelta(days=1)
            report = send_outbox(archive, mail_settings(sink.port), now=now)
            if report.failed:
                break
    ((to, why),) = report.failed
    assert to == "busy@clinic.test" and why.startswith(f"gave up after {MAX_ATTEMPTS} attempts: 451")
    archive.add_subscription("ok@clinic.test", min_severity="critical")
    fresh = make_change(
        archive, dict(load_cases()["changes"][1], key="fresh"), utcnow() + dt.timedelta(seconds=1)
    )
    assert queue_changes(archive, [fresh]) == 2  # busy@ and ok@
    report = send_outbox(archive, mail_settings(free_port()), now=now + dt.timedelta(days=1))
    assert report.stopped and "127.0.0.1" in report.stopped  # the connection error, not "None"
    with SmtpSink() as sink:
        before = dt.datetime.now(dt.UTC)
        send_outbox(archive, mail_settings(sink.port), now=now + dt.timedelta(days=2))
    sent = [d for d in archive.list_deliveries() if d.status == "sent"]
    assert sent and all(d.sent_at and d.sent_at >= before - dt.timedelta(seconds=5) for d in sent)
