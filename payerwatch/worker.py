"""Crawl and analysis jobs on a shared PostgreSQL queue, run by ``payerwatch worker`` on many machines.

The queue is procrastinate's, in the archive's own PostgreSQL database (its tables sit beside the
archive's): no broker to run, and it has what crawling needs —

* ``lock`` per source: jobs holding the same lock never run at once, across every machine, and run in
  the order they were deferred (higher ``priority`` first), so two crawls of one source never overlap and
  a source's settlement runs before its next crawl;
* ``queueing_lock``: the scheduler never stacks a second waiting crawl of a source behind the first;
* worker heartbeats: a job whose worker stopped beating (killed, machine lost) is found by
  ``retry_stalled`` (a periodic job any live worker runs) and put back in the queue.

One crawl, as jobs:

1. ``crawl`` (lock ``source:<id>``): a child ``payerwatch`` process archives the source (fetch and store
   only). The child dies with its worker (``PR_SET_PDEATHSIG``), so a retried crawl never races an orphan.
   It then splits the source's unanalysed versions into ``analyse`` batches (no lock: any worker, in
   parallel) and defers ``settle``.
2. ``analyse`` (a batch of version ids; one policy's versions stay in one batch, in order): extract and
   compare (``processing.process_versions``). Idempotent, so a batch retried after a kill redoes its
   versions whole.
3. ``settle`` (lock ``source:<id>``, above crawls in priority): waits until the source's batches are
   done, then ``processing.analyse_source`` — leftovers, topic losses, retirements and returns, mail
   queued — and defers ``deliver``.
4. ``deliver`` (queueing lock): the outbox over SMTP (claims make it exactly-once) and the static feeds.

Everything here runs only when ``PAYERWATCH_DATABASE_URL`` points at PostgreSQL; the embedded default
(SQLite, one ``payerwatch serve``) never imports procrastinate.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import procrastinate
import sqlalchemy as sa

from payerwatch.logs import event

log = logging.getLogger("payerwatch.worker")

QUEUE = "payerwatch"
#: Versions per analysis job: big enough that queue overhead is small next to extraction, small enough
#: that one crawl's new versions spread over every worker.
BATCH = 25
#: A worker that has not beaten for this long is presumed dead and its jobs are retried.
STALLED_AFTER = float(os.environ.get("PAYERWATCH_STALLED_AFTER", "30"))
HEARTBEAT = float(os.environ.get("PAYERWATCH_HEARTBEAT", "10"))
CRAWL_PRIORITY, ANALYSE_PRIORITY, SETTLE_PRIORITY = 0, 5, 10


class WorkerConfigError(Exception):
    """The queue needs PostgreSQL: ``PAYERWATCH_DATABASE_URL`` is unset or not a PostgreSQL URL."""


def queue_url() -> str | None:
    """The libpq URL of the queue's database, or None when the archive is not on PostgreSQL."""
    url = os.environ.get("PAYERWATCH_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        return None
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(url: str | None = None) -> procrastinate.App:
    url = url or queue_url()
    if not url:
        raise WorkerConfigError(
            "the worker queue needs PostgreSQL: set PAYERWATCH_DATABASE_URL=postgresql+psycopg://…"
        )
    global _app
    if _app is None:  # the jobs' blueprint joins one app only: one queue database per process
        _app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
        _app.add_tasks_from(blueprint, namespace="payerwatch")
        _app.payerwatch_url = url
    elif _app.payerwatch_url != url:
        raise WorkerConfigError("one process serves one queue database")
    return _app


_app: procrastinate.App | None = None


def ensure_schema(app: procrastinate.App) -> None:
    """Create procrastinate's tables once (the archive's migrations do not own them).

    A session advisory lock makes workers that start together wait for the first one's schema.
    """
    engine = sa.create_engine(os.environ["PAYERWATCH_DATABASE_URL"], poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_lock(4242018)")
            try:
                if conn.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is None:
                    with app.open():
                        app.schema_manager.apply_schema()
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(4242018)")
                conn.commit()
    finally:
        engine.dispose()


blueprint = procrastinate.Blueprint()


# -- jobs ----------------------------------------------------------------------------------------------
@blueprint.task(
    name="crawl", queue=QUEUE, pass_context=True, retry=procrastinate.RetryStrategy(max_attempts=3)
)
def crawl(context, data_dir: str, sources_file: str, source_id: str, clock: list | None = None) -> int:
    """Archive one source in a child process, then spread its analysis over the workers."""
    from store import Archive

    # the child closes the runs a killed worker left running (``payerwatch.recovery``): this job holds
    # the source's queue lock, and the child its file lock, so no crawl of the source is alive
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with _clock(clock):
        _crawl_child(data_dir, sources_file, source_id)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    with _clock(clock), Archive(Path(data_dir)) as archive:
        batches = _batches(archive, archive.unprocessed_version_ids(source_id))
    app = context.app
    for ids in batches:
        app.tasks["payerwatch:analyse"].configure(priority=ANALYSE_PRIORITY).defer(
            data_dir=data_dir, source_id=source_id, version_ids=ids, clock=clock
        )
    app.tasks["payerwatch:settle"].configure(lock=f"source:{source_id}", priority=SETTLE_PRIORITY).defer(
        data_dir=data_dir, source_id=source_id, clock=clock
    )
    versions = sum(len(b) for b in batches)
    # cpu: the crawl child's (exact with one job at a time per worker, the default); child_peak_mb: the
    # largest reaped child's peak RSS so far (Linux reports KB). bench/workers.py reads both.
    event(
        log,
        "crawl job done",
        source=source_id,
        new_versions=versions,
        cpu=round(child_cpu, 3),
        child_peak_mb=round(after.ru_maxrss / 1024, 1),
    )
    return len(batches)


@blueprint.task(name="analyse", queue=QUEUE, retry=procrastinate.RetryStrategy(max_attempts=3))
def analyse(data_dir: str, source_id: str, version_ids: list[int], clock: list | None = None) -> int:
    """Extract and compare one batch of versions (their policies' earlier versions are already done)."""
    from payerwatch import processing
    from store import Archive

    cpu = time.process_time()
    with _clock(clock), Archive(Path(data_dir)) as archive:
        changes = processing.process_versions(archive, version_ids)
    cpu = time.process_time() - cpu
    event(log, "analyse job done", source=source_id, versions=len(version_ids), cpu=round(cpu, 3))
    return len(changes)


class BatchesPending(Exception):
    """Some of the source's analysis batches are still queued or running; settle a moment later."""


@blueprint.task(
    name="settle",
    queue=QUEUE,
    pass_context=True,
    retry=procrastinate.RetryStrategy(max_attempts=2000, wait=1, retry_exceptions={BatchesPending}),
)
def settle(context, data_dir: str, source_id: str, clock: list | None = None) -> int:
    """Once every batch is done: the source-wide analysis (retire/reinstate, mail queued), then deliver."""
    from payerwatch import processing
    from store import Archive

    with _clock(clock), Archive(Path(data_dir)) as archive:
        if _pending_batches(archive, source_id):
            raise BatchesPending(source_id)
        changes = processing.analyse_source(archive, source_id)
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        context.app.tasks["payerwatch:deliver"].configure(queueing_lock="deliver").defer(
            data_dir=data_dir, clock=clock
        )
    return len(changes)


@blueprint.task(name="deliver", queue=QUEUE, retry=procrastinate.RetryStrategy(max_attempts=3, wait=30))
def deliver(data_dir: str, clock: list | None = None) -> None:
    """Send the outbox and republish the static feeds (``service.after_crawl``)."""
    from payerwatch.service import after_crawl

    with _clock(clock):
        after_crawl(Path(data_dir), base_url=os.environ.get("PAYERWATCH_BASE_URL"))


@blueprint.periodic(cron="* * * * * */5")
@blueprint.task(name="retry_stalled", queue=QUEUE, queueing_lock="retry_stalled", pass_context=True)
async def retry_stalled(context, timestamp: int) -> int:
    """Put back in the queue the jobs of workers that stopped beating (killed, machine lost)."""
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER))
    for job in stalled:
        event(log, "retrying stalled job", job=job.id, task=job.task_name, lock=job.lock)
        await manager.retry_job(job)
    return len(stalled)


