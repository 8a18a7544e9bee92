"""Extraction in worker processes with hard limits: a hostile document can kill a worker, never the crawl.

``extractors.extract`` bounds time between pages, but a thread cannot be killed and nothing in-process
bounds memory: a 3 MB PDF whose streams inflate to gigabytes, or PDFium stuck allocating, took whole
crawls down with it. So every document is read in a child process that

* reads the blob itself (the crawl process never holds a document's decompressed streams, and not even
  its bytes), under ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU``, set in the child for each
  document before it reads;
* is killed by the parent (SIGKILL, not asked) when it passes its wall time;
* is kept for the next document (``_Pool``: forking a worker per document cost 0.1-0.2 s on a busy
  machine) only while it is healthy: a worker that answered with an error, died or was killed is never
  reused, and one that served ``RECYCLE`` documents is replaced, so what a hostile document did to a
  reader's state does not outlive it, and a long crawl's leftovers do not pile up.

A worker that dies (killed by a signal, out of memory inside C code, past its wall time) is reported as
``ResourceLimit`` (``extract_error: resource-limit``); ``payerwatch.processing`` retries such a version
a few times with backoff and then gives up (``store.versions.EXTRACT_ATTEMPTS``).

``extract_many`` keeps up to ``workers`` documents in flight and yields results in submission order,
so analysis (which needs each version's predecessor first) can run on a pool. Idle workers live on
between calls (one pool per process; a concurrent caller gets its own) until the process exits.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path

from extractors.model import ExtractedPolicy, ExtractionError, ResourceLimit
from payerwatch.config import ConfigError

MiB = 1024 * 1024
#: A version whose worker is killed is tried this many times in all ...
ATTEMPTS = 3
#: ... waiting this long after the first and second failures (a crawl in between picks it up when due).
BACKOFF = (dt.timedelta(hours=1), dt.timedelta(hours=12))


def retry_at(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When a version whose worker was killed ``attempts`` times may be tried again; None: give up."""
    if attempts >= ATTEMPTS:
        return None
    return now + BACKOFF[min(attempts, len(BACKOFF)) - 1]


def workers_from_env(env: dict[str, str] | None = None) -> int:
    """``PAYERWATCH_EXTRACT_WORKERS``: documents extracted at once (default: one per core — a crawl's
    new versions are analysed on all cores; results come back in submission order, so the changes are
    the same whatever the number)."""
    env = os.environ if env is None else env
    raw = env.get("PAYERWATCH_EXTRACT_WORKERS") or str(min(os.cpu_count() or 1, 64))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"PAYERWATCH_EXTRACT_WORKERS={raw!r} is not a whole number") from None
    if not 1 <= value <= 64:
        raise ConfigError(f"PAYERWATCH_EXTRACT_WORKERS={raw!r} must be between 1 and 64")
    return value


@dataclass(frozen=True)
class Limits:
    """Per-document limits of a worker. ``memory`` is the address space (bytes): a worker that needs
    more fails its allocations (MemoryError, or a reader's C code crashes) and is reported, not retried
    at once."""

    memory: int = 1536 * MiB
    cpu: int = 180  # seconds of CPU
    wall: float = 240.0  # seconds, from fork to answer
    timeout: float = 60.0  # the extractors' own cooperative timeout (between pages)
    max_inflated: int | None = None  # override extractors.streams.MAX_INFLATED (tests of the backstop)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Limits:
        """``PAYERWATCH_EXTRACT_MEMORY`` (MiB), ``PAYERWATCH_EXTRACT_CPU`` and ``PAYERWATCH_EXTRACT_WALL``
        (seconds); a bad value raises ``ConfigError`` naming the variable."""
        env = os.environ if env is None else env
        limits = cls()
        for name, field, scale in (
            ("PAYERWATCH_EXTRACT_MEMORY", "memory", MiB),
            ("PAYERWATCH_EXTRACT_CPU", "cpu", 1),
            ("PAYERWATCH_EXTRACT_WALL", "wall", 1),
        ):
            raw = env.get(name)
            if raw is None or raw == "":
                continue
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a whole number") from None
            if value <= 0:
                raise ConfigError(f"{name}={raw!r} must be positive")
            limits = replace(limits, **{field: value * scale})
        return limits


@dataclass(frozen=True)
class Job:
    """One document to read: its blob on disk (the worker reads it), and the hints ``extract`` takes."""

    key: object
    path: Path
    media_type: str | None = None
    url: str | None = None


