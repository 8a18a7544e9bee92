"""A PDF's compressed streams, inflated against a budget before any reader lays the document out.

A few megabytes of Flate data can inflate to gigabytes (one huge stream, many medium ones, or a filter
chain that inflates twice), and pdfminer and PDFium both hold a decoded stream whole while they read it.
So before either sees the document, every Flate-encoded stream that a text reader decodes (content
streams, object streams, fonts, forms) is inflated here in small chunks, counting bytes and keeping
none of them; past ``MAX_INFLATED`` in total the document is refused with ``InflationBomb``.

Image XObjects are skipped: neither text reader decodes an image, and a scanned policy's images legitimately
inflate to far more than its text ever will. The scan is lexical (``stream`` … ``endstream``), so it also
sees streams that a broken cross-reference table hides from the readers: it can only refuse more, never
less. A stream zlib cannot read is left to the readers, which name the error.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from .model import InflationBomb

#: Total inflated bytes of non-image streams a document may have. A 1,500-page policy has ~50 MB.
MAX_INFLATED = 256 * 1024 * 1024
_CHUNK = 1 << 16
_OUT = 1 << 20
#: ``stream`` as a keyword (not the tail of ``endstream``), followed by its end-of-line marker. The literal
#: comes first and the look-behind after it: a pattern that starts with a literal is searched by the regex
#: engine's fast scan for it (0.02 ms for a 60-page policy; a leading look-behind is tried at every byte,
#: ~1 ms).
_STREAM = re.compile(rb"stream(?<!endstream)(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/(FlateDecode|Fl|ASCII85Decode|A85|ASCIIHexDecode|AHx)\b")
_ASCII = {b"ASCII85Decode": "85", b"A85": "85", b"ASCIIHexDecode": "hex", b"AHx": "hex"}
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")


def check_inflation(data: bytes, limit: int = MAX_INFLATED) -> int:
    """Total inflated size of the document's Flate streams (images excepted); raises ``InflationBomb``
    as soon as it passes ``limit``, having inflated at most ``limit`` plus one chunk."""
    total = 0
    view = memoryview(data)
    for start, end, filters in _streams(data):
        raw: bytes | memoryview = view[start:end]
        while filters and filters[0] in _ASCII:  # an ASCII wrapper around the Flate data: unwrap it
            raw = _unwrap(bytes(raw), _ASCII[filters.pop(0)])
        levels = sum(f in (b"FlateDecode", b"Fl") for f in filters)
        if not levels:
            continue
        total += _inflated(raw, min(levels, 4), limit - total)
        if total > limit:
            raise InflationBomb(
                f"PDF streams inflate to more than {limit // (1024 * 1024)} MiB "
                f"(from {len(data)} bytes): refused before reading"
            )
    return total


#: deflate's largest expansion: a length/distance pair of two bits gives at most 258 bytes (zlib's FAQ)
FLATE_RATIO = 1032


def refuse_bombs(data: bytes, limit: int = MAX_INFLATED) -> None:
    """``check_inflation``, skipped where the compressed sizes alone show that nothing can pass
    ``limit``: each Flate level inflates at most ``FLATE_RATIO`` times, an ASCII wrapper at most 4 times
    (ASCII85's "z" is four bytes), and ``check_inflation`` counts every level's output. Inflating costs
    1-2 ms for a 60-page policy (whose streams PDFium inflates again); the bound ~0.3 ms."""
    bound = 0
    for start, end, filters in _streams(data):
        wrappers = 0
        while wrappers < len(filters) and filters[wrappers] in _ASCII:
            wrappers += 1
        inner = filters[wrappers:] if wrappers else filters
        levels = min(inner.count(b"FlateDecode") + inner.count(b"Fl"), 4)
        size = (end - start) * 4**wrappers
        for _ in range(levels):
            size *= FLATE_RATIO
            bound += size
        if bound > limit:
            check_inflation(data, limit)
            return


def _streams(data: bytes) -> Iterator[tuple[int, int, list[bytes]]]:
    """(start, end, filter names) of each stream a text reader may decode: the lexical scan both
    functions above share (``stream`` … ``endstream``; images and unfiltered streams left out)."""
    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        pos = end
        # the stream's dictionary: from its " obj" within 4 KiB before (or those 4 KiB), read in place
        lo = max(0, m.start() - 4096)
        obj = data.rfind(b" obj", lo, m.start())
        head = obj if obj >= 0 else lo
        filters = _FILTER.findall(data, head, m.start())
        if filters and not _IMAGE.search(data, head, m.start()):
            yield start, end, filters


def _unwrap(raw: bytes, kind: str) -> bytes:
    """ASCII85 / ASCIIHex decoding (at most the stream's own size); b"" when it is not valid."""
    import base64
    import binascii

    try:
        if kind == "85":
            body = raw.split(b"~>", 1)[0].replace(b"<~", b"")
            return base64.a85decode(body, adobe=False, ignorechars=b" \t\n\r\x0b\x0c")
        body = re.sub(rb"\s", b"", raw.split(b">", 1)[0])
        return binascii.unhexlify(body + b"0" * (len(body) % 2))
    except ValueError:
        return b""


def _inflated(raw: bytes | memoryview, levels: int, budget: int) -> int:
    """Bytes the stream inflates to through ``levels`` chained Flate filters, stopping past ``budget``.

    Every level's output counts (a chain holds each level's output at once), which also bounds the work.
    """
    inflaters = [zlib.decompressobj() for _ in range(levels)]
    size = 0

    def feed(level: int, chunk: bytes | memoryview) -> bool:
        """Push ``chunk`` into ``level``; False to stop (budget spent, or the data is not zlib)."""
        nonlocal size
        d = inflaters[level]
        while chunk:
            try:
                out = d.decompress(chunk, _OUT)
            except zlib.error:
                return False  # not Flate after all, or corrupt: the readers decide
            size += len(out)
            if size > budget:
                return False
            if level + 1 < levels and out and not feed(level + 1, out):
                return False
            if d.eof:
                return True
            chunk = d.unconsumed_tail
        return True

    for i in range(0, len(raw), _CHUNK):
        if not feed(0, raw[i : i + _CHUNK]) or inflaters[0].eof:
            break
    return size
