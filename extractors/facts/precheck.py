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
from dataclasses import dataclass
from functools import cache
from re import _compiler as Compiler  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

from .clauses import clauses, sentences, unmarked

#: Patterns that state nothing by themselves (``module.NAME``; a tuple names all its patterns).
CONTEXT = {
    # structure: sentences, clauses, list markers, records and table lead-ins (read before the pre-check)
    "clauses._SENT": "splits sentences",
    "clauses._ABBR": "splits sentences",
    "clauses._CLAUSE": "splits clauses",
    "clauses._MARKER": "strips list markers (the pre-check reads the same unmarked clause)",
    "reader._MARKED": "makes a paragraph an item only under an open lead-in (never pre-checked)",
    "reader._RECORD_CELL": "PBM records are read before the pre-check",
    "reader._RECORD_KEYS": "PBM records are read before the pre-check",
    "reader._PRODUCT": "PBM records are read before the pre-check",
    "reader._RECORD_SPLIT": "PBM records are read before the pre-check",
    "reader._TABLE_REF": "the table lead-in is read before the pre-check",
    "scope._STRIP": "section roles and phases: headings, read before the pre-check or with a stance",
    "scope._INFO": "section role",
    "scope._COVERAGE": "section role",
    "scope._APPROVAL": "an approval heading: only with an indication the clause names",
    "scope._INITIAL": "phase of a statement or criterion",
    "scope._CONTINUATION": "phase of a statement or criterion",
    # vetoes: they only take a stance or a criterion away
    "positions._POINTER": "veto",
    "positions._DISCLAIMER": "veto",
    "positions._FDA": "veto",
    "positions._NEGATED_SUBJECT": "veto",
    "positions._CODE_SUBJECT": "veto",
    "units._CONJUNCTION": "veto",
    "criteria._FORMER": "veto",
    "values._YOUNG": "veto of 'adult'",
    "context.UNNAMED": "veto",
    # refinements of what a trigger found
    "positions._CRITERIA": "covered → covered with criteria",
    "positions._USE_WHEN": "covered → covered (the use is no criterion)",
    "context.MONO_SUBJECT": "sub-population of a stance",
    "context.ALTERNATIVES": "alternatives of a lead-in",
    "context.FOLLOW_UP": "needs the clause's indications or a lead-in",
    "units._ANAPHOR": "needs an indication in an earlier clause of the sentence",
    "units._DIAGNOSIS": "needs the clause's indications",
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
    needles: frozenset[str] | None  # one of them is in any text the pattern matches (None: no such set)
    relaxed: re.Pattern[str]  # no anchors, no lookarounds: matches a paragraph wherever it matches a clause
    cue: re.Pattern[str] | None = None


# -- the literal strings a pattern needs ------------------------------------------------------------

_MOST = 32  # the most strings one needle set may hold


def _chars(items) -> set[str] | None:
    """The characters a ``[...]`` class matches, when they are few and known (no category, no negation)."""
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < 10:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            out.update("0123456789")  # other scripts' digits are folded to "0" before the search: _fold
        else:
            return None
    return out


def _exact(items) -> set[str] | None:
    """Every string a run of parsed items can match, when they are few (lower-cased)."""
    out = {""}
    for op, av in items:
        one = _exact_one(op, av)
        if one is None:
            return None
        out = {a + b for a in out for b in one}
        if len(out) > _MOST:
            return None
    return out


def _exact_one(op, av) -> set[str] | None:
    if op is C.LITERAL:
        return {chr(av).lower()}
    if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
        return {""}  # zero-width
    if op is C.IN:
        chars = _chars(av)
        return {c.lower() for c in chars} if chars is not None and len(chars) <= _MOST else None
    if op is C.SUBPATTERN:
        return _exact(av[-1])
    if op is C.ATOMIC_GROUP:
        return _exact(av)
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            one = _exact(branch)
            if one is None:
                return None
            out |= one
        return out if len(out) <= _MOST else None
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, inner = av
        body = _exact(inner)
        if body is None or hi > 3:
            return None
        out, power = set(), {""}
        for k in range(hi + 1):
            if k >= lo:
                out |= power
            power = {a + b for a in power for b in body}
            if len(power) > _MOST:
                return None
        return out if len(out) <= _MOST else None
    return None


#: How often a character occurs in English prose (letters: their share of letters, times 0.8).
_FREQ = dict(
    zip(
        "etaoinshrdlcumwfgypbvkjxqz",
        (
            0.8 * f
            for f in (
                12.7,
                9.1,
                8.2,
                7.5,
                7.0,
                6.7,
                6.3,
                6.1,
                6.0,
                4.3,
                4.0,
                2.8,
                2.8,
                2.4,
                2.4,
                2.2,
                2.0,
                2.0,
                1.9,
                1.5,
                1.0,
                0.8,
                0.15,
                0.15,
                0.1,
                0.07,
            )
        ),
        strict=True,
    )
) | {" ": 15.0}


def _score(needles: set[str]) -> float:
    """How likely a paragraph is to hold one of ``needles`` (less is better): the chance of each at one
    place in English text, added up."""
    total = 0.0
    for n in needles:
        chance = 1.0
        for ch in n:
            chance *= _FREQ.get(ch, 0.4) / 100
        total += chance
    return total


def _minimal(needles: set[str]) -> set[str]:
    """``needles`` without those that contain another one (a text holding "weeks" holds "week")."""
    return {n for n in needles if not any(m != n and m in n for m in needles)}


def _needles(items) -> set[str] | None:
    """Strings one of which every match of the parsed ``items`` contains: the most selective of the
    runs of items with few exact matches, and of the other items' own needles."""
    best: set[str] | None = None
    run: set[str] = {""}

    def consider(cand: set[str] | None) -> None:
        nonlocal best
        if cand and "" not in cand and (best is None or _score(cand) < _score(best)):
            best = cand

    for op, av in items:
        one = _exact_one(op, av)
        if one is not None:
            joined = {a + b for a in run for b in one}
            if len(joined) <= _MOST:
                run = joined
                continue
            consider(run)
            run = one
            continue
        consider(run)
        run = {""}
        consider(_needles_one(op, av))
    consider(run)
    return best


def _needles_one(op, av) -> set[str] | None:
    if op is C.SUBPATTERN:
        return _needles(av[-1])
    if op is C.ATOMIC_GROUP:
        return _needles(av)
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            one = _needles(branch)
            if one is None:
                return None
            out |= one
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _needles(av[2])
    return None


def needles_of(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-cased strings one of which any text ``pattern`` matches contains (after ``_fold``)."""
    found = _needles(P.parse(pattern.pattern, pattern.flags))
    found = _minimal(found) if found is not None else None
    if found is None or not all(_plain(ch) for n in found for ch in n):
        return None  # a letter or digit outside ASCII would need Unicode folding: always run the pattern
    return frozenset(found)


def _plain(ch: str) -> bool:
    """An ASCII character, or a symbol ("≥", "–") that lower-casing and ``_fold`` leave alone."""
    return ch.isascii() or (ch.lower() == ch == ch.upper() and not ch.isdecimal() and ch != "\u0307")


#: Characters that ``re.IGNORECASE`` matches to an ASCII letter although ``str.lower`` does not give it
#: (checked over every code point by the test).
FOLDS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold(text: str) -> str:
    """``text`` lower-cased, with what the patterns' ``\\d`` and case folding match spelled in ASCII."""
    if text.isascii():
        return text.lower()
    table = {}
    for ch in set(_NON_ASCII.findall(text)):
        if ch in FOLDS:
            table[ord(ch)] = FOLDS[ch]
        elif ch.isdecimal():
            table[ord(ch)] = "0"
    return text.translate(table).lower()


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
        if m.name != "precheck"
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
            out.append(Trigger(name, p, needles_of(p), relaxed(p), cues.get(id(p))))
    return tuple(out)


# -- a paragraph-wide first pass ----------------------------------------------------------------------

#: Zero-width items whose truth at a clause's edge may differ from the paragraph's: ``^``, ``$``, ``\B``
#: and lookarounds (``\b`` agrees: a clause's neighbours in its paragraph are never letters; see below).
_EDGE_AT = {C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_BEGINNING_LINE, C.AT_END, C.AT_END_STRING}
_EDGE_AT |= {C.AT_END_LINE, C.AT_NON_BOUNDARY}


def _strip_edges(items) -> None:
    items.data[:] = [
        (op, av)
        for op, av in items.data
        if not (op is C.ASSERT or op is C.ASSERT_NOT or (op is C.AT and av in _EDGE_AT))
    ]
    for op, av in items.data:
        if op is C.SUBPATTERN:
            _strip_edges(av[-1])
        elif op is C.ATOMIC_GROUP:
            _strip_edges(av)
        elif op is C.BRANCH:
            for branch in av[1]:
                _strip_edges(branch)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            _strip_edges(av[2])
        elif op is C.GROUPREF_EXISTS:
            _strip_edges(av[1])
            if av[2] is not None:
                _strip_edges(av[2])


def relaxed(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without anchors and lookarounds: it matches wherever ``pattern`` does, and more.

    What makes one search of the whole paragraph stand for a search of each clause: a clause is a
    substring of its paragraph whose neighbours are never word characters (it starts after a space,
    ";" or the paragraph's start, after a list marker's space, and ends before ";", ":"'s space, a
    space or the end), so ``\b`` is true at its edges in the paragraph exactly where it is in the
    clause; everything else the relaxed pattern does not test."""
    tree = P.parse(pattern.pattern, pattern.flags)
    _strip_edges(tree)
    return Compiler.compile(tree, pattern.flags)


# -- the needles, looked for in one scan ------------------------------------------------------------


@cache
def _index() -> tuple[re.Pattern[str], dict[str, tuple[Trigger, ...]]]:
    """One pattern that finds the longest needle starting at a place, and each needle's triggers
    together with those of the needles that are its prefixes (they start at the same place)."""
    by_needle: dict[str, list[Trigger]] = {}
    for t in triggers():
        for n in t.needles or ():
            by_needle.setdefault(n, []).append(t)
    closed = {
        n: tuple({id(t): t for m, ts in by_needle.items() if n.startswith(m) for t in ts}.values())
        for n in by_needle
    }
    return re.compile(_trie(sorted(by_needle))), closed


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` that tries longer continuations first: at each place it matches the
    longest word that starts there."""
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        if "" in node:
            return "(?:" + "|".join(alts) + "|)"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(root)


def candidates(text: str) -> list[Trigger]:
    """The triggers that may match somewhere in ``text``: their needles occur in it (and the triggers
    without needles)."""
    scan, closed = _index()
    low = _fold(text)
    found = {id(t): t for t in triggers() if t.needles is None}
    search = scan.search
    m = search(low)
    while m is not None:
        for t in closed[m.group()]:
            found[id(t)] = t
        m = search(low, m.start() + 1)
    return list(found.values())


def _fires(trigger: Trigger, units: list[tuple[str, str]]) -> bool:
    p = trigger.pattern
    for body, sentence in units:
        low = body.lower()
        if p.search(body) or (low != body and p.search(low)):
            if trigger.cue is None or trigger.cue.search(body) or trigger.cue.search(sentence):
                return True
    return False


def inert_paragraph(text: str) -> bool:
    """True when no clause of ``text``, as ``UnitReader.read_unit`` reads it, matches a trigger."""
    cands = candidates(text)
    if cands and text.isascii():  # (lower-casing keeps a clause a substring of its paragraph)
        low = text.lower()
        cands = [t for t in cands if t.relaxed.search(text) or t.relaxed.search(low)]
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
