"""Metadata edge cases met on the sample portal's real-style pages."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.metadata import _line_of_business, _state, _status, parse_date, policy_number


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


# Survivors of `make mutate` on this module: every alternative of the line-of-business, state and status
# readings has a case (the substring pre-checks only skip hopeless regexes, so each needle must be reached).
@pytest.mark.parametrize(
    ("head", "url", "expected"),
    [
        ("UnitedHealthcare Community Plan", None, "medicaid"),
        ("Texas Medicaid", None, "medicaid"),
        ("MassHealth drug list", None, "medicaid"),
        ("TMHP provider manual", None, "medicaid"),
        ("CHIP members", None, "medicaid"),
        ("Medi-Cal members", None, "medicaid"),
        ("Ketamine", "https://x.example/medicaid/ketamine.html", "medicaid"),
        ("Medicare and Medicaid members", None, "medicaid"),
        ("TRICARE policy manual", None, "federal"),
        ("Federal Employee Program", None, "federal"),
        ("FEP Blue", None, "federal"),
        ("TRICARE and commercial plans", None, "federal"),
        ("Medicare Advantage", None, "medicare"),
        ("Medicare and commercial plans", None, "medicare"),
        ("Commercial plans", None, "commercial"),
        ("Chipset for a feproject", None, None),
        ("Ketamine infusion", None, None),
    ],
)
def test_line_of_business(head, url, expected):
    assert _line_of_business(head, url) == expected


@pytest.mark.parametrize(
    ("head", "number", "url", "expected"),
    [
        ("Ketamine", "CSTX2025D0069A", None, "TX"),
        ("Ketamine", "2025D0069A", None, None),
        ("This policy applies to the state of Minnesota.", None, None, "MN"),
        ("This policy applies to members in Texas.", None, None, "TX"),
        ("This policy applies to Ohio.", None, None, "OH"),
        ("Texas Medicaid", None, None, "TX"),
        ("Florida Community Plan", None, None, "FL"),
        ("Minnesota Health Care Programs", None, None, "MN"),
        ("UnitedHealthcare Community Plan of Ohio", None, None, "OH"),
        ("Blue Cross and Blue Shield of North Dakota", None, None, "ND"),
        ("BlueCross BlueShield of Minnesota", None, None, "MN"),
        ("MassHealth Guidelines", None, None, "MA"),
        ("Ketamine", None, "https://www.tmhp.com/manual", "TX"),
        ("Ketamine", None, "https://x.example/manual", None),
    ],
)
def test_state(head, number, url, expected):
    assert _state(head, number, url) == expected


@pytest.mark.parametrize(
    ("banner", "expected"),
    [
        ("This version was replaced on 1/1/2026.", "replaced"),
        ("SUPERSEDED by policy 2026D0001", "superseded"),
        ("This retired policy was superseded", "superseded"),
        ("Retired policy", "retired"),
        ("Archived", "archived"),
        ("Current policy", None),
    ],
)
def test_status(banner, expected):
    assert _status(banner) == expected


def test_a_date_without_a_day_is_the_first_and_fuzzy_text_is_no_date():
    assert parse_date("March 2019") == dt.date(2019, 3, 1)
    assert parse_date("see the 2019 notes") is None
    assert parse_date("") is None


def test_a_revision_effective_date_beats_an_earlier_effective_date():
    meta = _read(
        ("paragraph", "Effective Date: 01/01/2025"), ("paragraph", "Revision Effective Date: 03/01/2026")
    )
    assert meta.effective == dt.date(2026, 3, 1)


def test_the_original_effective_date_is_the_fallback_for_both_dates():
    meta = _read(
        ("paragraph", "Approved by the FDA 05/01/2018"), ("paragraph", "Original Effective Date: 01/01/2019")
    )
    assert (meta.effective, meta.published) == (dt.date(2019, 1, 1), dt.date(2019, 1, 1))


@pytest.mark.parametrize(
    "label",
    [
        "Last Reviewed",
        "Last Revised",
        "Revised",
        "Revision",
        "Last Updated",
        "Updated",
        "Publication Date",
        "Published",
        "Posted",
        "Date of last review",
        "Issued",
        "Release Date",
    ],
)
def test_each_published_label_is_read(label):
    meta = _read(("paragraph", "Effective Date: 03/01/2026"), ("paragraph", f"{label}: 02/01/2026"))
    assert meta.published == dt.date(2026, 2, 1)
