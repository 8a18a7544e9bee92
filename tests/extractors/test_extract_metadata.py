"""Metadata edge cases met on the sample portal's real-style pages."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.metadata import _line_of_business, _state, parse_date, policy_number
from extractors.status import document_status


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


@pytest.mark.parametrize(
    ("url", "number"),
    [
        ("https://x.example/bcbsmn/policies/Medicine/II-170/II-170-003.html", "II-170"),
        ("https://x.example/policies/MP-446.htm", "MP-446"),
        ("https://x.example/medicaid/articleid=10245", "10245"),
        # a lower-case slug with a year is a name, not a policy number
        ("https://x.example/policies/ketamine-2025.html", None),
        ("https://x.example/news/spravato-update-2026.html", None),
    ],
)
def test_a_url_gives_a_number_only_in_a_numbering_scheme(url, number):
    assert policy_number("Ketamine infusion therapy", url) == number


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
    assert document_status(banner) == expected


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


# Survivors of the second run (docs/mutation.md): the policy number's label forms and fallbacks, the
# revision-history table's odd rows, and what read_metadata passes on to the state and plan readers.
@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Ketamine and esketamine 2025D0069A", "2025D0069A"),  # UnitedHealthcare, bare in the header
        ("Billing and Coding: Ketamine A59243", "A59243"),  # Medicare article
        ("Coverage Policy IP\u00a00566 Ketamine", "IP 0566"),  # Cigna, a no-break space as one space
        ("Aetna Clinical Policy Bulletin CPB 0938: Ketamine", "0938"),
        ("Esketamine nasal spray (BCBSA 5.01.16)", "5.01.16"),
        ("Policy: RX-501\nKetamine", "RX-501"),
        ("Ketamine infusion\nPolicy: RX-501", "RX-501"),  # a labelled line anywhere in the header
        ("Medical Coverage Guideline 09-J2000-45\nKetamine", "09-J2000-45"),
        ("Document Number: MED-1042X", "MED-1042X"),
        # history holdout3: a document id with a revision counter, a Blue plan's "Medical Policy: NN.NN.NN",
        # a number whose capitals and digits are two words
        ("Document: QV641:00\nKetamine", "QV641:00"),
        ("Medical Policy: 07.03.21\nOriginal Effective Date: February 2019", "07.03.21"),
        ("Ketamine Infusion Therapy\nPolicy Number: CMO 612", "CMO 612"),
        ("Policy: see 101 for infusions", None),  # a word and a number, not a number
        ("Quantity limit: the number of 168 mg doses", None),
        # a manual's section reference: the identity of a section republished at dated paths
        ("Esketamine\nManual Reference: Chapter 7, Section 3.8", "Chapter 7, Section 3.8"),
        ("CHAPTER 7 SECTION 3.8\nEsketamine Nasal Spray", "CHAPTER 7 SECTION 3.8"),
        ("Section Reference: C7S3.8", "C7S3.8"),
        ("Ketamine\nSee Chapter 7, Section 3.8 for infusions.", None),  # a citation names another section
    ],
)
def test_each_policy_number_form_is_read(head, expected):
    assert policy_number(head, None) == expected


def test_a_label_and_its_value_in_separate_cells_are_read_together():
    """<dt>Policy Number</dt><dd>MP-0123</dd>: the label's line and the next one, even as the last pair."""
    assert policy_number("Ketamine infusion\nPolicy Number:\nMP-0123\nsee CPB 0469", None) == "MP-0123"
    assert policy_number("Ketamine infusion\nPolicy Number:\nMP-0123", None) == "MP-0123"
    assert policy_number("Ketamine infusion\nPolicy Number:", None) is None  # a label with no value


def test_a_plan_name_ending_in_id_is_not_a_number_label():
    """ "Medicaid 2026" once gave policy number "2026" (the "id" of Medicaid read as a label)."""
    assert policy_number("Texas Medicaid 2026 Provider Manual\nKetamine", None) is None
    assert policy_number("Texas Medicaid\n2026 Provider Manual", None) is None
    assert policy_number("Texas Medicaid\nPolicy ID: TX-0042", None) == "TX-0042"


def test_a_cms_article_number_is_read_from_a_mixed_case_url():
    url = "https://www.cms.gov/medicare-coverage-database/view/article.aspx?articleId=59243"
    assert policy_number("Ketamine", url) == "59243"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Applies to the Federal Employee Program (FEP) and TRICARE", "federal"),
        ("Community Plan: Medicaid members (MassHealth, Medi-Cal, TMHP, CHIP)", "medicaid"),
    ],
)
def test_a_plan_named_with_every_one_of_its_words_is_still_read(head, expected):
    assert _line_of_business(head, None) == expected


