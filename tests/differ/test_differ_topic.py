"""The differ's topic scope (``differ/topic.py``): which parts of a version can raise a change.

Only the ketamine / esketamine passages can: an edit in a section that describes or cites (Background,
References, the FDA's label, ...) or in the document's own revision history is an unrelated revision,
archived and never announced; the same edit in a coverage section is a change. Dates, years, page numbers
and the policy number outside the topic never count; an effective date printed in any usual form is the
evidence of a date bullet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from differ import compare, evidence, noise
from tests.support.differ import policy

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
TRD = "Spravato is proven and medically necessary for treatment-resistant depression."
TRD_FACT = ("esketamine", "trd", "position", "covered_with_criteria", TRD)
NOTE = "Spravato was approved for adults with depression who tried other drugs."
NOTE_EDITED = "Spravato was approved for adults with depression who tried two other drugs."


def _edit_under(heading, title="Spravato (Esketamine)"):
    """Compare two versions that differ by one edit to a paragraph naming the drug under ``heading``."""

    def version(note):
        return policy([HEAD, ("Coverage Rationale", [TRD]), (heading, [note])], [TRD_FACT], title=title)

    return compare(version(NOTE), version(NOTE_EDITED))


@pytest.mark.parametrize(
    "heading",
    [
        "Clinical Evidence",
        "Summary of Evidence",
        "Rationale",
        "References",
        "Bibliography",
        "U.S. Food and Drug Administration (FDA)",
        "Centers for Medicare and Medicaid Services (CMS)",
        "Regulatory Status",
        "Definitions",
    ],
)
def test_an_edit_in_a_section_that_cites_is_never_announced(heading):
    cmp = _edit_under(heading)
    assert cmp.changes == () and cmp.unrelated_revision


@pytest.mark.parametrize(
    "heading", ["Background", "General Background", "Description", "Overview", "BACKGROUND", " Background "]
)
def test_a_reworded_sentence_naming_the_drug_in_the_payers_description_is_wording(heading):
    """Holdout-2: the payer's own Background sentence about the drug is a ketamine/esketamine passage;
    rewording it is ``wording`` (``differ/background.py``). Its other sentences stay silent."""
    (change,) = _edit_under(heading).changes
    assert change.kind == "wording"
    assert [b["new"] for b in change.bullets] == [NOTE_EDITED]

    def version(note):
        return policy(
            [HEAD, ("Coverage Rationale", [TRD]), (heading, [f"{NOTE} {note}"])], [TRD_FACT], title="Spravato"
        )

    cmp = compare(version("Depression is common."), version("Many adults have depression."))
    assert cmp.changes == () and cmp.unrelated_revision


@pytest.mark.parametrize(
    "heading",
    [
        "Revision History",
        "Policy History",
        "Document History",
        "Review History",
        "Revision Details",
        "Policy History/Revision Information",
        "REVISION HISTORY",
    ],
)
def test_an_edit_in_the_revision_history_is_no_change_at_all(heading):
    """The history is read apart (as the change's revision note), never as text of the version."""
    cmp = _edit_under(heading)
    assert cmp.changes == () and cmp.formatting_only


@pytest.mark.parametrize(
    "heading",
    ["Coverage Criteria", "Background Checks", "Description of Covered Services", "Limitations", "Dosing"],
)
def test_the_same_edit_in_a_coverage_section_is_a_change(heading):
    (change,) = _edit_under(heading).changes
    assert change.kind == "wording"
    assert [b["text"] for b in change.bullets] == [f"Esketamine ({heading}): added “two”"]


def test_a_subsection_of_an_informational_section_is_informational_too():
    """The heading path, not only the innermost heading, decides ("Background" › "Studies")."""

    def version(note):
        ep = policy([HEAD, ("Coverage Rationale", [TRD]), ("Studies", [note])], [TRD_FACT])
        secs = [
            dataclasses.replace(s, path=("Background", "Studies")) if s.heading == "Studies" else s
            for s in ep.sections
        ]
        passages = [
            dataclasses.replace(p, section_path=("Background", "Studies")) if p.heading == "Studies" else p
            for p in ep.passages
        ]
        return dataclasses.replace(ep, sections=tuple(secs), passages=tuple(passages))

    cmp = compare(version(NOTE), version(NOTE_EDITED))
    assert cmp.changes == () and cmp.unrelated_revision


# -- dates, years, page numbers and the policy number ------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Printed on January 5, 2025.", "Printed on February 7, 2026."),
        ("Printed on March 2025.", "Printed on April 2026."),
        ("Printed on 1/5/2025.", "Printed on 2/7/26."),
        ("Printed on 2025-01-05.", "Printed on 2026-02-07."),
        ("Copyright 2025 the plan.", "Copyright 2026 the plan."),
        ("Copyright 1999 the plan.", "Copyright 2000 the plan."),
        ("Page 3 of 9", "Page 4 of 10"),
        ("page 3", "page 4"),
        ("Policy 2025D0069O of the plan.", "Policy 2026D0001A of the plan."),
    ],
)
def test_only_dates_page_numbers_or_the_policy_number_outside_the_topic_are_no_change(old, new):
    def version(footer, number):
        return policy([HEAD, ("Coverage Rationale", [TRD]), ("Footer", [footer])], [TRD_FACT], number=number)

    def number(footer):  # the policy number the footer prints, if any
        return footer.split()[1] if footer.startswith("Policy ") else "2025D0069O"

    cmp = compare(version(old, number(old)), version(new, number(new)))
    assert cmp.changes == () and cmp.formatting_only and not cmp.unrelated_revision


