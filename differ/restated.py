"""A criterion the extractors lost in a reworded sentence is still stated: wording, not a criteria change.

The extractors read "must be observed for at least two hours after each dose" as 2 monitoring hours but
may read nothing from "each patient stays at the site and is watched for two hours after every dose". The
facts then say the monitoring requirement was removed — a ``criteria`` change — while the policy asks
exactly what it asked before. So a criterion that vanished from one version counts as reworded when a
sentence that is new on the other side (changed, not kept) states the same value: the number with its
unit ("two hours", "2 hours"), or the term the requirement is about ("REMS", "psychiatrist"). A criterion
whose sentence was deleted with no such rewording, or added next to a sentence that was already there,
stays a criteria change.

The same holds for a stance read from a sentence that the other version states too, save for a count:
"Failure of one of the following augmentation therapies" read as "covered with criteria" where "two of
the following" gave no stance. A count is a criterion (``differ/infer.py`` reads it), never a stance, so
such a position bullet is the extractors' reading flipping on a number word, not a coverage change.
"""

from __future__ import annotations

import re

from differ import noise, topic
from differ.infer import WORD_NUMBERS
from extractors.model import ExtractedPolicy

_WORDS = {n: w for w, n in WORD_NUMBERS.items()}
_COUNT = re.compile(r"\b(?:\d+|" + "|".join(WORD_NUMBERS) + r")\b", re.I)
#: The unit words that follow a field's number ("2 hours", "four weeks", "56 mg").
_UNIT = {
    "monitoring_hours": r"hours?",
    "observation_hours": r"hours?",
    "trial_weeks": r"weeks?",
    "age_min": r"years?",
    "age_max": r"years?",
    "dose_max_mg": r"mg|milligrams?",
    "failed_antidepressants": r"(?:[\w-]+\s+){0,3}?(?:antidepressants?|medications?|agents?|drugs?|trials?)",
}
#: The term a requirement without a number is about.
_TERM = {
    "rems": r"\bREMS\b",
    "prescriber": r"\bpsychiatri\w*|\bprescrib\w*",
    "concomitant_antidepressant": r"\boral antidepressant",
    "augmentation": r"\baugment\w*",
    "psychotherapy": r"\bpsychotherap\w*",
}


def reworded(bullet: dict, old: ExtractedPolicy, new: ExtractedPolicy) -> bool:
    """Is this criteria bullet (a value that vanished from one side) the same value restated?"""
    field, a, b = bullet["field"], bullet["old"], bullet["new"]
    if (a is None) == (b is None):
        return False
    value, here, there = (a, old, new) if b is None else (b, new, old)
    pattern = _pattern(field, value)
    if pattern is None:
        return False
    kept = _sentences(here)
    return any(pattern.search(s) for s in _sentences(there) - kept)


def recounted(bullet: dict, old: ExtractedPolicy, new: ExtractedPolicy) -> bool:
    """Is this position bullet (a stance that appeared or vanished) read from a sentence the other version
    states as well, with only a count changed?"""
    a, b = bullet["old"], bullet["new"]
    if (a is None) == (b is None):
        return False
    side, there = ("new", old) if b is not None else ("old", new)
    ev = bullet["evidence"][side]
    if not ev:
        return False
    sentence, other = noise.squash(ev["text"]), noise.squash(topic.topic_text(there).text)
    if sentence in other:  # the very sentence is there: not a count edit
        return False
    return _COUNT.sub("#", sentence) in _COUNT.sub("#", other)


def _pattern(field: str, value: str) -> re.Pattern | None:
    m = re.match(r"^\s*(\d+)\s*(\w*)", value or "")
    if m:
        n = int(m.group(1))
        forms = [str(n)] + ([_WORDS[n]] if n in _WORDS else [])
        unit = _UNIT.get(field) or (re.escape(m.group(2).rstrip("s")) + "s?" if m.group(2) else None)
        if unit is None:
            return None
        return re.compile(rf"\b(?:{'|'.join(forms)})(?:\s*\(\d+\))?[\s-]+(?:{unit})\b", re.I)
    term = _TERM.get(field)
    return re.compile(term, re.I) if term else None


def _sentences(ep: ExtractedPolicy) -> set[str]:
    """The version's topic text as whitespace- and case-folded sentences."""
    return set(noise.units(topic.topic_text(ep).text))
