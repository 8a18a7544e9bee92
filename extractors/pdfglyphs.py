"""pdfplumber's line rule applied to PDFium's glyphs: exact lines for the pages passages rest on, at a
fifth of pdfplumber's cost.

A topic passage must read exactly as the all-pages pdfplumber path reads it. PDFium's line-level
reading (``pdfium.read_pages``: four look-ups a line) follows PDFium's own rules, which differ from
pdfplumber's in corner cases that matter inside a passage: a word gap without a space glyph just under
or over 0.15 em, a superscript set on its own baseline, a line whose first and last glyphs are bold
but not all the others. pdfplumber itself costs ~30 ms a page (pdfminer lays out every glyph in
Python). So the pages a passage rests on are read here, glyph by glyph, from PDFium (five look-ups a
glyph, ~5 ms a page), and turned into lines with the rule of ``pdf.plumb_page``:

* glyphs are grouped into rows by their origin's y to 0.1 pt (pdfplumber's ``round(matrix[5], 1)``);
* a row is sorted by the origin's x; a space is inserted between two glyphs, neither of them a space,
  when the gap from the first's advance end to the second's origin exceeds 0.15 × the second's size;
* a line's x is its first ink glyph's origin, its size the largest glyph size (font size × the
  text matrix's scale, to 0.01), and it is bold when every ink glyph's font name says bold.

PDFium's generated characters (the spaces and line breaks it infers) are skipped: pdfplumber has none.
Pages with a ruled table are never read here (``pdfium.Reading.inexact``): pdfplumber reads a table
as " | " rows. ``tests/extractors/test_extract_producers.py`` compares the result with pdfplumber's
for every producer and font kind.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable

from .layout import Line, is_bold
from .pdfium import document, raw, text_page

#: ``FPDFText_GetTextObject`` answering the object's address as an int: a hashable key without a
#: ``ctypes.cast`` per glyph (a quarter of this module's time otherwise)
_TEXT_OBJECT = ctypes.CFUNCTYPE(ctypes.c_void_p, raw.FPDFText_GetTextObject.argtypes[0], ctypes.c_int)(
    ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value  # type: ignore[arg-type]  # never NULL
)


def glyph_lines(data: bytes, pages: set[int], *, check: Callable[[], None]) -> dict[int, list[Line]] | None:
    """Lines of ``pages`` by pdfplumber's rule from PDFium's glyphs; ``None`` if PDFium cannot open the
    file or a page (the caller then asks pdfplumber)."""
    with document(data, check) as doc:
        if not doc:
            return None
        out = {}
        fonts: dict[bytes, bool] = {}
        for i in sorted(pages):
            check()
            with text_page(doc, i) as loaded:
                if loaded is None:
                    return None
                _, tp, text = loaded
                out[i] = _lines(_glyphs(tp, text, fonts), i) if text else []
        return out


#: the characters PDFium may make up (word gaps, line ends, a line-end hyphen's marker)
_MAYBE_GENERATED = frozenset(" \r\n\x02\ufffe")


def _glyphs(
    tp, text: str, fonts: dict[bytes, bool]
) -> list[tuple[float, float, float, float, float, bool, str]]:
    """(row y, x, advance end, size, size to 0.01, bold, text) for every glyph PDFium did not make up.
    Three look-ups a glyph (origin, advance box, text object); size and boldness once per text object."""
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    m = raw.FS_MATRIX()
    name = ctypes.create_string_buffer(128)
    px, py, pbox, pm = ctypes.byref(x), ctypes.byref(y), ctypes.byref(box), ctypes.byref(m)
    pflags = ctypes.byref(ctypes.c_int())
    generated, origin, loose, text_object = (
        raw.FPDFText_IsGenerated,
        raw.FPDFText_GetCharOrigin,
        raw.FPDFText_GetLooseCharBox,
        _TEXT_OBJECT,
    )
    styles: dict[int | None, tuple[float, float, bool]] = {}  # text object → (size, rounded, bold)
    rows: dict[float, float] = {}  # origin y → row (rounded once per line, not per glyph)
    glyphs = []
    for k, ch in enumerate(text):
        if ch in _MAYBE_GENERATED:
            if generated(tp, k) or ch in "\r\n":
                continue
            if ch != " ":
                ch = "-"  # a real hyphen glyph PDFium marked as ending a line
        obj = text_object(tp, k)
        style = styles.get(obj)
        if style is None:
            raw.FPDFText_GetMatrix(tp, k, pm)
            size = raw.FPDFText_GetFontSize(tp, k) * math.sqrt(abs(m.a * m.d - m.b * m.c))
            raw.FPDFText_GetFontInfo(tp, k, name, 128, pflags)
            font = name.value
            if font not in fonts:
                fonts[font] = is_bold(font.decode("latin-1"))
            style = styles[obj] = (size, round(size, 2), fonts[font])
        origin(tp, k, px, py)
        loose(tp, k, pbox)
        row = rows.get(y.value)
        if row is None:
            row = rows[y.value] = round(y.value, 1)
        glyphs.append((row, x.value, box.right, style[0], style[1], style[2], ch))
    return glyphs


def _lines(glyphs: list[tuple[float, float, float, float, float, bool, str]], index: int) -> list[Line]:
    """``pdf.plumb_page``'s grouping, for glyph tuples."""
    rows: dict[float, list[tuple[float, float, float, float, float, bool, str]]] = {}
    for g in glyphs:
        rows.setdefault(g[0], []).append(g)
    lines = []
    for row_y, row in rows.items():
        row.sort(key=lambda g: g[1])
        out: list[str] = []
        prev = None
        for g in row:
            if prev is not None and g[6] != " " and prev[6] != " " and g[1] - prev[2] > 0.15 * g[3]:
                out.append(" ")
            out.append(g[6])
            prev = g
        text = "".join(out)
        if not text.strip():
            continue
        ink = [g for g in row if g[6].strip()]
        lines.append(
            Line(
                page=index,
                text=text,
                baseline=row_y,
                x=ink[0][1],
                size=max(g[4] for g in row),
                bold=all(g[5] for g in ink),
            )
        )
    lines.sort(key=lambda ln: (-ln.baseline, ln.x))
    return lines