def _meta(*blocks: tuple[str, str], title: str | None = "Ketamine infusion", url: str | None = None):
    from extractors.metadata import read_metadata
    from extractors.sections import Block, assemble

    text, kept = assemble([Block(kind, text, level=1) for kind, text in blocks])
    return read_metadata(text, kept, title, url=url)


def test_the_url_title_and_number_reach_the_plan_and_state_readers():
    para = ("paragraph", "Intravenous ketamine is investigational.")
    tmhp = _meta(para, url="https://www.tmhp.com/manual/0938.html")
    assert (tmhp.policy_number, tmhp.state, tmhp.line_of_business) == ("0938", "TX", "medicaid")
    titled = _meta(para, title="Texas Medicaid: Ketamine")
    assert (titled.state, titled.line_of_business) == ("TX", "medicaid")
    uhc = _meta(("paragraph", "Policy Number: CSTX2025D0069A"), para, title=None)
    assert (uhc.policy_number, uhc.state) == ("CSTX2025D0069A", "TX")


def test_a_bare_date_in_the_header_is_the_effective_date_when_nothing_is_labelled():
    meta = _meta(("paragraph", "Ketamine infusion 03/01/2026"), ("paragraph", "Intravenous ketamine."))
    assert meta.effective == dt.date(2026, 3, 1)


def test_dates_far_down_the_document_are_not_the_policys_dates():
    """Only the first 40 blocks are the header: a body quoting another policy's dates does not count."""
    body = [("paragraph", f"Criterion {i}: the member meets it.") for i in range(40)]
    meta = _meta(*body, ("paragraph", "Effective Date: 03/01/2026"))
    assert meta.effective is None and meta.published is None


def test_an_empty_document_has_empty_metadata():
    meta = _meta(title=None)
    assert (meta.policy_number, meta.effective, meta.published, meta.state) == (None, None, None, None)


def _history(*blocks: tuple[str, str] | tuple[str, str, int]):
    from extractors.metadata import revision_history
    from extractors.sections import Block, assemble, build_sections

    text, kept = assemble([Block(b[0], b[1], level=b[2] if len(b) > 2 else 1) for b in blocks])
    return [(e.date, e.text) for e in revision_history(kept, build_sections(kept, len(text)))]


def test_a_history_written_as_dashed_lines_under_a_colon_heading():
    assert _history(
        ("heading", "Revision History:"),
        ("paragraph", "- 01/15/2025: Added esketamine"),
        ("paragraph", "- 02/01/2026 - Raised the minimum age"),
    ) == [(dt.date(2025, 1, 15), "Added esketamine"), (dt.date(2026, 2, 1), "Raised the minimum age")]


def test_only_the_history_sections_rows_are_entries():
    assert _history(
        ("paragraph", "01/01/2020 FDA approval of esketamine"),
        ("heading", "Revision History"),
        ("row", "01/15/2025 | Added esketamine"),
        ("heading", "References"),
        ("paragraph", "03/03/2019 Journal of Psychiatry article"),
    ) == [(dt.date(2025, 1, 15), "Added esketamine")]


def test_a_history_table_with_two_date_columns_keeps_the_first_as_the_rows_date():
    assert _history(
        ("heading", "Revision History"),
        ("row", "Approved | Effective | Change"),
        ("row", "01/15/2025 | 03/01/2025 | Added esketamine"),
    ) == [(dt.date(2025, 1, 15), "03/01/2025 | Added esketamine")]


def test_a_history_tables_notes_sub_headings_and_repeated_header_are_not_entries():
    """A note before the first row, a header repeated after a page break and a sub-heading are skipped;
    a continued row joins the entry just above it, not the first or the second."""
    assert _history(
        ("heading", "Revision History", 1),
        ("paragraph", "Changes are listed oldest first."),
        ("row", "Date | Summary of changes"),
        ("row", "01/15/2024 | Added esketamine"),
        ("row", "06/01/2024 | Removed the step therapy"),
        ("row", "Date | Summary of changes"),
        ("heading", "2025", 2),
        ("row", "01/15/2025 | Raised the minimum age"),
        ("row", " | to 21 years"),
    ) == [
        (dt.date(2024, 1, 15), "Added esketamine"),
        (dt.date(2024, 6, 1), "Removed the step therapy"),
        (dt.date(2025, 1, 15), "Raised the minimum age to 21 years"),
    ]
