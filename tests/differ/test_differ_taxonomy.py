"""The taxonomy's words for people (``differ/taxonomy.py``): how kinds, drugs, indications, positions and
criteria read in bullets, summaries, feed titles and mail, and how values compare as numbers.

Unknown slugs read as a cleaned-up form of themselves (a new extractor field must never stop detection).
"""

from __future__ import annotations

import pytest

from differ import taxonomy


def test_severities_rank_low_to_critical_and_every_kind_has_one() -> None:
    ranks = [taxonomy.severity_rank(s) for s in ("low", "medium", "high", "critical")]
    assert ranks == [0, 1, 2, 3]
    assert set(taxonomy.KIND_SEVERITY) == set(taxonomy.KINDS) == set(taxonomy.KIND_LABEL)
    assert set(taxonomy.KIND_SEVERITY.values()) <= set(taxonomy.SEVERITIES)


@pytest.mark.parametrize(
    "kind, label", [("codes", "billing codes"), ("coverage_position", "coverage position"), ("odd", "odd")]
)
def test_kind_labels(kind: str, label: str) -> None:
    assert taxonomy.kind_label(kind) == label


@pytest.mark.parametrize(
    "drug, label, name, title",
    [
        ("ketamine", "IV ketamine", "ketamine", "Ketamine"),
        ("esketamine", "Esketamine", "Spravato", "Esketamine"),
        ("arketamine", "Arketamine", "arketamine", "Arketamine"),  # unknown: the slug itself
    ],
)
def test_drug_words(drug: str, label: str, name: str, title: str) -> None:
    assert taxonomy.drug_label(drug) == label
    assert taxonomy.drug_name(drug) == name
    assert taxonomy.drug_title(drug) == title


def test_no_drug_reads_as_nothing() -> None:
    assert taxonomy.drug_label(None) == "" and taxonomy.drug_name(None) == ""


@pytest.mark.parametrize(
    "indication, label, name",
    [
        ("trd", "TRD", "treatment-resistant depression"),
        ("mdsi", "MDSI", "depression with suicidal ideation (MDSI)"),
        ("trd/monotherapy", "TRD (monotherapy)", "treatment-resistant depression (monotherapy)"),
        (
            "trd/oral_antidepressant",
            "TRD (oral antidepressant)",
            "treatment-resistant depression (oral antidepressant)",
        ),
        ("eating_disorder", "eating disorder", "eating disorder"),  # unknown: the slug's words
        ("eating_disorder/teen_age", "eating disorder (teen age)", "eating disorder (teen age)"),
        ("", "", ""),
        (None, "", ""),
    ],
)
def test_indication_words(indication: str | None, label: str, name: str) -> None:
    assert taxonomy.indication_label(indication) == label
    assert taxonomy.indication_name(indication) == name


@pytest.mark.parametrize(
    "value, label",
    [
        ("covered_with_criteria", "covered with criteria"),
        ("experimental_investigational", "experimental/investigational"),
        # two sentences, two stances: each reads as its label
        ("unproven / not_medically_necessary", "unproven / not medically necessary"),
        ("experimental_investigational / not_covered", "experimental/investigational / not covered"),
        ("limited_benefit", "limited benefit"),  # unknown: the slug's words
        (None, "not addressed"),
    ],
)
def test_position_labels(value: str | None, label: str) -> None:
    assert taxonomy.position_label(value) == label


@pytest.mark.parametrize(
    "field, bullet, summary",
    [
        (
            "failed_antidepressants",
            "failed antidepressants required",
            "trials of failed antidepressants required",
        ),
        ("approval_initial", "initial approval", "initial approval period"),
        ("pdmp_check", "pdmp check", "pdmp check"),  # unknown: the slug's words, both places
    ],
)
def test_field_labels_in_bullets_and_summaries(field: str, bullet: str, summary: str) -> None:
    assert taxonomy.field_label(field) == bullet
    assert taxonomy.field_label(field, summary=True) == summary


@pytest.mark.parametrize(
    "drug, indication, head",
    [
        ("esketamine", "trd", "Esketamine · TRD"),
        ("ketamine", None, "IV ketamine"),
        (None, "ptsd", "PTSD"),
        (None, None, ""),
    ],
)
def test_the_head_of_a_fact_bullet(drug: str | None, indication: str | None, head: str) -> None:
    assert taxonomy.subject(drug, indication) == head


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("6 months", "12 months", (6.0, 12.0)),
        ("6 Months ", " 3 months", (6.0, 3.0)),  # case and spacing of the unit
        ("2", "3", (2.0, 3.0)),
        ("2.5 mg", "10 mg", (2.5, 10.0)),
        ("56mg", "84 mg", (56.0, 84.0)),
        ("6 months", "6 weeks", (None, None)),  # another unit: not comparable
        ("6 months", "six months", (None, None)),
        ("monotherapy_allowed", "required", (None, None)),
        (None, "3", (None, None)),
        ("3", None, (None, None)),
        ("v2", "v3", (None, None)),  # a number must start the value
        ("2 of 3", "3", (None, None)),
    ],
)
def test_values_compare_as_numbers_only_in_the_same_unit(old, new, expected) -> None:
    assert taxonomy.numbers(old, new) == expected


@pytest.mark.parametrize(
    "value, label", [("monotherapy_allowed", "monotherapy allowed"), ("3", "3"), ("", ""), (None, None)]
)
def test_criterion_values_for_people(value: str | None, label: str | None) -> None:
    assert taxonomy.value_label(value) == label