_CONTEXT = None


def _context():
    """A forkserver with the extractors imported and warmed up (``extraction_warmup``): each worker is a
    cheap fork of a small, clean process (never of the crawl process with its reactor, database
    connections and buffers). ``__main__`` is preloaded too: multiprocessing re-runs a script's main
    module in every child, which costs nothing once the server has imported what it imports.

    Measured (``/tmp``-free: see README "Extraction workers"): a worker adds ~5 ms of CPU and ~20 ms of
    latency per document to the extraction itself."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        # "payerwatch.cli" too: Python 3.11's forkserver never preloads "__main__" (it looks for a
        # "main_path" key that spawn's preparation data does not have), so every worker re-runs the main
        # script — for the ``payerwatch`` console script, ``from payerwatch.cli import main``, which
        # imports the whole CLI: ~0.3 s a document unloaded, 2 s on a busy machine (bench/e2e.py).
        ctx.set_forkserver_preload(
            ["__main__", "payerwatch.extraction", "payerwatch.cli", "payerwatch.extraction_warmup"]
        )
        _CONTEXT = ctx
    return _CONTEXT


#: A worker serves this many documents, then a fresh one takes over (memory a reader's caches or the
#: allocator kept does not pile up over a long crawl).
RECYCLE = 200


def _serve(conn: Connection) -> None:
    """The worker: for each job, set the limits, read the blob, extract, send back the result or the
    typed error; stop after an error (a reader's state after a failure is not trusted), after
    ``RECYCLE`` documents, or when the parent closes the pipe.

    It gets plain strings, never the job's ``key``: unpickling a caller's object (a store ``Version``)
    would import the caller's modules (SQLAlchemy...) in every worker, costing more than the document."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for _ in range(RECYCLE):
        try:
            message = conn.recv()
        except EOFError:
            return
        result = _one(*message)
        try:
            conn.send(result)
        except MemoryError:
            conn.send(ResourceLimit("ran out of memory while sending the result"))
        if isinstance(result, ExtractionError):
            return


def _one(path: str, media_type: str | None, url: str | None, limits: Limits, die: bool) -> object:
    """One document under its limits. The address-space limit is set per document; the CPU limit is
    this document's budget on top of what the worker has used so far (``RLIMIT_CPU`` counts a process's
    whole life): SIGXCPU ends the worker when a document passes it, the parent's wall time backs it up."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    memory = limits.memory if hard == resource.RLIM_INFINITY else min(limits.memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime) + int(limits.cpu)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if hard == resource.RLIM_INFINITY else min(cpu, hard), hard))
    if die:  # the kill point extract:worker (store/killpoint.py), decided by the parent's environment
        os.kill(os.getpid(), signal.SIGKILL)
    import extractors

    kwargs = {} if limits.max_inflated is None else {"max_inflated": limits.max_inflated}
    data = b""
    try:
        data = Path(path).read_bytes()
        result: object = extractors.extract(
            data, media_type, url, timeout=limits.timeout, thread=False, **kwargs
        )
    except ExtractionError as exc:
        result = exc
    except MemoryError:
        result = ResourceLimit("ran out of memory while reading the document")
    except OSError as exc:
        result = ExtractionError(f"cannot read the archived bytes: {exc}")
    del data
    return result


class _Worker:
    """A limited worker process and the job it is reading (``None`` while idle)."""

    def __init__(self, ctx) -> None:
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), name="payerwatch-extract", daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.served = 0
        self.job: Job | None = None
        self.deadline = 0.0

    def submit(self, job: Job, limits: Limits) -> bool:
        from store.killpoint import wanted

        try:
            self.conn.send((str(job.path), job.media_type, job.url, limits, wanted("extract:worker")))
        except OSError:  # it died while idle
            return False
        self.job, self.deadline = job, time.monotonic() + limits.wall
        return True

    def end(self, kill: bool = True) -> None:
        """Stop the worker (``kill=False``: it is leaving by itself, or leaves once its pipe closes)."""
        if kill:
            self.process.kill()
        self.conn.close()
        self.process.join()


class _Pool:
    """Idle workers kept between documents and between calls: a fork per document cost 0.1-0.2 s on a
    busy machine, more than many documents' extraction. A worker that answered with an error, died,
    was killed or served ``RECYCLE`` documents is never reused."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.idle: list[_Worker] = []

    def start(self, job: Job, limits: Limits) -> _Worker:
        while self.idle:
            worker = self.idle.pop()
            if worker.process.is_alive() and worker.submit(job, limits):
                return worker
            worker.end()
        worker = _Worker(_context())
        if not worker.submit(job, limits):  # cannot happen to a fresh pipe; the death is reported
            worker.job, worker.deadline = job, time.monotonic() + limits.wall
        return worker

    def release(self, worker: _Worker, result: object) -> None:
        worker.job = None
        worker.served += 1
        if isinstance(result, ExtractionError) or worker.served >= RECYCLE:
            worker.end(kill=False)  # it stops by itself after an error; after RECYCLE once its pipe closes
        else:
            self.idle.append(worker)

    def close(self) -> None:
        while self.idle:
            self.idle.pop().end()


_SHARED: _Pool | None = None
_SHARED_LOCK = threading.Lock()


@contextmanager
def _pool() -> Iterator[_Pool]:
    """The process's shared pool, or a private one while another thread (or an unfinished generator)
    holds it. A pool inherited through a fork belongs to the parent: never used, never closed."""
    global _SHARED
    if not _SHARED_LOCK.acquire(blocking=False):
        private = _Pool()
        try:
            yield private
        finally:
            private.close()
        return
    try:
        if _SHARED is None or _SHARED.pid != os.getpid():
            _SHARED = _Pool()
        yield _SHARED
    finally:
        _SHARED_LOCK.release()


def extract_file(
    path: Path, media_type: str | None = None, url: str | None = None, limits: Limits | None = None
) -> ExtractedPolicy:
    """Extract one file in a limited worker; raises an ``ExtractionError`` (``ResourceLimit`` when the
    worker had to be killed or died)."""
    ((_, result),) = list(extract_many([Job(None, Path(path), media_type, url)], limits=limits))
    if isinstance(result, ExtractionError):
        raise result
    return result


def extract_many(
    jobs: Iterable[Job], workers: int = 1, limits: Limits | None = None
) -> Iterator[tuple[Job, ExtractedPolicy | ExtractionError]]:
    """Extract the jobs in limited workers, up to ``workers`` at once; yield (job, result or error) in
    submission order. Never raises for a document's sake."""
    limits = limits or Limits.from_env()
    with _pool() as pool:
        yield from _run(pool, iter(jobs), max(workers, 1), limits)


def _run(
    pool: _Pool, pending: Iterator[Job], workers: int, limits: Limits
) -> Iterator[tuple[Job, ExtractedPolicy | ExtractionError]]:
    order: list[Job] = []  # submitted, not yet yielded
    done: dict[int, ExtractedPolicy | ExtractionError] = {}
    busy: list[_Worker] = []
    exhausted = False
    try:
        while True:
            while not exhausted and len(busy) < workers:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                order.append(job)
                busy.append(pool.start(job, limits))
            while order and id(order[0]) in done:
                job = order.pop(0)
                yield job, done.pop(id(job))
            if not busy:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            ready = wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy],
                timeout=max(0.0, min(w.deadline for w in busy) - now),
            )
            for w in list(busy):
                result = _settle(w, ready, limits)
                if result is not None:
                    busy.remove(w)
                    done[id(w.job)] = result
                    if w.process.exitcode is None and not isinstance(result, ResourceLimit):
                        pool.release(w, result)
                    else:
                        w.end()
    finally:
        for w in busy:  # the consumer stopped early: leave no worker reading a document behind
            w.end()


def _settle(w: _Worker, ready: list, limits: Limits) -> ExtractedPolicy | ExtractionError | None:
    """The worker's answer once it has one; its death or its wall time as ``ResourceLimit``; else None."""
    if w.conn in ready:
        try:
            return w.conn.recv()
        except Exception:  # EOF: the worker died without answering (or mid-answer)
            pass
    elif w.process.sentinel not in ready:
        if time.monotonic() < w.deadline:
            return None
        w.end()
        return ResourceLimit(f"worker killed after {limits.wall:g} s wall time")
    w.process.join()
    return ResourceLimit(_death(w.process.exitcode, limits))


def _death(code: int | None, limits: Limits) -> str:
    if code is not None and code < 0:
        sig = signal.Signals(-code)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return f"worker killed by {sig.name} (CPU limit {limits.cpu} s, or the kernel out of memory)"
        return f"worker died of {sig.name} (memory limit {limits.memory // MiB} MiB reached inside a reader?)"
    return f"worker exited with status {code} without an answer"
