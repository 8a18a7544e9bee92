"""The cheap PDF pass: read text straight out of decompressed page content streams.

pdfplumber lays out every glyph (~60 ms a page); most pages of a 60-page policy never mention the drugs.
This module tokenizes the content stream with one regular expression, follows only the text operators
(Tf, Tm, Td, TD, T*, Tj, TJ, ', ") and the CTM, and decodes strings for *simple* fonts with a named
encoding — the case pdfminer itself decodes without a ToUnicode map. Anything it cannot read exactly
(composite/CID fonts, custom /Differences, ToUnicode maps, inline images, Type3) makes it return
``None`` for the page, and the caller sends that page through pdfplumber. So the cheap pass never
guesses: it either yields the same lines pdfplumber would, or declines.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pdfminer.encodingdb import EncodingDB
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral

from .layout import Line

_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # literal string (one level of nesting)
    rb"|<[0-9A-Fa-f\s]*>"  # hex string
    rb"|<<|>>|\[|\]"
    rb"|/[^\s/\[\]()<>{}%]*"  # name
    rb"|[-+]?(?:\d+\.?\d*|\.\d+)"  # number
    rb"|[A-Za-z'\"*][A-Za-z0-9*'\"]*"  # operator
    rb"|%[^\r\n]*",  # comment
    re.S,
)
_ESC = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3}|\r\n|\r|\n)")
_ESC_MAP = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"(": b"(",
    b")": b")",
    b"\\": b"\\",
}
_SIMPLE = {"Type1", "TrueType", "MMType1"}
_ENCODINGS = {"WinAnsiEncoding", "StandardEncoding", "MacRomanEncoding", "PDFDocEncoding"}


class Unreadable(Exception):
    """The page uses a construct the cheap pass does not decode exactly."""


def _unescape(m: re.Match[bytes]) -> bytes:
    g = m.group(1)
    if g in _ESC_MAP:
        return _ESC_MAP[g]
    if g[:1].isdigit():
        return bytes([int(g, 8) & 0xFF])
    return b""  # escaped line break: continuation


def _string(tok: bytes) -> bytes:
    if tok[:1] == b"(":
        return _ESC.sub(_unescape, tok[1:-1])
    hexdigits = re.sub(rb"\s", b"", tok[1:-1])
    if len(hexdigits) % 2:
        hexdigits += b"0"
    return bytes.fromhex(hexdigits.decode())


def _name(v: Any) -> str:
    return str(v.name) if isinstance(v, PSLiteral) else str(v)


def _table(enc_name: str) -> dict[int, str]:
    """A ``str.translate`` table from latin-1 code points to Unicode, pdfminer's "(cid:N)" for gaps."""
    if enc_name not in _TABLES:
        enc = EncodingDB.get_encoding(enc_name)
        _TABLES[enc_name] = {i: enc.get(i) or f"(cid:{i})" for i in range(256)}
    return _TABLES[enc_name]


_TABLES: dict[str, dict[int, str]] = {}


def _fonts(resources: dict[str, Any]) -> dict[str, tuple[dict[int, str], bool]]:
    """Font resource name → (code→unicode table, bold) for the simple fonts the cheap pass can decode."""
    out: dict[str, tuple[dict[int, str], bool]] = {}
    fonts = resolve1(resources.get("Font")) or {}
    for key, ref in fonts.items():
        spec = resolve1(ref)
        if not isinstance(spec, dict):
            continue
        if _name(spec.get("Subtype")) not in _SIMPLE or "ToUnicode" in spec:
            continue
        base = _name(spec.get("BaseFont", ""))
        if base.split("+")[-1] in ("Symbol", "ZapfDingbats"):
            continue
        enc = resolve1(spec.get("Encoding"))
        if enc is None:
            enc_name = "StandardEncoding"
        elif isinstance(enc, PSLiteral) and enc.name in _ENCODINGS:
            enc_name = enc.name
        else:
            continue  # /Differences or an unknown encoding: leave it to pdfminer
        out[key] = (_table(enc_name), is_bold(base))
    return out


