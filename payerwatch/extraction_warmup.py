"""Imported only by the extraction forkserver (``payerwatch.extraction``): one tiny extraction of a PDF and
of an HTML page, so that every worker forked from the server starts with warm caches (lazy imports,
compiled regular expressions, PDFium's and pdfminer's font tables) instead of paying for them per document.
Importing this module does work on purpose; nothing else imports it."""

from __future__ import annotations

import extractors
from extractors.model import ExtractionError

_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
    b"4 0 obj << /Length 88 >> stream\nBT /F1 12 Tf 72 720 Td (Ketamine infusion policy) Tj 0 -20 Td "
    b"(Esketamine is covered.) Tj ET\nendstream endobj\n"
    b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
_HTML = (
    b"<html><head><title>Ketamine</title></head><body><h1>Ketamine infusion</h1><h2>Policy</h2>"
    b"<p>Intravenous ketamine is considered investigational for depression.</p></body></html>"
)

for _data, _kind in ((_PDF, "application/pdf"), (_HTML, "text/html")):
    try:
        extractors.extract(_data, _kind, timeout=30)
    except ExtractionError:
        pass  # a warm-up that fails still warmed what it reached