@pytest.mark.parametrize(
    ("old", "new"),
    [("Printed on 1/5/2025 in 12 copies.", "Printed on 1/5/2025 in 13 copies."), ("Page three", "Page four")],
)
def test_other_numbers_outside_the_topic_are_an_unrelated_revision(old, new):
    def version(footer):
        return policy([HEAD, ("Coverage Rationale", [TRD]), ("Footer", [footer])], [TRD_FACT])

    cmp = compare(version(old), version(new))
    assert cmp.changes == () and cmp.unrelated_revision


DAY = dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    "printed",
    [
        "2026-01-05",
        "01/05/2026",
        "1/5/2026",
        "January 5, 2026",
        "January 05, 2026",
        "Jan. 5, 2026",
        "January 2026",
    ],
)
def test_a_date_is_found_as_the_policy_prints_it(printed):
    ep = policy(
        [HEAD, ("Coverage Rationale", [f"Spravato criteria apply from {printed} on.", TRD])], effective=None
    )
    ev = evidence.find_date(ep, DAY)
    assert ev["text"] == printed and ep.text[ev["start"] : ev["end"]] == printed


def test_a_date_is_found_where_it_is_first_printed_outside_the_revision_history():
    ep = policy(
        [HEAD, ("Coverage Rationale", [TRD, "Criteria apply from January 5, 2026 on; see 01/05/2026."])],
        effective=None,
        history=[("01/05/2026", "Criteria updated.")],
    )
    ev = evidence.find_date(ep, DAY)
    assert ev["start"] == ep.text.index("January 5, 2026")
    assert evidence.find_date(ep, dt.date(2027, 1, 1)) is None
    assert evidence.find_date(ep, None) is None
    only_history = policy(
        [HEAD, ("Coverage Rationale", [TRD])], effective=None, history=[("01/05/2026", "New.")]
    )
    assert evidence.find_date(only_history, DAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 1, 2026", True),
        ("effective 01/01/2026", True),
        ("2026 - 2027", True),
        ("(2026-01-01)", True),
        ("January 1, 2026 and 2 doses", False),
        ("three", False),
    ],
)
def test_only_dates(text, expected):
    assert noise.only_dates(text) is expected


# -- facts, revision notes, titles -----------------------------------------------------------------------


def test_a_stance_stated_in_the_background_is_no_stance_and_hides_none_of_the_others():
    said = "Spravato was once thought unproven for treatment-resistant depression."
    history_fact = ("esketamine", "trd", "position", "unproven", said)

    def version(failed):
        lines = [TRD, f"The member failed {failed} antidepressants."]
        facts = [history_fact, TRD_FACT, ("esketamine", "trd", "failed_antidepressants", failed, lines[1])]
        return policy([HEAD, ("Background", [said]), ("Coverage Rationale", lines)], facts)

    (change,) = compare(version("3"), version("2")).changes
    assert [(b["field"], b["old"], b["new"]) for b in change.bullets] == [
        ("failed_antidepressants", "3", "2")
    ]


def test_a_sentence_about_depression_with_suicidal_ideation_is_one_stance_not_two():
    def version(value):
        sentence = f"Spravato is {value} for major depressive disorder with acute suicidal ideation."
        facts = [
            TRD_FACT,
            ("esketamine", "depression", "position", value, sentence),
            ("esketamine", "mdsi", "position", value, sentence),
        ]
        return policy([HEAD, ("Coverage Rationale", [TRD, sentence])], facts)

    (change,) = compare(version("unproven"), version("covered")).changes
    assert [b["text"] for b in change.bullets] == ["Esketamine · MDSI: unproven → covered"]


def test_the_revision_note_lists_every_new_row():
    old = policy([HEAD, ("Coverage Rationale", [TRD])], [TRD_FACT], history=[("01/01/2025", "Created.")])
    rows = [("02/01/2026", "Criteria updated."), ("01/15/2026", "Codes updated."), ("01/01/2025", "Created.")]
    new = policy([HEAD, ("Coverage Rationale", [TRD, NOTE])], [TRD_FACT], history=rows)
    (change,) = compare(old, new).changes
    assert change.revision_note == "2026-02-01: Criteria updated.; 2026-01-15: Codes updated."
    undated = dataclasses.replace(new.revision_history[0], date=None)
    new = dataclasses.replace(new, revision_history=(undated, *new.revision_history[1:]))
    (change,) = compare(old, new).changes
    assert change.revision_note == "Criteria updated.; 2026-01-15: Codes updated."


def test_a_renamed_policy_points_at_each_title_where_it_is_first_printed():
    lines = [TRD, "See also the Esketamine Criteria policy."]
    old = policy([HEAD, ("Coverage Rationale", lines)], [TRD_FACT], title="Esketamine")
    new = policy([HEAD, ("Coverage Rationale", lines)], [TRD_FACT], title="Esketamine Criteria")
    (change,) = compare(old, new).changes
    (bullet,) = [b for b in change.bullets if b["text"].startswith("Title: ")]
    assert bullet["text"] == "Title: Esketamine → Esketamine Criteria"
    ev = bullet["evidence"]
    assert (ev["old"]["start"], ev["old"]["end"]) == (0, len("Esketamine"))
    assert (ev["new"]["start"], ev["new"]["end"]) == (0, len("Esketamine Criteria"))
    # a title the text never prints has no evidence
    unprinted = dataclasses.replace(new, metadata=dataclasses.replace(new.metadata, title="Spravato Program"))
    (bullet,) = [b for b in compare(old, unprinted).changes[0].bullets if b["text"].startswith("Title: ")]
    assert bullet["evidence"]["new"] is None and bullet["evidence"]["old"]["start"] == 0
