"""``payerwatch sources check``: probe each configured source live before (or between) crawls.

The first step of watching real payers: sites move their indexes, block crawlers and change markup, and a
source that would find nothing should be found out here — with the reason — not after weeks of silence.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from payerwatch.commands.crawl import _loopback

VERDICT_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


@click.group("sources")
def sources() -> None:
    """The configured sources (crawler/sources.yaml).

    Example:

        payerwatch sources check --source uhc-commercial
    """


@sources.command("check")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Sources file (default: crawler/sources.yaml).",
)
@click.option("--source", "source_ids", multiple=True, help="Check only this source id (repeatable).")
def check(sources_file: Path | None, source_ids: tuple[str, ...]) -> None:
    """Probe each source live: reachable? robots.txt allows? index found? how many document links match?

    Nothing is archived. Per source: the verdict (ok / warn / fail), the index pages that answered, the
    number of document links the spider would fetch, a sample of them (two are fetched), and the reason
    when it would find nothing (DNS, refused, TLS, blocked by a 403, index moved, no link matched).
    Exit 1 when any checked source would find nothing.

    Example:

        payerwatch sources check --source cms-mcd-esketamine --source masshealth
    """
    from crawler.probe import SAMPLE_SHOW, run_probe
    from crawler.sources import SourceError, load_sources

    try:
        configs = load_sources(sources_file)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    if source_ids:
        unknown = sorted(set(source_ids) - {c.id for c in configs})
        if unknown:
            raise click.ClickException(f"unknown source id(s): {', '.join(unknown)}")
        configs = [c for c in configs if c.id in source_ids]
    settings = {"DOWNLOAD_TIMEOUT": 30}
    if configs and all(_loopback(c.allowed_domains) for c in configs):
        settings |= {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0.01}
    results = run_probe(configs, settings)
    table = Table(title="payerwatch sources check")
    for col in ("source", "verdict", "index pages", "documents", "why / sample"):
        table.add_column(col, justify="right" if col in ("index pages", "documents") else "left")
    for r in results:
        sample = "\n".join(r.documents[:SAMPLE_SHOW]) + (" …" if len(r.documents) > SAMPLE_SHOW else "")
        detail = r.reason + (f"\n{sample}" if sample else "")
        verdict = f"[{VERDICT_STYLE[r.verdict]}]{r.verdict}[/]"
        table.add_row(r.source_id, verdict, str(r.index_pages), str(len(r.documents)), detail)
    Console(width=200).print(table)
    failing = [r.source_id for r in results if r.verdict == "fail"]
    if failing:
        click.echo(f"payerwatch: would find nothing: {', '.join(failing)}", err=True)
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    cli.add_command(sources)
