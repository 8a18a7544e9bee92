"""What every template sees: the filters that write the archive's values for a reader (a date, a media type,
a label, a word diff) and the differ's vocabulary (drug, indication, kind, position and field names).

A blueprint with no routes of its own: registering it makes its filters and context app-wide, so the pages
(views.py), the feeds' index and the error pages all read the same words.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, url_for

from differ.taxonomy import (
    drug_label,
    field_label,
    indication_name,
    kind_label,
    position_label,
    value_label,
)
from payerwatch.web.fragments import diff_html, stance_of

templating = Blueprint("templating", __name__)


@templating.app_template_filter("label")
def label(value) -> str:
    return str(value or "—").replace("_", " ")


@templating.app_template_filter("breakable")
def breakable(text: str) -> str:
    """Let "experimental/investigational" wrap after its slash in a narrow cell instead of mid-word."""
    return str(text).replace("/", "/\u200b")


@templating.app_template_filter("doctype")
def doctype(media_type: str | None) -> str:
    """``text/html; charset=utf-8`` → ``HTML``: what a reader calls the file they are about to download."""
    kind = (media_type or "").split(";")[0].strip().lower()
    return {"application/pdf": "PDF", "text/html": "HTML", "application/xhtml+xml": "HTML"}.get(
        kind, kind or "bytes"
    )


@templating.app_template_filter("diffhtml")
def diffhtml(ops):
    return diff_html(ops)


@templating.app_template_filter("day")
def day(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date().isoformat()
    return value.isoformat()


@templating.app_context_processor
def _vocabulary() -> dict:
    """Words for people, from the differ's one vocabulary, in every template."""
    return {
        "drug_label": drug_label,
        "indication_name": indication_name,
        "kind_label": kind_label,
        "position_label": position_label,
        "field_label": field_label,
        "value_label": value_label,
        "stance_of": stance_of,
        "site_feeds": [{"title": "All changes", "href": url_for("feeds.all_feed", fmt="atom")}],
    }
