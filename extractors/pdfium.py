"""PDFium reads every page of every PDF; it decides which pages pdfplumber must lay out.

PDFium (C++, about 1 ms a page) gives each page's text for any font a payer's PDF uses: standard Type 1,
embedded subset TrueType with or without a ToUnicode map, CID fonts with Identity-H, /Differences
encodings. From it ``read_pages`` builds one ``Line`` per baseline (origin, font size × text matrix,
font name: four cheap look-ups a line), the records the shared layout rules (``layout``) turn into
blocks, and says for each page whether pdfplumber's reading of it may differ:

* the page's reading is in doubt (``None``): blank despite objects (a scan, a font without a Unicode
  map), replacement or control characters, code points outside the BMP (offsets would drift);
* the page is *inexact* (``Reading.inexact``): ruled graphics that may hold two cells (``tabular``:
  maybe a table, which pdfplumber reads as " | " rows), form XObjects, rotated text or a rotated page;
* the document is a *cipher*: enough words, hardly any English function words (a font decoded to the
  wrong letters).

Whether the document may name the drugs (``Reading.topic``) is decided on the page text reduced to
lower-case letters and digits, so kerning, line-end and soft hyphens, case and page breaks never hide a
term (``terms.SCAN_NEEDLES``, a superset of what ``terms.is_topic`` accepts).

``pdf.read_pdf`` uses the reading in two ways: a document that certainly never names the drugs is read
by PDFium alone; every other document gets pdfplumber on the pages that need it and PDFium's lines,
which equal pdfplumber's there, on the rest. Documents are opened through ``pdfhandles`` (one lock:
PDFium is not thread-safe), which keeps the pages that name a needle open for the glyph reader.

Each page is read in one call to the C helper (``_pdftext.page``: load the page and its text page, the
text, ``doubtful``, the flat text and its needles, the word counts, the pieces and their ``Line``
records), which closes the page unless Python still needs it (a page ``held`` keeps, a page whose ruled
graphics ``tabular`` looks at). The Python it replaced — a pass over the text per check, ctypes calls,
the tuples and records: ~2 ms of a 60-page policy's ~20 (issue #17) — is
tests/support/pdftext_reference.py, compared with the C on every font kind. C calls back into this
module where it cannot be exact cheaply: ``_flat`` for text beyond ASCII (NFKC), ``_lines`` for pages
whose baselines are not all distinct, ``unicodedata.category`` once per code point.
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pypdfium2  # noqa: F401  (initializes the library; a hard dependency)
import pypdfium2.raw as raw

from . import _pdftext
from .layout import Line, group_pieces
from .model import DocumentTooLarge, EncryptedDocument
from .pdfhandles import KEEP, address, addressed, close, document, font_bold, handles, keep_open, kept_pages
from .terms import SCAN_NEEDLES

_NEEDLES = tuple(n.decode() for n in SCAN_NEEDLES)
#: every ASCII byte that is not a letter or digit
_NOT_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())


def _flat(low: str) -> str:
    """``low`` (lower-cased text) as letters and digits only: "keta-\\r\\nmine", "k e t a m i n e" and
    "ketamine" look alike. Other characters are dropped (never turned into letters): only more matches."""
    if not low.isascii():
        low = unicodedata.normalize("NFKC", low).lower()  # full-width letters, the Kelvin sign, ...
    return low.encode("ascii", "ignore").translate(None, _NOT_ALNUM).decode("ascii")


#: The four commonest words of English prose, about a tenth of its words (policies: 8-12 %); a cipher has
#: none. Counted in C (``_pdftext.page``), as str.count counts them in ``low``.
_COMMON = (" the ", " and ", " of ", " to ")


def doubtful(text: str) -> bool:
    """A page reading PDFium may have got wrong: blank despite a call for text, C0 controls other than tab
    and line ends (PDFium's generated hyphen \\x02 is replaced before this test), the replacement
    character and U+FFFF, private-use or unassigned code points (glyphs without a meaning; the two bullet
    glyphs of the Symbol and Wingdings fonts and U+FFFE, PDFium's line-end hyphen, excepted).

    In C (``_pdftext.doubtful``, the test ``_pdftext.page`` makes; the Python it replaced is
    tests/support/pdftext_reference.py), the Unicode categories from ``unicodedata.category`` once per
    code point."""
    return _pdftext.doubtful(text)


def cipher(words: int, common: int) -> bool:
    """Enough words, hardly any of them English function words: a font decoded to the wrong letters."""
    return words >= 80 and common < 0.02 * words


@dataclass
class Reading:
    """PDFium's reading of a document, page by page."""

    #: each page's lines in reading order; ``None`` where PDFium's reading of the page is in doubt
    pages: list[list[Line] | None]
    #: some page (or two pages across a break) may name the drugs
    topic: bool = False
    #: pages whose lines pdfplumber may read differently (ruled graphics, forms, rotation)
    inexact: set[int] = field(default_factory=set)
    #: the words are not words: a font PDFium decodes to the wrong letters
    cipher: bool = False
    #: pages whose text (running headers included) names a needle
    hits: set[int] = field(default_factory=set)

    @property
    def off_topic(self) -> bool:
        """Certainly never names the drugs, and read cleanly: PDFium's lines are the whole reading."""
        return (
            not self.topic and not self.cipher and all(p is not None for p in self.pages) and any(self.pages)
        )

    def needles(self, skip: Callable[[Line], bool] = lambda ln: False) -> set[int]:
        """Pages whose own lines (but those ``skip`` drops: running headers) name a topic needle."""
        hits = set()
        for i in self.hits:
            lines = self.pages[i]
            if lines and any(
                n in _flat("".join(ln.text for ln in lines if not skip(ln)).lower()) for n in _NEEDLES
            ):
                hits.add(i)
        return hits


def read_pages(data: bytes, *, check: Callable[[], None], max_pages: int) -> Reading | None:
    """PDFium's reading of every page, or ``None`` when PDFium cannot open the file (pdfminer then
    decides, and names the error). Raises ``EncryptedDocument`` and ``DocumentTooLarge`` like the
    pdfplumber path."""
    with document(data, check) as doc:
        if not doc:
            if raw.FPDF_GetLastError() == raw.FPDF_ERR_PASSWORD:
                raise EncryptedDocument("PDF is encrypted with a password")
            return None
        return _read(doc, check, max_pages)


def _read(doc: Any, check: Callable[[], None], max_pages: int) -> Reading:
    n = raw.FPDF_GetPageCount(doc)
    if n > max_pages:
        raise DocumentTooLarge(f"PDF has {n} pages; the limit is {max_pages}")
    reading = Reading(pages=[])
    fonts: dict[bytes, bool] = {}  # font name → bold, for this document (subset prefixes vary)
    handle, kept = address(doc), kept_pages(doc)
    tail = ""
    words = common = 0
    unruled: list[int] = []  # pages read before the first needle: their graphics are not looked at
    for i in range(n):
        check()
        page = _page(doc, handle, kept, i, fonts, ruling=reading.topic)
        if page is None:
            reading.pages.append(None)
            tail = ""
            continue
        head, end, spaces, commons, lines, exact, hit = page
        if not exact:
            reading.inexact.add(i)
        elif not reading.topic:
            unruled.append(i)
        if hit:
            reading.hits.add(i)
        # across the break: ``tail`` names no needle (it would have been a hit), so one that ends in this
        # page starts in the tail and ends in the page's first 16 characters (needles are shorter)
        across = tail + head
        if not reading.topic and (i in reading.hits or any(needle in across for needle in _NEEDLES)):
            # only now do the ruled graphics matter (an off-topic reading never mixes readers): look
            # at the earlier pages' (this one's included) again, without their text
            reading.topic = True
            reading.inexact.update(k for k in unruled if _ruled(doc, k))
        tail = end
        words += spaces
        common += commons
        reading.pages.append(lines)
    reading.cipher = cipher(words, common)
    return reading


#: ``_pdftext.page``'s ``hold``: which pages it leaves open for Python
_HOLD_HIT = 1  # a page naming a needle, while ``held`` has room to keep it
_HOLD_RULED = 2  # a straight page on a document that may name the drugs (``tabular`` looks at it)


def _page(
    doc: Any, handle: int, kept: dict[int, Any] | None, index: int, fonts: dict[bytes, bool], *, ruling: bool
) -> tuple[str, str, int, int, list[Line], bool, bool] | None:
    """(the page's first and last 16 letters and digits, lower-cased (``_flat``), its spaces + 1 and
    common words (``_COMMON``) in the lower-cased text, its lines, whether pdfplumber reads the same
    lines — ruled graphics only looked at if ``ruling`` —, whether it names a needle), or ``None`` when
    the reading is in doubt (``doubtful``, or objects without text: a scan, a font without a Unicode
    map). A page naming a needle stays open for the glyph reader (``keep_open``).

    One C call (``_pdftext.page``; the Python it replaced is tests/support/pdftext_reference.py) loads the
    page and its text page, reads and checks the text, and makes the lines: what pdfhandles.text_page,
    ``doubtful``, ``_flat`` and the per-line look-ups (``_pdftext.pieces``) did in turn, ~2 ms of Python on a
    60-page policy (issue #17). It closes the page unless Python still needs it: a page ``held`` keeps open is
    handed in (and never closed there)."""
    loaded = kept.get(index) if kept is not None else None
    hold = (_HOLD_HIT if kept is not None and len(kept) < KEEP else 0) | (_HOLD_RULED if ruling else 0)
    given = (address(loaded[0]), address(loaded[1])) if loaded is not None else (0, 0)
    got = _pdftext.page(handle, index, fonts, hold, *given)
    if got is None:
        return None
    page, tp, text, head, end, spaces, common, lines, exact, hit = got
    if page is not None and tp is not None:  # open: kept by ``held``, or left to Python
        try:
            if hit and loaded is None:
                keep_open(doc, index, handles(page, tp, text))
            if ruling and exact and text:
                exact = not tabular(page)
        finally:
            if loaded is None and (kept is None or index not in kept):
                close(page, tp)
    return head, end, spaces, common, lines, exact, hit


def _lines(pieces: list[tuple[float, float, float, bool, str]], index: int) -> list[Line]:
    """The lines of a page's pieces when some baselines are not distinct numbers (grouped as pdfplumber
    groups glyphs into rows); ``_pdftext.page`` itself makes one line per piece, top to bottom, else."""
    if len({p[0] for p in pieces}) == len(pieces):  # one piece per baseline (the rule): no grouping
        pieces.sort(key=lambda p: -p[0])
        return [Line(index, s, y, x, size, bold) for y, x, size, bold, s in pieces]
    return group_pieces(pieces, index)


def _ruled(doc: Any, index: int) -> bool:
    page = raw.FPDF_LoadPage(doc, index)
    try:
        return not page or tabular(page)
    finally:
        if page:
            raw.FPDF_ClosePage(page)


#: how near two paths must come for pdfplumber's table finder to join their edges: its snap, join and
#: intersection tolerances are 3 pt each; 10 pt leaves room for snapping that moves an edge
_NEAR = 10.0


def tabular(page: Any) -> bool:
    """Whether pdfplumber's table finder (``find_tables``, "lines" strategy) may find a table on the page,
    which it reads as " | " rows while PDFium reads lines: then pdfplumber must lay the page out.

    A table is two or more cells, each closed by horizontal and vertical edges that meet, so it lies
    within one group of paths that come near each other. A group cannot hold one when it is a single
    path of at most five points (one rectangle — a box around a note — or a line: at most four edges),
    or only horizontal or only vertical lines (header rules, underlines). Any other group may: a ruled
    table, or a table's header row alone at the foot of a page (two or three cells, which an earlier
    rule — "more than three paths" — took for a box). A form XObject may hold anything. Geometry comes
    from the paths' points through their matrices (PDFium's bounds add the stroke width); a point-size
    path gives pdfplumber no edge (its 1 pt prefilter) and is left out.
    """
    get, kind, handle = _GET_OBJECT, _OBJECT_TYPE, address(page)  # every page of a topic document
    groups: list[list[Any]] = []  # [x0, y0, x1, y1, paths, points, orientations]
    for k in range(_COUNT_OBJECTS(handle)):
        obj = get(handle, k)
        t = kind(obj)
        if t == raw.FPDF_PAGEOBJ_FORM:
            return True
        if t != raw.FPDF_PAGEOBJ_PATH:
            continue
        shape = _path_shape(ctypes.cast(obj, raw.FPDF_PAGEOBJECT))
        if shape is None:
            continue
        x0, y0, x1, y1, points = shape
        w, h = x1 - x0, y1 - y0
        group: list[Any] = [x0, y0, x1, y1, 1, points, {"h" if h < 1 else "v" if w < 1 else "box"}]
        for other in [g for g in groups if _near(g, group)]:
            groups.remove(other)
            group = [
                min(group[0], other[0]),
                min(group[1], other[1]),
                max(group[2], other[2]),
                max(group[3], other[3]),
                group[4] + other[4],
                group[5] + other[5],
                group[6] | other[6],
            ]
        if not (group[4] == 1 and group[5] <= 5) and group[6] not in ({"h"}, {"v"}):
            return True
        groups.append(group)
    return False


def _near(a: list[Any], b: list[Any]) -> bool:
    return a[0] - _NEAR <= b[2] and b[0] - _NEAR <= a[2] and a[1] - _NEAR <= b[3] and b[1] - _NEAR <= a[3]


def _path_shape(obj: Any) -> tuple[float, float, float, float, int] | None:
    """(x0, y0, x1, y1, points) of a path object in page space; ``None`` if it is smaller than 1 pt."""
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    xs, ys = [], []
    n = raw.FPDFPath_CountSegments(obj)
    for i in range(n):
        raw.FPDFPathSegment_GetPoint(raw.FPDFPath_GetPathSegment(obj, i), px, py)
        xs.append(m.a * x.value + m.c * y.value + m.e)
        ys.append(m.b * x.value + m.d * y.value + m.f)
    if not xs or (max(xs) - min(xs) < 1 and max(ys) - min(ys) < 1):
        return None
    return min(xs), min(ys), max(xs), max(ys), n


_COUNT_OBJECTS = addressed(raw.FPDFPage_CountObjects)
_GET_OBJECT = addressed(raw.FPDFPage_GetObject)
_OBJECT_TYPE = addressed(raw.FPDFPageObj_GetType)


_pdftext.configure(SCAN_NEEDLES, _flat, unicodedata.category, Line, _lines, font_bold)
