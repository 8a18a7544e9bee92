"""RSS of one process that extracts the same PDFs again and again: a leak in the C helper
(``extractors._pdftext``) or a PDFium page never closed grows it; tracemalloc sees neither (C allocations).

The documents: synthetic policies in every font kind, topic (glyph reader, pdfplumber on the passage
pages) and off topic (PDFium alone), and with ``--corpus N`` the first N PDFs of a
pickled corpus (name -> bytes). RSS (``/proc/self/statm``) is printed after a warm-up round and every
``--every`` rounds; the last line gives the growth after the warm-up, with the load average.

Run: .venv/bin/python bench/extract_rss.py [--rounds 1000] [--corpus 20]
(8 documents x 1,000 rounds: ~5 min at load 7 on 2 cores)
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from extractors import extract  # noqa: E402
from tests.support.pdf import FONT_KINDS, render, synthetic_policy  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def documents(corpus: Path, n: int) -> dict[str, bytes]:
    docs = {f"topic|{kind}": render(synthetic_policy(3, (1,)), font=kind) for kind in FONT_KINDS}
    docs.update({f"off-topic|{kind}": render(synthetic_policy(6), font=kind) for kind in FONT_KINDS})
    if n and corpus.exists():
        with corpus.open("rb") as fh:
            pdfs = [(k, v) for k, v in sorted(pickle.load(fh).items()) if v[:5] == b"%PDF-"]
        docs.update(pdfs[:n])
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--corpus", type=int, default=0, help="also the first N PDFs of --corpus-file")
    parser.add_argument("--corpus-file", type=Path, default=Path("/tmp/ls/corpus.pkl"))
    args = parser.parse_args()
    docs = documents(args.corpus_file, args.corpus)
    t0 = time.monotonic()
    base = 0.0
    for r in range(args.rounds + 1):
        for data in docs.values():
            try:
                extract(data, "application/pdf", thread=False)
            except Exception:  # the extractor's own errors (a corpus PDF may be refused): not the point here
                pass
        if r % args.every == 0:
            gc.collect()
            now = rss_mib()
            base = base or now
            print(f"round {r:5d}: RSS {now:7.1f} MiB  {time.monotonic() - t0:5.0f} s", flush=True)
    print(
        f"{len(docs)} documents x {args.rounds} rounds: RSS {base:.1f} -> {rss_mib():.1f} MiB after the"
        f" warm-up round (load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
