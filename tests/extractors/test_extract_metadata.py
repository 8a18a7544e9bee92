"""Metadata edge cases met on the sample portal's real-style pages."""

from __future__ import annotations

import datetime as dt

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


# Each test below kills a mutant that survived the first mutation run (docs/mutation.md).


def _read(*blocks: tuple[str, str]):
    from extractors.metadata import read_metadata
    from extractors.sections import Block, assemble

    _text, kept = assemble([Block(kind, text, level=1) for kind, text in blocks])
    return read_metadata(_text, kept, "Ketamine infusion")


def test_the_original_effective_date_is_never_the_effective_date():
    meta = _read(
        ("paragraph", "Original Effective Date: 01/01/2019"),
        ("paragraph", "Effective Date: 03/01/2026"),
    )
    assert meta.effective == dt.date(2026, 3, 1)


def test_the_next_annual_review_is_read():
    meta = _read(("paragraph", "Effective Date: 03/01/2026"), ("paragraph", "Next Annual Review: 03/01/2027"))
    assert meta.next_review == dt.date(2027, 3, 1)


def test_the_newest_revision_row_is_the_published_date_and_continued_rows_are_kept():
    from extractors.metadata import revision_history
    from extractors.sections import Block, assemble, build_sections

    rows = [
        ("heading", "Revision History"),
        ("row", "Date | Summary of changes"),
        ("row", "01/15/2025 | Added esketamine"),
        ("row", "02/01/2026 | Raised the minimum age"),
        ("row", " | and shortened the approval period"),
    ]
    meta = _read(("paragraph", "Effective Date: 03/01/2026"), *rows)
    assert meta.published == dt.date(2026, 2, 1)
    text, kept = assemble([Block(kind, t, level=1) for kind, t in rows])
    history = revision_history(kept, build_sections(kept, len(text)))
    assert [(e.date, e.text) for e in history] == [
        (dt.date(2025, 1, 15), "Added esketamine"),
        (dt.date(2026, 2, 1), "Raised the minimum age and shortened the approval period"),
    ]


def test_an_archived_banner_is_the_status():
    from extractors.metadata import read_metadata
    from extractors.sections import Block, assemble

    text, kept = assemble([Block("paragraph", "Effective Date: 03/01/2026")])
    meta = read_metadata(text, kept, "Ketamine", status_text="This policy has been ARCHIVED.")
    assert meta.status == "archived"
