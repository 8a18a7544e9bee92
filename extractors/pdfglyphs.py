"""pdfplumber's line rule applied to PDFium's glyphs: exact lines for the pages passages rest on, at a
fifth of pdfplumber's cost.

A topic passage must read exactly as the all-pages pdfplumber path reads it. PDFium's line-level
reading (``pdfium.read_pages``: four look-ups a line) follows PDFium's own rules, which differ from
pdfplumber's in corner cases that matter inside a passage: a word gap without a space glyph just under
or over 0.15 em, a superscript set on its own baseline, a line whose first and last glyphs are bold
but not all the others. pdfplumber itself costs ~30 ms a page (pdfminer lays out every glyph in
Python). So the pages a passage rests on are read here, glyph by glyph, from PDFium (two or three look-ups a
glyph, ~2 ms a page of 1,000 glyphs), and turned into lines with the rule of ``pdf.plumb_page``:

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
from operator import itemgetter

from .layout import Line, is_bold
from .pdfhandles import address, addressed, document, raw, text_page

#: the raw functions this reader calls per glyph or text object, taking plain addresses (``addressed``:
#: half a call's cost; a text object comes back as an int, a hashable key without a ``ctypes.cast``)
_TEXT_OBJECT = addressed(raw.FPDFText_GetTextObject)
_IS_GENERATED = addressed(raw.FPDFText_IsGenerated)
_CHAR_ORIGIN = addressed(raw.FPDFText_GetCharOrigin)
_LOOSE_BOX = addressed(raw.FPDFText_GetLooseCharBox)
_CHAR_MATRIX = addressed(raw.FPDFText_GetMatrix)
_FONT_SIZE = addressed(raw.FPDFText_GetFontSize)
_FONT_INFO = addressed(raw.FPDFText_GetFontInfo)


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
                out[i] = _lines(_rows(tp, text, fonts), i) if text else []
        return out


#: a glyph's x, the key rows are sorted by
_BY_X = itemgetter(0)
#: the characters PDFium may make up (word gaps, line ends, a line-end hyphen's marker)
_MAYBE_GENERATED = frozenset(" \r\n\x02\ufffe")


#: a glyph as ``_rows`` records it: (x, advance end, size, size to 0.01, bold, text)
Glyph = tuple[float, float, float, float, bool, str]


def _rows(tp, text: str, fonts: dict[bytes, bool]) -> dict[float, list[Glyph]]:
    """Every glyph PDFium did not make up, in rows by origin y to 0.1 pt (in order of first appearance).
    Two look-ups a glyph (origin, advance box), its text object once a line where the line's first and
    last glyphs share it (else once a glyph); size and boldness once per text object."""
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    m = raw.FS_MATRIX()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    px, py, pbox, pm, pname, pflags = map(ctypes.addressof, (x, y, box, m, name, flags))
    page = address(tp)
    generated, origin, loose, text_object = _IS_GENERATED, _CHAR_ORIGIN, _LOOSE_BOX, _TEXT_OBJECT
    styles: dict[int | None, tuple[float, float, bool]] = {}  # text object → (size, rounded, bold)
    rows: dict[float, list[Glyph]] = {}
    row_at: dict[float, list[Glyph]] = {}  # origin y → its row (rounded once per line, not per glyph)
    last: int | None = -1
    size = rounded = 0.0
    bold = False
    start = 0
    for line in text.split("\r\n"):  # PDFium's lines (its generated line ends are no glyphs)
        # an ASCII line (no right-to-left text PDFium could reorder) whose first and last glyphs share a
        # text object holds no glyph of another: PDFium lists each object's glyphs together, in order
        tail = start + len(line.rstrip(" \x02")) - 1 if line.isascii() else -1
        known = -1  # the glyphs up to here are of text object ``last``
        for k in range(start, start + len(line)):
            ch = text[k]
            if ch in _MAYBE_GENERATED:
                if generated(page, k) or ch in "\r\n":
                    continue
                if ch != " ":
                    ch = "-"  # a real hyphen glyph PDFium marked as ending a line
            if k > known:
                obj = text_object(page, k)
                if obj != last:  # consecutive glyphs mostly share their text object
                    last = obj
                    style = styles.get(obj)
                    if style is None:
                        _CHAR_MATRIX(page, k, pm)
                        font_size = _FONT_SIZE(page, k) * math.sqrt(abs(m.a * m.d - m.b * m.c))
                        _FONT_INFO(page, k, pname, 128, pflags)
                        font = name.value
                        if font not in fonts:
                            fonts[font] = is_bold(font.decode("latin-1"))
                        style = styles[obj] = (font_size, round(font_size, 2), fonts[font])
                    size, rounded, bold = style
                if tail > k and obj is not None and text_object(page, tail) == obj:
                    known = tail
                tail = -1  # asked once a line
            origin(page, k, px, py)
            loose(page, k, pbox)
            at = y.value
            row = row_at.get(at)
            if row is None:
                row = row_at[at] = rows.setdefault(round(at, 1), [])
            row.append((x.value, box.right, size, rounded, bold, ch))
        start += len(line) + 2
    return rows


def _lines(rows: dict[float, list[Glyph]], index: int) -> list[Line]:
    """``pdf.plumb_page``'s line rule, for glyph tuples: each row sorted by x, a space where the gap
    between two glyphs (neither a space) exceeds 0.15 × the second's size."""
    lines = []
    for row_y, row in rows.items():
        row.sort(key=_BY_X)
        out: list[str] = []
        right = 0.0
        spaced = True  # the previous glyph is a space (or there is none): no gap test
        ink_x: float | None = None
        bold = True
        top = row[0][3]  # the largest size to 0.01, found in the same pass
        for x, end, size, rounded, glyph_bold, ch in row:
            if rounded > top:
                top = rounded
            if ch == " ":
                spaced = True
            else:
                if not spaced and x - right > 0.15 * size:
                    out.append(" ")
                spaced = False
            out.append(ch)
            right = end
            if ch.strip():
                if ink_x is None:
                    ink_x = x
                bold = bold and glyph_bold
        if ink_x is None:  # only blanks
            continue
        lines.append(Line(page=index, text="".join(out), baseline=row_y, x=ink_x, size=top, bold=bold))
    lines.sort(key=lambda ln: (-ln.baseline, ln.x))
    return lines
