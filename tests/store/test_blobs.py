"""The content-addressed blob store: addressing, idempotence, and crash safety of writes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from store.blobs import BlobStore


def test_blob_is_stored_under_its_sha256(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    data = b"%PDF-1.7 policy bytes"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path_for(sha) == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert store.get(sha) == data and store.has(sha)
    mtime = store.path_for(sha).stat().st_mtime_ns
    assert store.put(data) == sha and store.path_for(sha).stat().st_mtime_ns == mtime  # never rewritten
    assert list(store.iter_shas()) == [sha] and store.check(sha) is None


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    store = BlobStore(tmp_path / "blobs")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store.put(b"x" * 100_000)
    files = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert files == []


def test_killed_writer_leaves_no_blob_under_its_final_name(tmp_path):
    """A process killed mid-write (after writing, before rename) leaves only a temp file, which
    verify flags."""
    root = tmp_path / "blobs"
    child = textwrap.dedent(
        f"""
        import os, sys
        from store.blobs import BlobStore
        def stall(fd):
            sys.stdout.write("writing\\n"); sys.stdout.flush()
            sys.stdin.readline()  # wait here until the parent kills us
        os.fsync = stall
        BlobStore({str(root)!r}).put(b"y" * 1_000_000)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = BlobStore(root)
    sha = hashlib.sha256(b"y" * 1_000_000).hexdigest()
    assert not store.has(sha)
    assert list(store.iter_shas()) == []
    assert [p.parent for p in store.stray_temp_files()] == [root / ".tmp"]
    # A later write of the same bytes succeeds and is complete.
    assert store.put(b"y" * 1_000_000) == sha and store.check(sha) is None


def test_writes_in_progress_live_in_one_folder_and_older_ones_are_found_everywhere(tmp_path):
    """A crawl's start lists ``blobs/.tmp/`` only (it must not walk every ``ab/cd/`` folder of a large
    store); ``everywhere`` (``verify``) also finds the temp files older payerwatch left next to blobs."""
    store = BlobStore(tmp_path / "blobs")
    sha = store.put(b"policy bytes")
    folder = store.path_for(sha).parent
    assert list((tmp_path / "blobs" / ".tmp").iterdir()) == []  # a finished write leaves nothing
    current = tmp_path / "blobs" / ".tmp" / ".tmp-999999999-a1"
    current.write_bytes(b"half")
    older = folder / ".tmp-999999999-b2"
    older.write_bytes(b"half")
    assert store.stray_temp_files() == [current]
    assert store.stray_temp_files(everywhere=True) == sorted([current, older])
    assert list(store.iter_shas()) == [sha]
    assert store.remove_stale_temp_files() == [current] and older.exists()
    assert store.remove_stale_temp_files(everywhere=True) == [older]
