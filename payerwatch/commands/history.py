"""``history``, ``show``, ``search`` and ``export``: the archive for researchers and appeals.

An appeal needs the policy that was in force on the day of the denial, so ``show --as-of`` names its clock
(``--by effective`` the document's own date, ``--by observed`` when payerwatch first saw it). Exports
stream rows, so they run in constant memory on any archive size.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from store.queries import BY, EXPORTS, to_csv_cell
from store.search import MARK_END, MARK_START


def _date(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _policy(ctx, ref: str):
    policy = ctx.archive.resolve_policy(ref)
    if policy is None:
        raise click.ClickException(f"no such policy: {ref} (use payer/number, e.g. sample-uhc/2026D0069P)")
    return policy


def _console() -> Console:
    # wide and plain when piped, so output is greppable and tests see whole lines
    return Console(width=1000 if not sys.stdout.isatty() else None, highlight=False, soft_wrap=True)


@click.command()
@click.argument("policy")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version.")
@click.pass_obj
def history(ctx, policy: str, as_json: bool) -> None:
    """Every version of POLICY: hash, first/last seen, published and effective dates, and the change
    that introduced it.

    Example:

        payerwatch history sample-uhc/2026D0069P
    """
    pol = _policy(ctx, policy)
    entries = ctx.archive.history(pol.id)
    if as_json:
        for e in entries:
            v = e.version
            click.echo(
                json.dumps(
                    {
                        "policy": pol.id,
                        "version": v.id,
                        "seq": v.seq,
                        "sha256": v.sha256,
                        "first_seen": _date(v.first_seen),
                        "last_seen": _date(v.last_seen),
                        "published": _date(v.published),
                        "effective": _date(v.effective),
                        "changes": [
                            {"id": c.id, "kind": c.kind, "severity": c.severity, "summary": c.summary}
                            for c in e.changes
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table(title=escape(f"{pol.id} — {pol.title or ''}"))
    for col in (
        "#",
        "version",
        "sha256",
        "first seen",
        "last seen",
        "published",
        "effective",
        "introduced by",
    ):
        table.add_column(col)
    for e in entries:
        v = e.version
        intro = "; ".join(f"[{c.kind}] {c.summary}" for c in e.changes) or (v.note or "-")
        table.add_row(
            str(v.seq),
            str(v.id),
            v.sha256[:12],
            _date(v.first_seen),
            _date(v.last_seen),
            _date(v.published),
            _date(v.effective),
            escape(intro),
        )
    _console().print(table)


@click.command()
@click.argument("policy")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Day to look at (default: today).")
@click.option(
    "--by",
    type=click.Choice(BY),
    default="effective",
    show_default=True,
    help="effective: the version in force by its effective date; observed: the one being served.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the version, passages and facts as JSON.")
@click.pass_obj
def show(ctx, policy: str, as_of, by: str, as_json: bool) -> None:
    """The version of POLICY in force on a day, with its passages and coverage facts.

    Example:

        payerwatch show sample-uhc/2026D0069P --as-of 2024-06-20 --by observed
    """
    pol = _policy(ctx, policy)
    day = as_of.date() if as_of else dt.datetime.now(dt.UTC).date()
    version = ctx.archive.version_as_of(pol.id, day, by)
    if version is None:
        raise click.ClickException(f"{pol.id}: no version in force on {day} (by {by})")
    passages = ctx.archive.list_passages(version.id)
    facts = ctx.archive.list_facts(version.id)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "policy": pol.id,
                    "as_of": day.isoformat(),
                    "by": by,
                    "version": version.id,
                    "seq": version.seq,
                    "sha256": version.sha256,
                    "effective": _date(version.effective),
                    "first_seen": _date(version.first_seen),
                    "last_seen": _date(version.last_seen),
                    "passages": [
                        {
                            "heading": p["heading"],
                            "text": p["text"],
                            "page_start": p["page_start"],
                            "drugs": p["drugs"],
                            "indications": p["indications"],
                        }
                        for p in passages
                    ],
                    "facts": [{k: f[k] for k in ("drug", "indication", "field", "value")} for f in facts],
                },
                ensure_ascii=False,
            )
        )
        return
    out = _console()
    out.print(
        f"[bold]{escape(pol.id)}[/bold] version {version.seq} (id {version.id}, sha256 "
        f"{version.sha256[:12]})",
        markup=True,
    )
    out.print(
        f"in force on {day} by {by}: effective {_date(version.effective)}, "
        f"first seen {_date(version.first_seen)}, last seen {_date(version.last_seen)}",
        markup=False,
    )
    if version.extract_error:
        out.print(f"extraction failed: {version.extract_error}", markup=False)
    if facts:
        table = Table(title="coverage facts")
        for col in ("drug", "indication", "field", "value"):
            table.add_column(col)
        for f in facts:
            table.add_row(*(escape(str(f[k])) for k in ("drug", "indication", "field", "value")))
        out.print(table)
    for p in passages:
        page = f" (p. {p['page_start']})" if p["page_start"] else ""
        out.print(f"\n== {p['heading'] or '(no heading)'}{page}", markup=False)
        out.print(p["text"], markup=False)


@click.command()
@click.argument("text")
@click.option("--payer", help="Source id or payer name.")
@click.option("--drug", type=click.Choice(["ketamine", "esketamine"]))
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Search the version of each policy in force on this day (default: the latest).",
)
@click.option("--by", type=click.Choice(BY), default="effective", show_default=True)
@click.option("--all-versions", is_flag=True, help="Search every archived version, not one per policy.")
@click.option(
    "--order",
    type=click.Choice(["auto", "relevance", "newest"]),
    default="auto",
    show_default=True,
    help="auto: relevance (bm25) unless thousands of passages match, then newest first.",
)
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.pass_obj
def search(ctx, text, payer, drug, as_of, by, all_versions, order, limit, as_json) -> None:
    """Full-text search over the archived ketamine/esketamine passages (every word must match).

    Example:

        payerwatch search "ketamine investigational" --drug ketamine
    """
    hits = ctx.archive.search(
        text,
        payer=payer,
        drug=drug,
        as_of=as_of.date() if as_of else None,
        by=by,
        all_versions=all_versions,
        limit=limit,
        order=order,
    )
    for h in hits:
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "policy": h.policy_id,
                        "version": h.version_id,
                        "seq": h.seq,
                        "payer": h.payer,
                        "heading": h.heading,
                        "snippet": h.snippet.replace(MARK_START, "").replace(MARK_END, ""),
                        "drugs": h.drugs,
                        "effective": _date(h.effective),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            snippet = h.snippet.replace(MARK_START, "»").replace(MARK_END, "«")
            click.echo(f"{h.policy_id} v{h.seq} [{h.payer}] {h.heading or ''}\n    {snippet}")
    if not hits and not as_json:
        click.echo("no matches", err=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "warc"]), required=True)
@click.option(
    "--what",
    type=click.Choice(EXPORTS),
    default="versions",
    show_default=True,
    help="Rows to export (csv/jsonl).",
)
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True)
@click.pass_obj
def export(ctx, fmt: str, what: str, out: str) -> None:
    """Stream the archive as CSV or JSON Lines, or its raw responses as WARC (gzipped records).

    Example:

        payerwatch export --format jsonl --what changes --out changes.jsonl
        payerwatch export --format warc --out archive.warc.gz
    """
    if fmt == "warc":
        from payerwatch.warc import write_warc

        stream = click.open_file(out, "wb")
        with stream:
            n, missing = write_warc(ctx.archive, stream)
        click.echo(f"{n} response records written", err=True)
        if missing:
            click.echo(f"{len(missing)} version(s) skipped: blob missing (run payerwatch verify)", err=True)
            raise SystemExit(1)
        return
    stream = click.open_file(out, "w", encoding="utf-8")
    with stream:
        rows = ctx.archive.iter_export(what)
        if fmt == "jsonl":
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(stream, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: to_csv_cell(v) for k, v in row.items()})


def register(cli: click.Group) -> None:
    for command in (history, show, search, export):
        cli.add_command(command)
