"""Benchmark: extractors.extract against poppler's pdftotext on the same file, per producer and font kind.

Generates 60-page synthetic policies at run time (tests/support/pdf.py) in every font kind a payer's PDF
comes in — ``type1`` (reportlab's standard Helvetica), ``ttf`` (embedded subset TrueType with ToUnicode),
``differences`` (Type 1 with a /Differences encoding), ``cid`` (fpdf2: CIDFontType2, Identity-H) — and the
``ttf`` file re-written by cairo (``pdftocairo -pdf``) and ghostscript (TrueType without ToUnicode). Each
in two shapes: the drugs named on 4 pages, and never named. Per file it times the fast path and
``pdftotext`` (median of N runs, interleaved so background load hits both alike), reports which reader
ran on how many pages, and checks that the fast path's passages, facts and metadata equal the
``full=True`` path's (all pages through pdfplumber) — and its text too where a passage exists.

Per file it prints the readers and how many pages each laid out, wall-clock ms of both and their
ratio (the target's measure), and CPU ms of both (``extract``'s process time; pdftotext's child CPU)
and their ratio, which load distorts less. Targets (issue #17): ≤ 3× pdftotext with the drugs on 4 of 60
pages, ≤ 1.2× when never named, for every kind. The machine is shared: compare ratios measured in the
same run, not seconds across runs; the load average is printed at the start and the end.

Run: .venv/bin/python bench/extract.py [--repeat 5] [--pages 60] [--kinds type1,ttf,...] [--full-timing]
     [--without-facts]   (the same without the coverage-facts reader: the reading's own cost)
"""

from __future__ import annotations

import argparse
import os
import resource
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
from tests.support.pdf import render, rewrite, synthetic_policy  # noqa: E402

KINDS = ("type1", "ttf", "differences", "cid", "cairo", "gs")
LIMITS = {"topic on 4 pages": 3.0, "no topic": 1.2}


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``fn()``: this process's CPU (every thread) plus that of the
    children it reaped meanwhile (pdftotext). CPU time is what a loaded machine distorts least."""
    c0 = time.process_time() + _children_cpu()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() + _children_cpu() - c0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pdftotext(path: str) -> None:
    subprocess.run(["pdftotext", "-q", path, "-"], check=True, stdout=subprocess.DEVNULL)


def make(kind: str, n: int, topic: tuple[int, ...]) -> bytes:
    src = synthetic_policy(n, topic)
    if kind in ("cairo", "gs"):
        return rewrite(render(src, font="ttf"), kind)
    return render(src, font=kind)


def readers(data: bytes) -> str:
    """Which reader ran on how many pages: PDFium's lines (every page), PDFium's glyphs with pdfplumber's
    line rule (the pages passages rest on), pdfplumber (ruled tables, readings in doubt)."""
    read = read_pdf(data, passage_pages=passage_pages)
    if read.source == "pdfium":
        return f"pdfium {read.pages}"
    return f"pdfium {read.pages}, glyphs {len(read.glyphs)}, plumber {len(read.plumbed)}"


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(data: bytes, repeat: int, full_timing: bool) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as fh:
        fh.write(data)
        path = fh.name
    try:
        extractors.extract(data)  # warm: fonts, caches
        fast, ptt, full = [], [], []
        for k in range(repeat):
            fast.append(timed(lambda: extractors.extract(data)))
            ptt.append(timed(lambda: pdftotext(path)))
            if full_timing and k < max(1, repeat - 2):
                full.append(timed(lambda: extractors.extract(data, full=True))[0])
    finally:
        os.unlink(path)
    a, b = extractors.extract(data), extractors.extract(data, full=True)
    same = a.passages == b.passages and a.facts == b.facts and a.metadata == b.metadata
    same_text = (a.text == b.text) if b.passages else None
    return {
        "fast": median(t for t, _ in fast),
        "ptt": median(t for t, _ in ptt),
        "fast_cpu": median(c for _, c in fast),
        "ptt_cpu": median(c for _, c in ptt),
        "full": median(full) if full else None,
        "readers": readers(data),
        "passages": len(a.passages),
        "same": same,
        "same_text": same_text,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--full-timing", action="store_true", help="also time the all-pages pdfplumber path")
    ap.add_argument(
        "--without-facts",
        action="store_true",
        help="skip the coverage-facts reader (extractors/facts/): what the PDF reading itself costs",
    )
    args = ap.parse_args()
    if args.without_facts:
        extractors.find_facts = lambda *a, **k: ()  # extractors.extract looks it up at call time
    n = args.pages
    extractors.extract(render(synthetic_policy(2, (1,))))  # warm imports
    print(
        f"{n}-page policies, medians of {args.repeat}{' (facts reader off)' if args.without_facts else ''}; "
        f"load average {load()} (1/5/15 min) on {os.cpu_count()} cores at the start"
    )
    print(
        f"{'kind':<12} {'document':<17} {'readers (pages laid out)':<34} {'fast ms':>7} {'pdftotext':>9} "
        f"{'ratio':>6} {'cpu ms':>6} {'ptt cpu':>7} {'cpu ratio':>9} {'full ms':>7} {'pass':>4} "
        f"{'fast==full':>10} {'text':>5} target (wall ratio)"
    )
    ok = True
    for kind in args.kinds.split(","):
        for label, topic in (("topic on 4 pages", (1, n // 3, n // 2, n - 2)), ("no topic", ())):
            r = measure(make(kind, n, topic), args.repeat, args.full_timing)
            ratio = r["fast"] / r["ptt"]
            met = ratio <= LIMITS[label]
            ok &= r["same"] and r["same_text"] is not False
            full = f"{r['full'] * 1000:.1f}" if r["full"] is not None else "-"
            text = "n/a" if r["same_text"] is None else str(r["same_text"])
            print(
                f"{kind:<12} {label:<17} {r['readers']:<34} {r['fast'] * 1000:>7.1f} {r['ptt'] * 1000:>9.1f} "
                f"{ratio:>5.2f}x {r['fast_cpu'] * 1000:>6.1f} {r['ptt_cpu'] * 1000:>7.1f} "
                f"{r['fast_cpu'] / r['ptt_cpu']:>8.2f}x {full:>7} {r['passages']:>4} {str(r['same']):>10} "
                f"{text:>5} {'met' if met else 'NOT met'} (<= {LIMITS[label]:g}x)",
                flush=True,
            )
    print(f"load average {load()} at the end")
    print(
        "\npdftotext is timed as a subprocess on the same file, start-up included; ms: wall-clock medians; "
        "cpu ms: the CPU time of extract (all threads) and of the pdftotext child. fast==full: passages, "
        "facts and metadata equal the all-pages pdfplumber path's; text: also the text (n/a: an off-topic "
        "PDF is read by PDFium alone, whose text is not pdfplumber's by design)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
