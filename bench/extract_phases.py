"""Where an off-topic policy's extraction time goes: CPU of cumulative phases, interleaved run by run.

The off-topic target (≤ 1.2× pdftotext) is decided by a few milliseconds, and on a shared machine a
profiler's overhead and wall-clock noise hide them; so each phase is timed whole, the phases are run in
turn (interleaved, medians), and each phase's cost is its difference from the one before:

* PDFium's pages — ``FPDF_LoadPage`` + ``FPDFText_LoadPage`` of every page (the floor: no reading is
  cheaper than PDFium's own text pages);
* ``pdfhandles.text_page`` — plus the page text and the handles' Python;
* ``pdfium.read_pages`` — plus the page checks, the needles, the C look-ups (``_pdftext.pieces``), the
  ``Line`` records; since ``_pdftext.page`` (one C call a page: its text, checks and lines) it no longer
  goes through ``text_page``, so its cost is its difference from PDFium's pages, not from ``text_page``;
* ``pdf.read_pdf`` — plus the layout (``lines_to_blocks``, running lines);
* ``extract`` — plus sections, passages, metadata, revision history.

Run: .venv/bin/python bench/extract_phases.py [--repeat 15] [--kinds type1,differences,cairo]
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
from bench.extract import make  # noqa: E402
from extractors import pdfium  # noqa: E402
from extractors.pdf import read_pdf  # noqa: E402
from extractors.pdfhandles import document, held, raw, text_page  # noqa: E402


def _pdfium_pages(data: bytes) -> None:
    with document(data, lambda: None) as doc:
        for i in range(raw.FPDF_GetPageCount(doc)):
            page = raw.FPDF_LoadPage(doc, i)
            raw.FPDFText_ClosePage(raw.FPDFText_LoadPage(page))
            raw.FPDF_ClosePage(page)


def _text_pages(data: bytes) -> None:
    with document(data, lambda: None) as doc:
        for i in range(raw.FPDF_GetPageCount(doc)):
            with text_page(doc, i):
                pass


def _read_pages(data: bytes) -> None:
    with held(data, lambda: None):  # as read_pdf calls it
        pdfium.read_pages(data, check=lambda: None, max_pages=10_000)


PHASES = [
    ("PDFium pages", _pdfium_pages),
    ("text_page", _text_pages),
    ("read_pages", _read_pages),
    ("read_pdf", lambda data: read_pdf(data)),
    ("extract", lambda data: extractors.extract(data, thread=False)),
]


def _pdftotext(path: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["pdftotext", "-q", str(path), "-"], check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--kinds", default="type1,differences,cairo,ttf")
    args = ap.parse_args()
    print(f"at the start: {os.popen('uptime').read().strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            path = Path(tmp, f"{kind}.pdf")
            path.write_bytes(make(kind, args.pages, ()))
            data = path.read_bytes()
            extractors.extract(data, thread=False)  # warm: fonts, imports
            times: dict[str, list[float]] = {name: [] for name, _ in PHASES}
            ptt: list[float] = []
            for _ in range(args.repeat):
                for name, fn in PHASES:
                    t = time.process_time()
                    fn(data)
                    times[name].append(time.process_time() - t)
                ptt.append(_pdftotext(path))
            medians = {name: median(v) * 1000 for name, v in times.items()}
            before, parts = 0.0, []
            for name, _ in PHASES:
                parts.append(f"{name} {medians[name]:.1f} (+{medians[name] - before:.1f})")
                before = medians[name]
            p = median(ptt) * 1000
            print(f"{kind}: " + ", ".join(parts) + f"; pdftotext {p:.1f}; ratio {before / p:.2f}x")
    print(f"at the end: {os.popen('uptime').read().strip()}; CPU ms, medians of {args.repeat}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
