"""``feed`` and ``publish``: the Atom / RSS feeds on stdout, in a file, or all of them as static files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from differ.taxonomy import KINDS, SEVERITIES


@click.command()
@click.option("--format", "fmt", type=click.Choice(["atom", "rss"]), default="atom", show_default=True)
@click.option("--payer", help="Source id, payer name or payer slug.")
@click.option("--drug", type=click.Choice(["ketamine", "esketamine"]))
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--min-severity", type=click.Choice(SEVERITIES))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
@click.pass_obj
def feed(ctx, fmt, payer, drug, kind, min_severity, out) -> None:
    """Print one feed of the latest 100 changes, newest first (links use $PAYERWATCH_BASE_URL).

    Example:

        payerwatch feed --format rss --drug esketamine --out spravato.rss
    """
    from feeds.build import FeedFilter, build_feed
    from feeds.config import base_url

    flt = FeedFilter(payer=payer, drug=drug, kind=kind, min_severity=min_severity)
    data = build_feed(ctx.archive.list_change_contexts(), flt, fmt, base_url())
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        click.echo(f"wrote {out}", err=True)


@click.command()
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output directory."
)
@click.pass_obj
def publish(ctx, out: Path) -> None:
    """Write every feed (all, per payer, drug, kind, minimum severity; Atom and RSS) and an index page.

    Serve DIR at <base URL>/feeds/ so the feeds' self links are right.

    Example:

        payerwatch publish --out site/feeds
    """
    from feeds.config import base_url
    from feeds.publish import publish as write_all

    written = write_all(ctx.archive, out, base_url())
    click.echo(f"wrote {len(written)} files to {out}")


def register(cli: click.Group) -> None:
    cli.add_command(feed)
    cli.add_command(publish)
