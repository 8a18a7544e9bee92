"""The reader's pre-check: can a paragraph or heading state a fact at all?

Reading one paragraph clause by clause costs the reader (reader.py, units.py) ~800 regular-expression
searches; most paragraphs of a long policy (evidence reviews, descriptions, background) name no drug,
indication, stance, criterion or list lead-in and yield nothing. With no lead-in open, a paragraph whose
every clause is *inert* changes nothing the reader keeps — no fact, no target, no lead-in, no last
statement — so the reader skips it. The pre-check is exact: it never calls a paragraph inert where a
rule would fire (tests/extractors/test_facts_precheck.py reads every corpus both ways, block by block).

Its words are the rules' own. Every module-level pattern of the facts modules (and terms.py's drug and
indication vocabulary) is a *trigger* unless ``CONTEXT`` below names it: a pattern that only refines,
vetoes or splits what a trigger found and states nothing by itself. A new rule's pattern is therefore a
trigger from the moment it is written; a pattern written inline in a function is invisible here, so the
test above fails on one. A rule that fires on a plain ``in`` test or a ``str`` method, with no pattern of
its own, would be missed: write rules as module-level patterns.

A clause is inert when no trigger matches it or its lower-case form (``criteria_of`` reads
``clause.lower()``). That argument needs every text a rule reads to be the clause itself, its
lower-case form, or text the triggers cover: the rules that rewrite a clause before matching
(``_NOT_EXCLUDED``, ``_SCALE_NAME``, ``_EXCEPTION``, ``_OUTSIDE``, ``_AGE_WORD``) are triggers, so a
clause they would rewrite is read in full. One trigger is *cued*: an approval period (``_DURATION``) is
only read where an approval word is in the clause or its sentence (``criteria.approvals``), so "within
the first two months" in an evidence review is no trigger.

Running every trigger on every clause would cost what the rules cost; so each trigger's parsed form
gives the literal strings one of which any text it matches must contain (lower-cased), and only the
triggers whose strings occur in the paragraph are run.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from functools import cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

from .clauses import clauses, sentences, unmarked
from .needles import WORD_START, Requirement, checked, fold, needles_of, predicate, requirement, trie
from .relaxed import relaxed

#: Patterns that state nothing by themselves (``module.NAME``; a tuple names all its patterns).
CONTEXT = {
    # structure: sentences, clauses, list markers, records and table lead-ins (read before the pre-check)
    "clauses._SENT": "splits sentences",
    "clauses._ABBR": "splits sentences",
    "clauses._CLAUSE": "splits clauses",
    "clauses._MARKER": "strips list markers (the pre-check reads the same unmarked clause)",
    "reader._MARKED": "makes a paragraph an item only under an open lead-in (never pre-checked)",
    "records._RECORD_CELL": "PBM records are read before the pre-check",
    "records._RECORD_KEYS": "PBM records are read before the pre-check",
    "records._PRODUCT": "PBM records are read before the pre-check",
    "records._RECORD_SPLIT": "PBM records are read before the pre-check",
    "context.TABLE_REF": "the table lead-in: a drug-less paragraph's is read before the pre-check, a "
    "statement's needs its stance",
    "parts._NASAL": "which drug (a route in a policy on both)",
    "parts._INFUSION": "which drug (a route in a policy on both)",
    "parts._SENTENCE_END": "a drug label needs a drug name",
    "parts._LIST_LABEL": "a label between a lead-in and its list (only with a lead-in open)",
    "tables._OLD_COLUMN": "table columns: rows are read before the pre-check",
    "tables._NEW_COLUMN": "table columns: rows are read before the pre-check",
    "tables._CURRENT_COLUMN": "table columns: rows are read before the pre-check",
    "tables._COVERED_LABEL": "a row's stance label: rows are read before the pre-check",
    "tables._ENDING_COLUMN": "table columns: rows are read before the pre-check",
    "tables._OLD_ROW": "table rows: read before the pre-check",
    "tables._YEAR": "table columns: rows are read before the pre-check",
    "tables._LOG_CHANGE": "a change log's columns: rows are read before the pre-check",
    "tables._LOG_DATE": "a change log's columns: rows are read before the pre-check",
    "tables._BARE_COVERED": "a row's stance cell: rows are read before the pre-check",
    "tables._CELL_PA": "a row's stance cell: rows are read before the pre-check",
    "tables._LABEL_USE": "a field row's use in brackets: rows are read before the pre-check",
    "tables._DRUG_WORDS": "a row's use cell: rows are read before the pre-check",
    "tables._CLASS_HEAD": "a drug list's heading: rows are read before the pre-check",
    "qtable._YES_HEAD": "a question table's columns: rows are read before the pre-check (layouts.py)",
    "qtable._NO_HEAD": "a question table's columns: rows are read before the pre-check (layouts.py)",
    "qtable._NUMBER_HEAD": "a question table's columns: rows are read before the pre-check (layouts.py)",
    "qtable._NUMBER_CELL": "a question table's number cell: rows are read before the pre-check (layouts.py)",
    "afterlist.AFTER_LIST": "the stance after a list: read before the pre-check (and a veto of 'other')",
    "afterlist._CONTINUES": "the stance after a list: read before the pre-check (and a veto of 'other')",
    "afterlist._CRITERIA_WORDS": "veto",
    "afterlist._NEW_LIST": "the stance after a list: read before the pre-check",
    "units._ANSWER": "refines: an answer takes the use of the question before it (its stance is the trigger)",
    "clauses.OTHER_TREATMENT": "veto: a statement about another treatment (its stance is the trigger)",
    "footnotes._MARKS": "blanks footnote markers before the reader reads a block",
    "footnotes._DIGIT_MARK": "blanks footnote markers before the reader reads a block",
    "footnotes._MARKER": "a footnote marker on a position the reader found (read after it)",
    "footnotes._CONDITIONS": "a footnote's conditions on a position the reader found (read after it)",
    "footnotes._NEGATED": "veto",
    "clauses._OTHER_AS_OBJECT": "lifts the veto OTHER_TREATMENT (the treatment is a criterion's object)",
    "clauses._OTHER_REQUIREMENT": "lifts the veto OTHER_TREATMENT (the treatment is a criterion's object)",
    "units.DURATION_HEADING": "the approval cue of the blocks under it (reader.py reads them all)",
    "positions._QUESTION": "veto: a question states no stance",
    "forms._ANSWER": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._DENY": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._APPROVE": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._GOTO": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._TARGET": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._NUMBER": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._REQUEST": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._RENEWAL_Q": "a PA form's answers: read before the pre-check (layouts.py)",
    "partd._LABEL": "a Part D record: read before the pre-check (layouts.py)",
    "partd._ALL_USES": "a Part D record: read before the pre-check (layouts.py)",
    "partd._PATIENT": "a Part D record: read before the pre-check (layouts.py)",
    "partd._NONE": "a Part D record: read before the pre-check (layouts.py)",
    "partd._ADULTS": "a Part D record: read before the pre-check (layouts.py)",
    "forms._FORM_MARK": "a PA form's answers: read before the pre-check (layouts.py)",
    "forms._ANSWER_LINE": "a PA form's answers: read before the pre-check (layouts.py)",
    "scope._NUMBERING": "section roles and phases: headings, read before the pre-check or with a stance",
    "scope._INFO": "section role",
    "scope._COVERAGE": "section role",
    "scope._APPROVAL": "an approval heading: only with an indication the clause names",
    "scope._INITIAL": "phase of a statement or criterion",
    "scope._CONTINUATION": "phase of a statement or criterion",
    # vetoes: they only take a stance or a criterion away
    "positions._POINTER": "veto",
    "positions._DISCLAIMER": "veto",
    "positions._FDA": "veto",
    "positions._FDA_NAME": "veto (and its lifting for a criterion, itself a trigger)",
    "positions._FDA_CLAIM": "veto",
    "positions._FDA_ADJECTIVE": "narrows the veto _FDA_CLAIM",
    "positions._PAYER_CONDITION": "lifts the FDA veto from a stance, itself a trigger",
    "positions._NEGATED_SUBJECT": "veto",
    "positions._CODE_SUBJECT": "veto",
    "positions._CLASS_RULE": "veto",
    "positions._UNADDRESSED": "narrows the veto _POINTER ('any use not addressed above' is other: _OTHER)",
    "clauses._NOT_A_USE": "veto of 'other' (a route or form left out, not a use)",
    "criteria._APPROVED_EVERY": "lifts the veto _NOT_APPROVAL from a period (_DURATION is the trigger)",
    "units._CONJUNCTION": "veto",
    "criteria._FORMER": "veto",
    "values._YOUNG": "veto of 'adult'",
    "context.UNNAMED": "veto",
    # refinements of what a trigger found
    "positions._CRITERIA": "covered → covered with criteria",
    "positions._USE_WHEN": "covered → covered (the use is no criterion)",
    "positions._GENERAL_CONDITION": "covered → covered ('when medically necessary' is no criterion)",
    "context.EXAMPLES": "a follow-up (FOLLOW_UP) right after its statement",
    "units._BACK_REF": "a stance's questions above it",
    "units._TOPIC": "which drug is the subject",
    "units._DRUG_NAME": "which drug is the subject",
    "context.MONO_SUBJECT": "sub-population of a stance",
    "context.ALTERNATIVES": "alternatives of a lead-in",
    "context.FOLLOW_UP": "needs the clause's indications or a lead-in",
    "units._ANAPHOR": "needs an indication in an earlier clause of the sentence",
    "targeting._DIAGNOSIS": "needs the clause's indications",
    "units._UNIT_LABEL": "indications for the block's criteria",
    "clauses._COORDINATED": "which drug",
    "clauses._EXCEPTION_OF_USE": "needs an exception",
    "clauses._NOT_OTHER": "unused",
    "criteria._APPROVAL_CUE": "the cue of an approval period (see CUED)",
    "criteria._AGE_AFTER": "an approval period that is an age",
    "criteria._AGE_BEFORE": "an approval period that is an age",
    "criteria._NOT_APPROVAL": "an approval period that is a trial",
    "criteria._NOT_APPROVAL_AFTER": "an approval period that is a trial",
    "criteria._OLD_BEFORE": "an approval period that is an old value",
    "criteria._FROM_TO": "an approval period that is an old value",
    "criteria._TO_AFTER": "an approval period that is an old value",
    "criteria._PHASE_AFTER": "the phase of an approval period",
    "criteria._LATER_AFTER": "the phase of an approval period",
    "criteria._LATER_BEFORE": "the phase of an approval period",
    "criteria._PRESCRIBER_CUE": "with _PRESCRIBER",
    "criteria._TRIAL_CUE": "with _TRIAL_WEEKS",
    "criteria._PSYCHOTHERAPY_CUE": "with _PSYCHOTHERAPY",
    "criteria._MONITOR_CUE": "with _HOURS",
    "values._YEARS_AFTER": "evidence that a number is an age",
    "values._AGE_CONTEXT": "evidence that a number is an age",
    "values._FAILED_CUE": "with _FAILED / _FAILED_FIELD / _COUNT_OF",
    # the billing-code pass of facts/__init__.py reads passages, not through the reader
    "facts._FACT_CODES": "billing codes are read outside the reader",
}
#: Triggers that fire only where their cue matches the clause or its sentence: (trigger, cue).
CUED = {"criteria._DURATION": "criteria._APPROVAL_CUE"}
#: terms.py's vocabulary the rules read through ``drugs_in`` / ``indications_in`` / ``subject_drugs``.
TERMS = ("ESKETAMINE_RE", "KETAMINE_RE", "TOPIC_CODE_RE", "INDICATIONS")


@dataclass(frozen=True)
class Trigger:
    name: str
    pattern: re.Pattern[str]
    #: what any text it matches holds (``needles.requirement``); None: nothing known, always run it
    requirement: Requirement | None
    #: the needles the scan looks for: the most selective set every match needs one of
    needles: frozenset[str] | None
    relaxed: re.Pattern[str]  # no anchors, no lookarounds: matches a paragraph wherever it matches a clause
    check: Any  # the requirement as ``needles.holds`` reads it
    cue: re.Pattern[str] | None = None
    #: the cue without anchors and lookarounds: a paragraph it misses has no clause or sentence the cue
    #: matches (``relaxed``), so the trigger cannot fire there
    relaxed_cue: re.Pattern[str] | None = None
    #: ``check`` as one function (``needles.predicate``): the tree walk without its generators
    test: Any = field(init=False, repr=False, compare=False)
    #: what any text the cue matches holds, as one function (None: no cue, or nothing known): a few
    #: substring tests, where the cue's own (case-insensitive) search costs ~18 µs a paragraph
    cue_test: Any = field(init=False, repr=False, compare=False)

    #: every match holds an ASCII digit (``needs_digit``): needles are literals, so a digit class
    #: ("18 or older": ``\d{1,2}`` before "or older") is tested here, on an ASCII paragraph's digits
    digit: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", None if self.check is None else predicate(self.check))
        object.__setattr__(self, "digit", needs_digit(self.pattern))
        cue_check = None if self.cue is None else checked(self.cue)
        object.__setattr__(self, "cue_test", None if cue_check is None else predicate(cue_check))

    def holds(self, low: str) -> bool:
        return self.test is None or self.test(low)


# -- the triggers ------------------------------------------------------------------------------------


def _patterns(value, depth: int = 0):
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, (tuple, list, frozenset, set)):
        for v in value:
            yield from _patterns(v, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for v in value.values():
            yield from _patterns(v, depth + 1)


def named_patterns() -> dict[str, list[re.Pattern[str]]]:
    """``module.NAME`` → its patterns, for every module-level pattern (or container of patterns) of
    the facts modules, and terms.py's ``TERMS``."""
    from .. import facts, terms

    out = {f"terms.{name}": list(_patterns(getattr(terms, name))) for name in TERMS}
    modules = [("facts", facts)] + [
        (m.name, importlib.import_module(f"{facts.__name__}.{m.name}"))
        for m in pkgutil.iter_modules(facts.__path__)
        if m.name not in ("precheck", "needles")
    ]
    for short, module in modules:
        for name, value in vars(module).items():
            found = list(_patterns(value))
            if found:
                out[f"{short}.{name}"] = found
    return out


