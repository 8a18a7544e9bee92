"""Benchmark: extractors.extract (fast path and full=True) against poppler's pdftotext.

Generates synthetic policies with reportlab (10 / 30 / 60 pages; topic paragraphs on 4 pages, or none),
times each reader (median of N runs, interleaved so background load hits all readers alike), reports
seconds per page, the share of pages pdfplumber laid out, and checks that the fast path's passages and
facts (and text and metadata) equal the full path's. The machine is shared: compare medians of
several invocations, not one.

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
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import extractors  # noqa: E402
from extractors.passages import passage_pages  # noqa: E402
from extractors.pdf import read_pdf  # noqa: E402
from tests.support_pdf import render, synthetic_policy  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def pdftotext(path: str) -> None:
    subprocess.run(["pdftotext", "-q", path, "-"], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
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
                fast, full, ptt = [], [], []
                for k in range(args.repeat):
                    fast.append(timed(lambda d=data: extractors.extract(d)))
                    ptt.append(timed(lambda p=path: pdftotext(p)))
                    if k < max(1, args.repeat - 2):  # the reference path is slow and only for scale
                        full.append(timed(lambda d=data: extractors.extract(d, full=True)))
            finally:
                os.unlink(path)
            a, b = extractors.extract(data), extractors.extract(data, full=True)
            same = a.passages == b.passages and a.facts == b.facts
            same_text = a.text == b.text and a.metadata == b.metadata
            ok &= same
            rows.append((pages.pages, label, median(fast), median(full), median(ptt),
                         len(pages.plumbed) / pages.pages, len(a.passages), same, same_text))
    print(f"{'pages':>5} {'document':<17} {'fast s/pg':>9} {'full s/pg':>9} {'pdftotext':>9} "
          f"{'fast/ptt':>8} {'plumbed':>7} {'passages':>8} {'fast==full':>10} {'text+meta':>9}")
    for n, label, fast, full, ptt, share, npass, same, same_text in rows:
        print(f"{n:>5} {label:<17} {fast / n:>9.4f} {full / n:>9.4f} {ptt / n:>9.4f} {fast / ptt:>7.2f}x "
              f"{share:>7.0%} {npass:>8} {str(same):>10} {str(same_text):>9}")
    print(f"\nmedians of {args.repeat} runs (full path: {max(1, args.repeat - 2)}). targets: 60 pages / topic on "
          "4 pages <= 6x pdftotext; no topic <= 1.5x pdftotext (pdftotext timed as a subprocess, start-up "
          "included). fast==full: passages and facts; text+meta: text and metadata as well")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
