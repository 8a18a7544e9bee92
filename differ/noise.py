"""Noise: what never counts as a change by itself — formatting, paragraphs that only moved, dates, years,
page numbers and the policy number.

Payers re-export a policy for its footer's year, a printed-on stamp or a new page break; none of that may
reach a subscriber. ``compare`` asks these questions only after the facts and the topic passages have had
their say: equal ``squash``-ed text is formatting, equal ``units`` are moved paragraphs, equal
``without_noise`` text means only dates moved (a ``dates`` change at most). Kept apart from the topic
scope (``topic.py``) because they read whole texts, not passages.
"""

from __future__ import annotations

import re
from collections import Counter

from differ.topic import revision_spans
from extractors.model import ExtractedPolicy

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATEISH = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|(?:{_MONTHS})\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
    r"|\d{4}-\d{2}-\d{2}|(?:19|20)\d{2})\b",
    re.I,
)
_PAGE_NO = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b", re.I)


def squash(text: str) -> str:
    """Whitespace- and case-insensitive form: formatting never counts as wording."""
    return " ".join(text.split()).lower()


def units(text: str) -> Counter[str]:
    """Sentences / lines as a multiset: equal multisets mean paragraphs only moved."""
    parts = re.split(r"(?<=[.;:])\s+|\n+", text)
    return Counter(s for s in (squash(p) for p in parts) if s)


def without_noise(ep: ExtractedPolicy) -> str:
    """The text minus revision history, dates, years, page numbers and policy numbers.

    Equal results for two versions mean that only dates (or printed-on stamps, footer years) moved.
    """
    kept, pos = [], 0
    for a, b in sorted(revision_spans(ep)):  # a history's sub-sections ("2025 changes") lie inside it
        kept.append(ep.text[pos:a])
        pos = max(pos, b)
    text = "".join(kept) + ep.text[pos:]
    text = DATEISH.sub(" ", text)
    text = _PAGE_NO.sub(" ", text)
    if ep.metadata.policy_number:
        text = text.replace(ep.metadata.policy_number, " ")
    return squash(text)


def strip_number(squashed: str, number: str | None) -> str:
    """A ``squash``-ed text without ``number`` (in the squashed form too: "2025D0069O" is lower-cased)."""
    return squash(squashed.replace(squash(number), " ")) if number else squashed


def only_dates(text: str) -> bool:
    """True when ``text`` holds nothing but dates, years and punctuation."""
    return not re.search(r"\w", DATEISH.sub(" ", text).replace("effective", ""))
