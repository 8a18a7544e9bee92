"""CMS Coverage API answers (``{"meta": …, "data": [{…}]}``) read as the article page they stand for.

The Medicare spider archives the API's JSON as it came (the bytes are the record); this module renders
one revision's fields as plain HTML — title as the heading, each text field under its own heading, the
dates as labelled lines — so the ordinary HTML reader, sections, passages and metadata apply unchanged.
The API double-encodes its HTML (``&lt;p&gt;``), hence one ``unescape`` before use.
"""

from __future__ import annotations

import html
import json
import re

#: field → heading, in the order the article page shows them; other text fields follow, titled by name
FIELDS = (
    ("description", "Article Guidance"),
    ("cms_cov_policy", "CMS National Coverage Policy"),
    ("coding_guidelines", "Coding Guidelines"),
    ("doc_reqs", "Documentation Requirements"),
    ("util_guide", "Utilization Guidelines"),
    ("other_comments", "Other Comments"),
)
DATES = (
    ("article_eff_date", "Original Effective Date"),
    ("rev_eff_date", "Revision Effective Date"),
    ("rev_end_date", "Revision Ending Date"),
)
SKIP = {"title", "article_id", "article_version", "display_id"}


def is_coverage_api(data: bytes) -> bool:
    """True for a JSON object with ``meta`` and a non-empty ``data`` list of objects."""
    head = data.lstrip()[:1]
    if head != b"{":
        return False
    try:
        doc = json.loads(data)
    except ValueError:
        return False
    rows = doc.get("data") if isinstance(doc, dict) else None
    return "meta" in doc and isinstance(rows, list) and bool(rows) and isinstance(rows[0], dict)


def to_html(data: bytes) -> bytes:
    """The first record of a Coverage API answer as a small HTML page."""
    row = json.loads(data)["data"][0]
    ident = row.get("display_id") or (f"A{row['article_id']}" if row.get("article_id") else "")
    parts = [f"<html><head><title>{_text(row.get('title'))}</title></head><body>"]
    parts.append(f"<h1>{_text(row.get('title'))}</h1>")
    if ident:
        parts.append(f"<p>Article ID: {html.escape(str(ident))}</p>")
    for key, label in DATES:
        if row.get(key):
            parts.append(f"<p>{label}: {html.escape(str(row[key]))}</p>")
    known = {k for k, _ in FIELDS} | {k for k, _ in DATES} | SKIP
    extra = [(k, k.replace("_", " ").capitalize()) for k, v in row.items() if k not in known and _long(v)]
    for key, label in (*FIELDS, *extra):
        if _long(row.get(key)):
            parts.append(f"<h2>{label}</h2>{html.unescape(str(row[key]))}")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def _text(value) -> str:
    return html.escape(html.unescape(str(value or "")))


def _long(value) -> bool:
    """A text field worth a section: prose, not an id, flag or date."""
    return isinstance(value, str) and len(re.sub(r"<[^>]+>|&\w+;", "", html.unescape(value)).strip()) > 40
