"""The last reader (extractors/facts/fallback.py): a clause naming its drug as subject, a use and a strong
stance gives that drug × use a position when no structured reader gave one — and nothing else does."""

from __future__ import annotations

import pytest

from extractors.facts.context import OWN, Candidate
from extractors.facts.fallback import fallback
from extractors.model import Section
from extractors.sections import Block

POLICY = (Section(heading="Policy", path=("Policy",), level=2, start=0, end=10_000),)
BACKGROUND = (Section(heading="Background", path=("Background",), level=2, start=0, end=10_000),)


def _read(text: str, sections=POLICY, found=()) -> set[tuple[str, str, str]]:
    block = Block(kind="para", text=text, start=0, end=len(text))
    return {(c.drug, c.indication, c.value) for c in fallback([block], sections, list(found))}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Intravenous ketamine is investigational for PTSD.",
            {("ketamine", "ptsd", "experimental_investigational")},
        ),
        (
            "In our plan, esketamine remains excluded for bipolar depression; ketamine is unproven for OCD.",
            {("esketamine", "bipolar_depression", "not_covered"), ("ketamine", "ocd", "unproven")},
        ),
        ("Coverage of ketamine for CRPS is not provided.", {("ketamine", "crps", "not_covered")}),
    ],
)
def test_a_clause_in_its_own_words(text: str, want: set) -> None:
    assert _read(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "Is ketamine covered for PTSD?",  # a question
        "Esketamine is approved by the FDA for treatment-resistant depression.",  # the label
        "The member has not received ketamine, which is investigational for PTSD.",  # the drug is an object
        "TMS is not covered for PTSD in members who tried ketamine.",  # another treatment
        "Ketamine is investigational.",  # no use named
        "Coverage of ketamine for PTSD is addressed in the behavioral health policy.",  # a pointer
        "Ketamine may not be approved for PTSD.",  # a weak denial waits for its list's sentence
    ],
)
def test_no_position(text: str) -> None:
    assert _read(text) == set()


def test_background_states_nothing() -> None:
    assert _read("Ketamine is investigational for PTSD.", BACKGROUND) == set()


def test_a_reader_position_wins() -> None:
    block = Block(kind="para", text="x", start=0, end=1)
    known = [Candidate("ketamine", "ptsd", "position", "not_covered", OWN, block, 0, 1)]
    assert _read("Ketamine is investigational for PTSD and for OCD.", found=known) == {
        ("ketamine", "ocd", "experimental_investigational")
    }
