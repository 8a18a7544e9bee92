"""Values as policies write them: numbers in digits or words ("three (3)", "four agents"), ages ("18 or
over", "beneficiaries 18 and older", "18 through 65 years of age", "age 18 and above", "≥ 18 years", "has
reached age 18", "eighteen (18)", "older than 17", "is an adult") and durations ("28 Days", "1 year").
An age needs evidence that the number is an age (years, an age word, a person), so a "score of 18 or
more" is no age limit.

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
_YEARS = r"(?:years?|yrs?)(?:[- ]old)?(?:\s+of\s+age)?"
_YEARS_AFTER = re.compile(r"\s*-?\s*(?:years?|yrs?)\b|\s*(?:of age|old)\b")
_AGE_CONTEXT = re.compile(
    r"(?:\bag(?:e|ed|es)\b|\b(?:members?|patients?|beneficiar(?:y|ies)|enrollees?|individuals?|recipients?|"
    r"adults?|persons?|people|child(?:ren)?)\b)[^.;\d]{0,25}$"
)
_NOT_YEARS = r"(?!\s*(?:%|percent|mg|kg|points?|months?|weeks?|days?|hours?|sessions?|doses?|\d))"
#: An age limit is a number with a comparison, read only where the number is an age: years follow it
#: ("18 years or older", "≥ 18 yrs") or an age word leads to it ("age of 18 or more", "the age is 18").
_AT_LEAST = (
    r"(?:at least|no (?:less|younger) than|not (?:less|younger) than|>=|≥|=>|greater than or equal to|"
    r"equal to or greater than|minimum(?: age)? of|of at least|a minimum of)"
)
_OR_MORE = r"(?:or|and)\s*(?:older|over)"
_OR_ABOVE = r"(?:or|and)\s*(?:above|up|more|greater|beyond)"
_MORE_THAN = r"(?:older than|greater than|more than|>)(?!\s*or)"
_THE_AGE = r"(?:the age of\s*|age\s*)?"
#: (pattern, added to the number, the number must be shown to be an age by years or an age word)
_MIN = (
    # 18 [years [old] [of age]] or older / and above / or more / and up
    (re.compile(rf"\b(\d{{1,2}})\s*-?\s*(?:{_YEARS}\s*)?{_OR_MORE}\b"), 0, False),
    (re.compile(rf"\b(\d{{1,2}})\s*-?\s*(?:{_YEARS}\s*)?{_OR_ABOVE}\b"), 0, True),
    # at least 18 years / ≥ 18 (after an age word)
    (re.compile(rf"{_AT_LEAST}\s*{_THE_AGE}(\d{{1,2}})\b{_NOT_YEARS}"), 0, True),
    # older than 17 → 18 ("over 18" reads as 18+, the way policies mean it)
    (re.compile(rf"{_MORE_THAN}\s*{_THE_AGE}(\d{{1,2}})\b{_NOT_YEARS}"), 1, True),
    (re.compile(rf"\bover\s*{_THE_AGE}(\d{{1,2}})\b{_NOT_YEARS}"), 0, True),
    # 18+ / age 18+
    (re.compile(r"\b(\d{2})\s*\+(?!\s*(?:mg|kg|%))"), 0, False),
    # reached / attained / turned (the) age (of) 18; aged 18; age: 18
    (re.compile(rf"\bag(?:e|ed)\s*(?:is\s*|of\s*|:\s*|=\s*)?(\d{{1,2}})\b{_NOT_YEARS}"), 0, False),
)
_UNDER = (
    r"(?:younger than|under(?: the age of)?|less than|below(?: the age of)?|<=|≤|<|no older than|"
    r"not older than|up to(?: the)? age(?: of)?)"
)
_MAX = (
    re.compile(rf"{_UNDER}\s*(?:age\s*)?(\d{{2}})\b{_NOT_YEARS}"),
    # a labelled ceiling ("Maximum age: 65", "upper age limit of 64"): its "age: 65" is no minimum
    re.compile(
        r"\b(?:max(?:imum)?\s+age|upper\s+age\s+limit|age\s+limit)\s*(?:is\s*|of\s*|:\s*|=\s*)?(\d{2})\b"
    ),
    re.compile(rf"\b(\d{{2}})\s*(?:{_YEARS}\s*)?(?:or|and)\s*(?:younger|under|below)\b"),
)
#: "an adult", "adult members", "adults with …": a person aged 18 or more (not "adult dosing", and not
#: where the clause speaks of children too).
_ADULT = re.compile(
    r"\b(?:is|be|are)\s+(?:an?\s+)?adults?\b|\badults?\s+(?:members?|patients?|beneficiar(?:y|ies)|enrollees?|"
    r"individuals?|recipients?|aged?\b)|^\W*adults?\W*$"
)
_YOUNG = re.compile(r"adolescen|child|pediatric|paediatric|youth|\bminors?\b|young adult|\bteen")


def _age_number(low: str, m: re.Match, years_needed: bool) -> str | None:
    """The number of an age match, when it is an age: years in or after the match, or an age word or a
    person before it ("the member is 18 or more", "age of 18 or more"; never "a PHQ-9 score of 18 or
    more")."""
    if not years_needed or re.search(r"year|yr|\bold\b|\bage", m.group(0)):
        return m.group(1)
    if not (_YEARS_AFTER.match(low[m.end() :]) or _AGE_CONTEXT.search(low[: m.start()])):
        return None
    return m.group(1)


def ages(low: str, adult: bool = True) -> list[tuple[str, str]]:
    """Age limits in a lower-cased clause: [("age_min", "18"), ("age_max", "65")]."""
    low = _AGE_WORD.sub(_age_digits, low)
    m = _RANGE.search(low)
    if m and ("age" in low or "years" in low):
        lo, hi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if 10 <= int(lo) < int(hi) <= 99:
            return [("age_min", lo), ("age_max", hi)]
    out: list[tuple[str, str]] = []
    upper = None
    for pattern in _MAX:
        for m in pattern.finditer(low):
            value = _age_number(low, m, True)
            if value and 10 <= int(value) <= 99 and (upper is None or m.start() < upper.start()):
                upper = m
                break
    best = None
    for pattern, add, needs_context in _MIN:
        for m in pattern.finditer(low):
            if upper is not None and upper.start() <= m.start(1) < upper.end():
                continue
            value = _age_number(low, m, needs_context)
            if value and 10 <= int(value) + add <= 99 and (best is None or m.start() < best[0]):
                best = (m.start(), str(int(value) + add))
                break
    if best is None and adult and _ADULT.search(low) and not _YOUNG.search(low):
        best = (0, "18")
    if best is not None:
        out.append(("age_min", best[1]))
    if upper is not None:
        out.append(("age_max", upper.group(1)))
    return out


#: What a failed trial is counted in: antidepressants, or "agents used for depression".
_DRUGS = (
    r"(?:(?:different|prior|previous|separate|distinct|preferred|other|oral|generic|adequate|failed|"
    r"unsuccessful)\s+)*"
    r"(?:antidepressants?(?:\s+(?:trials?|medications?|agents?|drugs?|treatments?|regimens?|courses?))?"
    r"|(?:agents?|medications?|drugs?)\s+(?:used\s+)?for\s+(?:depression|major depressive disorder|mdd))"
)
_FAILED = re.compile(
    rf"\b{N}\s*(?:or more\s+)?(?:{_DRUGS}|(?:(?:adequate|separate|prior|previous|different|failed)\s+)*"
    r"(?:trials?|courses?|regimens?|treatments?|therapies|attempts)\s+(?:of|with)\s+"
    r"(?:(?:different|separate|oral)\s+)*antidepressants?)",
    re.I,
)
_FAILED_CUE = re.compile(
    r"fail|inadequate|unsatisfactory|unsuccessful|without remission|poor response|"
    r"non-?respon|not respond|did not respond|no response|lack of (?:response|benefit)|"
    r"trials? of|tried|unsuccessful|intoleran|refractory|not improved|insufficient response|"
    r"(?:did|does|do) not (?:work|help|improve)|ineffective|despite|"
    r"without (?:an? )?(?:adequate |sufficient |satisfactory |enough |meaningful )?"
    r"(?:response|benefit|improvement|remission)|"
    r"(?:too little|not enough|insufficient|inadequate|limited|minimal|little or no)\s+(?:\w+\s+)?"
    r"(?:improvement|benefit|response|relief)|\benough (?:improvement|benefit|response)|"
    r"\b(?:no|not|never|without)\b[^.;]{0,40}?\b(?:response|benefit|improvement|remission|effect)|"
    r"\bpersist|"
    # a count of antidepressant trials is a count of failed ones: "no fewer than three antidepressant
    # trials",
    # "Prior antidepressant trials: two"
    r"\b(?:no fewer than|not fewer than|at least|a minimum of|minimum of)\s+\w+\s+(?:\w+\s+)?"
    r"antidepressant\s+"
    r"(?:trials|courses|regimens)\b|\bantidepressant\s+(?:trials|courses|regimens)\s*:",
    re.I,
)


#: A field and its value: "prior antidepressant failures: at least 2", "failed antidepressant trials: 3".
_FAILED_FIELD = re.compile(
    rf"antidepressants?[\w ]{{0,25}}?:\s*(?:at least |a minimum of |>=\s*|≥\s*)?{N}\b"
    r"(?!\s*(?:weeks?|months?|mg))",
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
    m = _COUNT_OF.search(low) or _FAILED.search(low) or _FAILED_FIELD.search(low)
    return str(num(m.group(1))) if m else None
