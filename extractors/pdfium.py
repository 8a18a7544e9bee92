"""The first PDF pass: PDFium reads every page's text, and decides whether pdfplumber is needed at all.

Most documents a payer publishes never mention ketamine or esketamine, and the crawl extracts every one
of them. Their text only feeds identity, metadata and the formatting-only comparison (design.md: the
topic filter decides which documents can raise changes), so for them this pass *is* the reading: PDFium
(C++, ~0.25 ms a page) gives each page's text in reading lines, plus four cheap per-line look-ups (origin,
font size, text matrix, font name) for the ``Line`` records the shared layout rules (``layout``) need.

``first_pass`` answers with the pages' lines only when it is sure the document is off topic:

* no page's text, letters only and lower-cased (so kerning, line-end hyphens, soft hyphens and case never
  hide a term), contains a topic needle (``terms.SCAN_NEEDLES``: a superset of what ``terms.is_topic``
  accepts), also across page breaks;
* PDFium read every page cleanly: a page with objects but no text (a scan, a font without a Unicode map),
  replacement or control characters, code points outside the BMP (offsets would drift), or a document
  whose words are not words (a font PDFium decodes to a cipher) means "maybe on topic".

Anything else returns ``None`` and the caller takes the pdfplumber path, which also decides every error
except a password (mapped to ``EncryptedDocument`` here, as pdfminer would). PDFium is not thread-safe
(not even across documents), so every call runs under one module lock; ``extract`` runs in a worker
thread and a timed-out worker may still be inside PDFium.
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
import unicodedata
from collections.abc import Callable

import pypdfium2  # noqa: F401  (initializes the library; a hard dependency)
import pypdfium2.raw as raw

from .layout import Line
from .model import DocumentTooLarge, EncryptedDocument
from .pdfscan import _lines, is_bold
from .terms import SCAN_NEEDLES

_LOCK = threading.Lock()
_NEEDLES = tuple(n.decode() for n in SCAN_NEEDLES)
#: every ASCII byte that is not a letter or digit
_NOT_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())


def _flat(low: str) -> str:
    """``low`` (lower-cased text) as letters and digits only: "keta-\\r\\nmine", "k e t a m i n e" and
    "ketamine" look alike. Other characters are dropped (never turned into letters): only more matches."""
    if not low.isascii():
        low = unicodedata.normalize("NFKC", low).lower()  # full-width letters, the Kelvin sign, ...
    return low.encode("ascii", "ignore").translate(None, _NOT_ALNUM).decode("ascii")


#: Characters a clean PDFium reading does not contain: C0 controls (\x02 is PDFium's generated hyphen,
#: handled before this test), the replacement character and noncharacters other than \ufffe (PDFium's
#: marker for a hyphen that ends a line).
_SUSPECT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\uffff]")
#: The four commonest words of English prose, about a tenth of its words (policies: 8-12 %); a cipher has
#: none. Counted with str.count, which is what keeps this test nearly free.
_COMMON = (" the ", " and ", " of ", " to ")


def doubtful(text: str) -> bool:
    """A page reading PDFium may have got wrong: blank despite a call for text, control or replacement
    characters, private-use or unassigned code points (glyphs without a meaning; the two bullet glyphs
    of the Symbol and Wingdings fonts excepted)."""
    if not text.strip() or _SUSPECT.search(text):
        return True
    return not text.isascii() and any(
        unicodedata.category(c) in ("Co", "Cn", "Cs") and c not in "\uf0b7\uf0a7\ufffe" for c in text
    )


def cipher(words: int, common: int) -> bool:
    """Enough words, hardly any of them English function words: a font decoded to the wrong letters."""
    return words >= 80 and common < 0.02 * words


def first_pass(data: bytes, *, check: Callable[[], None], max_pages: int) -> list[list[Line]] | None:
    """Every page's lines (reading order) when the document certainly never names the drugs and PDFium
    read it cleanly; ``None`` when pdfplumber must decide. Raises ``EncryptedDocument`` and
    ``DocumentTooLarge`` like the pdfplumber path."""
    while not _LOCK.acquire(timeout=0.05):
        check()
    try:
        return _read(raw, data, check, max_pages)
    finally:
        _LOCK.release()


def _read(raw, data: bytes, check: Callable[[], None], max_pages: int) -> list[list[Line]] | None:
    buf = ctypes.create_string_buffer(data, len(data))  # PDFium reads it lazily: keep it alive
    doc = raw.FPDF_LoadMemDocument64(buf, len(data), None)
    if not doc:
        if raw.FPDF_GetLastError() == raw.FPDF_ERR_PASSWORD:
            raise EncryptedDocument("PDF is encrypted with a password")
        return None  # corrupt, or a format PDFium declines: pdfminer decides (and names the error)
    try:
        n = raw.FPDF_GetPageCount(doc)
        if n > max_pages:
            raise DocumentTooLarge(f"PDF has {n} pages; the limit is {max_pages}")
        pages: list[list[Line]] = []
        fonts: dict[bytes, bool] = {}  # font name → bold, for this document (subset prefixes vary)
        tail = ""
        words = common = 0
        for i in range(n):
            check()
            page_text = _page(raw, doc, i, fonts)
            if page_text is None:
                return None
            text, lines = page_text
            low = text.lower()
            flat = _flat(low)
            joined = tail + flat
            if any(needle in joined for needle in _NEEDLES):
                return None  # maybe on topic: pdfplumber reads it exactly as before
            tail = flat[-16:]
            words += low.count(" ") + 1
            common += sum(low.count(w) for w in _COMMON)
            pages.append(lines)
        if not any(pages):
            return None  # no text anywhere: the pdfplumber path raises the right error
        if cipher(words, common):
            return None  # words that are not words: a font PDFium decodes to a cipher
        return pages
    finally:
        raw.FPDF_CloseDocument(doc)


def _page(raw, doc, index: int, fonts: dict[bytes, bool]) -> tuple[str, list[Line]] | None:
    """(PDFium's text of the page, its lines), or ``None`` when the reading is in doubt."""
    page = raw.FPDF_LoadPage(doc, index)
    if not page:
        return None
    tp = None
    try:
        tp = raw.FPDFText_LoadPage(page)
        if not tp:
            return None
        count = raw.FPDFText_CountChars(tp)
        if count <= 0:
            # a blank page is fine; objects without text are a scan or an unmapped font
            return ("", []) if raw.FPDFPage_CountObjects(page) == 0 else None
        out = ctypes.create_string_buffer((count + 1) * 2)
        raw.FPDFText_GetText(tp, 0, count, ctypes.cast(out, ctypes.POINTER(ctypes.c_ushort)))
        text = out.raw[: count * 2].decode("utf-16-le", "replace")
        if len(text) != count:
            return None
        text = text.replace("\x02", "\ufffe")  # PDFium's two spellings of a line-end hyphen
        if doubtful(text):
            return None
        pieces = _pieces(raw, tp, text, fonts)
        if len({p[0] for p in pieces}) == len(pieces):  # one piece per baseline (the rule): no grouping
            pieces.sort(key=lambda p: -p[0])
            lines = [Line(index, s, y, x, size, bold) for y, x, size, bold, s in pieces]
        else:
            lines = _lines(pieces, index)
        return text, lines
    finally:
        if tp:
            raw.FPDFText_ClosePage(tp)
        raw.FPDF_ClosePage(page)


def _segments(text: str):
    """(start, text, ends_in_hyphen) per PDFium line. PDFium ends a line with "\\r\\n" or, when the line
    ends in a hyphen, joins the next line to it with "\\ufffe": that is "-" and a line break, as
    pdfplumber reads it."""
    pos = 0
    for line in text.split("\r\n"):
        if "\ufffe" in line:
            sub = 0
            for part in line.split("\ufffe")[:-1]:
                yield pos + sub, part, True
                sub += len(part) + 1
            yield pos + sub, line[sub:], False
        else:
            yield pos, line, False
        pos += len(line) + 2


def _plain(text: str):
    """``_segments`` for a page without line-end hyphens (most pages), without the generator's cost."""
    out, pos = [], 0
    for line in text.split("\r\n"):
        out.append((pos, line, False))
        pos += len(line) + 2
    return out


def _pieces(raw, tp, text: str, fonts: dict[bytes, bool]) -> list[tuple[float, float, float, bool, str]]:
    """One piece per PDFium line: (baseline to 0.1 pt, x, size, bold, text), read at its first glyph.

    Four calls a line: the glyph's origin, font size, matrix (the size pdfplumber reports is the font
    size scaled by it) and font name (bold or not, with the rule the other readers use). A line whose
    first glyph is bold is bold only if its last glyph is too ("Effective Date: May 1" with a bold label
    is not a heading), as pdfplumber's reading requires every glyph to be bold.
    """
    x, y = ctypes.c_double(), ctypes.c_double()
    m = raw.FS_MATRIX()
    name = ctypes.create_string_buffer(128)
    px, py, pm, pflags = ctypes.byref(x), ctypes.byref(y), ctypes.byref(m), ctypes.byref(ctypes.c_int())
    origin, font_size, matrix, font_info = (
        raw.FPDFText_GetCharOrigin,
        raw.FPDFText_GetFontSize,
        raw.FPDFText_GetMatrix,
        raw.FPDFText_GetFontInfo,
    )
    pieces = []
    for start, line, hyphen in _segments(text) if "\ufffe" in text else _plain(text):
        body = line.lstrip()
        if not body:
            continue
        k = start + len(line) - len(body)
        origin(tp, k, px, py)
        matrix(tp, k, pm)
        size = font_size(tp, k) * math.sqrt(abs(m.a * m.d - m.b * m.c))
        font_info(tp, k, name, 128, pflags)
        bold = _bold(fonts, name.value)
        body = body.rstrip()
        if bold and len(body) > 1:
            font_info(tp, k + len(body) - 1, name, 128, pflags)
            bold = _bold(fonts, name.value)
        pieces.append((round(y.value, 1), x.value, round(size, 2), bold, body + ("-" if hyphen else "")))
    return pieces


def _bold(fonts: dict[bytes, bool], name: bytes) -> bool:
    if name not in fonts:
        fonts[name] = is_bold(name.decode("latin-1"))
    return fonts[name]
