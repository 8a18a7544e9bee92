"""A criterion that vanished from one version's facts but is restated in a reworded sentence
(differ/restated.py): wording, not a criteria change. One rule per test, on hand-built versions.
"""

from __future__ import annotations

import pytest

from differ.restated import recounted, reworded
from tests.support.differ import policy

TRD = "Spravato is proven for treatment-resistant depression."


def _version(*sentences: str):
    return policy([("Coverage Rationale", [TRD, *sentences])], title="Spravato")


def _bullet(field: str, old: str | None, new: str | None) -> dict:
    return {"field": field, "old": old, "new": new}


OBSERVED = "Spravato patients must be observed for at least 2 hours after each dose."


@pytest.mark.parametrize(
    ("field", "value", "sentence"),
    [
        ("monitoring_hours", "2", "Each Spravato patient stays at the site and is watched for two hours."),
        ("monitoring_hours", "2", "Each Spravato patient is watched for 2 hours."),
        ("monitoring_hours", "2", "Each Spravato patient is watched for two (2) hours."),
        ("monitoring_hours", "2", "A two-hour watch follows each Spravato dose."),
        ("monitoring_hours", "2", "Each Spravato patient is watched for TWO HOURS."),
        ("observation_hours", "2", "Spravato patients wait 2 hours before leaving."),
        ("trial_weeks", "6", "Each antidepressant ran six weeks before Spravato."),
        ("age_min", "18", "Spravato members are 18 years or older."),
        ("age_max", "65", "Spravato members are younger than 65 years."),
        ("dose_max_mg", "84", "Spravato is given at up to 84 mg."),
        ("dose_max_mg", "56", "Spravato is given at up to 56 milligrams."),
        ("failed_antidepressants", "2", "Spravato follows two different oral antidepressants."),
        ("failed_antidepressants", "3", "Spravato follows three trials."),
        ("failed_antidepressants", "4", "Spravato follows 4 medications."),
        ("failed_antidepressants", "1", "Spravato follows one agent."),
        ("failed_antidepressants", "2", "Spravato follows two drugs."),
        # a field without a unit of its own takes the unit its value names
        ("approval_initial", "6 months", "Spravato is approved for six months at first."),
        ("approval_initial", "6 months", "Spravato is approved for 6 month periods."),
        ("approval_continuation", "12 months", "Spravato renewals last 12 months."),
        # a requirement without a number: the term it is about
        ("rems", "required", "Spravato is given only in a REMS-certified setting."),
        ("prescriber", "psychiatrist", "A psychiatrist recommends Spravato."),
        ("prescriber", "psychiatrist", "Spravato is prescribed by a specialist."),
        ("concomitant_antidepressant", "required", "Spravato is taken with an oral antidepressant."),
        ("augmentation", "required", "An augmenting agent failed before Spravato."),
        ("psychotherapy", "required", "Psychotherapy continues with Spravato."),
    ],
)
def test_a_value_that_left_the_facts_is_restated_in_a_new_sentence(field, value, sentence):
    old, new = _version(OBSERVED), _version(sentence)
    assert reworded(_bullet(field, value, None), old, new)
    # and the other way: a value that appeared in the facts, restated in a sentence the old version had
    assert reworded(_bullet(field, None, value), new, old)


@pytest.mark.parametrize(
    ("field", "value", "sentence"),
    [
        ("monitoring_hours", "2", "Each Spravato patient is watched for three hours."),
        ("monitoring_hours", "2", "Each Spravato patient is watched for 12 hours."),
        ("monitoring_hours", "2", "Each Spravato patient gets 2 doses an hour apart."),
        ("trial_weeks", "6", "Spravato follows 6 antidepressants."),
        ("age_min", "18", "Spravato members are 18 or older."),  # no unit: not this value
        ("failed_antidepressants", "2", "Spravato follows two of the older approved oral antidepressants."),
        ("approval_initial", "6 months", "Spravato is approved for six weeks at first."),
        ("rems", "required", "Spravato is given in a certified setting."),
        ("concomitant_antidepressant", "required", "Spravato is taken with an antidepressant."),
        # a value with no unit, of a field with none: nothing to look for
        ("quantity_per_month", "8", "Spravato is limited to 8 devices."),
        ("documentation", "required", "Spravato requests need notes."),
    ],
)
def test_a_sentence_that_states_another_value_is_no_restatement(field, value, sentence):
    assert not reworded(_bullet(field, value, None), _version(OBSERVED), _version(sentence))


