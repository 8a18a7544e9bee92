"""Email alerts against a real SMTP server (aiosmtpd on 127.0.0.1): filters, digests, retries, failures."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from feeds.message import message_id
from feeds.outbox import LEASE, queue_changes, send_outbox
from store.models import utcnow
from tests.support import run_cli
from tests.support.feeds import (
    SmtpSink,
    detection_moment,
    free_port,
    load_cases,
    mail_settings,
    make_change,
    seed,
)

SUBS = {
    "all@clinic.test": {},
    "eh@clinic.test": {"payers": ["example-health"]},
    "ket@clinic.test": {"drugs": ["ketamine"], "min_severity": "high"},
    "cm@clinic.test": {"payers": ["crescent-mutual"], "min_severity": "medium"},
    "digest@clinic.test": {"drugs": ["esketamine"], "digest": "daily"},
}
EXPECTED = {  # immediate subscribers → the fixture changes they must get
    "all@clinic.test": {"eh-trd-trials", "eh-ketamine-position", "cm-codes", "cm-hostile", "eh-dates"},
    "eh@clinic.test": {"eh-trd-trials", "eh-ketamine-position", "eh-dates"},
    "ket@clinic.test": {"eh-ketamine-position"},
    "cm@clinic.test": {"cm-codes", "cm-hostile"},
}


@pytest.fixture
def world(archive):
    """Subscriptions first, then changes detected after them (a subscription gets no past changes)."""
    subs = {email: archive.add_subscription(email, **opts) for email, opts in SUBS.items()}
    changes = seed(archive, detected_at=detection_moment())
    return subs, changes


def _moment(changes) -> dt.datetime:
    """The world's detection time: send times count from it, so no test straddles a UTC midnight."""
    return next(iter(changes.values())).detected_at


def _change_of(msg, changes) -> str:
    """Which fixture change an immediate mail is about (its summary appears in the text part)."""
    text = msg.get_body(("plain",)).get_content()
    found = [k for k, c in changes.items() if c.summary.split(": ", 1)[1][:40] in text]
    assert len(found) == 1, found
    return found[0]


def test_filters_and_digest_deliver_exactly_the_expected_mail(archive, world):
    subs, changes = world
    assert queue_changes(archive, changes.values()) == sum(map(len, EXPECTED.values())) + 3
    assert queue_changes(archive, changes.values()) == 0  # idempotent
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        report = send_outbox(archive, settings)
        assert report.waiting_digests == 1 and not report.failed and not report.retrying
        got = {to: {_change_of(m, changes) for m in msgs} for to, msgs in sink.by_recipient().items()}
        assert got == EXPECTED
        assert len(sink.messages) == sum(map(len, EXPECTED.values()))  # one mail per (change, subscriber)

        assert send_outbox(archive, settings).sent == []  # a rerun sends nothing
        assert len(sink.messages) == 11

        report = send_outbox(archive, settings, flush_digests=True)
        assert [(to, n) for to, _, n in report.sent] == [("digest@clinic.test", 3)]
        digest = sink.by_recipient()["digest@clinic.test"]
        assert len(digest) == 1
        body = digest[0].get_body(("plain",)).get_content()
        for key in ("eh-trd-trials", "cm-codes", "eh-dates"):
            assert changes[key].summary.split(": ", 1)[1] in body
        assert "3 policy changes" in digest[0]["Subject"]
        assert send_outbox(archive, settings, flush_digests=True).sent == []
    statuses = Counter(d.status for d in archive.list_deliveries())
    assert statuses == {"sent": 14}


def test_digest_goes_out_once_its_day_is_over(archive, world):
    subs, changes = world
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        send_outbox(archive, settings)
        assert "digest@clinic.test" not in sink.by_recipient()
        tomorrow = _moment(changes) + dt.timedelta(days=1)
        report = send_outbox(archive, settings, now=tomorrow)
        assert [to for to, _, _ in report.sent] == ["digest@clinic.test"]
        assert send_outbox(archive, settings, now=tomorrow).sent == []


def test_new_subscription_gets_only_later_changes(archive):
    old = seed(archive)  # fixture changes detected in early November, before the subscription
    archive.add_subscription("late@clinic.test")
    assert queue_changes(archive, old.values()) == 0
    fresh = make_change(
        archive, dict(load_cases()["changes"][0], key="fresh"), utcnow() + dt.timedelta(seconds=1)
    )
    with SmtpSink() as sink:
        report = send_outbox(archive, mail_settings(sink.port))  # send also queues what nobody queued
    assert [(to, n) for to, _, n in report.sent] == [("late@clinic.test", 1)]
    assert [d.change_id for d in archive.list_deliveries()] == [fresh.id]


