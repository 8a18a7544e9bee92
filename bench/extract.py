"""Benchmark: extractors.extract (fast path and full=True) against poppler's pdftotext.

Generates synthetic policies with reportlab (10 / 30 / 60 pages; topic paragraphs on 4 pages, or none;
at 60 pages also on the last page only, where the PDFium first pass costs most),
times each reader (median of N runs, interleaved so background load hits all readers alike), reports
seconds per page, which reader the fast path used (``pdfium``: the PDFium first pass alone, for a
document that never names the drugs; else the share of pages pdfplumber laid out), and checks that the
fast path's passages, facts and metadata equal the full path's — and its text too where pdfplumber read
the document (an off-topic document's text is PDFium's by design: extractors/README.md). The machine is
shared: compare medians of several invocations, not one.

Run: .venv/bin/python bench/extract.py [--repeat N]
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
from tests.support.pdf import render, synthetic_policy  # noqa: E402


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
        docs = [("topic on 4 pages", tuple(sorted({1, n // 3, n // 2, n - 2}))), ("no topic", ())]
        if n == 60:  # the PDFium pass's worst case: it reads every page before it finds the topic
            docs.append(("topic last page", (n - 1,)))
        for label, topic in docs:
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
            same = a.passages == b.passages and a.facts == b.facts and a.metadata == b.metadata
            same_text = "n/a" if pages.source == "pdfium" else str(a.text == b.text)
            ok &= same and same_text != "False"
            path = "pdfium" if pages.source == "pdfium" else f"{len(pages.plumbed) / pages.pages:.0%} plumbed"
            rows.append(
                (
                    pages.pages,
                    label,
                    median(fast),
                    median(full),
                    median(ptt),
                    path,
                    len(a.passages),
                    same,
                    same_text,
                )
            )
    print(
        f"{'pages':>5} {'document':<17} {'fast s/pg':>9} {'full s/pg':>9} {'pdftotext':>9} "
        f"{'fast/ptt':>8} {'fast path':>12} {'passages':>8} {'fast==full':>10} {'text':>5}"
    )
    ratios = {}
    for n, label, fast, full, ptt, path, npass, same, same_text in rows:
        ratios[n, label] = fast / ptt
        print(
            f"{n:>5} {label:<17} {fast / n:>9.4f} {full / n:>9.4f} {ptt / n:>9.4f} {fast / ptt:>7.2f}x "
            f"{path:>12} {npass:>8} {str(same):>10} {same_text:>5}"
        )
    print(
        f"\nmedians of {args.repeat} runs (full path: {max(1, args.repeat - 2)}); pdftotext timed as a "
        "subprocess, start-up included. fast==full: passages, facts and metadata; text: also the text "
        "(n/a: an off-topic PDF read by PDFium, whose text is not pdfplumber's by design)"
    )
    for (n, label), limit, name in (((60, "topic on 4 pages"), 6.0, "(a)"), ((60, "no topic"), 1.5, "(b)")):
        r = ratios[n, label]
        print(
            f"target {name} {n} pages, {label}: {r:.2f}x pdftotext, limit {limit:g}x: "
            f"{'met' if r <= limit else 'NOT met'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
