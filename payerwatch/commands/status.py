"""``status`` and ``verify``: is each source healthy, and is the archive intact?"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table


def _fmt_time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


@click.command()
@click.pass_obj
def status(ctx) -> None:
    """Per source: last crawl, documents, versions and open errors.

    Example:

        payerwatch status
    """
    rows = ctx.archive.source_status()
    # ids and errors are what people copy into the next command: never cut them. Off a terminal the
    # table is as wide as it needs to be; on one, the payer name wraps before an id or error would.
    console = Console(width=None if sys.stdout.isatty() else 1000, highlight=False)
    if not rows:
        console.print("No sources yet: run [bold]payerwatch crawl[/bold] first.")
        return
    table = Table(title=f"payerwatch archive {ctx.data_dir}")
    table.add_column("source", no_wrap=True, min_width=max(len(st.source.id) for st in rows))
    table.add_column("payer", min_width=10)
    table.add_column("last crawl", no_wrap=True, min_width=10)
    table.add_column("result", no_wrap=True)
    for col in ("policies", "versions", "errors"):
        table.add_column(col, justify="right")
    errors = []
    for st in rows:
        run = st.last_run
        result = run.status if run else "-"
        # a failed run's message says what happened (dns, blocked, index moved…); prefer it to a fetch's text
        last_error = run.message if run and run.status == "failed" and run.message else st.last_error
        if last_error:
            errors.append((st.source.id, last_error))
        table.add_row(
            st.source.id,
            st.source.payer,
            _fmt_time(run.started_at if run else None),
            result,
            str(st.policies),
            str(st.versions),
            str(st.open_errors),
        )
    console.print(table)
    for source_id, error in errors:  # in full, below the table: an error cut to a column is no use
        console.print(f"{source_id}: {error}", markup=False, highlight=False)
    for st in rows:
        if st.extract_given_up:
            console.print(
                f"{st.source.id}: gave up extracting {st.extract_given_up} document(s) that exhausted their "
                "worker (extract_error: resource-limit; `payerwatch reprocess` tries again)",
                markup=False,
                highlight=False,
            )


@click.command()
@click.pass_obj
def verify(ctx) -> None:
    """Re-hash every archived blob and check every reference in the database; exit 1 on problems.

    First cleans what a killed process left (stale temp blobs, crawl runs still marked running whose
    process is gone) and prints one "fixed:" line for each.

    Example:

        payerwatch --data data/demo verify
    """
    from payerwatch.progress import progress
    from payerwatch.recovery import recover

    for line in recover(ctx.archive, ctx.data_dir, everywhere=True):
        click.echo(f"fixed: {line}")
    with progress("re-hashing blobs") as advance:
        problems = ctx.archive.verify(on_blob=advance)
    for p in problems:
        click.echo(f"{p.what}: {p.where}: {p.problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        raise SystemExit(1)
    click.echo("archive OK")


def register(cli: click.Group) -> None:
    cli.add_command(status)
    cli.add_command(verify)
