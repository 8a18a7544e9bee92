"""A seeded fuzz run of the C helper (``extractors._pdftext``) on mangled PDFs: ``make sanitize`` runs it
against a build with AddressSanitizer and UndefinedBehaviorSanitizer (.ci/sanitize.sh), where a read or
write outside a buffer, a use after free or undefined arithmetic stops the run with a report.

The documents: the fixture renderer's policies in every font kind, pages made to be hard (100,000 glyphs
on one page, a page 200 inches square, a MediaBox of 10^9 points, objects without text, fonts whose
ToUnicode maps are removed, text matrices of 1e38 and of zero) and, when present, a corpus of real-world
documents' bytes (a pickled dict name -> bytes; only its PDFs are used). Each is read as the extractor
reads it — ``held``, ``pdfium.read_pages``, ``pdfglyphs.glyph_lines`` on the pages that name a needle —
plus ``_pdftext.pieces`` and ``rows`` on every page; then mutated copies of it: truncated, bytes flipped
anywhere, and content streams inflated, mangled (bytes flipped, operators and numbers like 1e308, -0,
NaN spliced in, runs repeated or cut) and written back. The C page is also compared with the Python
it replaced (tests/support/pdftext_reference.py) on the first pages: a difference is reported too.

Any exception but the extractor's own errors is a finding (printed, counted, the run goes on); a
sanitizer report ends the process. Example::

    .venv/bin/python -m tests.support.pdffuzz --seconds 60 --seed 17
"""

from __future__ import annotations

import argparse
import io
import pickle
import random
import re
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from extractors import _pdftext, pdfglyphs, pdfium
from extractors.model import ExtractionError
from extractors.pdfhandles import address, document, font_bold, held, raw, text_page
from tests.support import pdftext_reference as ref
from tests.support.pdf import FONT_KINDS, render, synthetic_policy, ttf_available

CORPUS = Path("/tmp/ls/corpus.pkl")
#: what a mangled content stream gets spliced in: operators out of place, extreme and odd numbers
TOKENS = [
    b" BT ",
    b" ET ",
    b" q ",
    b" Q ",
    b" Tj ",
    b" TJ ",
    b" Tf ",
    b" Tm ",
    b" Td ",
    b" cm ",
    b" Tz ",
    b" TL ",
    b" T* ",
    b" ' ",
    b' " ',
    b" Tc ",
    b" Tw ",
    b" Ts ",
    b" Tr ",
    b"(",
    b")",
    b"<",
    b">",
    b"[",
    b"]",
    b"<<",
    b" 1e308 ",
    b" -1e308 ",
    b" 3.4e38 ",
    b" 0 ",
    b" -0 ",
    b" nan ",
    b" inf ",
    b" 99999999999999999999 ",
    b" -2147483649 ",
    b" 0 0 0 0 0 0 cm ",
    b" 1e38 0 0 1e38 0 0 Tm ",
    b" 0 1 -1 0 0 0 Tm ",
    b" /F1 1e30 Tf ",
    b" (\\376\\377\\330\\000) Tj ",
    b" <FFFE0002D834DD1E> Tj ",
    b" (\x00\x01\x02\x1f) Tj ",
]
_STREAM = re.compile(rb"(<<(?:[^<>]|<<(?:[^<>]|<<[^<>]*>>)*>>)*>>)\s*stream\r?\n", re.S)


def _canvas(pagesize: tuple[float, float] = letter) -> tuple[io.BytesIO, canvas.Canvas]:
    buf = io.BytesIO()
    return buf, canvas.Canvas(buf, pagesize=pagesize, invariant=1, pageCompression=0)


def hard_pages() -> dict[str, bytes]:
    """Pages made to be hard for the readers (see the module docstring)."""
    out: dict[str, bytes] = {}
    buf, c = _canvas()
    c.setFont("Helvetica", 1)  # 100,000 glyphs: 1,000 lines of 100
    for k in range(1000):
        c.drawString(2, 790 - 0.78 * k, "ketamine " * 11 + "x")
    c.showPage()
    c.save()
    out["glyphs100k"] = buf.getvalue()
    buf, c = _canvas((14400, 14400))
    c.setFont("Helvetica", 400)
    c.drawString(100, 14000, "A page two hundred inches square")
    c.drawString(100, 100, "its last line at the bottom")
    c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(54, 700, "a page of a billion points")  # MediaBox replaced below
    c.showPage()
    c.rect(10, 10, 100, 100, fill=1)  # objects, no characters
    c.showPage()
    c.setFont("Helvetica", 10)
    c.saveState()
    c.transform(1e38, 0, 0, 1e38, 0, 0)  # sizes past float range
    c.drawString(0, 0, "huge")
    c.restoreState()
    c.saveState()
    c.transform(0, 0, 0, 0, 100, 100)  # a singular matrix: every glyph at one point, size 0
    c.drawString(0, 0, "flat")
    c.restoreState()
    c.drawString(54, 500, "the member and the plan")
    c.showPage()
    c.save()
    data = buf.getvalue()
    boxes = list(re.finditer(rb"/MediaBox \[ 0 0 [\d.]+ [\d.]+ \]", data))
    if len(boxes) > 1:
        s, e = boxes[1].span()
        data = data[:s] + b"/MediaBox [ 0 0 1000000000 1000000000 ]" + data[e:]
    out["huge"] = data
    src = synthetic_policy(3, (1,))
    for kind in FONT_KINDS if ttf_available() else ("type1", "differences"):
        data = render(src, font=kind)
        out[f"synthetic|{kind}"] = data
        if b"/ToUnicode" in data:  # the same key length: the cross-reference table stays right
            out[f"synthetic|{kind}|no-tounicode"] = data.replace(b"/ToUnicode", b"/ToUnicodX")
    return out


