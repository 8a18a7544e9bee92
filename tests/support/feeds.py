"""Build the feed / email test archive from ``tests/files/feeds/changes.yaml`` through the store API."""

from __future__ import annotations

import datetime as dt
import socket

import yaml

from differ.taxonomy import KIND_SEVERITY
from store import Archive, change_id
from store.models import Change, Policy, Source, utcnow
from tests.support import fixture_path

SLUG = "feeds"


def load_cases() -> dict:
    return yaml.safe_load(fixture_path(SLUG, "changes.yaml").read_text(encoding="utf-8"))


def _when(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def seed_sources(archive: Archive, cases: dict | None = None) -> None:
    cases = cases or load_cases()
    for s in cases["sources"]:
        archive.upsert_source(Source(id=s["id"], payer=s["payer"], program=s.get("program", "commercial")))
    for p in cases["policies"]:
        archive.upsert_policy(Policy(id=p["id"], source_id=p["source"], url=p["url"], title=p["title"]))


def make_change(archive: Archive, spec: dict, detected_at: dt.datetime | None = None) -> Change:
    """Store two versions of the policy and one change between them (as the differ would)."""
    key = spec["key"]
    old, _ = archive.add_version(spec["policy"], f"{key} before".encode(), "https://x.test/old")
    new, _ = archive.add_version(spec["policy"], f"{key} after".encode(), "https://x.test/new")
    change = Change(
        id=change_id(spec["policy"], old.sha256, new.sha256, spec["kind"]),
        policy_id=spec["policy"],
        kind=spec["kind"],
        severity=spec.get("severity") or KIND_SEVERITY[spec["kind"]],
        summary=spec["summary"],
        detected_at=detected_at or _when(spec["detected_at"]),
        old_version_id=old.id,
        new_version_id=new.id,
        drugs=list(spec["drugs"]),
        details=[dict(d, evidence=None) for d in spec.get("details", [])],
        diff=[list(op) for op in spec.get("diff", [])],
        revision_note=spec.get("revision_note"),
        effective_date=dt.date.fromisoformat(str(spec["effective_date"]))
        if spec.get("effective_date")
        else None,
    )
    stored, _ = archive.add_change(change)
    return stored


def seed(archive: Archive, detected_at: dt.datetime | None = None) -> dict[str, Change]:
    """All fixture changes; ``detected_at`` overrides every change's time (for subscription tests)."""
    cases = load_cases()
    seed_sources(archive, cases)
    return {spec["key"]: make_change(archive, spec, detected_at) for spec in cases["changes"]}


def detection_moment() -> dt.datetime:
    """When a test's changes are "detected": a second from now, unless the UTC day ends within two hours,
    then one minute into the next day (still after the test's subscriptions, which are created now).

    Digests group by UTC day, so a test that sends at "detection + 1 hour" must not straddle midnight:
    CI once ran at 23:4x UTC and a digest went out an hour early. Tests take their send times from
    this moment, never from the wall clock.
    """
    now = utcnow() + dt.timedelta(seconds=1)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return now if midnight - now > dt.timedelta(hours=2) else midnight + dt.timedelta(minutes=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The web app (``payerwatch.web.create_app``) served by werkzeug on 127.0.0.1 in a thread."""

    def __init__(self, archive: Archive, secret: str = "test-secret", base_url: str | None = None):
        import threading

        from werkzeug.serving import make_server

        from payerwatch.web import create_app

        self.app = create_app(archive)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.app.config.update(BASE_URL=base_url or self.url, SECRET=secret)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts.

    ``reject`` recipients get a permanent 550 at RCPT, ``tempfail`` ones a 451.
    """

    def __init__(
        self,
        port: int | None = None,
        reject: tuple[str, ...] = (),
        tempfail: tuple[str, ...] = (),
        refuse_sender: bool = False,
    ):
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.reject, self.tempfail = set(reject), set(tempfail)
        self.refuse_sender = refuse_sender
        self.messages: list = []
        self.raw: list[bytes] = []  # the DATA exactly as it came over the wire
        self.senders: list[str] = []  # the envelope sender (MAIL FROM) of each accepted message
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return "553 5.7.1 Sender address rejected: not owned by user"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 No such mailbox here"
        if address in self.tempfail:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        self.raw.append(envelope.original_content)
        self.senders.append(envelope.mail_from)
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 2.0.0 Accepted"

    def by_recipient(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for rcpts, msg in self.messages:
            for r in rcpts:
                out.setdefault(r, []).append(msg)
        return out

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def mail_settings(port: int, base_url: str = "https://watch.example.org", secret: str = "test-secret"):
    from feeds.config import Settings, SmtpSettings

    return Settings(
        base_url=base_url,
        secret=secret,
        mail_from="payerwatch <alerts@watch.example.org>",
        smtp=SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=10),
    )
