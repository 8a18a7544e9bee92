"""``payerwatch crawl``: run the Scrapy spiders in-process for the selected sources.

One ``CrawlerProcess`` per command (Twisted's reactor cannot restart), one crawler per source, each
writing its own ``crawl_runs`` row. The crawl only archives; once the reactor has stopped, each source
is analysed from the archive (``processing.analyse_source``: extract, compare, settle missing/retired),
so extracting one source's PDFs never stalls another source's downloads, and a process killed at any
point leaves work the next crawl or ``reprocess`` finishes. The summary table is read back from the
``crawl_runs`` rows, so it shows what the archive recorded rather than what the spiders believed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from contextlib import nullcontext
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table


def run_crawl(
    data_dir: Path,
    sources_file: Path | None,
    source_ids: tuple[str, ...],
    settings: dict | None = None,
    progress: bool = True,
):
    """Crawl the selected sources into ``data_dir``; return the finished ``CrawlRun`` rows in order."""
    from crawler.sources import SourceError, load_sources

    configs = load_sources(sources_file)
    if source_ids:
        known = {c.id for c in configs}
        unknown = [s for s in source_ids if s not in known]
        if unknown:
            raise SourceError(f"unknown source id(s): {', '.join(unknown)}")
        configs = [c for c in configs if c.id in source_ids]
    locks = contextlib.ExitStack()
    configs = _lock_sources(locks, data_dir, configs)
    with locks:
        _recover(data_dir, frozenset(c.id for c in configs))
        return _run_locked(data_dir, configs, settings, progress)


def _recover(data_dir: Path, crawling: frozenset[str]) -> None:
    """Clean what a killed process left before adding to the archive (``payerwatch.recovery``); the
    sources locked for this crawl have no live crawl, so their runs still ``running`` are dead."""
    from crawler.archive_handle import archive_for
    from payerwatch.recovery import recover

    for line in recover(archive_for({"PAYERWATCH_DATA": str(data_dir)}), data_dir, crawling):
        logging.getLogger("payerwatch.crawl").info("recovered: %s", line)


class AllSourcesBusy(Exception):
    """Every selected source is being crawled by another process."""


def _lock_sources(stack: contextlib.ExitStack, data_dir: Path, configs):
    """Take each source's crawl lock; a source another process holds is skipped, loudly."""
    from payerwatch.locks import SourceBusy, source_lock

    free = []
    for c in configs:
        try:
            stack.enter_context(source_lock(data_dir, c.id))
        except SourceBusy as exc:
            logging.getLogger("payerwatch.crawl").warning("%s; skipped", exc)
            click.echo(f"payerwatch: {exc}; skipped", err=True)
            continue
        free.append(c)
    if configs and not free:
        raise AllSourcesBusy("every selected source is already being crawled by another process")
    return free


def _run_locked(data_dir: Path, configs, settings: dict | None, progress: bool):
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    from crawler import settings as base_settings
    from crawler.archive_handle import archive_for
    from crawler.sources import SourceError
    from store.killpoint import kill_point

    s = Settings()
    s.setmodule(base_settings, priority="project")
    s.set("PAYERWATCH_DATA", str(data_dir), priority="cmdline")
    s.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if configs and all(_loopback(c.allowed_domains) for c in configs):
        # politeness protects other people's servers; a portal on 127.0.0.1 is ours (demo, tests)
        s.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        s.set("AUTOTHROTTLE_START_DELAY", 0.01, priority="cmdline")
    for k, v in (settings or {}).items():
        s.set(k, v, priority="cmdline")
    loader = SpiderLoader.from_settings(s)
    spiders = set(loader.list())
    for c in configs:
        if c.spider not in spiders:
            raise SourceError(
                f"source {c.id!r}: no spider named {c.spider!r} (have: {', '.join(sorted(spiders))})"
            )
    process = CrawlerProcess(s)
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    console = Console(stderr=True)
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} docs"),
        console=console,
        disable=not progress,
        transient=True,
    )
    extensions, handlers = [], []
    from crawler.extensions import CrawlRunExtension

    for c in configs:
        crawler = process.create_crawler(loader.load(c.spider))
        task = bar.add_task(c.id, total=None)
        if progress:  # a hidden bar needs no call per item (a crawl-only child, the benchmark, --quiet)
            # Scrapy holds signal receivers weakly: keep the closures alive for the whole crawl
            handlers.append(_ProgressHandlers(bar, task))
            crawler.signals.connect(handlers[-1].scraped, signal=signals.item_scraped)
            crawler.signals.connect(handlers[-1].closed, signal=signals.spider_closed)
        process.crawl(crawler, config=c)
        extensions.append(crawler)
    with bar, frozen_heap():
        process.start()
    kill_point("crawl:archived")
    runs = []
    archive = archive_for(s)
    analyse = (settings or {}).get("PAYERWATCH_PROCESS", True)
    if analyse:  # a crawl-only child (a worker's crawl job, the benchmark) never loads the extractors
        from payerwatch import processing
    for crawler in extensions:
        ext = crawler.get_extension(CrawlRunExtension)
        if ext is None or ext.run is None:
            continue
        if analyse:
            with (
                console.status(f"{ext.run.source_id}: extracting and comparing new versions…")
                if progress
                else nullcontext()
            ):
                processing.analyse_source(archive, ext.run.source_id)
        run = archive.get_run(ext.run.id)
        if analyse and run.status == "ok" and archive.first_ok_run_id(run.source_id) == run.id:
            n = len(archive.list_policies(run.source_id))
            note = f"baseline: {n} policies archived, not announced"
            run.message = f"{run.message}; {note}" if run.message else note
            archive.finish_run(run)
        runs.append(run)
    return runs