def test_server_down_then_back_gets_every_message_exactly_once(archive, world):
    subs, changes = world
    port = free_port()
    settings = mail_settings(port)
    now = _moment(changes)
    report = send_outbox(archive, settings, now=now)  # nothing listens on the port
    assert report.sent == [] and len(report.retrying) == 1 and report.stopped
    backing_off = [d for d in archive.list_deliveries() if d.attempts]
    assert len(backing_off) == 1 and backing_off[0].status == "pending"
    assert backing_off[0].next_attempt_at == now + dt.timedelta(minutes=1)
    assert send_outbox(archive, settings, now=now + dt.timedelta(seconds=30)).stopped  # still down
    assert sum(1 for d in archive.list_deliveries() if d.attempts) == 2  # each run spends one attempt only

    with SmtpSink(port=port) as sink:
        first = send_outbox(archive, settings, now=now + dt.timedelta(seconds=40))
        assert len(first.sent) == 9  # the two backing off wait for their next attempt
        second = send_outbox(archive, settings, now=now + dt.timedelta(minutes=5))
        assert len(second.sent) == 2
        assert send_outbox(archive, settings, now=now + dt.timedelta(hours=1)).sent == []
    ids = [m["Message-ID"] for _, m in sink.messages]
    assert len(ids) == len(set(ids)) == 11
    got = {to: sorted(_change_of(m, changes) for m in msgs) for to, msgs in sink.by_recipient().items()}
    assert got == {to: sorted(keys) for to, keys in EXPECTED.items()}


def test_interrupted_run_loses_nothing_and_repeats_nothing(archive, world):
    subs, changes = world
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        assert len(send_outbox(archive, settings, max_messages=3).sent) == 3
        assert len(sink.messages) == 3
        assert len(send_outbox(archive, settings).sent) == 8
    ids = [m["Message-ID"] for _, m in sink.messages]
    assert len(ids) == len(set(ids)) == 11


def test_crash_mid_message_is_retried_after_the_lease_with_the_same_message_id(archive, world):
    subs, changes = world
    queue_changes(archive, changes.values())
    victim = archive.list_deliveries(status="pending")[0]
    now = _moment(changes)
    # simulate a send that claimed the row and died before recording the outcome
    crashed_id = message_id([victim.id], [victim.change_id], mail_settings(0).mail_from)
    assert archive.claim_deliveries([victim.id], crashed_id, now, now + LEASE)
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        send_outbox(archive, settings, now=now)
        assert len(sink.messages) == 10  # not while another sender might still own it
        report = send_outbox(archive, settings, now=now + LEASE + dt.timedelta(seconds=1))
        assert len(report.sent) == 1
    row = next(d for d in archive.list_deliveries() if d.id == victim.id)
    assert (row.status, row.attempts) == ("sent", 2)
    # the Message-ID is deterministic per delivery, so the retry carries the one the crashed attempt used
    assert sink.messages[-1][1]["Message-ID"] == row.message_id == crashed_id


def test_permanent_rejection_is_marked_and_reported_others_delivered(archive, data_dir):
    for email in ("ok@clinic.test", "gone@clinic.test", "busy@clinic.test"):
        archive.add_subscription(email)
    seed(archive, detected_at=detection_moment())
    with SmtpSink(reject=("gone@clinic.test",), tempfail=("busy@clinic.test",)) as sink:
        env = {
            "PAYERWATCH_SMTP_HOST": "127.0.0.1",
            "PAYERWATCH_SMTP_PORT": str(sink.port),
            "PAYERWATCH_SMTP_SECURITY": "none",
            "PAYERWATCH_MAIL_FROM": "alerts@watch.example.org",
            "PAYERWATCH_SECRET": "s",
        }
        res = run_cli("send", data_dir=data_dir, env=env)
        assert res.returncode == 1, res.stderr
        assert res.stderr.count("FAILED gone@clinic.test: 550") == 5
        assert res.stderr.count("retry later busy@clinic.test: 451") == 5
        assert "5 sent, 5 to retry, 5 failed" in res.stdout
        assert {to for to in sink.by_recipient()} == {"ok@clinic.test"}
        assert len(sink.messages) == 5

        res = run_cli("send", data_dir=data_dir, env=env)
        assert res.returncode == 0 and "0 sent, 0 to retry, 0 failed" in res.stdout  # 451s are backing off
        assert len(sink.messages) == 5
    by_status = Counter(
        (archive.get_subscription(d.subscription_id).email, d.status) for d in archive.list_deliveries()
    )
    assert by_status == {
        ("ok@clinic.test", "sent"): 5,
        ("gone@clinic.test", "failed"): 5,
        ("busy@clinic.test", "pending"): 5,
    }
    failed = archive.list_deliveries(status="failed")
    assert all("550" in d.last_error for d in failed)


