"""Extraction workers: a worker per document (the old way) against persistent workers, same documents.

    .venv/bin/python bench/extract_pool.py [--docs 100] [--workers 2] [--rounds 2]

Six-page policy PDFs from ``bench/e2e.py`` (every fifth names the drugs; Type 1 and TrueType alternately)
go through ``payerwatch.extraction.extract_many``. "A worker per document" is the same code with
``RECYCLE = 1`` (the parent ends each worker after one document, so every document gets a fresh fork
from the forkserver, as before issue #17's pool). Both runs in one process, interleaved per round: the
machine is shared, compare the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from payerwatch import extraction  # noqa: E402
from payerwatch.extraction import Job, extract_many  # noqa: E402


def run(paths: list[Path], workers: int, recycle: int) -> float:
    extraction.RECYCLE = recycle
    extraction._SHARED = extraction._Pool()  # noqa: SLF001 (a fresh pool per measurement)
    try:
        list(extract_many([Job(0, paths[0])], workers=workers))  # the forkserver is up
        t0 = time.perf_counter()
        results = list(extract_many([Job(i, p) for i, p in enumerate(paths)], workers=workers))
        wall = time.perf_counter() - t0
    finally:
        extraction._SHARED.close()  # noqa: SLF001
    errors = [r for _, r in results if isinstance(r, Exception)]
    if errors:
        raise SystemExit(f"extraction failed: {errors[0]!r}")
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from e2e import policy

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.docs):
            paths.append(Path(tmp, f"{i}.pdf"))
            paths[-1].write_bytes(policy(i, False))
        for _ in range(args.rounds):
            fresh, kept = run(paths, args.workers, 1), run(paths, args.workers, 200)
            print(
                f"{args.docs} documents, {args.workers} workers: a worker per document {fresh:.1f} s, "
                f"persistent workers {kept:.1f} s ({fresh / kept:.2f}x); "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
