"""Values as policies write them: numbers in digits or words ("three (3)", "four agents"), ages ("18 or
over", "beneficiaries 18 and older", "18 through 65 years of age") and durations ("28 Days", "1 year").

Kept apart from the sentence logic so that each wording is one regular expression with a test, and a new
wording seen on a payer's page is added here once for every field that uses it.
"""

from __future__ import annotations

import re

_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a": 1,
    "an": 1,
    "single": 1,
}
#: A count: digits, or a number word optionally followed by its digits in parentheses ("three (3)").
N = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\s*\(\d+\))?"
UNIT = r"(months?|days?|weeks?|years?)"


def num(s: str) -> int:
    return int(s) if s.isdigit() else _WORDS[s.lower()]


def duration(n: str, unit: str) -> str:
    """ "6 months", "28 days", "4 weeks"; years become months ("1 year" → "12 months")."""
    k = num(n)
    unit = unit.lower().rstrip("s")
    if unit == "year":
        k, unit = k * 12, "month"
    return f"{k} {unit}{'s' if k != 1 else ''}"


_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
#: An age in words, with or without its digits: "eighteen (18)", "twenty-one", "sixty five".
_AGE_WORD = re.compile(
    rf"\b(?:({'|'.join(_TENS)})(?:[- ]({'|'.join(_UNITS)}))?|({'|'.join(_TEENS)}))\b(?:\s*\((\d{{2}})\))?",
    re.I,
)


def _age_digits(m: re.Match[str]) -> str:
    if m.group(4):
        return m.group(4)
    if m.group(3):
        return str(10 + _TEENS.index(m.group(3).lower()))
    tens = 20 + 10 * _TENS.index(m.group(1).lower())
    return str(tens + (_UNITS.index(m.group(2).lower()) + 1 if m.group(2) else 0))


_RANGE = re.compile(
    r"\b(?:between |aged? |ages )?(\d{2})\s*(?:to|-|–|through|and)\s*(\d{2})\s*(?:years|yrs)"
    r"|\b(?:between )?(?:the )?ages?(?: of)?\s+(\d{2})\s*(?:to|-|–|through|and)\s*(\d{2})\b",
    re.I,
)
_MIN = re.compile(
    r"\b(\d{1,2})\s*(?:years?|yrs)?\s*(?:old\s*|of age\s*)?(?:or|and)\s*(?:older|over|above)"
    r"|(?:at least|>=|≥|aged?|age of|minimum age(?: of)?|over)\s*(\d{1,2})\s*(?:years|yrs)"
    r"|\bage\s*(?:>=|≥)?\s*(\d{1,2})\s*\+"
    r"|\bage\s*(?:>=|≥|of at least|at least)\s*(\d{2})\b"
    r"|\b(\d{2})\+(?:\s*years)?(?!\s*(?:mg|kg|%))",
    re.I,
)
#: "Patient age is 18 years or more": only where the clause speaks of age (else it is a duration).
_MIN_MORE = re.compile(r"\b(\d{2})\s*(?:years?|yrs)\s*(?:old\s*|of age\s*)?or more\b", re.I)
_MAX = re.compile(
    r"(?:younger than|under(?: the age of)?|less than|<=|no older than|not older than)\s*(?:age\s*)?(\d{2})"
    r"\s*(?:years)?",
    re.I,
)


def ages(low: str) -> list[tuple[str, str]]:
    """Age limits in a lower-cased clause: [("age_min", "18"), ("age_max", "65")]."""
    low = _AGE_WORD.sub(_age_digits, low)
    m = _RANGE.search(low)
    if m and ("age" in low or "years" in low):
        lo, hi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if 10 <= int(lo) < int(hi) <= 99:
            return [("age_min", lo), ("age_max", hi)]
    out = []
    m = _MIN.search(low) or (re.search(r"\bage\b|\bold\b", low) and _MIN_MORE.search(low))
    if m:
        value = next(g for g in m.groups() if g)
        if 10 <= int(value) <= 99:
            out.append(("age_min", value))
    m = _MAX.search(low)
    if m and re.search(r"\bage|years", low):
        out.append(("age_max", m.group(1)))
    return out


#: What a failed trial is counted in: antidepressants, or "agents used for depression".
_DRUGS = (
    r"(?:(?:different|prior|previous|separate|distinct|preferred|other|oral|generic|adequate|failed|"
    r"unsuccessful)\s+)*"
    r"(?:antidepressants?(?:\s+(?:trials?|medications?|agents?|drugs?|treatments?|regimens?|courses?))?"
    r"|(?:agents?|medications?|drugs?)\s+(?:used\s+)?for\s+(?:depression|major depressive disorder|mdd))"
)
_FAILED = re.compile(rf"\b{N}\s*(?:or more\s+)?{_DRUGS}", re.I)
_FAILED_CUE = re.compile(
    r"fail|inadequate|unsatisfactory|unsuccessful|without remission|poor response|"
    r"non-?respon|not respond|did not respond|no response|lack of (?:response|benefit)|"
    r"trials? of|tried|unsuccessful|intoleran|refractory|not improved|insufficient response|"
    r"(?:did|does|do) not (?:work|help|improve)|ineffective|despite|"
    r"without (?:an? )?(?:adequate |sufficient |satisfactory |enough |meaningful )?"
    r"(?:response|benefit|improvement|remission)|"
    r"(?:too little|not enough|insufficient|inadequate|limited|minimal|little or no)\s+(?:\w+\s+)?"
    r"(?:improvement|benefit|response|relief)|\benough (?:improvement|benefit|response)",
    re.I,
)


#: The count stated as a number ("the number of failed antidepressant trials is two"); when it changes
#: ("goes down from three to two", "changed from 4 to 2"), the value after "to" is the current one.
_COUNT_OF = re.compile(
    rf"\bnumber of [^.;]{{0,40}}?antidepressant[^.;]{{0,60}}?(?:\bto|\bis|\bare|:|=)\s*(?:now\s+|only\s+)?"
    rf"{N}\b(?!\s*(?:weeks?|months?|days?|years?|mg|%))",
    re.I,
)


def failed_count(low: str) -> str | None:
    if not _FAILED_CUE.search(low):
        return None
    m = _COUNT_OF.search(low) or _FAILED.search(low)
    return str(num(m.group(1))) if m else None