def corpus(path: Path, limit: int) -> dict[str, bytes]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        docs = pickle.load(fh)  # a local file another session wrote: trusted as the tests trust fixtures
    pdfs = {name: data for name, data in sorted(docs.items()) if data[:1024].lstrip().startswith(b"%PDF")}
    return dict(list(pdfs.items())[:limit]) if limit else pdfs


def _streams(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, dictionary) of each stream's data."""
    for m in _STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        if end > 0:
            yield m.end(), end, m.group(1)


def _mangle(content: bytes, rng: random.Random) -> bytes:
    b = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        at = rng.randrange(len(b) + 1)
        if op < 0.35 and b:
            b[min(at, len(b) - 1)] = rng.randrange(256)
        elif op < 0.7:
            b[at:at] = rng.choice(TOKENS)
        elif op < 0.85 and b:
            n = rng.randint(1, 400)
            b[at:at] = b[at : at + n] * rng.randint(2, 50)  # a run repeated: many more glyphs
        else:
            del b[at : at + rng.randint(1, 200)]
    return bytes(b)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One mangled copy of ``data``: truncated, bytes flipped anywhere, or a content stream mangled."""
    kind = rng.random()
    if kind < 0.15:
        return data[: rng.randrange(len(data))]
    if kind < 0.3:
        b = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    streams = list(_streams(data))
    if not streams:
        return data[: rng.randrange(len(data))]
    start, end, head = rng.choice(streams)
    body = data[start:end].rstrip(b"\r\n")
    packed = b"/FlateDecode" in head
    if packed:
        try:
            body = zlib.decompressobj().decompress(body, 4 << 20)
        except zlib.error:
            packed = False
    body = _mangle(body, rng)
    if packed:
        body = zlib.compress(body)
    head2 = re.sub(rb"/Length \d+(?! \d+ R)", b"/Length %d" % len(body), head, count=1)
    dict_start = data.rfind(head, 0, start)
    return data[:dict_start] + head2 + data[dict_start + len(head) : start] + body + b"\n" + data[end:]


def _never(*_: object) -> None:
    return None


def read(data: bytes, stats: Counter[str], compare: int) -> None:
    """Read ``data`` as the extractor does, plus every page's pieces and rows; compare the C page with
    the Python one on the first ``compare`` pages."""
    with held(data, _never):
        reading = pdfium.read_pages(data, check=_never, max_pages=2000)
        if reading is None:
            stats["unopened"] += 1
            return
        stats["pages"] += len(reading.pages)
        stats["pages in doubt"] += sum(p is None for p in reading.pages)
        if reading.hits:
            stats["glyph pages"] += len(reading.hits)
            pdfglyphs.glyph_lines(data, set(sorted(reading.hits)[:4]), check=_never)
    with document(data, _never) as doc:
        if not doc:
            return
        fonts: dict[bytes, bool] = {}
        for i in range(min(raw.FPDF_GetPageCount(doc), 12)):
            with text_page(doc, i) as loaded:
                if loaded is None:
                    continue
                _, tp, text = loaded
                _pdftext.pieces(address(tp), text.replace("\x02", "\ufffe"), fonts, font_bold)
                _pdftext.rows(address(tp), text, fonts, font_bold)
            if i < compare:
                c_page = pdfium._page(doc, address(doc), None, i, {}, ruling=True)
                py_page = ref.page(doc, i, {}, ruling=True)
                if repr(c_page) != repr(py_page):
                    stats["C and Python differ"] += 1
                    raise AssertionError(f"page {i}: C {c_page!r:.300} != Python {py_page!r:.300}")


def run(
    seconds: float, seed: int, corpus_path: Path, corpus_limit: int, compare: int, current: Path | None = None
) -> Counter[str]:
    rng = random.Random(seed)
    docs = hard_pages()
    names = sorted(docs)  # the hard pages first, then the corpus
    docs.update(corpus(corpus_path, corpus_limit))
    names += sorted(set(docs) - set(names))
    stats: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    t0 = time.monotonic()

    def one(label: str, data: bytes) -> None:
        stats["documents"] += 1
        if current is not None:  # left behind if a sanitizer ends the process while reading it
            current.write_bytes(data)
        try:
            read(data, stats, compare)
        except ExtractionError:
            stats["extractor errors"] += 1
        except Exception as exc:  # a finding: say which input, go on
            findings[f"{type(exc).__name__}: {str(exc)[:200]}"] += 1
            print(f"FINDING {label}: {type(exc).__name__}: {str(exc)[:300]}", flush=True)

    for name in names:  # every document once as it is
        one(name, docs[name])
        if time.monotonic() - t0 > seconds / 2:
            break
    while time.monotonic() - t0 < seconds:
        name = rng.choice(names)
        state = rng.getstate()
        mutated = mutate(docs[name], rng)
        stats["mutants"] += 1
        one(f"{name} (mutant of seed state {hash(state) & 0xFFFFFFFF:08x})", mutated)
    stats["seconds"] = round(time.monotonic() - t0)
    stats["findings"] = sum(findings.values())
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--corpus-limit", type=int, default=0, help="the first N corpus PDFs (0: all)")
    parser.add_argument("--compare", type=int, default=3, help="pages compared with the Python reference")
    parser.add_argument("--save-current", type=Path, help="write each input here before reading it")
    args = parser.parse_args(argv)
    stats = run(args.seconds, args.seed, args.corpus, args.corpus_limit, args.compare, args.save_current)
    print("pdffuzz: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())), flush=True)
    return 1 if stats["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
