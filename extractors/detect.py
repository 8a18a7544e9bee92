"""Sniff what the bytes really are; servers mislabel policies (PDFs as text/html, error pages as PDFs).

The declared media type is only a tie-breaker for text that could be either HTML or plain text.
"""

from __future__ import annotations

import re

from .coverage_api import is_coverage_api
from .model import EmptyDocument, UnsupportedMediaType

PDF = "application/pdf"
HTML = "text/html"
JSON = "application/json"  # only CMS Coverage API answers (coverage_api.py); other JSON is refused

_MAGIC = (
    (b"PK\x03\x04", "application/zip (or an Office document)"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"\xd0\xcf\x11\xe0", "application/msword (OLE)"),
    (b"\x1f\x8b", "application/gzip"),
    (b"{\\rtf", "application/rtf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|h[1-6]|table|main|article|section)\b",
    re.I | re.S,
)


_ENTITY = re.compile(rb"<!ENTITY\s", re.I)


def sniff(data: bytes, declared: str | None = None) -> str:
    """Return ``application/pdf``, ``text/html`` or ``application/json`` (a CMS Coverage API answer), or
    raise a typed error."""
    if not data or not data.strip():
        raise EmptyDocument("document is empty (0 bytes of content)")
    head = data[:1024]
    # containers first: an uncompressed ZIP holding a PDF has "%PDF-" in its first kilobyte too
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedMediaType(f"document is {kind}, declared as {declared or 'unknown'}: not a PDF")
    if b"%PDF-" in head:  # PDF readers accept the header anywhere in the first 1 KB
        return PDF
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte-order mark: sniff its text
        data = data[:16384].decode("utf-16", "ignore").encode("utf-8")
    body = data.removeprefix(b"\xef\xbb\xbf")  # the UTF-8 BOM (lstrip would also eat a leading "¿")
    if is_coverage_api(body):
        return JSON
    if _HTML_START.match(body[:4096]) or re.search(rb"<html\b|<body\b", body[:8192], re.I):
        if _ENTITY.search(body[:65536]):
            raise UnsupportedMediaType(
                "markup that declares its own entities (<!ENTITY>): refused, as an entity-expansion bomb "
                "could be (no policy page needs them)"
            )
        if _binary(body[:4096]):
            raise UnsupportedMediaType(
                f"binary data that starts like HTML (declared {declared or 'unknown'})"
            )
        return HTML
    if _binary(head):
        raise UnsupportedMediaType(f"binary data of unknown type (declared {declared or 'unknown'})")
    if declared and "html" in declared.lower():
        return HTML
    raise UnsupportedMediaType(f"text that is neither HTML nor PDF (declared {declared or 'unknown'})")


def _binary(chunk: bytes) -> bool:
    if b"\x00" in chunk:
        return True
    try:
        chunk.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start > len(chunk) - 4:  # a multi-byte character cut by the slice
            return False
    controls = sum(1 for b in chunk if b < 9 or 13 < b < 32)
    return controls > len(chunk) * 0.05
