"""Sentence-level readings that decide a fact, and the type sniff: each test kills a mutant that survived
the first mutation run (docs/mutation.md)."""

from __future__ import annotations

from extractors.detect import HTML, PDF, sniff
from extractors.facts import criteria_of, position_of


def test_not_considered_medically_necessary_is_a_negative_position():
    assert position_of("Ketamine is not considered medically necessary for depression.") == (
        "not_medically_necessary"
    )
    assert position_of("Ketamine is not medically necessary for depression.") == "not_medically_necessary"


def test_an_age_range_keeps_minimum_and_maximum_in_order():
    assert criteria_of("The member is aged 18 to 64 years.", "initial")[:2] == [
        ("age_min", "18"),
        ("age_max", "64"),
    ]


def test_a_pdf_header_within_the_first_kilobyte_is_a_pdf_and_html_is_not():
    assert sniff(b"\r\n" * 20 + b"%PDF-1.7\n1 0 obj\n", "application/octet-stream") == PDF
    assert sniff(b"<!DOCTYPE html><html><body><p>Ketamine</p></body></html>", "text/html") == HTML
