"""``subscribe``, ``unsubscribe``, ``subscriptions`` and ``send``: email alerts for clinics."""

from __future__ import annotations

import os
import re

import click
from rich.console import Console
from rich.table import Table

from differ.taxonomy import SEVERITIES

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise click.BadParameter(f"{value!r} is not an email address", param_hint="EMAIL")
    return value


@click.command()
@click.argument("email")
@click.option(
    "--payer", "payers", multiple=True, help="Source id, payer name or slug (repeatable; default all)."
)
@click.option(
    "--drug", "drugs", multiple=True, type=click.Choice(["ketamine", "esketamine"]), help="Repeatable."
)
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="low", show_default=True)
@click.option("--digest", type=click.Choice(["immediate", "daily"]), default="immediate", show_default=True)
@click.pass_obj
def subscribe(ctx, email, payers, drugs, min_severity, digest) -> None:
    """Mail EMAIL about changes detected from now on (one mail per change, or one daily digest).

    Example:

        payerwatch --data data/demo subscribe clinic@example.org --payer sample-aetna-cpb --drug esketamine
    """
    email = _check_email(email)
    _check_payers(ctx.archive, payers)
    sub = ctx.archive.add_subscription(
        email, payers=list(payers), drugs=list(drugs), min_severity=min_severity, digest=digest
    )
    click.echo(f"subscription {sub.id}: {sub.email} ({_describe(sub)})")


def _check_payers(archive, payers) -> None:
    """A payer that matches no source would silently never match a change: refuse it, listing the ids.

    Known are the sources the archive has crawled and those of the sources file (``$PAYERWATCH_SOURCES``
    or ``crawler/sources.yaml``), so a clinic can subscribe before the first crawl."""
    from crawler.sources import SourceError, load_sources
    from store.models import payer_slug

    if not payers:
        return
    pairs = {(s.id, s.payer) for s in archive.list_sources()}
    try:
        pairs |= {(s.id, s.payer) for s in load_sources(os.environ.get("PAYERWATCH_SOURCES"))}
    except (SourceError, OSError):
        pass  # a broken sources file is `crawl`'s to report; the archive's sources still count
    known = {i.lower() for i, _ in pairs} | {p.lower() for _, p in pairs} | {payer_slug(p) for _, p in pairs}
    unknown = [p for p in payers if p.strip().lower() not in known]
    if unknown:
        listed = ", ".join(sorted(i for i, _ in pairs)) or "none yet"
        raise click.BadParameter(
            f"no source or payer {', '.join(map(repr, unknown))}; valid source ids: {listed}",
            param_hint="--payer",
        )


@click.command()
@click.argument("email")
@click.pass_obj
def unsubscribe(ctx, email) -> None:
    """Stop every subscription of EMAIL; mail not yet sent to it is cancelled.

    Example:

        payerwatch unsubscribe clinic@example.org
    """
    n = ctx.archive.deactivate_subscriptions(email)
    if not n:
        raise click.ClickException(f"no active subscription for {email}")
    click.echo(f"unsubscribed {email} ({n} subscription{'s' if n != 1 else ''})")


def _describe(sub) -> str:
    return (
        f"payers: {', '.join(sub.payers) or 'all'}; drugs: {', '.join(sub.drugs) or 'all'}; "
        f"severity ≥ {sub.min_severity}; {sub.digest}"
    )


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Include unsubscribed ones.")
@click.pass_obj
def subscriptions(ctx, show_all) -> None:
    """List subscriptions and what their outbox holds.

    Example:

        payerwatch subscriptions --all
    """
    subs = ctx.archive.list_subscriptions(active_only=not show_all)
    if not subs:
        click.echo("no subscriptions")
        return
    table = Table()
    for col in (
        "id",
        "email",
        "payers",
        "drugs",
        "min severity",
        "mode",
        "active",
        "sent",
        "queued",
        "failed",
    ):
        table.add_column(col)
    for sub in subs:
        counts: dict[str, int] = {}
        for d in ctx.archive.list_deliveries(subscription_id=sub.id):
            counts[d.status] = counts.get(d.status, 0) + 1
        table.add_row(
            str(sub.id),
            sub.email,
            ", ".join(sub.payers) or "all",
            ", ".join(sub.drugs) or "all",
            sub.min_severity,
            sub.digest,
            "yes" if sub.active else "no",
            str(counts.get("sent", 0)),
            str(counts.get("pending", 0) + counts.get("sending", 0)),
            str(counts.get("failed", 0)),
        )
    Console(width=140).print(table)


@click.command()
@click.option("--flush-digests", is_flag=True, help="Send daily digests now instead of after their day.")
@click.option("--max", "max_messages", type=int, default=None, help="Send at most this many messages.")
@click.pass_obj
def send(ctx, flush_digests, max_messages) -> None:
    """Flush the outbox over SMTP ($PAYERWATCH_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD).

    Safe to run again at any time: nothing is sent twice. Exit 1 if a message failed for good, or if
    mail was due and none could be sent (the server unreachable, no STARTTLS, a refused login).

    Example:

        PAYERWATCH_SMTP_HOST=mail.example.org PAYERWATCH_SMTP_SECURITY=starttls payerwatch send
    """
    from feeds.config import load_settings
    from feeds.outbox import send_outbox

    try:
        settings = load_settings(ctx.data_dir)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    report = send_outbox(ctx.archive, settings, flush_digests=flush_digests, max_messages=max_messages)
    for to, mid, n in report.sent:
        click.echo(f"sent {to} {mid} ({n} change{'s' if n != 1 else ''})")
    for to, err in report.retrying:
        if err == report.stopped:
            continue  # the server, not this message: said once below
        click.echo(f"retry later {to}: {err}", err=True)
    for to, err in report.failed:
        click.echo(f"FAILED {to}: {err}", err=True)
    if report.stopped:
        click.echo(f"stopped: {report.stopped}; the rest stays queued", err=True)
    click.echo(
        f"{len(report.sent)} sent, {len(report.retrying)} to retry, {len(report.failed)} failed, "
        f"{report.waiting_digests} digest(s) waiting for their day to end"
    )
    if report.failed or (report.stopped and not report.sent):
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    for command in (subscribe, unsubscribe, subscriptions, send):
        cli.add_command(command)
