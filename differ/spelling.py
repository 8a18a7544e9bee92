"""Spelling corrections: a revision that only fixes typos is wording, never a coverage or criteria change.

The extractors read facts by their words, so a misspelt word ("antidepresants") hides the criterion in
its sentence; the payer's later fix makes the criterion "appear" although members' coverage never
changed. Teaching every extractor rule every misspelling is endless; the diff is the reliable witness
instead: when every changed word is replaced by a near-identical spelling of itself, the revision is a
typo fix, announced as ``wording`` ("spelling corrected") so that nobody reads it as "coverage changed".

What may never pass as a typo (a real one-word change must stay criteria / coverage): numbers in
digits or words, negations and quantifiers, modal verbs, words with a negating prefix ("typical" →
"atypical"), acronyms and codes ("HAM-D" → "HAM-A"), two different drug or indication words, short
words (``not`` / ``now``), and any word added or removed.
"""

from __future__ import annotations

import re

from differ import evidence, topic
from differ.infer import bullet
from differ.words import DELETE, EQUAL, INSERT
from extractors.model import ExtractedPolicy
from extractors.terms import drugs_in, indications_in

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")
#: Words whose change is a change of meaning however close their spelling.
PROTECTED = frozenset(
    """
    zero none one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen eighteen twenty thirty forty fifty sixty first second third fourth fifth sixth once twice
    thrice single double triple half quarter
    no not nor never neither none without except unless non
    all any each every either both only least most more less fewer many several few some
    minimum maximum under over above below within than after before older younger
    must may might should shall will would could can cannot
    """.split()
)
_NEGATING_PREFIXES = ("a", "an", "un", "in", "im", "ir", "il", "non", "dis")
MIN_LENGTH = 4


def _distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (a swap of two neighbouring letters counts once)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def is_spelling_fix(old: str, new: str) -> bool:
    """Is ``new`` the same word as ``old``, spelt right (or wrong)?"""
    a, b = old.lower(), new.lower()
    if a == b:
        return old != new  # a change of case only
    if min(len(a), len(b)) < MIN_LENGTH or re.search(r"\d", a + b) or {a, b} & PROTECTED:
        return False
    if sum(c.isupper() for c in old) > 1 or sum(c.isupper() for c in new) > 1:
        return False  # acronyms and codes name things: one letter is another scale or code
    short, long_ = sorted((a, b), key=len)
    if any(long_ == p + short for p in _NEGATING_PREFIXES):
        return False
    for vocabulary in (drugs_in, indications_in):
        named_a, named_b = vocabulary(old), vocabulary(new)
        if named_a and named_b and named_a != named_b:
            return False
    return _distance(a, b) <= 1


def _hunks(ops: list[tuple[int, str]]) -> list[tuple[str, str, int, int, int, int]]:
    """(deleted, inserted, old start, old end, new start, new end) per run of non-equal operations."""
    out = []
    op_pos = np_pos = 0
    current: list | None = None
    for op, text in ops:
        if op == EQUAL:
            if current is not None:
                out.append(tuple(current))
                current = None
            op_pos += len(text)
            np_pos += len(text)
            continue
        if current is None:
            current = ["", "", op_pos, op_pos, np_pos, np_pos]
        if op == DELETE:
            current[0] += text
            op_pos += len(text)
            current[3] = op_pos
        elif op == INSERT:
            current[1] += text
            np_pos += len(text)
            current[5] = np_pos
    if current is not None:
        out.append(tuple(current))
    return out


def corrections(ops: list[tuple[int, str]]) -> list[tuple[str, str, tuple[int, int, int, int]]] | None:
    """The (old word, new word, positions) pairs when every change in ``ops`` corrects a spelling; else None.

    A hunk must replace words one for one, keep its punctuation, and pair only spelling variants.
    """
    found = []
    for deleted, inserted, o1, o2, n1, n2 in _hunks(ops):
        wa, wb = _WORD.findall(deleted), _WORD.findall(inserted)
        if not wa or len(wa) != len(wb) or _WORD.sub("", deleted).split() != _WORD.sub("", inserted).split():
            return None
        for a, b in zip(wa, wb, strict=True):
            if a != b and not is_spelling_fix(a, b):
                return None
        found.append((deleted.strip(), inserted.strip(), (o1, o2, n1, n2)))
    return found or None


def spelling_bullets(
    ops: list[tuple[int, str]],
    old: ExtractedPolicy,
    new: ExtractedPolicy,
    old_t: topic.TopicText,
    new_t: topic.TopicText,
) -> list[dict] | None:
    """One ``wording`` bullet per corrected spelling when that is all the topic diff does; else None."""
    fixes = corrections(ops)
    if fixes is None:
        return None
    out = []
    for deleted, inserted, (o1, o2, n1, n2) in fixes:
        lo, ln = old_t.locate(o1, o2), new_t.locate(n1, n2)
        drugs = topic.drugs_named(deleted + " " + inserted)
        out.append(
            bullet(
                f"Spelling corrected: “{deleted}” → “{inserted}”",
                "wording",
                drugs[0] if len(drugs) == 1 else None,
                None,
                deleted,
                inserted,
                evidence.span(old, lo[0], lo[1], lo[2]) if lo else None,
                evidence.span(new, ln[0], ln[1], ln[2]) if ln else None,
            )
        )
    return out


def states(text: str, sentence: str) -> bool:
    """Does ``text`` contain ``sentence``, word for word up to spelling corrections and spacing?"""
    want = [w.lower() for w in _WORD.findall(sentence)]
    if not want:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    for i in range(len(words) - len(want) + 1):
        if all(a == b or is_spelling_fix(a, b) for a, b in zip(want, words[i : i + len(want)], strict=True)):
            return True
    return False
