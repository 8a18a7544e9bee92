"""``changes``, ``diff`` and ``reprocess``: read detected changes, look at a diff, re-run detection."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from differ.diffhtml import collapse, html_page
from differ.topic import topic_text
from differ.words import DELETE, INSERT, word_diff
from payerwatch.commands import BadArgument
from payerwatch.processing import load_extraction
from payerwatch.progress import progress
from store import change_record
from store.models import Version


def _since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date: {value}", param_hint="--since") from exc
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@click.command()
@click.option("--since", help="Only changes detected on or after this ISO date (UTC).")
@click.option("--payer", help="Source id or payer display name.")
@click.option("--drug", type=click.Choice(["ketamine", "esketamine"]))
@click.option("--kind", help="Only this kind (new_policy, coverage_position, criteria, codes, ...).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (the documented contract).")
@click.pass_obj
def changes(ctx, since, payer, drug, kind, as_json) -> None:
    """Detected coverage changes, newest first.

    Example:

        payerwatch changes --since 2026-01-01 --drug esketamine --json
    """
    archive = ctx.archive
    rows = archive.list_change_contexts(since=_since(since), payer=payer, drug=drug, kind=kind)
    if as_json:
        for row in rows:
            click.echo(json.dumps(change_record(row), ensure_ascii=False))
        return
    console = Console(highlight=False)
    if not rows:
        console.print("No changes detected yet.")
        return
    for row in rows:
        change, rec = row.change, change_record(row)
        flag = " [yellow](needs review)[/yellow]" if change.needs_review else ""
        console.print(
            f"[bold]{rec['detected_at'][:10]}[/bold]  {change.severity:<8} {change.kind:<17} "
            f"{_esc(change.summary)}{flag}"
        )
        for bullet in change.details:
            console.print(f"      • {_esc(bullet.get('text', ''))}")


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _pick_policy(archive, ref: str):
    policy = archive.get_policy(ref)
    if policy:
        return policy
    matches = [p for p in archive.list_policies() if p.id.endswith(ref) or ref in p.id]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise BadArgument(f"no policy {ref!r} in the archive (payerwatch changes lists policy ids)")
    raise BadArgument(f"{ref!r} matches several policies: " + ", ".join(p.id for p in matches[:10]))


def _pick_version(versions: list[Version], ref: str) -> Version:
    if ref.isdigit() and len(ref) < 8:
        found = [v for v in versions if v.seq == int(ref)]
    else:
        found = [v for v in versions if v.sha256.startswith(ref.lower())]
    if len(found) != 1:
        raise BadArgument(
            f"version {ref!r}: {'ambiguous' if found else 'not found'} (use the # of payerwatch history, "
            "or a sha256 prefix)"
        )
    return found[0]


@click.command()
@click.argument("policy")
@click.argument("v1", required=False)
@click.argument("v2", required=False)
@click.option(
    "--full", is_flag=True, help="Diff the whole document, not just the ketamine/esketamine passages."
)
@click.option("--context", default=200, show_default=True, help="Characters of unchanged text kept (0: all).")
@click.option(
    "--html", "html_out", type=click.Path(path_type=Path, dir_okay=False), help="Write an HTML page."
)
@click.pass_obj
def diff(ctx, policy, v1, v2, full, context, html_out) -> None:
    """Word diff between two versions of POLICY (default: the last two), by version number (the # of
    ``history``) or sha256 prefix. In a terminal deletions are red and insertions green; piped into a file
    or ``less`` they are marked ``[-deleted-]`` and ``{+inserted+}``.

    Example:

        payerwatch --data data/demo diff aetna/0938 2 3 | less
    """
    archive = ctx.archive
    pol = _pick_policy(archive, policy)
    versions = [v for v in archive.list_versions(pol.id) if v.text_hash]
    if (v1 is None) != (v2 is None):
        raise click.UsageError("give both V1 and V2, or neither")
    if v1 is None:
        if len(versions) < 2:
            raise click.ClickException(f"{pol.id} has fewer than two extracted versions")
        old_v, new_v = versions[-2], versions[-1]
    else:
        old_v, new_v = _pick_version(versions, v1), _pick_version(versions, v2)
    old, new = load_extraction(archive, old_v.id), load_extraction(archive, new_v.id)
    if full or not (old.mentions_topic or new.mentions_topic):
        a, b, what = old.text, new.text, "whole document"
    else:
        a, b, what = topic_text(old).text, topic_text(new).text, "ketamine/esketamine passages"
    ops = word_diff(a, b)
    title = f"{pol.id}: version {old_v.seq} → {new_v.seq} ({what})"
    if html_out:
        stored = [c for c in archive.list_changes(policy_id=pol.id) if c.new_version_id == new_v.id]
        bullets = [b["text"] for c in stored for b in c.details]
        header = [
            f"{old_v.seq}: {old_v.sha256[:12]} first seen {old_v.first_seen:%Y-%m-%d}",
            f"{new_v.seq}: {new_v.sha256[:12]} first seen {new_v.first_seen:%Y-%m-%d}",
            new_v.url,
        ]
        html_out.write_text(html_page(title, collapse(ops, context), header, bullets), encoding="utf-8")
        click.echo(f"wrote {html_out}")
        return
    if not sys.stdout.isatty():  # colour does not survive a pipe: mark changes in the text itself
        click.echo(title)
        click.echo(
            "".join(
                f"[-{text}-]" if op == DELETE else f"{{+{text}+}}" if op == INSERT else text
                for op, text in collapse(ops, context)
            )
        )
        if all(op == 0 for op, _ in ops):
            click.echo("(no differences)")
        return
    console = Console(highlight=False)
    console.print(Text(title, style="bold"))
    out = Text()
    for op, text in collapse(ops, context):
        style = "red strike" if op == DELETE else "green underline" if op == INSERT else ""
        out.append(text, style=style)
    console.print(out)
    if all(op == 0 for op, _ in ops):
        console.print("(no differences)")


@click.command()
@click.option("--policy", "policy_id", help="Only this policy id.")
@click.pass_obj
def reprocess(ctx, policy_id) -> None:
    """Re-extract and re-diff every archived version from its stored bytes (no fetching); idempotent.

    If a crawl of an affected source is running, it exits 1 instead of racing it: both would write the
    same versions' analysis.

    Example:

        payerwatch --data data/demo reprocess
    """
    import contextlib

    from payerwatch.locks import SourceBusy, source_lock
    from payerwatch.processing import reprocess as run
    from payerwatch.recovery import recover

    if policy_id:
        policy = ctx.archive.get_policy(policy_id)
        sources = [policy.source_id] if policy else []
    else:
        sources = [s.id for s in ctx.archive.list_sources()]
    with contextlib.ExitStack() as locks:
        try:
            for source_id in sources:
                locks.enter_context(source_lock(ctx.data_dir, source_id))
        except SourceBusy as exc:
            click.echo(f"payerwatch: {exc}; try reprocess again when it has finished", err=True)
            raise SystemExit(1) from None
        recover(ctx.archive, ctx.data_dir, frozenset(sources))  # runs dead crawls left: settled below
        with progress("reprocessing versions") as advance:
            done, errors, created = run(ctx.archive, policy_id, on_version=advance)
    click.echo(f"reprocessed {done} version(s): {errors} extraction error(s), {len(created)} new change(s)")


def register(cli: click.Group) -> None:
    cli.add_command(changes)
    cli.add_command(diff)
    cli.add_command(reprocess)
