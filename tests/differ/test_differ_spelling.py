"""A typo fix is wording; one real word changed is not a typo (``differ.spelling``, issue #13)."""

from __future__ import annotations

import pytest

from differ.spelling import corrections, is_spelling_fix, states
from differ.words import word_diff


@pytest.mark.parametrize(
    "old, new",
    [
        ("antidepresants", "antidepressants"),  # a letter missing
        ("recieve", "receive"),  # two letters swapped
        ("psychiatist", "psychiatrist"),
        ("Spravto", "Spravato"),  # the drug's name misspelt is still the drug
        ("Ketamine", "ketamine"),  # case only
    ],
)
def test_spelling_fixes(old: str, new: str) -> None:
    assert is_spelling_fix(old, new) and is_spelling_fix(new, old)


@pytest.mark.parametrize(
    "old, new",
    [
        ("two", "three"),  # numbers, in words or digits
        ("three", "there"),
        ("28", "29"),
        ("one", "none"),  # negations, quantifiers, modal verbs
        ("ever", "never"),
        ("least", "last"),
        ("may", "must"),
        ("should", "would"),
        ("typical", "atypical"),  # a negating prefix
        ("proven", "unproven"),
        ("HAM-D", "HAM-A"),  # acronyms and codes name different scales
        ("ketamine", "esketamine"),  # two different drugs
        ("major", "minor"),  # two letters apart is not a typo
        ("hypertension", "hypotension"),
    ],
)
def test_real_word_changes_are_not_typos(old: str, new: str) -> None:
    assert not is_spelling_fix(old, new) and not is_spelling_fix(new, old)


@pytest.mark.parametrize(
    "old, new, fixed",
    [
        ("at least two antidepresants, each", "at least two antidepressants, each", True),
        ("two antidepresants and psychiatist review", "two antidepressants and psychiatrist review", True),
        ("Spravato is not covered for PTSD.", "Spravato is covered for PTSD.", False),  # "not" removed
        ("at least two antidepresants", "at least three antidepressants", False),  # a typo + a number
        ("for 6 weeks", "for 8 weeks", False),
        ("an oral antidepressant.", "an oral antidepressant, or alone.", False),  # words added
        ("an oral antidepresant.", "an oral antidepressant;", False),  # punctuation changed too
    ],
)
def test_corrections_only_when_every_change_is_one(old: str, new: str, fixed: bool) -> None:
    assert (corrections(word_diff(old, new)) is not None) is fixed


def test_a_sentence_is_stated_up_to_spelling_and_spacing() -> None:
    text = (
        "Criteria:\n- The member tried at least two antidepresants,\n  each for 6 weeks.\n- Age 18 or older."
    )
    assert states(text, "The member tried at least two antidepressants, each for 6 weeks.")
    assert not states(text, "The member tried at least three antidepressants, each for 6 weeks.")
    assert not states(text, "")
