"""Criteria stated in one clause: (field, value) pairs.

A clause is the unit (see clauses.py), so "initial 3 months; reauthorization 6 months" yields one
duration per phase. Rules that matter for trust:

* a trial length ("each for at least eight (8) weeks") is ``trial_weeks``, never an approval period: an
  approval needs an approval word in the clause or in its context (a heading "Length of Approval", a table
  column "Approval period");
* "must not / should not / will not be used as monotherapy" requires a concomitant antidepressant;
  "with or without", "alone or with", "or as monotherapy" allow monotherapy.
"""

from __future__ import annotations

import re

from .scope import phase_of
from .values import UNIT, N, ages, duration, failed_count, num

_APPROVAL_CUE = re.compile(
    r"approv|authori[sz]|duration|length of|period|renewal|\brenew|re-?authori|reapprov|re-approv", re.I
)
_DURATION = re.compile(rf"\b{N}\s*-?\s*{UNIT}\b", re.I)
_AGE_AFTER = re.compile(r"^\s*(?:of age|old|or older|and older|or over|of age or older)\b", re.I)
_NOT_APPROVAL = re.compile(
    r"\b(?:at least|each|lasted|for at least|taken for|given for|tried for|trial of|within|after|every|over|"
    r"per|past|the last|weeks?|twice|once|in the|each(?:\s+\w+){0,2}\s+for|lasting|minimum of)\s*(?:the\s+)?"
    r"(?:up to\s+)?$",
    re.I,
)
#: A length "or longer" / "or more" is a trial's or an illness's, never an approval period.
_NOT_APPROVAL_AFTER = re.compile(r"^\s*(?:or (?:longer|more)\b|\+)", re.I)
#: "may be approved every 6 months", "renewed each 12 months": the approval's own period, not a dosing
#: interval ("every 2 weeks") or a trial ("each for 6 weeks").
_APPROVED_EVERY = re.compile(
    r"\b(?:approv\w*|authori[sz]\w*|re-?authori[sz]\w*|renew\w*|extended)\s+(?:every|each)\s*$", re.I
)
#: An old value in a revision sentence: "(previously 3 months)", "formerly", "from 3 months to 6 months".
_OLD_BEFORE = re.compile(r"(?:\b(?:previously|formerly|was|were|had been|down from|up from)\s*)$", re.I)
_FROM_TO = re.compile(r"\bfrom\s*$", re.I)
_TO_AFTER = re.compile(rf"^\s*(?:to|until)\s+{N}\s*-?\s*{UNIT}", re.I)
#: A clause about the state before a revision ("Until now a concurrent antidepressant was required")
#: states no current criterion.
_FORMER = re.compile(
    r"^\W*(?:until now|up to now|previously,|formerly,|in the past,|"
    r"before (?:this|the) (?:change|update|revision))",
    re.I,
)
#: An old value and the arrow to its new one ("3 months → 6 months", "21 → 18 years", "three -> two"): the
#: value before the arrow is no longer in force ("=>" is "≥", never an arrow).
_ARROW_MARK = r"(?:[→⟶➔➜⇒]|-{1,2}>)"
_ARROW = re.compile(rf"\b{N}(?:\s*-?\s*{UNIT})?\s*{_ARROW_MARK}\s*(?=\d|{N})", re.I)
_ARROW_CUE = re.compile(_ARROW_MARK)
_ALONE = r"(?:(?:as\s+)?(?:a\s+)?monotherapy|alone|on its own|by itself|(?:as\s+)?a single agent)"
_NEG_MONO = re.compile(
    rf"\b(?:must|should|will|shall|may|can|is|are|cannot)\s+not\s+(?:be\s+)?(?:used|given|administered|"
    rf"prescribed|approved|taken)?\s*{_ALONE}|\bnot (?:as|for) monotherapy|"
    rf"\bcannot be (?:used|given) {_ALONE}|"
    r"\bnot (?:be )?used alone|monotherapy (?:is|will|would|shall) not\b|"
    r"monotherapy (?:is )?(?:not (?:permitted|allowed|covered|approved|authori[sz]ed|supported)|excluded)|"
    r"\bnever (?:as )?(?:monotherapy|alone)|"
    r"\bnot (?:be )?(?:used |given )?as (?:the |a )?(?:sole|only) (?:antidepressant|agent|therapy|treatment)",
    re.I,
)
_MONO = re.compile(
    r"monotherapy|as a single agent|with or without (?:an? )?(?:concomitant |concurrent )?(?:oral "
    r")?antidepressant|"
    r"\balone or\b|\bor alone\b|either alone|no longer required to take|"
    r"without (?:an? )?(?:(?:concomitant|concurrent|oral|background|additional)\s+)*antidepressant|"
    r"not (?:be )?required to (?:take|use|continue|receive)[^.;]{0,30}antidepressant|"
    r"(?:used|given|prescribed|administered|taken)\s+(?:on its own|by itself)|(?:on its own|by itself) or\b|"
    r"whether or not[^.;]{0,60}antidepressant|regardless of[^.;]{0,40}antidepressant|"
    r"\b(?:the )?sole (?:antidepressant|agent|therapy)\b|\bthe only antidepressant\b|"
    r"\b(?:used|given|taken) alone\b|"
    r"stand-?alone|need not (?:be )?(?:added|combined|used with)|antidepressant[^.;]{0,40}\boptional|"
    r"optional[^.;]{0,30}antidepressant|"
    r"(?:does|do|need) not (?:need to |have to )?(?:be )?(?:used|given|taken|combined) "
    r"(?:with|together with|"
    r"in combination with) (?:an? )?(?:oral )?antidepressant|antidepressant (?:is|are) (?:not|no longer) "
    r"required|"
    r"regardless of (?:whether|concurrent|concomitant)[^.;]{0,40}antidepressant|"
    r"antidepressant[\w ]{0,20}?:\s*(?:not required|optional|not needed|no\b)|"
    # "no longer has to be taken together with …", "need not be on …": the permission, not the "with"
    r"\b(?:no longer|not|never)\s+(?:has|have|needs?)\s+to\s+be\s+(?:\w+\s+)?(?:together\s+with|with|"
    r"in combination with|in conjunction with|alongside|along with)[^.;]{0,30}antidepressant|"
    r"not (?:be )?required to (?:be on|be taking|have)[^.;]{0,30}antidepressant|"
    # "either with an oral antidepressant or by itself / or as the only treatment"
    r"\bor\s+(?:by itself|on its own|as (?:the |a )?(?:only|sole|single) (?:treatment|therapy|agent|"
    r"medication|antidepressant))\b|"
    # "with an oral antidepressant or, for members who cannot tolerate one, alone"
    r"\bor,?\s+(?:for|in|when|if|where)\b[^.;]{0,80}?,\s*(?:alone|by itself|on its own|as monotherapy)\b|"
    r"antidepressant(?:\s+(?:therapy|treatment|medication|use))?\s+(?:is|are)\s+(?:not|no longer)\s+"
    r"(?:a\s+)?(?:requirement|mandatory|necessary|needed)",
    re.I,
)
_WITH_AD = re.compile(
    r"(?:in combination|in conjunction|concomitant(?:ly)?|concurrent(?:ly)?|together|along|plus)"
    r"(?:\s+(?:treatment|use|therapy|administration))?\s+with"
    r"[^.;]{0,40}antidepressant|antidepressant[^.;]{0,30}(?:concomitant|concurrent|alongside)|"
    r"(?:concurrent|concomitant)\s+(?:\w+\s+)?(?:oral\s+)?antidepressant|"
    r"\bco-?(?:prescribed|administered|given)\b[^.;]{0,40}antidepressant|"
    r"(?:added to|adjunct(?:ive)?(?: therapy)? to|add-on (?:therapy )?to|alongside)\s+(?:a|an|the|their)?\s*"
    r"(?:\w+\s+){0,3}?(?:oral\s+)?antidepressant|"
    r"(?<!treatments )(?<!treatment )(?<!trials )(?<!trial )(?<!failure )(?<!therapy )(?<!experience )"
    r"\b(?:with|continues?(?:\s+to\s+take)?|taking|takes?|uses?|using|on|receiv(?:es|ing)|start(?:s|ing)?|"
    r"initiat(?:e|es|ing)|begin(?:s|ning)?|maintain(?:s|ing)?)\s+(?:a|an|the|their)?\s*"
    r"(?:(?:newly|initiated|started|new|current|ongoing|stable|existing|background|continued|maintained|"
    r"or|and)\s+)*"
    r"(?:oral\s+)?antidepressant|"
    r"antidepressant[\w ]{0,20}?:\s*(?:required|mandatory|yes\b)|"
    r"\boral antidepressant(?:\s+(?:therapy|treatment|use))?\s+(?:is|remains)\s+(?:still\s+)?(?:required|"
    r"mandatory|necessary)|"
    r"\boral antidepressant\s+(?:is|will be|must be|should be|to be|being)\s+(?:continued|maintained|taken|"
    r"used|given|prescribed)|"
    r"\b(?:prescription for|prescribed)\s+an?\s+(?:\w+\s+)?oral antidepressant[^.;]{0,40}"
    r"\b(?:continu\w*|alongside|during|together)",
    re.I,
)
_SCALES = tuple(
    (
        re.compile(
            rf"(?:{name})[^.;\d]{{0,60}}?(?:>=|≥|greater than or equal to|at least|of|above|>)\s*(\d{{1,2}})"
        ),
        field,
    )
    for name, field in (
        (r"madrs|montgomery", "madrs_min"),
        (r"phq-?9", "phq9_min"),
        (r"ham-?d(?:-?17)?|hdrs|hamilton", "hamd_min"),
        (r"qids(?:-sr)?(?:-?16)?", "qids_min"),
    )
)
#: The rest of ``criteria_of``'s wordings, one pattern each (kept at module level, where the facts
#: reader's pre-check finds them: precheck.py). They read the lower-cased clause.
_PRESCRIBER = re.compile(
    r"(?:prescribed|ordered|recommended|supervised|diagnosed|confirmed) by[^.]{0,60}?(psychiatrist|"
    r"psychiatric (?:nurse|provider)[a-z ]{0,20}|mental health (?:professional|provider)|behavioral "
    r"health "
    r"(?:specialist|provider))|(?:prescriber|provider) is an? (psychiatrist)"
)
_PRESCRIBER_CUE = re.compile(r"prescri|ordered|recommended|supervised|consult")
_TRIAL_WEEKS = re.compile(rf"{N}\s*(?:or more\s+)?(?:consecutive\s+)?weeks?")
_TRIAL_CUE = re.compile(r"trial|adequate|duration|at least|each|minimum")
_CLASSES = re.compile(
    rf"{N}\s*(?:or more\s+)?(?:different\s+|distinct\s+)?(?:pharmacologic\s+|therapeutic\s+)?classes"
)
_AUGMENT = re.compile(r"augment")
_PSYCHOTHERAPY = re.compile(r"psychotherapy")
_PSYCHOTHERAPY_CUE = re.compile(r"trial|tried|fail|require|must|receiv")
_REMS = re.compile(r"\brems\b|risk[- ]evaluation\s+(?:and|&)\s+mitigation\s+(?:strateg|program)")
_HOURS = re.compile(rf"{N}\s*hours?")
_MONITOR_CUE = re.compile(r"monitor|observ")
_DOSE_MAX = re.compile(
    r"(?:maximum|max\.?|not (?:to )?exceed|up to|no more than|limited to)[^.;]{0,40}?(\d{2,3})\s*mg"
)
_AGE_BEFORE = re.compile(r"\bag(?:e|ed)\s*$", re.I)


