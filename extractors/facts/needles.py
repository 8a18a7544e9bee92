"""What a regular expression needs, read from its parsed form: the literal strings one of which any
match contains (its *needles*), and the scan that finds them (``trie``). The facts reader's pre-check
(precheck.py) is built on them and on each pattern's relaxed form (relaxed.py).

The needles are lower-cased; a text is looked at through ``fold`` (lower-cased, and with the few
characters that ``re.IGNORECASE`` or ``\\d`` match to ASCII spelled in ASCII), so that a pattern can only
match a text whose folded form holds one of its needles. Uses the ``re`` package's own parser and
compiler (``re._parser``, ``re._compiler``, Python 3.11+).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

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
    if op is C.AT:
        return {_WORD_START} if av is C.AT_BOUNDARY else {""}  # zero-width: "\\b" kept as a mark
    if op is C.ASSERT or op is C.ASSERT_NOT:
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


#: Marks a needle that must start a word (the pattern has ``\\b`` before it and it starts with a letter
#: or digit): "\\x01ten" is not found in "often".
WORD_START = _WORD_START = "\x01"


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
) | {" ": 15.0, _WORD_START: 20.0}


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


def _marked(n: str) -> str:
    """A needle with its ``\\b`` marks dropped but a leading one before a word character."""
    bare = n.replace(_WORD_START, "")
    lead = n.startswith(_WORD_START) and (bare[:1].isalnum() or bare[:1] == "_")
    return _WORD_START + bare if lead else bare


def _factors(items) -> list[set[str] | tuple]:
    """What every match of a sequence of parsed items needs, as a list of parts that must all hold: needle
    sets (the runs of items with few exact matches) and the other items' own requirements (trees)."""
    found: list[set[str] | tuple] = []
    run: set[str] = {""}

    def consider(cand: set[str]) -> None:
        cand = {_marked(n) for n in cand}
        if "" not in cand:
            found.append(_minimal(cand))

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
        lead = all(n.endswith(_WORD_START) for n in run)  # a "\\b" right before the item
        consider(run)
        run = {""}
        sub = _tree_one(op, av)
        if sub is not None:
            found.append(_lead(sub) if lead else sub)
    consider(run)
    return found


def _lead(tree):
    """``tree`` for an item right after ``\\b``: its first needles must start a word."""
    if isinstance(tree, (set, frozenset)):
        return {_marked(_WORD_START + n) for n in tree}
    kind, parts = tree
    if kind == "any":
        return ("any", [_lead(p) for p in parts])
    return tree  # (a sequence's first part is not known here: no mark)


def _tree(items):
    parts = _factors(items)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ("all", parts)


def _tree_one(op, av):
    if op is C.SUBPATTERN:
        return _tree(av[-1])
    if op is C.ATOMIC_GROUP:
        return _tree(av)
    if op is C.BRANCH:
        parts = [_tree(b) for b in av[1]]
        return None if any(p is None for p in parts) else ("any", parts)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _tree(av[2])
    return None


def _best(tree) -> set[str]:
    """One needle set every match needs a needle of: the most selective the tree offers."""
    if isinstance(tree, (set, frozenset)):
        return set(tree)
    kind, parts = tree
    if kind == "any":
        return set().union(*(_best(p) for p in parts))
    return min((_best(p) for p in parts), key=_score)


def _freeze(tree):
    if isinstance(tree, (set, frozenset)):
        return frozenset(tree)
    return (tree[0], tuple(_freeze(p) for p in tree[1]))


def _rank(tree) -> float:
    if isinstance(tree, (set, frozenset)):
        return _score(set(tree))
    ranks = [_rank(p) for p in tree[1]]
    return sum(ranks) if tree[0] == "any" else min(ranks)


def _check(tree):
    """``tree`` for ``holds``: marks dropped, and each "all" cut to its two most selective parts (fewer
    parts need less: still true wherever the pattern matches)."""
    if isinstance(tree, (set, frozenset)):
        return frozenset(n.lstrip(_WORD_START) for n in tree)
    parts = [_check(p) for p in tree[1]]
    if tree[0] == "all":
        parts = [c for _, c in sorted(zip(map(_rank, tree[1]), parts, strict=True), key=lambda rc: rc[0])[:2]]
    return (tree[0], tuple(parts))


#: ``frozenset`` of needles (one must be present), or ("all" | "any", parts).
Requirement = Any


def requirement(pattern: re.Pattern[str]) -> Requirement | None:
    """What any text ``pattern`` matches holds (after ``fold``): needle sets combined with "all" and
    "any"; ``None`` when nothing is known. A needle starting with ``WORD_START`` must start a word."""
    tree = _tree(P.parse(pattern.pattern, pattern.flags))
    if tree is None or not all(_plain(ch) for n in _leaves(tree) for ch in n):
        return None  # a letter or digit outside ASCII would need Unicode folding: always run it
    return _freeze(tree)


def _leaves(tree):
    if isinstance(tree, (set, frozenset)):
        yield from tree
    else:
        for p in tree[1]:
            yield from _leaves(p)


def holds(check, low: str) -> bool:
    """``low`` (folded) has what ``check`` (from ``checked``) requires; word starts are not checked."""
    if isinstance(check, frozenset):
        return any(n in low for n in check)
    if check[0] == "all":
        return all(holds(p, low) for p in check[1])
    return any(holds(p, low) for p in check[1])


def predicate(check) -> Callable[[str], bool]:
    """``holds(check, ·)`` as one function: the same tests in the same tree, with plain loops instead
    of a generator per node and level (the pre-check asks a few of them for every paragraph)."""
    if isinstance(check, frozenset):
        needles = tuple(check)
        if len(needles) == 1:
            (needle,) = needles
            return lambda low: needle in low

        def any_needle(low: str) -> bool:
            for n in needles:
                if n in low:
                    return True
            return False

        return any_needle
    parts = tuple(predicate(p) for p in check[1])
    if check[0] == "all":
        if len(parts) == 2:
            first, second = parts
            return lambda low: first(low) and second(low)

        def all_parts(low: str) -> bool:
            for part in parts:
                if not part(low):
                    return False
            return True

        return all_parts

    def any_part(low: str) -> bool:
        for part in parts:
            if part(low):
                return True
        return False

    return any_part


def checked(pattern: re.Pattern[str]):
    """``requirement(pattern)`` in the form ``holds`` reads (None: nothing known)."""
    req = requirement(pattern)
    return None if req is None else _check(req)


def needles_of(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The needles looked for first: the most selective set every match needs one of."""
    req = requirement(pattern)
    return None if req is None else frozenset(_minimal(_best(req)))


def _plain(ch: str) -> bool:
    """An ASCII character, or a symbol ("≥", "–") that lower-casing and ``fold`` leave alone."""
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