def is_bold(fontname: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi", fontname, re.I))


def _mult(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


_ID: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def content_bytes(page_obj: Any) -> bytes:
    parts = []
    for ref in page_obj.contents:
        stream = resolve1(ref)
        if isinstance(stream, PDFStream):
            parts.append(stream.get_data())
    return b"\n".join(parts)


_OPERAND = frozenset(b"(<+-.0123456789/")
_OPS: dict[bytes, int] = {
    op: k
    for k, op in enumerate(
        (
            b"q",
            b"Q",
            b"cm",
            b"BT",
            b"Tf",
            b"TL",
            b"Tm",
            b"Td",
            b"TD",
            b"T*",
            b"Tj",
            b"TJ",
            b"'",
            b'"',
            b"re",
            b"l",
            b"Do",
            b"d0",
            b"d1",
            b"BI",
        )
    )
}


def _num(tok: Any) -> float:
    return float(tok)  # bytes; a string, name or array operand raises, and the page is Unreadable


def scan_page(page_obj: Any, index: int) -> list[Line]:
    """Lines of one page in reading order (same baseline = same line, sorted by x).

    Raises ``Unreadable`` when the page needs pdfplumber. Operands stay raw tokens until an operator
    that matters reads them: most numbers in a content stream belong to paths and colours, and
    converting each one costs more than the whole tokenizer pass.
    """
    data = content_bytes(page_obj)
    resources = page_obj.resources or {}
    fonts = _fonts(resources)
    paths = 0
    ctm, stack = _ID, []
    tm = tlm = _ID
    leading = 0.0
    font: tuple[dict[int, str], bool] | None = None
    font_ok = True
    fsize = 0.0
    operands: list[Any] = []
    array: list[Any] | None = None
    pieces: list[tuple[float, float, float, bool, str]] = []  # baseline, x, size, bold, text

    def show(raw_items: list[Any]) -> None:
        if not font_ok or font is None:
            raise Unreadable("font")
        table, bold = font
        text = []
        for item in raw_items:
            if isinstance(item, list):
                raise TypeError("array inside a shown array")
            if item[:1] in (b"(", b"<"):
                text.append(_string(item).decode("latin-1").translate(table))
            elif float(item) < -250:
                text.append(" ")
        s = "".join(text)
        if not s.strip():
            return
        m = _mult(tm, ctm)
        scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        pieces.append((m[5], m[4], round(fsize * scale, 2), bold, s))

    ops = _OPS
    for tok in _TOKEN.findall(data):
        c0 = tok[0]
        if c0 in _OPERAND:
            if tok == b"<<":
                raise Unreadable("dictionary in content stream")
            if array is not None:
                array.append(tok)
            else:
                operands.append(tok)
            continue
        if c0 == 0x25:  # % comment
            continue
        if c0 == 0x3E:  # >>
            raise Unreadable("dictionary in content stream")
        if c0 == 0x5B:  # [
            array = []
            continue
        if c0 == 0x5D:  # ]
            operands.append(array or [])
            array = None
            continue
        op = ops.get(tok)
        if op is None:  # an operator that moves no text: drop its operands
            operands = []
            continue
        try:
            if op == 0:  # q
                stack.append(ctm)
            elif op == 1:  # Q
                ctm = stack.pop() if stack else _ID
            elif op == 2:  # cm
                ctm = _mult(tuple(map(_num, operands[-6:])), ctm)
            elif op == 3:  # BT
                tm = tlm = _ID
            elif op == 4:  # Tf
                key, fsize = operands[-2], _num(operands[-1])
                if isinstance(key, list):
                    raise TypeError("array as a font name")
                font = fonts.get(key[1:].decode("latin-1")) if key[:1] == b"/" else None
                font_ok = font is not None
            elif op == 5:  # TL
                leading = _num(operands[-1])
            elif op == 6:  # Tm
                tm = tlm = tuple(map(_num, operands[-6:]))
            elif op in (7, 8):  # Td TD
                tx, ty = _num(operands[-2]), _num(operands[-1])
                if op == 8:
                    leading = -ty
                tm = tlm = _mult((1, 0, 0, 1, tx, ty), tlm)
            elif op == 9:  # T*
                tm = tlm = _mult((1, 0, 0, 1, 0, -leading), tlm)
            elif op == 10:  # Tj
                show([operands[-1]])
            elif op == 11:  # TJ
                items = operands[-1]
                if not isinstance(items, list):
                    raise TypeError("TJ without an array")
                show(items)
            elif op in (12, 13):  # ' "
                tm = tlm = _mult((1, 0, 0, 1, 0, -leading), tlm)
                show([operands[-1]])
            elif op in (14, 15):  # re l
                paths += 1
                if paths > 3:  # ruled lines: probably a table, which only pdfplumber reads as rows
                    raise Unreadable("ruled graphics")
            elif op == 16:  # Do
                name = operands[-1]
                xobj = resolve1(
                    (resolve1(resources.get("XObject")) or {}).get(
                        name[1:].decode("latin-1") if isinstance(name, bytes) and name[:1] == b"/" else name
                    )
                )
                if not isinstance(xobj, PDFStream) or _name(xobj.get("Subtype")) != "Image":
                    raise Unreadable("form xobject")
            else:  # d0 d1 BI
                raise Unreadable("type3 font or inline image")
        except (IndexError, TypeError, ValueError, AttributeError) as exc:
            raise Unreadable(f"operator {tok!r}") from exc
        operands = []
    return _lines(pieces, index)


def _lines(pieces: list[tuple[float, float, float, bool, str]], index: int) -> list[Line]:
    rows: dict[float, list[tuple[float, float, bool, str]]] = {}
    for y, x, size, bold, s in pieces:
        rows.setdefault(round(y, 1), []).append((x, size, bold, s))
    lines = []
    for y in sorted(rows, reverse=True):
        items = sorted(rows[y], key=lambda t: t[0])
        text = " ".join(s for _, _, _, s in items)
        if not text.strip():
            continue
        lines.append(
            Line(
                page=index,
                text=text,
                baseline=y,
                x=items[0][0],
                size=max(t[1] for t in items),
                bold=all(t[2] for t in items if t[3].strip()),
            )
        )
    return lines