def test_only_a_sentence_new_on_the_other_side_counts():
    """A value whose sentence was deleted, next to a sentence both versions have that states the same
    number, stays a criteria change."""
    kept = "Spravato patients wait 2 hours in a certified clinic."
    assert not reworded(_bullet("monitoring_hours", "2", None), _version(OBSERVED, kept), _version(kept))
    # kept up to case and spacing only: still the same sentence
    again = "SPRAVATO  patients wait 2 hours in a certified clinic."
    assert not reworded(_bullet("monitoring_hours", "2", None), _version(OBSERVED, kept), _version(again))


def test_a_value_changed_or_unchanged_is_no_restatement():
    old, new = _version(OBSERVED), _version("Each Spravato patient is watched for two hours.")
    assert not reworded(_bullet("monitoring_hours", "2", "3"), old, new)
    assert not reworded(_bullet("monitoring_hours", None, None), old, new)


def test_only_the_topic_text_is_read():
    """A new sentence outside the drug passages (a Background note) restates nothing."""
    old = policy([("Coverage Rationale", [TRD, OBSERVED])], title="Spravato")
    new = policy(
        [("Coverage Rationale", [TRD]), ("Background", ["Spravato patients are watched for two hours."])],
        title="Spravato",
    )
    assert not reworded(_bullet("monitoring_hours", "2", None), old, new)


def test_the_value_s_leading_space_and_plural_unit():
    old, new = _version(OBSERVED), _version("Spravato is approved for 3 months at first.")
    assert reworded(_bullet("approval_initial", " 3 months", None), old, new)
    assert reworded(_bullet("approval_initial", "3 month", None), old, new)
    assert reworded(_bullet("approval_initial", "3 Months", None), old, new)  # case is formatting


# -- a stance read from a sentence whose other version differs only by a count (history holdout3) ------

AUGMENT = "Failure of {} of the following augmentation therapies is required for Spravato."


def _stance(side: str, sentence: str) -> dict:
    """A position bullet that appeared (``side`` "new") or vanished ("old"), pointing at ``sentence``."""
    ev = {"start": 0, "end": len(sentence), "page": None, "text": sentence}
    value = "covered_with_criteria"
    return {
        "field": "position",
        "old": value if side == "old" else None,
        "new": value if side == "new" else None,
        "evidence": {"old": ev if side == "old" else None, "new": ev if side == "new" else None},
    }


def test_a_stance_that_flipped_on_a_count_is_recounted_both_ways():
    two, one = _version(AUGMENT.format("two")), _version(AUGMENT.format("one"))
    assert recounted(_stance("new", AUGMENT.format("one")), two, one)
    assert recounted(_stance("old", AUGMENT.format("one")), one, two)


@pytest.mark.parametrize(
    "other",
    [
        AUGMENT.format("one"),  # the very sentence on both sides: not a count edit
        "Spravato is not covered after failure of two augmentation therapies.",  # other words, not a count
        "",  # the sentence is gone: a real stance change
    ],
)
def test_a_stance_from_a_sentence_without_a_recount_is_kept(other):
    here = _version(AUGMENT.format("one"))
    there = _version(other) if other else _version()
    assert not recounted(_stance("new", AUGMENT.format("one")), there, here)


def test_a_stance_on_both_sides_is_not_recounted():
    bullet = _stance("new", AUGMENT.format("one")) | {"old": "not_covered"}
    assert not recounted(bullet, _version(AUGMENT.format("two")), _version(AUGMENT.format("one")))


def test_a_stance_without_evidence_is_kept():
    """A position bullet with no sentence to compare on its side (a fact read without a span) stays."""
    bullet = _stance("new", AUGMENT.format("one"))
    bullet["evidence"]["new"] = None
    assert not recounted(bullet, _version(AUGMENT.format("two")), _version(AUGMENT.format("one")))
