"""extractors/facts/needles.py: what a pattern needs (its needles and its check), and the needle scan.

The pre-check (precheck.py) gives the same answer whatever needles a trigger gets, as long as they are
*sound*: every text the pattern matches holds them. So these tests read each construct a rule may use
(short classes and ranges, alternatives, bounded and open repeats, ``\\b`` and ``\\B``, lookarounds,
atomic groups, conditionals, verbose patterns) both ways: the texts a pattern matches must hold its
needles and pass its check (a wrong skip loses a fact), and near misses lacking a literal the pattern
needs must fail the check (a missed skip runs every rule on the paragraph). The rules' own patterns are
checked the same way on every table wording by test_facts_precheck.py.
"""

from __future__ import annotations

import re

import pytest

from extractors.facts import needles as N
from tests.extractors.test_facts_precheck import _occurs

W = N.WORD_START
DIGITS = "0123456789"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # a short range is spelled out: "1 months", "2 months", "3 months" (and each must start a word)
        (r"\b[1-3] months\b", {W + f"{d} months" for d in "123"}),
        (r"[\d.]%", {d + "%" for d in DIGITS + "."}),  # "\d" in a class: ten digits
        # alternatives with few spellings are needles themselves, also in an atomic group
        (r"\b(?:covered|approved) for\b", {W + "covered for", W + "approved for"}),
        (r"(?>covered|approved) for", {"covered for", "approved for"}),
        (r"\bnot (?!only )covered\b", {W + "not covered"}),  # a lookahead inside a needle is zero-width
        (r"\b2 or more\b", {W + "2 or more"}),  # a word start before a digit stays marked
        (r"\b__ days\b", {W + "__ days"}),  # and before an underscore (a word character): a blank
        # two digits are too many spellings together (100): each digit, then the digit and the words
        (r"\b\d\d months\b", {f"{d} months" for d in DIGITS}),
        (r"\d+\Bmg\b", {"mg"}),  # "\B" is no word start: "20mg"
        (r"(?:the\s+drug|\w+)\s+is\s+covered", {"covered"}),  # an alternative with no literal adds nothing
        # the rarest literal is looked for: not "the", not "covered"
        (r"\bthe\b.*\besketamine\b", {W + "esketamine"}),
        (r"\bthe\b.*\bfda\b", {W + "fda"}),
        (r"\bcovered\b.*\b2 hours\b", {W + "2 hours"}),
        (r"\bspravato\b", {W + "spravato"}),
        ("MEDİCALLY", None),  # "İ" lower-cases to "i" and a combining dot: Unicode folding, always run
    ],
)
def test_needles_of(pattern: str, expected: set[str] | None) -> None:
    assert N.needles_of(re.compile(pattern, re.I)) == expected


#: (pattern, texts it matches, texts lacking a literal it needs)
SOUND = [
    (r"\b[1-3] months\b", ["for 2 months"], ["for 4 months", "for 2 weeks"]),
    (r"[\d.]%", ["50%", "2.%"], ["fifty %"]),
    (r"\d+\Bmg\b", ["20mg daily"], ["20 g daily"]),
    (r"\d+\b(?:%| percent)", ["50%", "50 percent"], ["fifty percent"]),
    (
        r"non(?:covered|preferred\s+drug)",
        ["noncovered", "a nonpreferred  drug"],
        ["not covered", "preferred drug"],
    ),
    (r"(?:\d+ mg )+daily", ["56 mg 84 mg daily"], ["taken daily", "56 mg weekly"]),
    (r"(?>covered\s+for)", ["covered  for TRD"], ["covered", "for TRD"]),
    (r"(?:the\s+drug|\w+)\s+is\s+covered", ["Spravato is covered"], ["Spravato was covered"]),
    # the same words as alternatives and as one needle set: two parts of equal rank
    (
        r"(?:covered\s+|approved\s+)(?:or|and)\s+(?:covered|approved)\b",
        ["approved or covered"],
        ["denied or not"],
    ),
    (r"\bnot (?!only )covered\b", ["is not covered"], ["is not only covered"]),
    ("MEDİCALLY", ["MEDİCALLY necessary", "medically necessary"], []),
    (r"(\()?\bcovered\b(?(1)\)|:)", ["(covered)", "covered:"], ["covers:"]),
]


@pytest.mark.parametrize(("pattern", "matched", "missed"), SOUND)
def test_a_match_holds_the_needles_and_passes_the_check(
    pattern: str, matched: list[str], missed: list[str]
) -> None:
    p = re.compile(pattern, re.I)
    found, check = N.needles_of(p), N.checked(p)
    for text in matched:
        assert p.search(text), text
        low = N.fold(text)
        assert found is None or any(_occurs(n, low) for n in found), (text, found)
        assert check is None or (N.holds(check, low) and N.predicate(check)(low)), (text, check)
    for text in missed:
        assert not p.search(text), text
        low = N.fold(text)
        assert not N.holds(check, low) and not N.predicate(check)(low), (text, check)


def test_a_verbose_pattern_is_read_as_verbose() -> None:
    """re.VERBOSE changes the parse: its spaces and comment are no literal."""
    p = re.compile(r"medically \s+ necessary  # the stance", re.X)
    assert N.needles_of(p) == {"medically"} and N.holds(N.checked(p), "not medically necessary")
    assert not N.holds(N.checked(p), "medically reasonable")


def test_a_pattern_with_no_literal_has_no_check() -> None:
    assert N.checked(re.compile(r"^\W*$")) is None and N.requirement(re.compile(r"\w+")) is None


A, B, C = frozenset({"covered"}), frozenset({"approved"}), frozenset({"ketamine", "spravato"})


@pytest.mark.parametrize(
    ("check", "yes", "no"),
    [
        (C, ["spravato", "ketamine"], ["esketamin"]),
        (("any", (A, B)), ["is covered", "is approved"], ["is denied"]),
        (("all", (A, C)), ["ketamine is covered"], ["ketamine is denied", "it is covered"]),
        (("all", (A, B, C)), ["spravato covered approved"], ["covered approved", "spravato approved"]),
        (("any", (("all", (A, C)), B)), ["approved", "covered spravato"], ["covered", "spravato"]),
        (("all", (("any", (A, B)), C)), ["approved ketamine"], ["approved", "ketamine"]),
    ],
)
def test_holds_and_predicate_read_any_and_all(check, yes: list[str], no: list[str]) -> None:
    """``predicate`` is ``holds`` as one function: the same answer on every tree."""
    test = N.predicate(check)
    assert [N.holds(check, t) for t in yes] == [test(t) for t in yes] == [True] * len(yes)
    assert [N.holds(check, t) for t in no] == [test(t) for t in no] == [False] * len(no)


def test_fold_spells_other_digits_and_case_folds_in_ascii() -> None:
    assert N.fold("Age ١٨ or older") == "age 00 or older"  # Arabic-Indic digits: "\d" matches them
    assert N.fold("The ſervice, MEDİCALLY") == "the service, medically"
    assert N.fold("Dose: ²") == "dose: ²"  # a superscript two is no decimal digit ("\d" misses it)


def test_trie_matches_the_longest_word_at_each_place() -> None:
    scan = re.compile(N.trie(["mg", "mg/kg", "month", "months", "x"]))
    assert [m.group() for m in scan.finditer("0.5 mg/kg for 2 months, x mg")] == [
        "mg/kg",
        "months",
        "x",
        "mg",
    ]