def test_message_shape(archive, world):
    subs, changes = world
    with SmtpSink() as sink:
        send_outbox(archive, mail_settings(sink.port))
    msg = next(m for m in sink.by_recipient()["ket@clinic.test"])
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Subject"] == (
        "[payerwatch] Example Health · Ketamine: IV ketamine for depression moved from unproven to covered "
        "with criteria"
    )
    assert msg["To"] == "ket@clinic.test" and "alerts@watch.example.org" in msg["From"]
    delivery = next(d for d in archive.list_deliveries(subscription_id=subs["ket@clinic.test"].id))
    assert msg["Message-ID"] == delivery.message_id and msg["Message-ID"].endswith("@watch.example.org>")
    assert msg["List-Unsubscribe"].startswith("<https://watch.example.org/unsubscribe?token=")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = msg.get_body(("html",)).get_content()
    assert "<del style=" in html and "<ins style=" in html and "<style" not in html
    change = changes["eh-ketamine-position"]
    old, new = archive.get_version(change.old_version_id), archive.get_version(change.new_version_id)
    assert f"/policy/example-health/PH-0107/diff/{old.seq}/{new.seq}" in html  # version numbers, not ids


def test_one_click_unsubscribe_headers_are_raw_bytes_on_the_wire(archive, world):
    """RFC 8058: providers read ``List-Unsubscribe`` as ASCII on the wire; an RFC 2047-encoded value
    (``=?utf-8?q?=3Chttps…``) parses back fine in Python but gets no unsubscribe button anywhere."""
    import re

    with SmtpSink() as sink:
        send_outbox(archive, mail_settings(sink.port, base_url="https://watch.example.org/a/long/base/path"))
    assert sink.raw
    for data in sink.raw:
        assert re.search(rb"^List-Unsubscribe: <https?://[!-~]+>\r?$", data, re.MULTILINE), data[:600]
        assert re.search(rb"^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$", data, re.MULTILINE)


def test_backoff_grows_and_only_repeated_4xx_gives_up(archive):
    from feeds.outbox import BACKOFF_MAX, MAX_ATTEMPTS

    archive.add_subscription("busy@clinic.test", min_severity="critical")
    archive.add_subscription("later@clinic.test", min_severity="critical")
    queue_changes(archive, seed(archive, detected_at=detection_moment()).values())
    busy, later = archive.list_deliveries()
    now = utcnow()
    gaps = []
    with SmtpSink(tempfail=("busy@clinic.test",)) as sink:
        settings = mail_settings(sink.port)
        for _ in range(MAX_ATTEMPTS):
            send_outbox(archive, settings, now=now)
            row = next(d for d in archive.list_deliveries() if d.id == busy.id)
            if row.status != "pending":
                break
            gaps.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and "451" in row.last_error
    assert gaps[:3] == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert max(gaps) == BACKOFF_MAX
    assert len(sink.by_recipient()["later@clinic.test"]) == 1

    # an outage outlasting MAX_ATTEMPTS never turns mail into a failure
    archive.deactivate_subscriptions("busy@clinic.test")
    archive.deactivate_subscriptions("later@clinic.test")
    archive.add_subscription("patient@clinic.test", min_severity="critical")
    patient = archive.list_subscriptions(email="patient@clinic.test")[0]
    outage = make_change(
        archive, dict(load_cases()["changes"][1], key="outage"), utcnow() + dt.timedelta(seconds=2)
    )
    archive.add_delivery(outage.id, patient.id)
    settings = mail_settings(free_port())
    for _ in range(MAX_ATTEMPTS + 2):
        now += BACKOFF_MAX
        assert send_outbox(archive, settings, now=now).stopped
    waiting = archive.list_deliveries(subscription_id=patient.id)
    assert {d.status for d in waiting} == {"pending"}
    assert (
        sum(d.attempts for d in waiting) == MAX_ATTEMPTS + 2
        and max(d.attempts for d in waiting) > MAX_ATTEMPTS
    )


def test_concurrent_senders_never_send_twice(archive, world, data_dir):
    import threading

    from store import Archive

    subs, changes = world
    with SmtpSink() as sink:
        settings = mail_settings(sink.port)
        reports = []

        def run():
            with Archive(data_dir) as own:
                reports.append(send_outbox(own, settings, flush_digests=True))

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    ids = [m["Message-ID"] for _, m in sink.messages]
    assert len(ids) == len(set(ids)) == 12  # 11 immediate mails and one digest, each once
    assert sum(len(r.sent) for r in reports) == 12


def test_a_refused_sender_address_keeps_every_alert_queued_until_fixed(archive, world):
    """A 5xx to MAIL FROM is the operator's misconfiguration: nothing may be failed for good because of it."""
    port = free_port()
    settings = mail_settings(port)
    now = _moment(world[1])
    with SmtpSink(port=port, refuse_sender=True) as sink:
        report = send_outbox(archive, settings, now=now)
        assert report.sent == [] and report.stopped and sink.messages == []
    assert {d.status for d in archive.list_deliveries()} == {"pending"}
    with SmtpSink(port=port) as sink:
        send_outbox(archive, settings, now=now + dt.timedelta(days=2))
    delivered = archive.list_deliveries()
    assert {d.status for d in delivered} == {"sent"}
    assert len(sink.messages) == len({d.message_id for d in delivered})
