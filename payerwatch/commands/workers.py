"""``worker`` and ``enqueue``: crawls and analysis on several machines, through a queue in PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.sources import DEFAULT_SOURCES, SourceError, load_sources


def _app():
    from payerwatch.worker import WorkerConfigError, ensure_schema, make_app

    try:
        app = make_app()
    except WorkerConfigError as exc:
        raise click.ClickException(str(exc)) from None
    ensure_schema(app)
    return app


@click.command()
@click.option(
    "--concurrency", default=1, show_default=True, type=int, help="Jobs run at once (one per core)."
)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for jobs.")
@click.pass_obj
def worker(ctx, concurrency: int, burst: bool) -> None:
    """Run crawl and analysis jobs from the shared queue (needs PAYERWATCH_DATABASE_URL on PostgreSQL).

    Start one on each machine (or one per core): jobs are spread over all of them, a source is never
    crawled by two at once, and the jobs of a worker that dies are retried by the others. Every worker
    needs the same data directory (blobs) and sources file; `payerwatch serve --queue` or
    `payerwatch enqueue` put crawls in the queue. SIGTERM stops it after the running job.

    Example:

        PAYERWATCH_DATABASE_URL=postgresql+psycopg://pw@db/pw payerwatch --data /srv/pw worker
    """
    from payerwatch import logs
    from payerwatch.worker import run_worker

    _app()  # configuration errors as one line, and the queue's tables created before the first job
    ctx.archive  # noqa: B018 - migrates the archive before the first job, once, here
    logs.setup()
    run_worker(concurrency=concurrency, wait=not burst)


@click.command()
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Sources file (default: crawler/sources.yaml).",
)
@click.option("--source", "source_ids", multiple=True, help="Queue only this source (repeatable).")
@click.option("--clock", default=None, help="Crawl as if at this ISO instant (demo and tests).")
@click.pass_obj
def enqueue(ctx, sources_file: Path | None, source_ids: tuple[str, ...], clock: str | None) -> None:
    """Queue a crawl of every source (or the ones named) for the workers; print how many were queued.

    A source whose crawl is already waiting in the queue is not queued twice.

    Example:

        payerwatch enqueue --source uhc-commercial --source aetna-cpb
    """
    from payerwatch.worker import defer_crawl

    try:
        sources = load_sources(sources_file)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    known = {s.id for s in sources}
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise click.ClickException(f"unknown source id(s): {', '.join(unknown)}")
    app = _app()
    ctx.archive  # noqa: B018 - the archive's tables exist before any worker opens it
    sources_file = (sources_file or DEFAULT_SOURCES).resolve()
    queued = 0
    with app.open():
        for src in sources:
            if not source_ids or src.id in source_ids:
                queued += defer_crawl(app, ctx.data_dir.resolve(), sources_file, src.id, clock=clock)
    click.echo(f"{queued} crawl(s) queued")


def register(cli: click.Group) -> None:
    cli.add_command(worker)
    cli.add_command(enqueue)
