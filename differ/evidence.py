"""Evidence: where a bullet points in each version — the words, their offsets in the text, their page.

A user opens the evidence to check a change against the payer's own document, so each bullet carries a
span for the old and the new version: a fact's sentence, the code table's row, the first place a date is
printed outside the revision history, a title, a word. Kept apart from the topic scope (``topic.py``:
what the differ reads) because finding a span never decides whether something changed, only where to
show it; every bullet builder (compare, wording, infer, spelling, background) calls these.
"""

from __future__ import annotations

import datetime as dt
import re

from differ.topic import inside, page_at, revision_spans
from extractors.model import CoverageFact, ExtractedPolicy, Passage


def span(ep: ExtractedPolicy, start: int, end: int, page: int | None = None) -> dict:
    """An evidence dict (the caller adds ``version_id``)."""
    return {
        "start": start,
        "end": end,
        "page": page if page is not None else page_at(ep, start),
        "text": ep.text[start:end],
    }


def fact_span(f: CoverageFact) -> dict:
    return {"start": f.start, "end": f.end, "page": f.page, "text": f.sentence}


def find_code(ep: ExtractedPolicy, code: str, passage: Passage) -> dict | None:
    """Evidence span of ``code``: inside its passage (on the passage's page), else the first place after
    the passage's start (a code table's row that names no drug, below the row that does), else the first
    place at all (on the page of the section there)."""
    pattern = re.compile(rf"\b{re.escape(code)}\b")
    if m := pattern.search(ep.text, passage.start, passage.end):
        return span(ep, m.start(), m.end(), passage.page_start)
    m = pattern.search(ep.text, passage.start) or pattern.search(ep.text)
    return span(ep, m.start(), m.end()) if m else None


def date_forms(d: dt.date) -> list[str]:
    return [
        d.isoformat(),
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year}",
        f"{d.strftime('%B')} {d.day}, {d.year}",
        f"{d.strftime('%B')} {d.day:02d}, {d.year}",
        f"{d.strftime('%b')}. {d.day}, {d.year}",
        f"{d.strftime('%B')} {d.year}",
    ]


def find_date(ep: ExtractedPolicy, d: dt.date | None) -> dict | None:
    """Evidence span of the first place the text prints ``d``, outside the revision history."""
    if d is None:
        return None
    spans = revision_spans(ep)
    best = None
    low = ep.text.lower()
    for form in date_forms(d):
        i = low.find(form.lower())
        while i != -1 and inside(i, spans):
            i = low.find(form.lower(), i + 1)
        if i != -1 and (best is None or i < best[0]):
            best = (i, i + len(form))
    return span(ep, *best) if best else None


def find_word(ep: ExtractedPolicy, word: str) -> dict | None:
    m = re.search(rf"\b{re.escape(word)}\b", ep.text, re.I)
    return span(ep, m.start(), m.end()) if m else None


def find_text(ep: ExtractedPolicy, needle: str) -> dict | None:
    i = ep.text.find(needle)
    return span(ep, i, i + len(needle)) if i != -1 else None
