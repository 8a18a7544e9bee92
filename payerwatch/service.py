"""``payerwatch serve``: the scheduler and the web server in one long-running process.

Each crawl runs in a child process (``payerwatch crawl --source ID``): Scrapy's Twisted reactor cannot be
restarted inside one process, a child can be given a time limit, and a crash there cannot take the
service down. APScheduler keeps its jobs in the archive database, coalesces missed runs and never starts
a second run of the same source's job while one is going; the per-source file lock in the crawl command
also stops a concurrent ``crawl --now``.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.sources import SourceConfig
from payerwatch.logs import event
from store.schema import PRIVATE

log = logging.getLogger("payerwatch.service")

DEFAULT_SCHEDULE = "0 6 * * *"
DEFAULT_JITTER = 1800
CRAWL_TIMEOUT = 3600

_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()


def parse_schedule(expr: str | None):
    """A cron expression ("0 6 * * *") or "every N seconds|minutes|hours" (handy for tests and demos)."""
    expr = (expr or DEFAULT_SCHEDULE).strip()
    words = expr.split()
    if words[0] == "every" and len(words) == 3 and words[1].isdigit():
        unit = words[2].rstrip("s") + "s"
        if unit not in ("seconds", "minutes", "hours", "days"):
            raise ValueError(f"unknown schedule unit in {expr!r}")
        return IntervalTrigger(**{unit: int(words[1])}, timezone="UTC")
    return CronTrigger.from_crontab(expr, timezone="UTC")


def job_id(source_id: str) -> str:
    return f"crawl:{source_id}"


@dataclass
class CrawlOutcome:
    source_id: str
    returncode: int | None
    seconds: float
    timed_out: bool = False


def run_source_job(
    data_dir: str,
    sources_file: str,
    source_id: str,
    timeout: float = CRAWL_TIMEOUT,
    base_url: str | None = None,
    feeds_dir: str | None = None,
) -> CrawlOutcome:
    """One scheduled crawl: a child ``payerwatch crawl``, then the outbox and the static feeds.

    Module-level (not a closure) because APScheduler stores jobs in the database by reference.
    """
    cmd = [
        sys.executable,
        "-m",
        "payerwatch",
        "--data",
        data_dir,
        "crawl",
        "--sources",
        sources_file,
        "--source",
        source_id,
        "--quiet",
    ]
    started = time.monotonic()
    # starting the child and registering it happen under the lock stop_children takes, so a shutdown
    # either sees this child or stops it from being started at all
    with _children_lock:
        if _stopping.is_set():
            return CrawlOutcome(source_id, None, 0.0)
        event(log, "crawl started", source=source_id)
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        _children.add(proc)
    timed_out = False
    try:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _terminate(proc)
            _, stderr = proc.communicate()
    finally:
        with _children_lock:
            _children.discard(proc)
    outcome = CrawlOutcome(source_id, proc.returncode, round(time.monotonic() - started, 2), timed_out)
    event(
        log,
        "crawl finished",
        source=source_id,
        returncode=proc.returncode,
        seconds=outcome.seconds,
        timed_out=timed_out,
        stderr_tail=(stderr or "").strip().splitlines()[-1:] or None,
    )
    if not _stopping.is_set():
        after_crawl(Path(data_dir), base_url=base_url, feeds_dir=feeds_dir)
    return outcome


def enqueue_source_job(data_dir: str, sources_file: str, source_id: str) -> bool:
    """The scheduled job when workers crawl (``serve --queue``): put the crawl in their queue, no more.

    Module-level, like ``run_source_job``, because APScheduler stores jobs in the database by reference.
    """
    from payerwatch.worker import defer_crawl, make_app

    app = make_app()
    with app.open():
        queued = defer_crawl(app, Path(data_dir), Path(sources_file), source_id)
    event(log, "crawl queued" if queued else "crawl already queued", source=source_id)
    return queued


def after_crawl(data_dir: Path, base_url: str | None = None, feeds_dir: str | None = None) -> None:
    """Deliver queued alerts and republish the static feeds; failures are logged, never fatal."""
    from feeds.outbox import send_pending
    from feeds.publish import publish_all
    from store import Archive

    with Archive(data_dir) as archive:
        try:
            result = send_pending(archive)
            event(log, "outbox flushed", result=str(result))
        except Exception as exc:  # noqa: BLE001 - a mail outage must not stop the schedule
            log.warning("sending alerts failed: %s", exc)
        try:
            out = Path(feeds_dir) if feeds_dir else data_dir / "feeds"
            publish_all(archive, out, base_url=base_url)
            event(log, "feeds published", out=str(out))
        except Exception as exc:  # noqa: BLE001
            log.warning("publishing feeds failed: %s", exc)


def _terminate(proc: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM lets Scrapy close the spider cleanly; SIGKILL only if it does not stop in time."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


_stopping = threading.Event()


def stop_children() -> None:
    with _children_lock:
        procs = list(_children)
    for proc in procs:
        _terminate(proc)


def build_scheduler(
    engine,
    sources: list[SourceConfig],
    data_dir: Path,
    sources_file: Path,
    crawl_timeout: float = CRAWL_TIMEOUT,
    base_url: str | None = None,
    feeds_dir: str | None = None,
    max_workers: int = 2,
    queue: bool = False,
) -> BackgroundScheduler:
    """One job per source: a crawl in a child process, or with ``queue`` a crawl put in the workers' queue."""
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tableschema=PRIVATE)},
        executors={"default": ThreadPoolExecutor(max_workers)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        timezone="UTC",
    )
    wanted = set()
    for src in sources:
        trigger = parse_schedule(src.schedule)
        jitter = DEFAULT_JITTER if isinstance(trigger, CronTrigger) else None
        if queue:
            func, args = enqueue_source_job, [str(data_dir), str(sources_file), src.id]
        else:
            func = run_source_job
            args = [str(data_dir), str(sources_file), src.id, crawl_timeout, base_url, feeds_dir]
        scheduler.add_job(
            func,
            trigger,
            id=job_id(src.id),
            name=f"crawl {src.id}",
            args=args,
            replace_existing=True,
            jitter=jitter,
        )
        wanted.add(job_id(src.id))
    scheduler._pw_wanted = wanted  # jobs of sources removed from the file are dropped after start
    return scheduler


