"""PDFium's documents and text pages, opened under one lock and shared by the two PDFium readers.

PDFium is not thread-safe (not even across documents), so every document is opened under one module lock,
and a reader waiting for the lock keeps checking its deadline: ``extract`` runs in a worker thread and a
timed-out worker may still be inside PDFium. Both readers of PDFium's text — the line reader (``pdfium``)
and the glyph reader (``pdfglyphs``) — open documents and pages here, which is what lets the second reuse
what the first opened (``held``, ``keep_open``) instead of loading the file, its fonts and its text pages
again. The ``addressed`` prototypes live here too because every caller of PDFium's raw API wants them
(half a call's cost), and so does the binding of the C helper (``_pdftext``: the line reader's page —
its handles, text, checks and lines — and the per-line and per-glyph look-ups, in one call a page) to
the PDFium library pypdfium2 loaded. The line reader loads and closes its pages in C
(``_pdftext.page``, which follows ``text_page``'s rules: the same ``None`` readings, the same pages left
open); it hands the pages it keeps to ``keep_open`` as ``handles`` and closes the others it was left
with by ``close``. The glyph reader and the tests open pages with ``text_page``.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pypdfium2  # noqa: F401  (initializes the library; a hard dependency)
import pypdfium2.raw as raw

from . import _pdftext
from .layout import is_bold

_LOCK = threading.Lock()

#: the document ``held`` keeps open in this thread: (bytes, document, {page: its text page kept open})
_HELD = threading.local()
#: at most this many text pages kept open for the glyph reader (the pages that name a needle)
KEEP = 8


@contextmanager
def held(data: bytes, check: Callable[[], None]) -> Iterator[Any]:
    """Keep ``data``'s document open (and the module lock held) for everything inside: ``document``
    called again for the same bytes in this thread reuses it instead of loading the file and its fonts
    again (~1.5 ms: the glyph reader's second look at the pages a topic document's passages rest on).
    The text pages of the first ``KEEP`` pages that name a needle stay open too (``text_page``): the
    glyph reader reads those pages again (~0.3 ms a page to load)."""
    with document(data, check) as doc:
        kept: dict[int, tuple[Any, Any, str]] = {}
        _HELD.entry = (data, doc, kept)
        try:
            yield doc
        finally:
            _HELD.entry = None
            for page, tp, _ in kept.values():
                raw.FPDFText_ClosePage(tp)
                raw.FPDF_ClosePage(page)


def _kept(doc: Any) -> dict[int, tuple[Any, Any, str]] | None:
    """The text pages ``held`` keeps open for ``doc``, or ``None`` outside ``held``."""
    entry = getattr(_HELD, "entry", None)
    return entry[2] if entry is not None and entry[1] is doc else None


@contextmanager
def document(data: bytes, check: Callable[[], None]) -> Iterator[Any]:
    """PDFium's document of ``data`` (NULL when PDFium cannot open it), held under the module lock:
    PDFium is not thread-safe, and a timed-out extraction thread may still be inside it."""
    entry = getattr(_HELD, "entry", None)
    if entry is not None and entry[0] is data:  # inside ``held``: this thread has the lock and the document
        yield entry[1]
        return
    while not _LOCK.acquire(timeout=0.05):
        check()
    try:
        buf = ctypes.create_string_buffer(data, len(data))  # PDFium reads it lazily: keep it alive
        doc = raw.FPDF_LoadMemDocument64(buf, len(data), None)
        try:
            yield doc
        finally:
            if doc:
                raw.FPDF_CloseDocument(doc)
    finally:
        _LOCK.release()


@contextmanager
def text_page(doc: Any, index: int) -> Iterator[tuple[Any, Any, str] | None]:
    """(page, text page, PDFium's text of the page: "" if it has no characters), or ``None`` when PDFium
    cannot load the page or its text (one UTF-16 unit per character, or offsets would drift).
    Inside ``held``, a page kept open (``keep_open``) is handed out again and left open."""
    kept = _kept(doc)
    if kept is not None and index in kept:
        yield kept[index]
        return
    page = raw.FPDF_LoadPage(doc, index)
    if not page:
        yield None
        return
    tp = loaded = None
    try:
        tp = raw.FPDFText_LoadPage(page)
        if not tp:
            yield None
            return
        count = max(raw.FPDFText_CountChars(tp), 0)
        text = ""
        if count:
            out = ctypes.create_string_buffer((count + 1) * 2)
            _GET_TEXT(address(tp), 0, count, ctypes.addressof(out))
            text = str(memoryview(out)[: count * 2], "utf-16-le", "replace")  # no copy of the buffer
        loaded = (page, tp, text) if len(text) == count else None
        yield loaded
    finally:
        if loaded is None or kept is None or kept.get(index) is not loaded:  # else ``held`` closes it
            if tp:
                raw.FPDFText_ClosePage(tp)
            raw.FPDF_ClosePage(page)


def keep_open(doc: Any, index: int, loaded: tuple[Any, Any, str]) -> None:
    """Inside ``held``, leave page ``index``'s text page (``loaded``, from ``text_page``) open for a
    second reading, up to ``KEEP`` pages; outside, nothing."""
    kept = _kept(doc)
    if kept is not None and len(kept) < KEEP:
        kept[index] = loaded


def kept_pages(doc: Any) -> dict[int, tuple[Any, Any, str]] | None:
    """The pages ``held`` keeps open for ``doc`` (``None`` outside ``held``): the line reader asks once
    a document, then reads each page in one call (``_pdftext.page``) that leaves open only the pages
    it must (a page naming a needle while there is room here, a page whose graphics are looked at)."""
    return _kept(doc)


def handles(page: int, tp: int, text: str) -> tuple[Any, Any, str]:
    """The (page, text page, text) ``text_page`` hands out, for a page ``_pdftext.page`` left open
    (addresses): typed handles, as ``held`` closes them and the glyph reader reads them."""
    return ctypes.cast(page, raw.FPDF_PAGE), ctypes.cast(tp, raw.FPDF_TEXTPAGE), text


def close(page: int, tp: int) -> None:
    """Close a page and its text page that ``_pdftext.page`` left open (addresses)."""
    _CLOSE_TEXT_PAGE(tp)
    _CLOSE_PAGE(page)


def addressed(fn: Any) -> Any:
    """``fn``, a raw PDFium function, called with plain addresses (ints) for its pointer arguments.

    pypdfium2's bindings declare typed pointers, so ctypes builds and checks a pointer object for each
    such argument of each call: about half of a call's cost (0.7 µs; 0.35 µs this way). The text
    readers make some 5,000 calls on a 60-page document and 3,000 on each page they read glyph by glyph.
    A pointer result comes back as an int (an address, or ``None`` for NULL)."""

    def plain(t: Any) -> Any:
        return (
            ctypes.c_void_p
            if isinstance(t, type) and issubclass(t, (ctypes._Pointer, ctypes.c_void_p))
            else t
        )

    return ctypes.CFUNCTYPE(plain(fn.restype), *map(plain, fn.argtypes))(
        ctypes.cast(fn, ctypes.c_void_p).value  # type: ignore[arg-type]  # a loaded function: never NULL
    )


def address(handle: Any) -> int:
    """The address a PDFium handle (a ctypes pointer) points at, for ``addressed`` functions."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


_GET_TEXT = addressed(raw.FPDFText_GetText)
_CLOSE_TEXT_PAGE = addressed(raw.FPDFText_ClosePage)
_CLOSE_PAGE = addressed(raw.FPDF_ClosePage)


def font_bold(name: bytes) -> bool:
    """Whether a font PDFium names ``name`` is bold, by the rule every reader uses (``layout.is_bold``);
    ``_pdftext`` asks once a name per document (the readers' ``fonts`` dict keeps the answers)."""
    return is_bold(name.decode("latin-1"))


#: the functions ``_pdftext`` calls, by address: those of the library pypdfium2 loaded (its handles are
#: meaningless to another copy of PDFium), in the order ``_pdftext.bind`` takes them
_BOUND = (
    raw.FPDFText_CountChars,
    raw.FPDFText_GetCharOrigin,
    raw.FPDFText_GetMatrix,
    raw.FPDFText_GetFontSize,
    raw.FPDFText_GetFontInfo,
    raw.FPDFText_GetTextObject,
    raw.FPDFText_IsGenerated,
    raw.FPDFText_GetLooseCharBox,
    raw.FPDF_LoadPage,
    raw.FPDF_ClosePage,
    raw.FPDFText_LoadPage,
    raw.FPDFText_ClosePage,
    raw.FPDFText_GetText,
    raw.FPDFPage_CountObjects,
    raw.FPDFPage_GetRotation,
)
_pdftext.bind(*map(address, _BOUND))  # a NULL (0) is refused