def _resolve(name: str) -> list[re.Pattern[str]]:
    return named_patterns()[name]


@cache
def triggers() -> tuple[Trigger, ...]:
    named = named_patterns()
    context = {id(p) for name in CONTEXT for p in named.get(name, ())}
    cues = {id(p): _resolve(cue)[0] for name, cue in CUED.items() for p in named.get(name, ())}
    out, seen = [], set(context)
    for name, patterns in named.items():
        for p in patterns:
            if id(p) in seen:
                continue
            seen.add(id(p))
            cue = cues.get(id(p))
            out.append(
                Trigger(
                    name,
                    p,
                    requirement(p),
                    needles_of(p),
                    relaxed(p),
                    checked(p),
                    cue,
                    None if cue is None else relaxed(cue),
                )
            )
    return tuple(out)


def needs_digit(pattern: re.Pattern[str]) -> bool:
    r"""True when every text ``pattern`` matches holds a digit (``\d``, ``[0-9]`` or a digit itself,
    consumed at least once on every branch). Unsure means False: then nothing is skipped."""
    return _digit_in(P.parse(pattern.pattern, pattern.flags))


def _digit_in(items) -> bool:
    return any(_digit_item(op, av) for op, av in items)


def _digit_item(op, av) -> bool:
    if op is C.LITERAL:
        return chr(av).isdigit() and chr(av).isascii()
    if op is C.IN:
        return bool(av) and all(_digit_member(o, a) for o, a in av)
    if op is C.SUBPATTERN:
        return _digit_in(av[3])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return av[0] >= 1 and _digit_in(av[2])
    if op is C.ATOMIC_GROUP:
        return _digit_in(av)
    if op is C.BRANCH:
        return all(_digit_in(alt) for alt in av[1])
    return False  # lookarounds, anchors, any character, back references: nothing known


