"""Evidence and noise (``differ/evidence.py``, ``differ/noise.py``): where a bullet points, on which
page, and what never counts.

A user opens the evidence to check a change against the payer's document, so it must point at the words
the bullet is about, on their page: a fact's sentence, the first place a date is printed outside the
revision history, the code table's row. Dates, page numbers and the policy number outside the topic never
make a revision, however they move, appear or go; neither does a revision history with sub-sections.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from differ import compare
from differ.evidence import find_date
from extractors.model import Section
from tests.support.differ import nested

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
TRD = "Spravato is proven and medically necessary for treatment-resistant depression."
PAGES = {"Instructions for Use": 1, "Coverage Rationale": 3, "Applicable Codes": 5, "Footer": 7}


def evidence(cmp, side="new"):
    (change,) = cmp.changes
    return [b["evidence"][side] for b in change.bullets]


def test_a_facts_evidence_is_its_sentence_on_its_page():
    def version(value):
        said = f"Spravato is {value} for treatment-resistant depression."
        fact = ("esketamine", "trd", "position", value, said)
        return nested(
            [HEAD, ("Coverage Rationale", [said]), ("Footer", ["Printed copies."])], [fact], pages=PAGES
        )

    new = version("covered")
    (ev,) = evidence(compare(version("unproven"), new))
    assert (
        ev["page"] == 3
        and ev["text"]
        == new.text[ev["start"] : ev["end"]]
        == "Spravato is covered for treatment-resistant depression."
    )


# -- dates -----------------------------------------------------------------------------------------------

DAY = dt.date(2026, 1, 15)


def dated(*lines, history=("January 15, 2026: criteria updated.",), heading="Revision History"):
    """The revision history first (its dates must never be evidence), then the coverage section."""
    outline = [
        (heading, list(history)),
        ("Coverage Rationale", [TRD, *lines]),
        ("Footer", ["Printed copies."]),
    ]
    return nested(outline, pages={heading: 1, **PAGES})


def test_a_date_is_first_printed_after_the_revision_history_even_when_printed_twice():
    ep = dated("Criteria apply from January 15, 2026; renewals from January 15, 2026 too.")
    ev = find_date(ep, DAY)
    assert (ev["start"], ev["text"], ev["page"]) == (ep.text.index("from January") + 5, "January 15, 2026", 3)


def test_a_date_in_the_revision_history_only_is_no_evidence():
    assert find_date(dated("Criteria apply now."), DAY) is None
    # nor its heading's date
    ep = dated("Criteria apply now.", history=["Criteria updated."], heading="January 2026 Revision History")
    assert find_date(ep, DAY) is None


def test_a_zero_padded_date_is_evidence_as_printed():
    """ "1/15/2026" is inside "01/15/2026": the evidence is the whole date as the policy prints it."""
    ep = dated("Criteria apply from 01/15/2026.", history=["Created."])
    assert find_date(ep, DAY)["text"] == "01/15/2026"


def test_a_date_printed_at_the_start_of_the_heading_after_the_revision_history_is_evidence():
    outline = [HEAD, ("Coverage Rationale", [TRD]), ("Revision History", ["Created."])]
    ep = nested(
        [*outline, ("January 15, 2026 Update", ["Criteria apply."])],
        pages={**PAGES, "January 15, 2026 Update": 4},
    )
    ev = find_date(ep, DAY)
    assert (ev["start"], ev["page"]) == (ep.text.index("January 15"), 4)


# -- codes -----------------------------------------------------------------------------------------------


def codes(*rows):
    return ("Applicable Codes", ["S0013 Esketamine, nasal spray, 1 mg", "Office visits:", *rows])


def test_a_code_in_the_drugs_row_is_on_the_rows_page():
    """The code table starts on page 5; the drug's row is on page 6."""
    pages = {**PAGES, "J0013 Esketamine, 1 mg": 6}

    def version(row):
        return nested(
            [HEAD, ("Coverage Rationale", [TRD]), ("Applicable Codes", ["Codes:", row])], pages=pages
        )

    (ev,) = evidence(
        compare(version("S0013 Esketamine, nasal spray, 1 mg"), version("J0013 Esketamine, 1 mg"))
    )
    assert (ev["text"], ev["page"]) == ("J0013", 6)


def test_an_added_rows_evidence_is_the_row_even_when_the_code_is_printed_earlier():
    coverage = ("Coverage Rationale", [TRD, "Office visits (99214) need no referral."])
    new = nested([HEAD, coverage, codes("99215 Office visit", "99214 Office visit")], pages=PAGES)
    (ev,) = evidence(compare(nested([HEAD, coverage, codes("99215 Office visit")], pages=PAGES), new))
    assert (ev["start"], ev["page"]) == (new.text.index("99214 Office visit"), 5)


def test_a_row_on_the_code_tables_next_page_is_on_that_page():
    """The table's rows after the drug's row continue under a sub-heading on page 6."""

    def version(*rows):
        table = (
            "Applicable Codes",
            ["S0013 Esketamine, nasal spray, 1 mg", ("Office Visit Codes", list(rows))],
        )
        return nested([HEAD, ("Coverage Rationale", [TRD]), table], pages={**PAGES, "Office Visit Codes": 6})

    new = version("99215 Office visit", "99214 Office visit")
    (ev,) = evidence(compare(version("99215 Office visit"), new))
    assert (ev["start"], ev["page"]) == (new.text.index("99214"), 6)


def test_a_code_table_before_the_coverage_text_is_read_whole_too():
    def version(*rows):
        return nested([HEAD, ("Applicable Codes", ["Office visits:", *rows]), ("Coverage Rationale", [TRD])])

    new = version("99215 Office visit", "99214 Office visit")
    cmp = compare(version("99215 Office visit"), new)
    assert [b["text"] for b in cmp.changes[0].bullets] == ["Codes: added 99214"]
    assert evidence(cmp)[0]["start"] == new.text.index("99214")