# -- helpers -------------------------------------------------------------------------------------------
def defer_crawl(
    app: procrastinate.App, data_dir: Path, sources_file: Path, source_id: str, clock: str | None = None
) -> bool:
    """Queue a crawl of ``source_id``; False when one is already waiting (it will see the same site).

    ``clock`` (demo and tests): the instant the crawl happens at, as if weeks passed; it advances in real
    time from now on, so runs still record real intervals.
    """
    if clock:
        clock = [clock, time.time()]
    try:
        app.tasks["payerwatch:crawl"].configure(
            lock=f"source:{source_id}", queueing_lock=f"crawl:{source_id}", priority=CRAWL_PRIORITY
        ).defer(data_dir=str(data_dir), sources_file=str(sources_file), source_id=source_id, clock=clock)
    except procrastinate.exceptions.AlreadyEnqueued:
        return False
    return True


def _batches(archive, version_ids: list[int]) -> list[list[int]]:
    """Batches of about ``BATCH`` versions; one policy's versions stay together, in seq order."""
    by_policy: dict[str, list] = {}
    for vid in version_ids:
        version = archive.get_version(vid)
        if version is not None:
            by_policy.setdefault(version.policy_id, []).append(version)
    out: list[list[int]] = [[]]
    for policy_id in sorted(by_policy):
        if len(out[-1]) >= BATCH:
            out.append([])
        out[-1] += [v.id for v in sorted(by_policy[policy_id], key=lambda v: v.seq)]
    return [b for b in out if b]