def _digit_member(op, av) -> bool:
    if op is C.LITERAL:
        return "0" <= chr(av) <= "9"
    if op is C.RANGE:
        return "0" <= chr(av[0]) and chr(av[1]) <= "9"
    return op is C.CATEGORY and av is C.CATEGORY_DIGIT


#: an ASCII digit (``needs_digit``'s triggers cannot fire in an ASCII paragraph without one)
_DIGIT = re.compile(r"[0-9]")


# -- the needles, looked for in one scan ------------------------------------------------------------


@cache
def _index() -> tuple[re.Pattern[str], dict[str, tuple[tuple[Trigger, ...], tuple[Trigger, ...]]]]:
    """One pattern that finds the longest needle starting at a place; for each needle, the triggers it
    (or a needle that is its prefix: they start at the same place) admits anywhere, and those it admits
    only at the start of a word."""
    free: dict[str, list[Trigger]] = {}
    bound: dict[str, list[Trigger]] = {}
    for t in triggers():
        for n in t.needles or ():
            (bound if n.startswith(WORD_START) else free).setdefault(n.lstrip(WORD_START), []).append(t)
    words = set(free) | set(bound)

    def admitted(table: dict[str, list[Trigger]], n: str) -> tuple[Trigger, ...]:
        return tuple({id(t): t for m, ts in table.items() if n.startswith(m) for t in ts}.values())

    closed = {n: (admitted(free, n), admitted(bound, n)) for n in words}
    return re.compile(trie(sorted(words))), closed