@pytest.mark.parametrize("title", ["Spravato (Esketamine)", "Antidepressant Treatments"])
def test_a_diagnosis_code_counts_where_the_drug_governs_and_nowhere_else(title):
    lead = "Spravato is medically necessary when all of the following are met:"

    def version(criteria, other):
        return nested(
            [
                HEAD,
                ("Coverage Rationale", [lead, ("Diagnosis", [criteria])]),
                ("Other Drugs", ["Bupropion is covered for depression.", other]),
            ],
            title=title,
        )

    old = version("Major depressive disorder (F32.2).", "Diagnosis F33.1 or F33.2.")
    new = version("Major depressive disorder (F32.2, F32.3).", "Diagnosis F33.1, F33.2 or F33.3.")
    cmp = compare(old, new)
    assert [b["text"] for c in cmp.changes for b in c.bullets if b["field"] == "codes"] == [
        "Codes: added F32.3"
    ]
    (ev,) = [b["evidence"]["new"] for b in cmp.changes[0].bullets if b["field"] == "codes"]
    assert ev["start"] == new.text.index("F32.3")


# -- sub-sections ----------------------------------------------------------------------------------------


def test_an_edit_in_a_sub_section_is_on_the_sub_sections_page():
    lead = "Spravato is medically necessary when all of the following are met:"

    def version(tried):
        initial = ("Initial Therapy", ["The member is an adult.", tried])
        return nested(
            [HEAD, ("Coverage Rationale", [lead, initial])],
            title="Antidepressants",
            pages={**PAGES, "Initial Therapy": 4},
        )

    (ev,) = evidence(
        compare(version("The member tried other drugs."), version("The member tried two other drugs."))
    )
    assert (ev["text"], ev["page"]) == ("two", 4)


def test_a_retirement_points_at_the_word_however_it_is_capitalised():
    ep = nested([HEAD, ("Coverage Rationale", [TRD])])
    banner = dataclasses.replace(ep, text=ep.text + "RETIRED POLICY\n")
    new = dataclasses.replace(banner, metadata=dataclasses.replace(ep.metadata, status="retired"))
    (ev,) = evidence(compare(ep, new))
    assert (ev["start"], ev["text"]) == (len(ep.text), "RETIRED")
    # a banner that says "archived" (or "retiring") names no "retired": nothing to point at
    for word in ("ARCHIVED POLICY", "This policy is retiring."):
        banner = dataclasses.replace(ep, text=ep.text + word + "\n")
        new = dataclasses.replace(banner, metadata=dataclasses.replace(ep.metadata, status="archived"))
        assert evidence(compare(ep, new)) == [None]


# -- noise -----------------------------------------------------------------------------------------------


def footed(footer, number="2025D0069O", history=()):
    outline = [HEAD, ("Coverage Rationale", [TRD])]
    if history:
        outline.append(("Revision History", ["Reviewed yearly.", ("2025 Changes", list(history))]))
    return nested([*outline, ("Footer", [footer])], number=number)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Copyright 2025 the plan.", "Copyright the plan."),
        ("Page 3 of 9 of the plan.", "Of the plan."),
        ("Policy 2025D0069O of the plan.", "Policy of the plan."),
    ],
)
def test_a_date_page_number_or_policy_number_that_goes_is_no_revision(old, new):
    cmp = compare(footed(old), footed(new))
    assert cmp.changes == () and cmp.formatting_only


def test_a_footer_still_printing_the_former_policy_number_is_no_revision():
    cmp = compare(footed("Policy 2025D0069O."), footed("Policy 2025D0069O.", number="2026D0001A"))
    assert cmp.changes == () and cmp.formatting_only


def test_a_policy_without_a_number_or_with_a_second_revision_history_has_no_revision_in_either():
    old = footed("Printed copies.")
    no_number = dataclasses.replace(old, metadata=dataclasses.replace(old.metadata, policy_number=None))
    cmp = compare(no_number, dataclasses.replace(no_number, text=no_number.text + "Page 2\n"))
    assert cmp.changes == () and cmp.formatting_only
    # the new version adds a review-history section of its own
    start = len(old.text)
    added = ("Review History", ("Review History",), 1, start, start + len("Review History\nReviewed.\n"))
    new = dataclasses.replace(
        old, text=old.text + "Review History\nReviewed.\n", sections=(*old.sections, Section(*added))
    )
    cmp = compare(old, new)
    assert cmp.changes == () and cmp.formatting_only


def test_an_edit_after_a_revision_history_with_sub_sections_is_an_unrelated_revision():
    """Found by mutation testing: a history's sub-section was cut twice, and with it as many characters
    of the text after the history, so the footer's edit read as "only footers, dates ... differ"."""
    rows = ["Criteria updated."]
    cmp = compare(
        footed("Printed by the plan.", history=rows), footed("Printed by another plan.", history=rows)
    )
    assert cmp.changes == () and cmp.unrelated_revision and not cmp.formatting_only
    moved = compare(
        footed("Printed by the plan.", history=rows),
        footed("Printed by the plan.", history=["Criteria changed."]),
    )
    assert moved.changes == () and moved.formatting_only


def test_a_new_years_sub_section_in_the_revision_history_is_no_revision():
    def version(*years):
        history = (
            "Revision History",
            ["Reviewed yearly.", *[(year, ["Criteria updated."]) for year in years]],
        )
        return nested([HEAD, ("Coverage Rationale", [TRD]), history, ("Footer", ["Printed copies."])])

    cmp = compare(version(), version("2026 Changes"))
    assert cmp.changes == () and cmp.formatting_only
