"""The pure-Python code ``extractors._pdftext`` replaced (issue #17), kept as the reference its results
are compared with (tests/extractors/test_extract_pdftext.py).

``pieces`` is the line reader's per-line loop (``pdfium._pieces``) and ``rows`` is ``pdfglyphs._rows`` as
they were before the C helper, statement for statement: PDFium asked through ctypes once a look-up, which
cost more than PDFium's work.
``page`` is ``pdfium._page`` and ``doubtful`` ``pdfium.doubtful`` as they were before ``_pdftext.page``
(a page's handles, text, checks and lines in one call): a pass over the text in Python per check, ~2 ms
of a 60-page policy. Only the names changed (the ``addressed`` prototypes live here now, ``_bold`` takes
the font-name rule from ``pdfhandles.font_bold``, ``page`` returns what ``pdfium._page`` returns now:
the first and last 16 flat characters and the counts instead of the whole lower-cased and flat texts).
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from typing import Any

from extractors.layout import Line, group_pieces
from extractors.pdfglyphs import Glyph
from extractors.pdfhandles import address, addressed, font_bold, keep_open, raw, text_page
from extractors.pdfium import _COMMON, _NEEDLES, _flat, tabular

_CHAR_ORIGIN = addressed(raw.FPDFText_GetCharOrigin)
_CHAR_MATRIX = addressed(raw.FPDFText_GetMatrix)
_FONT_SIZE = addressed(raw.FPDFText_GetFontSize)
_FONT_INFO = addressed(raw.FPDFText_GetFontInfo)
_TEXT_OBJECT = addressed(raw.FPDFText_GetTextObject)
_IS_GENERATED = addressed(raw.FPDFText_IsGenerated)
_LOOSE_BOX = addressed(raw.FPDFText_GetLooseCharBox)

#: the characters PDFium may make up (word gaps, line ends, a line-end hyphen's marker)
_MAYBE_GENERATED = frozenset(" \r\n\x02\ufffe")


def _bold(fonts: dict[bytes, bool], name: bytes) -> bool:
    if name not in fonts:
        fonts[name] = font_bold(name)
    return fonts[name]


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


def pieces(
    tp, text: str, fonts: dict[bytes, bool]
) -> tuple[list[tuple[float, float, float, bool, str]], bool]:
    """One piece per PDFium line: (baseline to 0.1 pt, x, size, bold, text), read at its first glyph;
    and whether every line is set straight (pdfplumber groups rotated glyphs otherwise).

    Four calls a line: the glyph's origin, font size, matrix (the size pdfplumber reports is the font
    size scaled by it) and font name (bold or not, with the rule the other readers use); and the last
    glyph's matrix, as PDFium may append a sideways run (a note set in the margin) to a straight line,
    which pdfplumber reads glyph by glyph on rows of their own. A line whose
    first glyph is bold is bold only if its last glyph is too ("Effective Date: May 1" with a bold label
    is not a heading), as pdfplumber's reading requires every glyph to be bold.
    """
    x, y = ctypes.c_double(), ctypes.c_double()
    m = raw.FS_MATRIX()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    px, py, pm, pname, pflags = map(ctypes.addressof, (x, y, m, name, flags))
    page = address(tp)
    origin, font_size, matrix, font_info = _CHAR_ORIGIN, _FONT_SIZE, _CHAR_MATRIX, _FONT_INFO
    pieces = []
    straight = True
    for start, line, hyphen in _segments(text) if "\ufffe" in text else _plain(text):
        body = line.lstrip()
        if not body:
            continue
        k = start + len(line) - len(body)
        origin(page, k, px, py)
        matrix(page, k, pm)
        size = font_size(page, k) * math.sqrt(abs(m.a * m.d - m.b * m.c))
        if m.b or m.c:
            straight = False
        font_info(page, k, pname, 128, pflags)
        bold = _bold(fonts, name.value)
        body = body.rstrip()
        last = k + len(body) - 1
        if straight and last > k:  # a sideways run PDFium appended to a straight line (a margin note)
            matrix(page, last, pm)
            straight = not (m.b or m.c)
        if bold and last > k:
            font_info(page, last, pname, 128, pflags)
            bold = _bold(fonts, name.value)
        pieces.append((round(y.value, 1), x.value, round(size, 2), bold, body + ("-" if hyphen else "")))
    return pieces, straight


def rows(tp, text: str, fonts: dict[bytes, bool]) -> dict[float, list[Glyph]]:
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
                            fonts[font] = font_bold(font)
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


#: Characters a clean PDFium reading does not contain: C0 controls (\x02 is PDFium's generated hyphen,
#: handled before this test), the replacement character and noncharacters other than \ufffe (PDFium's
#: marker for a hyphen that ends a line).
_SUSPECT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\uffff]")


def doubtful(text: str) -> bool:
    """A page reading PDFium may have got wrong: blank despite a call for text, control or replacement
    characters, private-use or unassigned code points (glyphs without a meaning; the two bullet glyphs
    of the Symbol and Wingdings fonts excepted)."""
    if not text.strip() or _SUSPECT.search(text):
        return True
    return not text.isascii() and any(
        unicodedata.category(c) in ("Co", "Cn", "Cs") and c not in "\uf0b7\uf0a7\ufffe" for c in text
    )


def checks(text: str) -> tuple[str, int, int, bool] | None:
    """What ``page`` computes from a page's text ("\\x02" replaced), as ``_pdftext._checks`` returns it."""
    if doubtful(text):
        return None
    low = text.lower()
    flat = _flat(low)
    return flat, low.count(" "), sum(low.count(w) for w in _COMMON), any(n in flat for n in _NEEDLES)


def page(
    doc: Any, index: int, fonts: dict[bytes, bool], *, ruling: bool
) -> tuple[str, str, int, int, list[Line], bool, bool] | None:
    """``pdfium._page``: (first and last 16 flat characters, spaces + 1, common words, lines, exact,
    hit), or ``None`` when the reading is in doubt. A page naming a needle stays open (``keep_open``)."""
    with text_page(doc, index) as loaded:
        if loaded is None:
            return None
        pg, tp, text = loaded
        if not text:
            # a blank page is fine; objects without text are a scan or an unmapped font
            return ("", "", 1, 0, [], True, False) if raw.FPDFPage_CountObjects(pg) == 0 else None
        text = text.replace("\x02", "\ufffe")  # PDFium's two spellings of a line-end hyphen
        if doubtful(text):
            return None
        low = text.lower()
        flat = _flat(low)
        hit = any(needle in flat for needle in _NEEDLES)
        if hit:
            keep_open(doc, index, loaded)
        found, straight = pieces(tp, text, fonts)
        if len({p[0] for p in found}) == len(found):  # one piece per baseline (the rule): no grouping
            found.sort(key=lambda p: -p[0])
            lines = [Line(index, s, y, x, size, bold) for y, x, size, bold, s in found]
        else:
            lines = group_pieces(found, index)
        return (
            flat[:16],
            flat[-16:],
            low.count(" ") + 1,
            sum(low.count(w) for w in _COMMON),
            lines,
            straight and raw.FPDFPage_GetRotation(pg) == 0 and (not ruling or not tabular(pg)),
            hit,
        )
