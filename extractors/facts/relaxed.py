"""A regular expression's *relaxed* form: without anchors and lookarounds, it matches wherever the
pattern does (and more). The facts reader's pre-check (precheck.py) searches a whole paragraph with it
once instead of searching each clause with the pattern. Uses the ``re`` package's own parser and compiler
(``re._parser``, ``re._compiler``, Python 3.11+), like needles.py.
"""

from __future__ import annotations

import re
from re import _compiler as Compiler  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

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
