"""Per-source crawl locks, so two crawls of one source never run at once (scheduler, `crawl --now`, cron).

An OS file lock is released by the kernel when its process dies, so a crash never leaves a source locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path


class SourceBusy(Exception):
    """Another process is crawling this source right now."""


def _lock_path(data_dir: Path, source_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", source_id)
    return Path(data_dir) / "locks" / f"{safe}.lock"


@contextlib.contextmanager
def source_lock(data_dir: Path, source_id: str) -> Iterator[None]:
    path = _lock_path(data_dir, source_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceBusy(f"source {source_id} is already being crawled") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


def is_locked(data_dir: Path, source_id: str) -> bool:
    try:
        with source_lock(data_dir, source_id):
            return False
    except SourceBusy:
        return True


def holder(data_dir: Path, source_id: str) -> int | None:
    """The pid of the process crawling the source now (-1 if it cannot be read), None if none is.

    Decided by the kernel's lock, not by the pid in the file (a dead crawl's pid may have been reused);
    the lock is only tested, never kept, and the file is not rewritten."""
    path = _lock_path(data_dir, source_id)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = os.read(fd, 32).decode("ascii", "replace").strip()
            return int(raw) if raw.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
