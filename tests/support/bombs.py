"""Hostile PDFs, written byte by byte at test time (never committed): each is small on disk and huge, deep
or wide once a reader opens it.

``pdf(objects)`` writes a well-formed file (header, objects, cross-reference table, trailer) around
object bodies, so the readers get past the parsing they would refuse a sloppy file at, and reach the part
that explodes. Every shape has one page that says something, so only the bomb part is hostile.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

MiB = 1024 * 1024
TEXT = b"BT /F1 12 Tf 72 720 Td (Intravenous ketamine infusion policy) Tj ET\n"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with ``objects`` numbered from 1 (object ``root`` is the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", filters: int = 1) -> bytes:
    """A stream object body: ``data`` Flate-encoded ``filters`` times."""
    for _ in range(filters):
        data = zlib.compress(data, 9)
    names = b" ".join([b"/FlateDecode"] * filters)
    filt = b"/Filter [" + names + b"]" if filters > 1 else b"/Filter /FlateDecode"
    return b"<< /Length %d %s %s >>\nstream\n" % (len(data), filt, extra) + data + b"\nendstream"


def deflated_zeros(size: int, fill: bytes = b" ") -> bytes:
    """``size`` bytes of ``fill`` (a multiple of 1 MiB) as a zlib stream, in milliseconds: one MiB is
    deflated once and ended with a full flush (byte-aligned, dictionary reset), so the same compressed
    bytes repeated are a valid stream; only the Adler-32 checksum is computed over the whole."""
    block = fill * MiB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    count = size // MiB
    check = _adler_repeat(zlib.adler32(block), MiB, count)
    return b"\x78\xda" + piece * count + comp.flush() + check.to_bytes(4, "big")


def _adler_combine(a1: int, a2: int, len2: int) -> int:
    """zlib's ``adler32_combine``: the checksum of A + B from those of A and B (Python lacks it)."""
    base = 65521
    rem = len2 % base
    sum1 = a1 & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 = (sum1 + (a2 & 0xFFFF) + base - 1) % base
    sum2 = (sum2 + (a1 >> 16) + (a2 >> 16) + base - rem) % base
    return sum1 | (sum2 << 16)


def _adler_repeat(one: int, length: int, count: int) -> int:
    """Adler-32 of ``count`` copies of a block of ``length`` bytes whose checksum is ``one``."""
    result = 1
    while count:
        if count & 1:
            result = _adler_combine(result, one, length)
        one, length, count = _adler_combine(one, one, length), length * 2, count >> 1
    return result


def raw_stream(deflated: bytes) -> bytes:
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(deflated) + deflated + b"\nendstream"


def _pages(contents: list[int], first: int, extra_resources: bytes = b"") -> list[bytes]:
    """Page objects (numbered from ``first``) for the given content-stream object numbers."""
    return [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 3 0 R >> %s >> >>" % (c, extra_resources)
        for c in contents
    ]


def huge_flate(size: int = 1024 * MiB) -> bytes:
    """One content stream that inflates to ``size`` bytes of whitespace (1 GiB from ~1 MB)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", FONT]
    objs.append(raw_stream(deflated_zeros(size)))
    objs += _pages([4], 5)
    return pdf(objs)


def many_streams(count: int = 200, each: int = 4 * MiB) -> bytes:
    """``count`` pages, each with its own content stream inflating to ``each`` bytes (800 MiB in all)."""
    body = raw_stream(deflated_zeros(each))
    first_page = 4 + count
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    objs.append(FONT)
    objs += [body] * count
    objs += _pages(list(range(4, 4 + count)), first_page)
    return pdf(objs)


def double_flate(size: int = 2048 * MiB) -> bytes:
    """A content stream compressed twice: a few KB that inflate to ~2 MB, then to ``size`` bytes."""
    once = deflated_zeros(size)
    twice = zlib.compress(once, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", FONT]
    objs.append(
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(twice)
        + twice
        + b"\nendstream"
    )
    objs += _pages([4], 5)
    return pdf(objs)


def deep_nesting(depth: int = 50_000) -> bytes:
    """A page tree ``depth`` levels deep with one page at the bottom, and that page's resources holding an
    array nested ``depth`` deep: recursive descent (page tree walks, object resolution) overflows."""
    nested = b"[" * depth + b"]" * depth
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    first_node = 5
    leaf = first_node + depth
    for level in range(depth):
        n = 2 if level == 0 else first_node + level - 1
        kid = first_node + level if level + 1 < depth else leaf
        parent = b"" if level == 0 else b"/Parent %d 0 R " % (2 if level == 1 else n - 1)
        objs_index = n - 1
        body = b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, kid)
        while len(objs) <= objs_index:
            objs.append(b"null")
        objs[objs_index] = body
    while len(objs) < 4:
        objs.append(b"null")
    objs[2] = FONT
    objs[3] = stream(TEXT)
    while len(objs) < leaf:
        objs.append(b"null")
    objs.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> /Junk %s >> >>" % (leaf - 1, nested)
    )
    return pdf(objs)


def wide_page_tree(fanout: int = 1000) -> bytes:
    """A page tree of ``fanout`` × ``fanout`` leaves (a million pages) in a file of a few KB: every leaf
    is the same page object, reached through ``fanout`` references to one intermediate node."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objs.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" 6 0 R" * fanout, fanout * fanout))
    objs.append(FONT)
    objs.append(stream(TEXT))
    objs.append(
        b"<< /Type /Page /Parent 6 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objs.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (b" 5 0 R" * fanout, fanout))
    return pdf(objs)


def image_bomb(side: int = 30_000) -> bytes:
    """A page that draws one ``side`` × ``side`` RGB image (2.7 GB decoded at 30,000) and has no text."""
    data = deflated_zeros(side * side * 3, b"\x00")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", FONT]
    objs.append(stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q\n"))
    objs.append(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 6 0 R >> >> >>"
    )
    objs.append(
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Length %d /Filter /FlateDecode >>\nstream\n"
        % (side, side, len(data))
        + data
        + b"\nendstream"
    )
    return pdf(objs)


#: name → (builder, reasons that count as the right typed ending)
BOMBS: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "huge-flate": (huge_flate, ("inflation-bomb",)),
    "many-streams": (many_streams, ("inflation-bomb",)),
    "double-flate": (double_flate, ("inflation-bomb",)),
    "deep-nesting": (deep_nesting, ("corrupt", "resource-limit")),
    "wide-page-tree": (wide_page_tree, ("too-large", "corrupt", "resource-limit")),
    "image-bomb": (image_bomb, ("no-text-layer",)),
}
