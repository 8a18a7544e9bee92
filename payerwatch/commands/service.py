"""``serve``, ``jobs`` and ``demo``: running payerwatch for real, and showing it to a new user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from crawler.sources import DEFAULT_SOURCES, SourceError, load_sources

_sources_option = click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Sources file (default: crawler/sources.yaml).",
)


def _load(sources_file: Path | None):
    try:
        return load_sources(sources_file)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@_sources_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--crawl-timeout", default=3600, show_default=True, type=float, help="Seconds per crawl.")
@click.option(
    "--queue",
    is_flag=True,
    envvar="PAYERWATCH_QUEUE",
    help="Only queue scheduled crawls for `payerwatch worker` processes (PostgreSQL; docs/scale.md).",
)
@click.pass_obj
def serve(ctx, sources_file: Path | None, host: str, port: int, crawl_timeout: float, queue: bool) -> None:
    """Run the scheduler (one crawl job per source) and the web server on one port.

    Serves the archive browser and JSON API, the feeds, unsubscribe links and /healthz. Stops cleanly on
    SIGTERM or Ctrl-C: the running crawl is stopped and the next start carries on. With --queue (or
    PAYERWATCH_QUEUE=1) crawls run on `payerwatch worker` processes instead, on any number of machines.

    Example:

        payerwatch serve --host 127.0.0.1 --port 8000
    """
    import os

    from payerwatch import logs
    from payerwatch.service import serve as run

    _load(sources_file)
    if queue:
        from payerwatch.worker import WorkerConfigError, queue_url

        if not queue_url():
            raise click.ClickException(
                str(WorkerConfigError("--queue needs PAYERWATCH_DATABASE_URL on PostgreSQL"))
            )
    logs.setup()
    ready = None
    if os.environ.get("PAYERWATCH_READY_FILE"):
        ready_file = Path(os.environ["PAYERWATCH_READY_FILE"])

        def ready(url: str) -> None:
            ready_file.write_text(url)

    run(
        ctx.data_dir,
        (sources_file or DEFAULT_SOURCES).resolve(),
        host,
        port,
        crawl_timeout,
        base_url=os.environ.get("PAYERWATCH_BASE_URL"),
        ready=ready,
        queue=queue,
    )


@click.command()
@_sources_option
@click.pass_obj
def jobs(ctx, sources_file: Path | None) -> None:
    """List each source's schedule and its next run.

    Next runs come from the scheduler's job store in the archive when `serve` has run, otherwise they
    are computed from the sources file.

    Example:

        payerwatch jobs --sources crawler/sources.yaml
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from payerwatch.service import DEFAULT_SCHEDULE, job_id, parse_schedule
    from store.schema import PRIVATE

    sources = _load(sources_file)
    store = SQLAlchemyJobStore(engine=ctx.archive.engine, tableschema=PRIVATE)
    store.start(BackgroundScheduler(timezone="UTC"), "default")
    stored = {job.id: job for job in store.get_all_jobs()}
    now = dt.datetime.now(dt.UTC)
    table = Table(title="Scheduled crawls")
    for col in ("source", "schedule", "next run", "from"):
        table.add_column(col)
    for src in sources:
        job = stored.get(job_id(src.id))
        if job is not None and job.next_run_time:
            nxt, origin = job.next_run_time, "job store"
        else:
            nxt, origin = parse_schedule(src.schedule).get_next_fire_time(None, now), "sources file"
        table.add_row(
            src.id,
            src.schedule or f"{DEFAULT_SCHEDULE} (default)",
            nxt.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if nxt else "-",
            origin,
        )
    Console().print(table)


@click.command()
@click.option("--epochs", type=int, default=None, help="Stop after this many epochs (default: all).")
@click.option("--keep", is_flag=True, help="Keep an existing demo archive instead of starting afresh.")
@click.pass_obj
def demo(ctx, epochs: int | None, keep: bool) -> None:
    """Crawl the bundled sample payer portal through its epochs, as if weeks passed.

    Serves the portal and an SMTP server on 127.0.0.1, subscribes a sample clinic, crawls each epoch,
    delivers the alerts (saved as .eml files), writes the feeds, and prints where to look.

    Example:

        payerwatch --data data/demo demo
    """
    from payerwatch.demo import run_demo

    run_demo(ctx.data_dir, epochs=epochs, keep=keep)


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(jobs)
    cli.add_command(demo)
