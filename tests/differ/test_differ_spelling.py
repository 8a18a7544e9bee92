"""A typo fix is wording; one real word changed is not a typo (``differ.spelling``, issue #13)."""

from __future__ import annotations

import dataclasses

import pytest

from differ import compare
from differ.spelling import corrections, is_spelling_fix, states
from differ.words import word_diff
from tests.support.differ import policy


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


@pytest.mark.parametrize(
    "old, new, fixed",
    [
        ("Spravato", "Spravato", False),  # the same word is no correction
        ("wiht", "with", True),  # four letters are enough
        ("teh", "the", False),  # three are not: "not" / "now", "may" / "man"
        ("McLaen", "McLean", False),  # two capitals on either side: a name or a code
        ("atypcial", "atypical", True),  # a word with a negating prefix can still be misspelt
        ("dosse", "dose", True),  # a letter too many
        ("dosing", "dosign", True),  # the last two letters swapped
        ("psychotherapy", "psychoterapy", True),
        ("ketamine", "ketamines", True),
        ("sertraline", "seratraline", True),
        ("weekly", "weakly", True),  # one letter is a typo, even where it makes another word
        ("weekly", "wekaly", False),  # a swap and a change are two
        ("rpescriber", "prescriber", True),  # the first two letters swapped
        ("antidepressants", "anitdepressant", False),  # a swap and a letter dropped: two typos
        ("dose", "redose", False),  # two letters added
        ("depressoin", "depression", True),  # the same indication, misspelt
        ("2025", "2026", False),  # a year, and a diagnosis code: digits are never typos
        ("F32.1", "F33.1", False),
        ("HAM-D", "ham-a", False),  # an acronym on one side only
        ("McLaen", "Mclean", False),  # two capitals on one side only
    ],
)
def test_spelling_fix_edges(old: str, new: str, fixed: bool) -> None:
    assert is_spelling_fix(old, new) is fixed and is_spelling_fix(new, old) is fixed


def test_corrections_name_each_fixed_word_where_it_stands() -> None:
    """Offsets into both texts: the bullet's evidence points at the word in each version."""
    old, new = "two antidepresants and psychiatist review", "two antidepressants and psychiatrist review"
    fixes = corrections(word_diff(old, new))
    assert [(a, b) for a, b, _ in fixes] == [
        ("antidepresants", "antidepressants"),
        ("psychiatist", "psychiatrist"),
    ]
    for a, b, (o1, o2, n1, n2) in fixes:
        assert (old[o1:o2], new[n1:n2]) == (a, b)


@pytest.mark.parametrize(
    "old, new",
    [
        ("same text", "same text"),  # nothing changed: no correction to announce
        ("the patient, aged 18", "the patient aged 18"),  # punctuation alone
        ("a certfied setting", "a certified, setting"),  # a typo and a comma added
        ("a certfied setting", "a certified  and setting"),  # a word added beside a typo
    ],
)
def test_no_corrections_without_only_fixed_words(old: str, new: str) -> None:
    assert corrections(word_diff(old, new)) is None


def test_a_sentence_is_found_at_the_very_start_and_end_of_the_text() -> None:
    assert states("Spravato is covered.", "Spravato is covered.")
    assert states("Intro. Spravato is covered", "spravato is covred")
    assert not states("Spravato is", "Spravato is covered.")
    assert not states("Spravato is covered.", "...")  # no words: nothing stated


def test_a_typo_fix_that_reveals_a_criterion_is_announced_as_spelling_only() -> None:
    """The misspelt sentence hid its trial count from the extractors; fixed, the count "appears"."""
    head = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
    trd = "Spravato is covered for treatment-resistant depression when criteria are met."
    bad = "The member tried at least two antidepresants with Spravto."
    good = "The member tried at least two antidepressants with Spravato."
    f_trd = ("esketamine", "trd", "position", "covered_with_criteria", trd)
    old = policy([head, ("Coverage", [trd, bad])], [f_trd])
    new = policy(
        [head, ("Coverage", [trd, good])], [f_trd, ("esketamine", "trd", "failed_antidepressants", "2", good)]
    )
    (change,) = compare(old, new, payer="P", title="T").changes
    assert change.kind == "wording" and change.drugs == ("esketamine",)
    assert change.summary == "P: spelling corrected in T (“antidepresants” → “antidepressants”) (+1 more)"
    assert [(b["text"], b["drug"], b["field"], b["old"], b["new"]) for b in change.bullets] == [
        (
            "Spelling corrected: “antidepresants” → “antidepressants”",
            None,
            "wording",
            "antidepresants",
            "antidepressants",
        ),
        ("Spelling corrected: “Spravto” → “Spravato”", "esketamine", "wording", "Spravto", "Spravato"),
    ]
    for b in change.bullets:
        for side, ep in (("old", old), ("new", new)):
            ev = b["evidence"][side]
            assert ep.text[ev["start"] : ev["end"]] == ev["text"] == b[side] and ev["page"] == 1


def test_a_fixed_word_s_evidence_names_the_page_of_its_paragraph() -> None:
    """The coverage section starts on page 1; the paragraph with the typo is on page 2 (an omnibus policy:
    only the paragraphs naming the drug are read)."""
    head = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
    trd = "Spravato is covered for treatment-resistant depression when criteria are met."

    def version(word):
        lines = [trd, f"Spravato is given in a {word} setting."]
        ep = policy([head, ("Coverage", lines)], title="Psychiatric Medications")
        return dataclasses.replace(
            ep, passages=tuple(dataclasses.replace(p, page_start=2) for p in ep.passages)
        )

    (change,) = compare(version("certfied"), version("certified")).changes
    (b,) = change.bullets
    assert b["evidence"]["old"]["page"] == b["evidence"]["new"]["page"] == 2