#: A phase written after the period: "for 24 weeks on renewal", "6 months upon reauthorization".
_PHASE_AFTER = re.compile(
    # "for the first", "upon renewal", or the phase in brackets after the period: "6 months (initial)"
    r"^\s*(?:(?:(?:on|at|upon|for|with|after)\s+(?:each\s+|the\s+|a\s+|every\s+)?|\(\s*)([\w-]+)|"
    r"(initially|thereafter|afterwards?|initial|renewals?|continuation|re-?authori[sz]ation))\b",
    re.I,
)


#: A later period written without a phase word: "… 12 months thereafter", "3 months, then 6 months",
#: "may be extended for additional 6-month periods".
_LATER_AFTER = re.compile(r"^\s*(?:thereafter|after that|afterwards?|each time)\b", re.I)
_LATER_BEFORE = re.compile(
    r"\b(?:then|thereafter|extended|extensions?|additional|further)\b[^.;]{0,25}$", re.I
)


def approval_cue(text: str) -> bool:
    """True when ``text`` speaks of an approval or authorization period."""
    return bool(_APPROVAL_CUE.search(text))


def approvals(clause: str, phase: str, context: bool = False) -> list[tuple[str, str]]:
    """Approval periods in a clause; ``context``: an approval word is in the heading / table column."""
    if not (context or _APPROVAL_CUE.search(clause)):
        return []
    out = []
    last = 0
    for m in _DURATION.finditer(clause):
        before = clause[last : m.start()]
        age = m.group(2).lower().startswith("year") and (
            _AGE_AFTER.match(clause[m.end() :]) or _AGE_BEFORE.search(clause[: m.start()])
        )
        window = clause[max(0, m.start() - 25) : m.start()]
        old = _OLD_BEFORE.search(window) or (_FROM_TO.search(window) and _TO_AFTER.match(clause[m.end() :]))
        trial = _NOT_APPROVAL_AFTER.match(clause[m.end() :]) or (
            _NOT_APPROVAL.search(window) and not _APPROVED_EVERY.search(window)
        )
        if age or old or trial:
            last = m.end()
            continue
        after = _PHASE_AFTER.match(clause[m.end() :])
        later = _LATER_AFTER.match(clause[m.end() :]) or _LATER_BEFORE.search(before)
        which = (phase_of(after.group(1) or after.group(2)) if after else None) or (
            "continuation" if later else None
        )
        which = which or phase_of(before)
        which = which or phase_of(clause[: m.start()]) or phase
        out.append((f"approval_{which}", duration(m.group(1), m.group(2))))
        last = m.end()
    return out


