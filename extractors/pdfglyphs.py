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

from collections.abc import Callable
from operator import itemgetter

from . import _pdftext
from .layout import Line
from .pdfhandles import address, document, font_bold, text_page


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


#: a glyph as ``_rows`` records it: (x, advance end, size, size to 0.01, bold, text)
Glyph = tuple[float, float, float, float, bool, str]


def _rows(tp, text: str, fonts: dict[bytes, bool]) -> dict[float, list[Glyph]]:
    """Every glyph PDFium did not make up, in rows by origin y to 0.1 pt (in order of first appearance).

    Made in C (``_pdftext.rows``, one call a page; three ctypes calls a glyph cost ~10 ms on a topic
    policy's four glyph pages; the Python loop it replaced is tests/support/pdftext_reference.py): two
    look-ups a glyph (origin, advance box); its text object once a line where an ASCII line's first and
    last glyphs share it (PDFium lists each object's glyphs together, in order; right-to-left text, which
    it may reorder, is never ASCII), else once a glyph; size and boldness (``font_bold``) once per text
    object. PDFium's made-up characters (spaces, line ends, hyphen marks it generated) are skipped; a
    real hyphen glyph PDFium marked as ending a line reads "-"."""
    return _pdftext.rows(address(tp), text, fonts, font_bold)


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