def _pending_batches(archive, source_id: str) -> int:
    with archive.engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'payerwatch:analyse' "
                "AND status IN ('todo', 'doing') AND args->>'source_id' = :source"
            ),
            {"source": source_id},
        ).scalar_one()


@contextlib.contextmanager
def _clock(clock: list | None) -> Iterator[None]:
    """Pin the clock for one job: ``clock`` is [ISO instant, Unix time it was deferred at] (demo and tests
    replay weeks; see ``store.models.utcnow``). The worker runs one job at a time per process."""
    if not clock:
        yield
        return
    names = ("PAYERWATCH_CLOCK", "PAYERWATCH_CLOCK_SINCE")
    before = {n: os.environ.get(n) for n in names}
    os.environ.update(dict(zip(names, (clock[0], str(clock[1])), strict=True)))
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _die_with_parent() -> None:
    """In the child: the kernel SIGKILLs it when its worker dies, so no orphan crawl outlives a kill."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _crawl_child(data_dir: str, sources_file: str, source_id: str) -> None:
    env = dict(os.environ)  # with the job's clock, if it has one
    cmd = [sys.executable, "-m", "payerwatch.worker_crawl", data_dir, sources_file, source_id]
    proc = subprocess.run(cmd, env=env, preexec_fn=_die_with_parent, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"crawl of {source_id} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")


def run_worker(concurrency: int = 1, wait: bool = True) -> None:
    """Run jobs until SIGTERM/SIGINT (the running job finishes first), or with ``wait=False`` until the
    queue is empty."""
    app = make_app()
    ensure_schema(app)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # every job opens the archive: no news there
    with app.open():
        event(log, "worker started", pid=os.getpid(), concurrency=concurrency)
        app.run_worker(
            queues=[QUEUE],
            concurrency=concurrency,
            wait=wait,
            update_heartbeat_interval=HEARTBEAT,
            stalled_worker_timeout=STALLED_AFTER,
            install_signal_handlers=True,
        )
