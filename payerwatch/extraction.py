"""Extraction in worker processes with hard limits: a hostile document can kill a worker, never the crawl.

``extractors.extract`` bounds time between pages, but a thread cannot be killed and nothing in-process
bounds memory: a 3 MB PDF whose streams inflate to gigabytes, or PDFium stuck allocating, took whole
crawls down with it. So every document is read in a child process that

* reads the blob itself (the crawl process never holds a document's decompressed streams, and not even
  its bytes), under ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU`` set in the child before it reads;
* is killed by the parent (SIGKILL, not asked) when it passes its wall time;
* serves exactly one document (a fresh fork from the forkserver, which has the extractors imported), so
  nothing a hostile document did to a reader's state outlives it.

A worker that dies (killed by a signal, out of memory inside C code, past its wall time) is reported as
``ResourceLimit`` (``extract_error: resource-limit``); ``payerwatch.processing`` retries such a version
a few times with backoff and then gives up (``store.versions.EXTRACT_ATTEMPTS``).

``extract_many`` keeps up to ``workers`` documents in flight and yields results in submission order,
so analysis (which needs each version's predecessor first) can run on a pool.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterable, Iterator
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


def _child(
    conn: Connection, path: str, media_type: str | None, url: str | None, limits: Limits, die: bool
) -> None:
    """The worker: set the limits, read the blob, extract, send back the result or the typed error.

    It gets plain strings, never the job's ``key``: unpickling a caller's object (a store ``Version``)
    would import the caller's modules (SQLAlchemy...) in every worker, costing more than the document."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    cpu = int(limits.cpu)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))  # SIGXCPU, then SIGKILL 5 s later
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
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
    try:
        conn.send(result)
    except MemoryError:
        conn.send(ResourceLimit("ran out of memory while sending the result"))
    conn.close()


@dataclass
class _Running:
    job: Job
    process: multiprocessing.process.BaseProcess
    conn: Connection
    deadline: float
    started: float


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
    """Extract each job in its own limited worker, up to ``workers`` at once; yield (job, result or
    error) in submission order. Never raises for a document's sake."""
    limits = limits or Limits.from_env()
    ctx = _context()
    pending = iter(jobs)
    order: list[Job] = []  # submitted, not yet yielded
    done: dict[int, ExtractedPolicy | ExtractionError] = {}
    running: list[_Running] = []
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < max(workers, 1):
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                order.append(job)
                running.append(_start(ctx, job, limits))
            while order and id(order[0]) in done:
                job = order.pop(0)
                yield job, done.pop(id(job))
            if not running:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            ready = wait(
                [r.conn for r in running] + [r.process.sentinel for r in running],
                timeout=max(0.0, min(r.deadline for r in running) - now),
            )
            for r in list(running):
                result = _settle(r, ready, limits)
                if result is not None:
                    running.remove(r)
                    done[id(r.job)] = result
    finally:
        for r in running:  # the consumer stopped early: leave no worker behind
            r.process.kill()
            r.process.join()
            r.conn.close()


def _start(ctx, job: Job, limits: Limits) -> _Running:
    parent, child = ctx.Pipe(duplex=False)
    from store.killpoint import wanted

    args = (child, str(job.path), job.media_type, job.url, limits, wanted("extract:worker"))
    process = ctx.Process(target=_child, args=args, name="payerwatch-extract", daemon=True)
    now = time.monotonic()
    process.start()
    child.close()
    return _Running(job, process, parent, now + limits.wall, now)


def _settle(r: _Running, ready: list, limits: Limits) -> ExtractedPolicy | ExtractionError | None:
    """The worker's answer once it has one; its death or its wall time as ``ResourceLimit``; else None."""
    if r.conn in ready:
        try:
            result = r.conn.recv()
        except Exception:  # EOF: the worker died without answering (or mid-answer)
            pass
        else:
            r.process.join()
            r.conn.close()
            return result
    elif r.process.sentinel not in ready:
        if time.monotonic() < r.deadline:
            return None
        r.process.kill()
        r.process.join()
        r.conn.close()
        return ResourceLimit(f"worker killed after {limits.wall:g} s wall time")
    r.process.join()
    r.conn.close()
    return ResourceLimit(_death(r.process.exitcode, limits))


def _death(code: int | None, limits: Limits) -> str:
    if code is not None and code < 0:
        sig = signal.Signals(-code)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return f"worker killed by {sig.name} (CPU limit {limits.cpu} s, or the kernel out of memory)"
        return f"worker died of {sig.name} (memory limit {limits.memory // MiB} MiB reached inside a reader?)"
    return f"worker exited with status {code} without an answer"
