"""One-click unsubscribe end to end (mail header → HTTP POST → no more mail) and the alert commands."""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request

from feeds.outbox import send_outbox
from feeds.tokens import make_token
from store import Archive
from store.models import Source, utcnow
from tests.support import run_cli
from tests.support.feeds import (
    Served,
    SmtpSink,
    detection_moment,
    load_cases,
    mail_settings,
    make_change,
    seed,
)

SECRET = "unsubscribe-secret"


def _request(url: str, data: bytes | None = None):
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_one_click_unsubscribe_end_to_end(archive):
    stay = archive.add_subscription("stay@clinic.test")
    leave = archive.add_subscription("leave@clinic.test")
    seed(archive, detected_at=detection_moment())
    with Served(archive, secret=SECRET) as web, SmtpSink() as sink:
        settings = mail_settings(sink.port, base_url=web.url, secret=SECRET)
        send_outbox(archive, settings, max_messages=2)  # leave@ has mail still queued afterwards
        msg = sink.by_recipient()["leave@clinic.test"][0]
        url = re.fullmatch(r"<(.+)>", msg["List-Unsubscribe"]).group(1)
        assert url.startswith(f"{web.url}/unsubscribe?token=")
        html = msg.get_body(("html",)).get_content()
        assert url.replace("&", "&amp;") in html or url in html

        # a mail scanner following the link (GET) must not unsubscribe anyone
        status, page = _request(url)
        assert status == 200 and 'method="post"' in page and "leave@clinic.test" in page
        assert archive.get_subscription(leave.id).active

        # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL
        status, page = _request(url, b"List-Unsubscribe=One-Click")
        assert status == 200 and "Unsubscribed" in page
        assert not archive.get_subscription(leave.id).active
        assert archive.get_subscription(stay.id).active
        assert {d.status for d in archive.list_deliveries(subscription_id=leave.id)} == {"sent", "cancelled"}
        assert _request(url, b"List-Unsubscribe=One-Click")[0] == 200  # repeating is harmless

        # the confirmation form posts the token back (a browser's route)
        other = archive.add_subscription("form@clinic.test")
        token = make_token(SECRET, other.id, other.email)
        assert _request(f"{web.url}/unsubscribe", f"token={token}".encode())[0] == 200
        assert not archive.get_subscription(other.id).active

        before = len(sink.messages)
        later = make_change(
            archive, dict(load_cases()["changes"][0], key="later"), utcnow() + dt.timedelta(seconds=2)
        )
        report = send_outbox(archive, settings)
        assert {to for to, _, _ in report.sent} == {"stay@clinic.test"}
        assert all(rcpts == ["stay@clinic.test"] for rcpts, _ in sink.messages[before:])
        assert later.id in {d.change_id for d in archive.list_deliveries(subscription_id=stay.id)}
        assert later.id not in {d.change_id for d in archive.list_deliveries(subscription_id=leave.id)}


def test_forged_or_foreign_tokens_are_refused(archive):
    sub = archive.add_subscription("a@clinic.test")
    with Served(archive, secret=SECRET) as web:
        forged = make_token("another-secret", sub.id, sub.email)
        wrong_address = make_token(SECRET, sub.id, "b@clinic.test")
        for token in (forged, wrong_address, "garbage", make_token(SECRET, 999, "a@clinic.test")):
            status, _ = _request(f"{web.url}/unsubscribe?token={token}", b"List-Unsubscribe=One-Click")
            assert status == 400, token
        assert _request(f"{web.url}/unsubscribe")[0] == 400
    assert archive.get_subscription(sub.id).active


def test_alert_commands(data_dir):
    with Archive(data_dir) as archive:  # --payer must name a source payerwatch knows
        archive.upsert_source(Source(id="example-health", payer="Example Health"))
    res = run_cli(
        "subscribe", "clinic@example.org", "--payer", "example-health", "--drug", "esketamine",
        "--min-severity", "high", "--digest", "daily", data_dir=data_dir,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "subscription 1: clinic@example.org" in res.stdout
    assert run_cli("subscribe", "other@example.org", data_dir=data_dir).returncode == 0

    res = run_cli("subscriptions", data_dir=data_dir)
    assert res.returncode == 0
    assert "clinic@example.org" in res.stdout and "example-health" in res.stdout and "daily" in res.stdout

    assert run_cli("subscribe", "not-an-address", data_dir=data_dir).returncode == 2
    assert run_cli("subscribe", "x@example.org", "--drug", "aspirin", data_dir=data_dir).returncode == 2

    res = run_cli("unsubscribe", "CLINIC@example.org", data_dir=data_dir)
    assert res.returncode == 0 and "unsubscribed" in res.stdout
    assert run_cli("unsubscribe", "clinic@example.org", data_dir=data_dir).returncode == 1
    res = run_cli("subscriptions", data_dir=data_dir)
    assert "clinic@example.org" not in res.stdout and "other@example.org" in res.stdout
    assert "clinic@example.org" in run_cli("subscriptions", "--all", data_dir=data_dir).stdout


def test_scheduler_entry_points_and_serve_app_agree_on_the_secret(archive, monkeypatch, tmp_path):
    """``send_pending`` (scheduler, demo) signs with the archive's own secret; ``serve``'s app honours it."""
    import threading

    from werkzeug.serving import make_server

    from feeds.outbox import send_pending
    from feeds.publish import publish_all
    from payerwatch.web import create_app

    monkeypatch.delenv("PAYERWATCH_SECRET", raising=False)
    sub = archive.add_subscription("clinic@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    app = create_app(archive)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with SmtpSink() as sink:
            monkeypatch.setenv("PAYERWATCH_BASE_URL", url)
            monkeypatch.setenv("PAYERWATCH_SMTP_PORT", str(sink.port))
            monkeypatch.setenv("PAYERWATCH_SMTP_SECURITY", "none")
            assert send_pending(archive) == 1
            assert send_pending(archive) == 0
            link = re.fullmatch(r"<(.+)>", sink.messages[0][1]["List-Unsubscribe"]).group(1)
        assert _request(link, b"List-Unsubscribe=One-Click")[0] == 200
        assert not archive.get_subscription(sub.id).active
        assert _request(f"{url}/feeds/all.rss")[0] == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    written = publish_all(archive, tmp_path / "feeds")
    assert (tmp_path / "feeds" / "all.atom").exists() and len(written) > 20
    assert url.encode() in (tmp_path / "feeds" / "all.atom").read_bytes()  # links use PAYERWATCH_BASE_URL