def start_scheduler(scheduler: BackgroundScheduler) -> None:
    scheduler.start()
    for job in scheduler.get_jobs():
        if job.id.startswith("crawl:") and job.id not in scheduler._pw_wanted:
            job.remove()


def serve(
    data_dir: Path,
    sources_file: Path,
    host: str,
    port: int,
    crawl_timeout: float = CRAWL_TIMEOUT,
    base_url: str | None = None,
    ready=None,
    queue: bool = False,
) -> None:
    """Run until SIGTERM/SIGINT: stop scheduling, stop the running crawl cleanly, close the server.

    With ``queue`` the scheduler only queues crawls for ``payerwatch worker`` processes (docs/scale.md).
    """
    import waitress

    from crawler.sources import load_sources
    from payerwatch.web import create_app
    from store import Archive

    sources = load_sources(sources_file)
    archive = Archive(data_dir)
    scheduler = build_scheduler(
        archive.engine, sources, data_dir, sources_file, crawl_timeout, base_url=base_url, queue=queue
    )
    if queue:
        from payerwatch.worker import ensure_schema, make_app

        ensure_schema(make_app())
    app = create_app(archive, base_url=base_url, sources=sources)
    server = waitress.create_server(app, host=host, port=port, threads=4, ident="payerwatch")
    url = f"http://{host}:{server.effective_port}"
    app.config["BASE_URL"] = base_url or url

    stop = threading.Event()
    reason = ["stopped"]

    def _signal(signum, _frame):
        # The handler only records the request: raising from it could unwind the web server's loop while
        # it holds a lock. The orderly shutdown below runs in the main thread.
        name = signal.Signals(signum).name
        if stop.is_set():
            event(log, "already stopping", signal=name)
            return
        reason[0] = name
        stop.set()

    old = {s: signal.signal(s, _signal) for s in (signal.SIGTERM, signal.SIGINT)}
    web = threading.Thread(target=server.run, name="web", daemon=True)
    try:
        start_scheduler(scheduler)
        web.start()
        event(log, "serving", url=url, sources=len(sources), data=str(data_dir))
        if ready:
            ready(url)
        while not stop.wait(0.5):
            if not web.is_alive():
                reason[0] = "web server stopped"
                break
    finally:
        _stopping.set()
        event(log, "shutting down", reason=reason[0])
        if scheduler.running:
            scheduler.pause()
        stop_children()
        if scheduler.running:
            scheduler.shutdown(wait=True)
        try:
            server.close()  # the web thread is a daemon: it cannot keep the process alive
        except Exception:  # noqa: BLE001 - closing a server that already failed
            pass
        archive.close()
        for s, handler in old.items():
            signal.signal(s, handler)
        _stopping.clear()
        event(log, "stopped")