@contextlib.contextmanager
def frozen_heap():
    """Keep the cyclic garbage collector off the objects that exist before the crawl, for its length.

    A full collection walks every tracked object, and what a crawl process holds before it starts (the
    modules, classes and settings of Scrapy, SQLAlchemy, the store, rich: ~110,000 objects, twice bare
    Scrapy's) lives for the whole crawl. Walking them again at every full collection was ~20 % of an
    unchanged re-crawl's CPU (2,000 documents: six collections of ~85 ms; bench/README.md). ``gc.freeze``
    moves them to the permanent generation, which collections skip; ``gc.unfreeze`` hands them back
    afterwards, so a process that goes on (tests, ``serve``) collects any garbage among them as before.
    Objects the crawl creates are collected as always; nothing a crawl records depends on when the
    collector runs.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _ProgressHandlers:
    """Advances one source's progress line as documents are archived."""

    def __init__(self, bar: Progress, task):
        self.bar, self.task = bar, task

    def scraped(self, *args, **kwargs) -> None:
        self.bar.advance(self.task)

    def closed(self, *args, **kwargs) -> None:
        done = self.bar.tasks[self.task].completed
        self.bar.update(self.task, total=max(done, 1), completed=done)


def _loopback(domains: list[str]) -> bool:
    return all(d.split(":")[0] in ("127.0.0.1", "localhost", "::1") for d in domains)


def summary_table(runs) -> Table:
    table = Table(title="payerwatch crawl")
    for col in (
        "source",
        "status",
        "documents",
        "not modified",
        "new versions",
        "changes",
        "errors",
        "message",
    ):
        table.add_column(col, justify="right" if col not in ("source", "status", "message") else "left")
    for r in runs:
        table.add_row(
            r.source_id,
            r.status,
            str(r.documents),
            str(r.not_modified),
            str(r.new_versions),
            str(r.changes),
            str(r.errors),
            r.message or "",
        )
    return table


def register(cli: click.Group) -> None:
    from payerwatch.cli import pass_ctx

    @cli.command("crawl")
    @click.option(
        "--sources",
        "sources_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Sources file (default: crawler/sources.yaml).",
    )
    @click.option("--source", "source_ids", multiple=True, help="Crawl only this source id (repeatable).")
    @click.option(
        "--now",
        "now_ids",
        multiple=True,
        metavar="SOURCE",
        help="Crawl this source immediately, outside its schedule (repeatable; same as --source).",
    )
    @click.option("--no-progress", is_flag=True, help="No progress display on stderr.")
    @click.option(
        "--quiet", "-q", is_flag=True, help="No progress display and no summary table (for schedulers)."
    )
    @pass_ctx
    def crawl(
        ctx,
        sources_file: Path | None,
        source_ids: tuple[str, ...],
        now_ids: tuple[str, ...],
        no_progress: bool,
        quiet: bool,
    ) -> None:
        """Crawl payers' policy libraries, archive new versions, detect changes; print a summary.

        Exit 0 unless the crawl could not run (a failing source is reported in the table, not by the exit
        code).

        Example:

            payerwatch crawl --source uhc-commercial --source aetna-cpb
            payerwatch --data data/demo crawl --sources data/demo/sources.yaml --source sample-aetna-cpb

        A source that another process is crawling right now (the scheduler of `payerwatch serve`, say)
        is skipped with a message: two crawls of one source never run at once.
        """
        from crawler.sources import SourceError

        try:
            runs = run_crawl(
                ctx.data_dir, sources_file, source_ids + now_ids, progress=not (no_progress or quiet)
            )
        except SourceError as exc:
            raise click.ClickException(str(exc)) from None
        except AllSourcesBusy as exc:
            click.echo(f"payerwatch: {exc}", err=True)
            raise SystemExit(1) from None
        if not quiet:
            Console(width=160).print(summary_table(runs))
