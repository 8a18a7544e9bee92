"""Benchmark: extractors.extract (fast path and full=True) against poppler's pdftotext.

Generates synthetic policies with reportlab (10 / 30 / 60 pages; topic paragraphs on 4 pages, or none),
times each reader (best of N runs), reports seconds per page, the share of pages pdfplumber laid out,
and checks that the fast path's passages equal the full path's.

Run: /work/main/.venv/bin/python bench/extract.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import extractors  # noqa: E402
from extractors.passages import passage_pages  # noqa: E402
from extractors.pdf import read_pdf  # noqa: E402
from tests.support_pdf import render, synthetic_policy  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def pdftotext(path: str) -> None:
    subprocess.run(["pdftotext", "-q", path, "-"], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    extractors.extract(render(synthetic_policy(2, (1,))))  # warm imports
    rows = []
    ok = True
    for n in (10, 30, 60):
        for label, topic in (("topic on 4 pages", tuple(sorted({1, n // 3, n // 2, n - 2}))), ("no topic", ())):
            data = render(synthetic_policy(n, topic))
            with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as fh:
                fh.write(data)
                path = fh.name
            try:
                pages = read_pdf(data, passage_pages=passage_pages)
                fast = best(lambda d=data: extractors.extract(d), args.repeat)
                full = best(lambda d=data: extractors.extract(d, full=True), max(1, args.repeat - 2))
                ptt = best(lambda p=path: pdftotext(p), args.repeat)
            finally:
                os.unlink(path)
            a, b = extractors.extract(data), extractors.extract(data, full=True)
            same = a.passages == b.passages and a.facts == b.facts
            ok &= same
            rows.append((pages.pages, label, fast, full, ptt, len(pages.plumbed) / pages.pages, len(a.passages), same))
    print(f"{'pages':>5} {'document':<17} {'fast s/pg':>9} {'full s/pg':>9} {'pdftotext':>9} "
          f"{'fast/ptt':>8} {'plumbed':>7} {'passages':>8} {'fast==full':>10}")
    for n, label, fast, full, ptt, share, npass, same in rows:
        print(f"{n:>5} {label:<17} {fast / n:>9.4f} {full / n:>9.4f} {ptt / n:>9.4f} {fast / ptt:>7.2f}x "
              f"{share:>7.0%} {npass:>8} {str(same):>10}")
    print("\ntargets: 60 pages / topic on 4 pages <= 6x pdftotext; no topic <= 1.5x pdftotext "
          "(pdftotext timed as a subprocess, start-up included)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