def concomitant(low: str) -> str | None:
    if _NEG_MONO.search(low):
        return "required"
    if _MONO.search(low):
        return "monotherapy_allowed"
    if _WITH_AD.search(low):
        return "required"
    return None


def criteria_of(
    sentence: str, phase: str = "initial", context: bool = False, adult: bool = True
) -> list[tuple[str, str]]:
    """(field, value) pairs stated in one clause; ``phase`` is initial/continuation for approvals.
    ``adult``: "an adult" counts as age 18+ (not in a coverage statement: "covered for adult beneficiaries
    with …" restates the label's population, it lists no criterion)."""
    if _ARROW_CUE.search(sentence):
        sentence = _ARROW.sub(" ", sentence)  # "Initial approval: 3 months → 6 months" is 6 months
    low = sentence.lower()
    if _FORMER.search(low):
        return []
    out: list[tuple[str, str]] = list(ages(low, adult))
    m = _PRESCRIBER.search(low)
    if m and _PRESCRIBER_CUE.search(low):
        value = (m.group(1) or m.group(2)).strip()
        out.append(("prescriber", value + (" (or consultation)" if "consult" in low else "")))
    failed = failed_count(low)
    if failed:
        out.append(("failed_antidepressants", failed))
    m = _TRIAL_WEEKS.search(low)
    if m and _TRIAL_CUE.search(low) and "antidepressant" in low:
        if not _APPROVAL_CUE.search(low[: m.start()]):
            out.append(("trial_weeks", str(num(m.group(1)))))
    m = _CLASSES.search(low)
    if m:
        out.append(("antidepressant_classes", str(num(m.group(1)))))
    if _AUGMENT.search(low):
        out.append(("augmentation", "required"))
    elif _PSYCHOTHERAPY.search(low) and _PSYCHOTHERAPY_CUE.search(low):
        out.append(("augmentation", "psychotherapy"))
    value = concomitant(low)
    if value:
        out.append(("concomitant_antidepressant", value))
    for pattern, field in _SCALES:
        m = pattern.search(low)
        if m:
            out.append((field, m.group(1)))
    if _REMS.search(low):
        out.append(("rems", "required"))
    m = _HOURS.search(low)
    if m and _MONITOR_CUE.search(low):
        out.append(("monitoring_hours", str(num(m.group(1)))))
    out += approvals(sentence, phase, context)
    m = _DOSE_MAX.search(low)
    if m:
        out.append(("dose_max_mg", m.group(1)))
    return out