def candidates(text: str) -> list[Trigger]:
    """The triggers that may match somewhere in ``text``: all the needles one of their alternatives
    needs occur in it (and the triggers without needles)."""
    scan, closed = _index()
    low = fold(text)
    found = {id(t): t for t in _unknown()}
    search = scan.search
    m = search(low)
    while m is not None:
        at = m.start()
        anywhere, word_start = closed[m.group()]
        for t in anywhere:
            found[id(t)] = t
        if word_start and (at == 0 or not (low[at - 1].isalnum() or low[at - 1] == "_")):
            for t in word_start:
                found[id(t)] = t
        m = search(low, at + 1)
    return [t for t in found.values() if t.test is None or t.test(low)]  # ``Trigger.holds``, inlined


@cache
def _unknown() -> tuple[Trigger, ...]:
    """The triggers whose needles nothing tells: always candidates."""
    return tuple(t for t in triggers() if t.requirement is None)


def _fires(trigger: Trigger, units: list[tuple[str, str]]) -> bool:
    p, test = trigger.pattern, trigger.test
    for body, sentence in units:
        low = body.lower()
        if test is not None and body.isascii() and not test(low):
            continue  # the clause lacks what every match holds (for ASCII, ``fold`` is lower())
        if p.search(body) or (low != body and p.search(low)):
            if trigger.cue is None or trigger.cue.search(body) or trigger.cue.search(sentence):
                return True
    return False


