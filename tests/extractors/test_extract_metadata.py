"""Metadata edge cases met on the sample portal's real-style pages."""

from __future__ import annotations

from extractors.metadata import policy_number


def test_a_labelled_number_in_a_table_cell_beats_related_policies_named_earlier():
    head = (
        "Ketamine and Esketamine\nNumber: | 0938\nRelated Policies\n"
        "- CPB 0469 - Transcranial Magnetic Stimulation"
    )
    assert policy_number(head, None) == "0938"


def test_the_number_falls_back_to_the_url():
    assert (
        policy_number("Ketamine infusion therapy", "https://x.example/cpb/medical/data/900_999/0938.html")
        == "0938"
    )
