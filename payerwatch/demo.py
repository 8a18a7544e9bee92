"""``payerwatch demo``: the whole pipeline on the bundled sample portal, on loopback, in about a minute.

It is what a new user meets first, so it uses the real parts end to end: the portal over real HTTP, the
real crawl command in child processes (one per epoch, as the scheduler would run it), a real SMTP
server (aiosmtpd) that saves each delivered message as an ``.eml`` file, and the real feed publisher.
The clock is pinned to each epoch's date (``PAYERWATCH_CLOCK``) so the archive reads as if weeks passed.

With ``PAYERWATCH_DATABASE_URL`` set (PostgreSQL), the archive's rows go there and only the blobs, mail
and feeds to the data directory. The demo starts afresh by deleting its data directory, but it never
empties a database: it runs only on one whose archive holds no source yet, and refuses otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

MARKER = ".payerwatch-demo"
DEMO_SUBSCRIBER = "clinic@example.org"
DIGEST_SUBSCRIBER = "advocate@example.org"


class EmlSaver:
    """aiosmtpd handler: every accepted message becomes ``<n>.eml`` in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.count += 1
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        (self.folder / f"{stamp}-{self.count:03d}.eml").write_bytes(
            envelope.original_content or envelope.content
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _check_database(keep: bool) -> None:
    """Refuse a database (``PAYERWATCH_DATABASE_URL``) that already holds an archive, unless ``keep``:
    the demo's fresh start deletes the data directory's blobs, and rows pointing at them would remain."""
    url = os.environ.get("PAYERWATCH_DATABASE_URL")
    if not url or keep:
        return
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            held = (
                sa.inspect(conn).has_table("sources")
                and conn.execute(sa.text("SELECT count(*) FROM sources")).scalar_one()
            )
    finally:
        engine.dispose()
    if held:
        raise SystemExit(
            "payerwatch: the database PAYERWATCH_DATABASE_URL names already holds an archive; the demo "
            "never empties a database: give it an empty one (or unset the variable to use SQLite)"
        )


def _prepare(data_dir: Path, keep: bool, console: Console) -> None:
    _check_database(keep)
    if data_dir.exists() and not keep:
        if any(data_dir.iterdir()) and not (data_dir / MARKER).exists():
            raise SystemExit(
                f"payerwatch: {data_dir} holds data that is not a demo archive; use another --data"
            )
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("created by payerwatch demo; safe to delete\n")
    (data_dir / "mail").mkdir(exist_ok=True)


def _crawl(
    data_dir: Path, sources_file: Path, clock: dt.datetime, env: dict[str, str]
) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "payerwatch",
        "--data",
        str(data_dir),
        "crawl",
        "--sources",
        str(sources_file),
        "--quiet",
    ]
    return subprocess.run(
        cmd,
        env=env | {"PAYERWATCH_CLOCK": clock.isoformat()},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_demo(data_dir: Path, epochs: int | None = None, keep: bool = False) -> None:
    from aiosmtpd.controller import Controller

    from portal.content import epoch_date, max_epoch
    from portal.server import PortalServer
    from portal.sources import portal_sources
    from store import Archive

    console = Console(width=None if Console().is_terminal else 150)
    started = time.monotonic()
    data_dir = Path(data_dir)
    _prepare(data_dir, keep, console)
    last = min(epochs or max_epoch(), max_epoch())
    saver = EmlSaver(data_dir / "mail")
    smtp_port = _free_port()  # aiosmtpd 1.4's readiness check cannot cope with port 0
    smtp = Controller(saver, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = dict(os.environ) | {
        "PAYERWATCH_SMTP_HOST": "127.0.0.1",
        "PAYERWATCH_SMTP_PORT": str(smtp_port),
        "PAYERWATCH_SMTP_SECURITY": "none",
        "PAYERWATCH_MAIL_FROM": "payerwatch-demo@localhost",
    }
    try:
        with PortalServer(epoch=1) as portal:
            sources_file = data_dir / "sources.yaml"
            sources_file.write_text(yaml.safe_dump({"sources": portal_sources(portal.url)}, sort_keys=False))
            console.print(f"Sample payer portal: [bold]{portal.url}[/bold]  SMTP: 127.0.0.1:{smtp_port}")
            with Archive(data_dir) as archive:
                _subscribe(archive, dt.datetime.combine(epoch_date(1), dt.time(0, 0), tzinfo=dt.UTC))
            for epoch in range(1, last + 1):
                portal.set_epoch(epoch)
                clock = dt.datetime.combine(epoch_date(epoch), dt.time(6, 0), tzinfo=dt.UTC)
                with console.status(f"epoch {epoch}/{last} ({clock:%Y-%m-%d}): crawling {portal.url} …"):
                    result = _crawl(data_dir, sources_file, clock, env)
                if result.returncode != 0:
                    console.print(f"[red]crawl of epoch {epoch} failed[/red]: {result.stderr.strip()[-500:]}")
                    raise SystemExit(1)
                with Archive(data_dir) as archive:
                    found = [c for c in archive.list_changes() if c.detected_at == clock]
                    sent = _deliver(archive, env, clock)
                console.print(
                    f"epoch {epoch} ({clock:%Y-%m-%d}): {len(found)} change(s), {sent} message(s) sent"
                )
        with Archive(data_dir) as archive:
            feeds_dir = _publish(archive, data_dir / "feeds")
            _summary(console, archive)
    finally:
        smtp.stop()
    took = time.monotonic() - started
    console.print(f"\nDone in {took:.0f} s. Where to look:")
    console.print(
        f"  archive       {data_dir}   (payerwatch --data {data_dir} status | changes | history POLICY)"
    )
    console.print(f"  alert emails  {data_dir / 'mail'}/*.eml   ({saver.count} messages)")
    if feeds_dir:
        console.print(f"  feeds         {feeds_dir}/index.html, {feeds_dir}/all.atom")
    console.print(
        f"  browse        payerwatch --data {data_dir} serve --sources {data_dir / 'sources.yaml'}"
        "   then open http://127.0.0.1:8000/"
    )


def _subscribe(archive, when: dt.datetime) -> None:
    """Subscriptions dated before the first epoch: a subscription only gets changes found after it."""
    os.environ["PAYERWATCH_CLOCK"] = when.isoformat()
    try:
        _add_subscriptions(archive)
    finally:
        os.environ.pop("PAYERWATCH_CLOCK", None)


def _add_subscriptions(archive) -> None:
    if not archive.list_subscriptions(email=DEMO_SUBSCRIBER):
        archive.add_subscription(DEMO_SUBSCRIBER, drugs=["esketamine"], min_severity="medium")
    if not archive.list_subscriptions(email=DIGEST_SUBSCRIBER):
        archive.add_subscription(DIGEST_SUBSCRIBER, min_severity="low", digest="daily")


def _deliver(archive, env: dict[str, str], clock: dt.datetime) -> int:
    """Flush the outbox to the demo's SMTP server (digests included: each epoch stands for a week)."""
    from feeds.outbox import send_pending

    saved = {k: os.environ.get(k) for k in env if k.startswith("PAYERWATCH_")}
    os.environ.update({k: v for k, v in env.items() if k.startswith("PAYERWATCH_")})
    os.environ["PAYERWATCH_CLOCK"] = clock.isoformat()
    try:
        result = send_pending(archive, flush_digests=True)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.environ.pop("PAYERWATCH_CLOCK", None)
    return getattr(result, "sent", 0) if not isinstance(result, int) else result


def _publish(archive, out: Path) -> Path | None:
    from feeds.publish import publish_all

    publish_all(archive, out)
    return out


def _summary(console: Console, archive) -> None:
    changes = sorted(archive.list_changes(), key=lambda c: (c.detected_at, c.policy_id))
    table = Table(title=f"{len(changes)} changes found")
    table.add_column("detected", no_wrap=True)
    table.add_column("policy", overflow="fold", max_width=40)
    table.add_column("kind", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("summary", overflow="fold", ratio=1)
    for c in changes:
        table.add_row(c.detected_at.strftime("%Y-%m-%d"), c.policy_id, c.kind, c.severity, c.summary)
    console.print(table)