def _relaxed_match(t: Trigger, text: str, low: str) -> bool:
    if t.cue_test is not None and not t.cue_test(low):
        return False  # no clause or sentence of the paragraph (its substrings) can hold the cue
    if t.pattern.flags & re.IGNORECASE:
        found = bool(t.relaxed.search(low))  # ASCII: case does not matter to it
    else:
        found = bool(t.relaxed.search(text) or (low != text and t.relaxed.search(low)))
    # a cued trigger also needs its cue in the clause or its sentence (``_fires``), both substrings of
    # the paragraph: "within the first two months" with no approval word anywhere is no approval period
    return found and (t.relaxed_cue is None or bool(t.relaxed_cue.search(text)))


def inert_paragraph(text: str) -> bool:
    """True when no clause of ``text``, as ``UnitReader.read_unit`` reads it, matches a trigger."""
    cands = candidates(text)
    if cands and text.isascii():  # (lower-casing keeps a clause a substring of its paragraph)
        low = text.lower()
        digits = _DIGIT.search(text) is not None  # (for ASCII text, \d is [0-9])
        cands = [t for t in cands if (digits or not t.digit) and _relaxed_match(t, text, low)]
    if not cands:
        return True
    units = []
    for a, b in sentences(text):
        for ca, cb in clauses(text, a, b):
            units.append((unmarked(text[ca:cb]), text[a:b]))
    return not any(_fires(t, units) for t in cands)


def inert_heading(text: str, bare: str) -> bool:
    """True when neither the heading nor its ``bare`` form (no numbering) matches a trigger."""
    cands = candidates(text)
    return not any(_fires(t, [(text, text), (bare, text)]) for t in cands)
