"""What a regular expression needs, read from its parsed form: the literal strings one of which any
match contains (its *needles*), and a *relaxed* form without anchors and lookarounds that matches
wherever it does. The facts reader's pre-check (precheck.py) is built on both.

The needles are lower-cased; a text is looked at through ``fold`` (lower-cased, and with the few
characters that ``re.IGNORECASE`` or ``\\d`` match to ASCII spelled in ASCII), so that a pattern can only
match a text whose folded form holds one of its needles. Uses the ``re`` package's own parser and
compiler (``re._parser``, ``re._compiler``, Python 3.11+).
"""

from __future__ import annotations

import re
from re import _compiler as Compiler  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

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
            out.update("0123456789")  # other scripts' digits are folded to "0" before the search: fold
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


def fold(text: str) -> str:
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


def trie(words: list[str]) -> str:
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
