"""Content-addressed storage of raw document bytes: ``blobs/ab/cd/<sha256>``.

Raw bytes are the evidence behind every change we announce, so a blob is written atomically (a temp file
in ``blobs/.tmp/``, fsync, rename into place) and never rewritten: an interrupted write leaves at most a
stray temp file, never a partial blob under its final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BlobProblem:
    sha256: str
    path: Path
    problem: str  # "missing" | "corrupt"


#: Where writes in progress live. One directory, so finding what a killed writer left — at the start of
#: every crawl — lists one directory instead of walking every ``ab/cd/`` folder of the store (a walk that
#: grew with the archive: 0.1–0.4 s at 8,000 blobs, ~65,000 folders at a million, on a shared file
#: system). A rename from here into place is as atomic as one within a folder (same file system).
TEMP_DIR = ".tmp"


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._temp_ready = False

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        # a string path, not ``path_for``'s Path: asked once per known URL at every crawl's start
        return os.path.isfile(os.path.join(self.root, sha256[:2], sha256[2:4], sha256))

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its sha256; a blob already present is left untouched."""
        digest = sha256_hex(data)
        final = self.path_for(digest)
        if final.is_file():
            return digest
        final.parent.mkdir(parents=True, exist_ok=True)
        if not self._temp_ready:
            (self.root / TEMP_DIR).mkdir(exist_ok=True)
            self._temp_ready = True
        # the writer's pid in the name: a temp file whose writer is gone is known to be garbage
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{os.getpid()}-", dir=self.root / TEMP_DIR)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        _fsync_dir(final.parent)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def iter_shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path.name

    def check(self, sha256: str) -> BlobProblem | None:
        """Re-hash one blob (streaming, so huge PDFs do not load into memory)."""
        path = self.path_for(sha256)
        if not path.is_file():
            return BlobProblem(sha256, path, "missing")
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != sha256:
            return BlobProblem(sha256, path, "corrupt")
        return None

    def stray_temp_files(self, everywhere: bool = False) -> list[Path]:
        """Temp files of writes not (yet) renamed into place. ``everywhere`` also walks every ``ab/cd/``
        folder, where payerwatch wrote them until 2026-12-05: ``verify`` looks there, a crawl's start
        does not (``TEMP_DIR``)."""
        if not self.root.is_dir():
            return []
        found = list((self.root / TEMP_DIR).glob(".tmp-*"))
        if everywhere:
            found += self.root.glob("??/??/.tmp-*")
        return sorted(found)

    def stale_temp_files(self, now: float | None = None, everywhere: bool = False) -> list[Path]:
        """Temp files no write will finish: their writer (the pid in the name) is dead, or (a name
        without a pid, from an older payerwatch) they are over an hour old."""
        now = time.time() if now is None else now
        stale = []
        for path in self.stray_temp_files(everywhere):
            pid = _writer(path.name)
            try:
                old = now - path.stat().st_mtime > STALE_AFTER
            except FileNotFoundError:
                continue  # its write just finished
            if (pid is None and old) or (pid is not None and not _alive(pid)):
                stale.append(path)
        return stale

    def remove_stale_temp_files(self, everywhere: bool = False) -> list[Path]:
        """Delete ``stale_temp_files``; return what was removed."""
        removed = []
        for path in self.stale_temp_files(everywhere=everywhere):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed.append(path)
        return removed


#: a temp file without a writer pid older than this is garbage (a write takes seconds)
STALE_AFTER = 3600.0


def _writer(name: str) -> int | None:
    parts = name.split("-")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
