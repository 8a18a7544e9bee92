"""The topic scope of a policy with sub-sections (``differ/topic.py``'s ``topic_scope`` and code tables).

A drug named in a section's lead-in ("Spravato is medically necessary when all of the following are met:")
governs the sub-sections under it, whose list items never repeat the name: an edit there is a change, in
any policy. In a policy about the drugs (its title names one, or its first section states the topic) the
rest of a section that states the topic is about the drugs too, and so is every row of its code tables;
in an omnibus policy only the paragraphs naming the drugs are. A sub-section that describes or cites
("Background", "References") is never in scope, wherever it sits.
"""

from __future__ import annotations

import pytest

from differ import compare
from tests.support.differ import nested

ABOUT = "Spravato (Esketamine)"
OMNIBUS = "Antidepressant Treatments"
HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
LEAD = "Spravato is medically necessary when all of the following are met:"
TRIED = "The member tried other drugs."
TRIED2 = "The member tried two other drugs."


def coverage(initial=TRIED, continuation="The member responded.", background="Studies were small."):
    """A coverage section: the lead-in, two sub-sections of criteria (one with its own sub-section) and
    a Background sub-section."""
    return (
        "Coverage Rationale",
        [
            LEAD,
            ("Initial Therapy", [initial, "The member is an adult.", ("Prescriber", ["A psychiatrist."])]),
            ("Continuation of Therapy", [continuation]),
            ("Background", [background]),
        ],
    )


def other(dosing="Doses vary by member.", rest="Claims are reviewed monthly."):
    """An omnibus policy's section about another drug, with a sub-section of its own."""
    return ("Other Drugs", ["Bupropion is covered for depression.", rest, ("Dosing", [dosing])])


def compared(old, new, title=ABOUT):
    return compare(nested(old, title=title), nested(new, title=title))


def bullets(cmp):
    return [b["text"] for c in cmp.changes for b in c.bullets]


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
@pytest.mark.parametrize(
    ("old", "new", "heading"),
    [
        (coverage(), coverage(initial=TRIED2), "Initial Therapy"),
        (coverage(), coverage(continuation="The member responded well."), "Continuation of Therapy"),
    ],
)
def test_a_lead_in_naming_the_drug_governs_the_sub_sections_under_it(title, old, new, heading):
    cmp = compared([HEAD, old, other()], [HEAD, new, other()], title)
    added = "two" if heading == "Initial Therapy" else "well"
    assert bullets(cmp) == [f"Esketamine ({heading}): added “{added}”"]


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
def test_a_lead_in_governs_the_sub_sections_of_its_sub_sections(title):
    def version(who):
        old = coverage()
        initial = ("Initial Therapy", [TRIED, ("Prescriber", [who])])
        return [HEAD, (old[0], [LEAD, initial, *old[1][2:]])]

    cmp = compared(version("A psychiatrist."), version("A psychiatrist or a nurse."), title)
    assert bullets(cmp) == ["Esketamine (Prescriber): added “or a nurse”"]


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
@pytest.mark.parametrize("heading", ["Background", "Policy History"])
def test_a_background_sub_section_under_the_lead_in_is_never_announced(title, heading):
    """Found by mutation testing: in a policy whose title names the drug, the section's "rest" took in its
    Background sub-section, so "Studies were small" → "Studies were very small" was a wording change."""

    def version(said):
        old = coverage()
        return [HEAD, (old[0], [*old[1][:3], (heading, [said])])]

    cmp = compared(version("Studies were small."), version("Studies were very small."), title)
    # the revision history is no text of the version at all: an edit there changes nothing
    assert cmp.changes == () and (
        cmp.formatting_only if heading == "Policy History" else cmp.unrelated_revision
    )


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
def test_a_sub_section_after_a_background_sub_section_is_governed_still(title):
    def version(responded):
        old = coverage()
        return [HEAD, (old[0], [LEAD, old[1][1], old[1][3], ("Continuation of Therapy", [responded])])]

    cmp = compared(version("The member responded."), version("The member responded well."), title)
    assert bullets(cmp) == ["Esketamine (Continuation of Therapy): added “well”"]


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
def test_a_lead_in_governs_its_sub_sections_after_a_paragraph_before_any_heading(title):
    def version(initial):
        return nested([HEAD, coverage(initial)], title=title, intro=["Spravato notice: read all sections."])

    cmp = compare(version(TRIED), version(TRIED2))
    assert bullets(cmp) == ["Esketamine (Initial Therapy): added “two”"]


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
def test_a_number_under_a_continuation_sub_heading_is_the_continuation_approval(title):
    """Found by mutation testing: the lead-in's sub-sections are one stretch of topic text, and the number
    took the heading where the stretch starts ("Initial Therapy"): 6 → 12 months read as initial approval."""

    def version(months):
        continuation = ("Continuation of Therapy", [f"Approval is for {months} months."])
        return [HEAD, ("Coverage Rationale", [LEAD, ("Initial Therapy", [TRIED]), continuation])]

    cmp = compared(version(6), version(12), title)
    assert bullets(cmp) == ["Esketamine: continuation approval 6 months → 12 months"]


@pytest.mark.parametrize(
    ("old", "new", "title", "bullet"),
    [
        # an edit at the very start of a sub-section's stretch, and at its very end
        ("Initial Therapy", "First Therapy", OMNIBUS, "Esketamine (First Therapy): “Initial” → “First”"),
        (
            "The member responded.",
            "The member responded. Twice",
            ABOUT,
            "Esketamine (Continuation of Therapy): added “Twice”",
        ),
    ],
)
def test_an_edit_at_either_end_of_a_stretch_is_about_the_lead_ins_drug(old, new, title, bullet):
    def version(first, end):
        sub = [(first, [TRIED]), ("Continuation of Therapy", ["Approval is for 6 months.", end])]
        return [HEAD, ("Coverage Rationale", [LEAD, *sub])]

    def args(text):
        return (text, "The member responded.") if "Therapy" in text else ("Initial Therapy", text)

    assert bullets(compared(version(*args(old)), version(*args(new)), title)) == [bullet]


def test_a_number_changed_before_the_first_heading_is_a_criteria_change():
    def version(months):
        return nested([HEAD], intro=[f"Spravato approval is for {months} months."])

    assert bullets(compare(version(6), version(12))) == ["Esketamine: initial approval 6 months → 12 months"]


def test_a_stance_after_one_stated_in_the_background_still_counts():
    said = "Spravato was once thought unproven for treatment-resistant depression."

    def version(stance, value):
        sentence = f"Spravato is {stance} for treatment-resistant depression."
        facts = [
            ("esketamine", "trd", "position", "unproven", said),
            ("esketamine", "trd", "position", value, sentence),
        ]
        return nested([HEAD, ("Background", [said]), ("Coverage Rationale", [sentence])], facts)

    cmp = compare(
        version("proven and medically necessary", "covered_with_criteria"), version("unproven", "unproven")
    )
    assert bullets(cmp) == ["Esketamine · TRD: covered with criteria → unproven"]


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
def test_a_background_sub_section_deeper_down_is_never_announced(title):
    def version(studies):
        old = coverage()
        initial = ("Initial Therapy", [TRIED, ("References", [studies])])
        return [HEAD, (old[0], [LEAD, initial, *old[1][2:]])]

    cmp = compared(version("Smith 2020."), version("Smith 2021, Jones."), title)
    assert cmp.changes == () and cmp.unrelated_revision


@pytest.mark.parametrize("title", [ABOUT, OMNIBUS])
def test_another_drugs_section_and_its_sub_sections_are_out_of_scope(title):
    for old, new in [
        (other(), other(dosing="Doses vary by weight.")),
        (other(), other(rest="Claims are reviewed weekly.")),
    ]:
        cmp = compared([HEAD, coverage(), old], [HEAD, coverage(), new], title)
        assert cmp.changes == () and cmp.unrelated_revision


@pytest.mark.parametrize(("title", "announced"), [(ABOUT, True), (OMNIBUS, False)])
def test_the_rest_of_a_section_stating_the_topic_counts_in_a_policy_about_the_drugs(title, announced):
    def version(claims):
        said = ["Spravato is covered for depression.", claims, "Esketamine needs a REMS-certified setting."]
        return [HEAD, ("Coverage Rationale", said)]

    cmp = compared(version("Claims from these centers are denied."), version("Claims are reviewed."), title)
    if announced:
        assert bullets(cmp) == [
            "Esketamine (Coverage Rationale): “from these centers are denied” → “are reviewed”"
        ]
    else:
        assert cmp.changes == () and cmp.unrelated_revision


# -- code tables -----------------------------------------------------------------------------------------

COVERED = ("Coverage Rationale", ["Spravato is covered for depression."])


def codes(*rows, heading="Applicable Codes"):
    """A code table: the drug's own row, then rows that never name it."""
    return (heading, ["S0013 Esketamine, nasal spray, 1 mg", "Office visits:", *rows])


@pytest.mark.parametrize(
    ("title", "outline", "announced"),
    [
        (ABOUT, [HEAD, COVERED], True),
        # the first section states the topic: a policy on the drug under another name
        ("Anesthetic Agents for Depression", [COVERED, HEAD], True),
        # an omnibus policy: the drug's paragraph sits in a later section among other drugs'
        ("Anesthetic Agents for Depression", [HEAD, COVERED], False),
        (OMNIBUS, [HEAD, COVERED], False),
    ],
)
def test_every_row_of_a_code_table_counts_in_a_policy_about_the_drugs(title, outline, announced):
    old = nested([*outline, codes("99215 Office visit")], title=title)
    new = nested([*outline, codes("99215 Office visit", "99214 Office visit")], title=title)
    cmp = compare(old, new)
    if announced:
        assert bullets(cmp) == ["Codes: added 99214"]
    else:
        assert cmp.changes == () and cmp.unrelated_revision


def test_an_added_row_points_at_the_code_tables_page():
    pages = {"Coverage Rationale": 2, "Applicable Codes": 5}
    new = nested([HEAD, COVERED, codes("99215 Office visit", "99214 Office visit")], pages=pages)
    cmp = compare(nested([HEAD, COVERED, codes("99215 Office visit")], pages=pages), new)
    (change,) = cmp.changes
    ev = change.bullets[0]["evidence"]["new"]
    assert (ev["text"], ev["page"], ev["start"]) == ("99214", 5, new.text.index("99214"))


def test_a_code_tables_descriptions_are_no_wording():
    """The differ reads a code table for its codes: a description reworded is no change to the drugs."""
    cmp = compared(
        [HEAD, COVERED, codes("99215 Office visit")], [HEAD, COVERED, codes("99215 Office visit, 40 min")]
    )
    assert cmp.changes == () and cmp.unrelated_revision


def test_the_rest_of_each_section_stating_the_topic_counts_not_only_the_last():
    def version(claims):
        covered = ("Coverage Rationale", ["Spravato is covered for depression.", claims])
        return [HEAD, covered, ("Dosing", ["Spravato is given twice weekly.", "Doses are logged."])]

    cmp = compared(version("Claims are denied."), version("Claims are reviewed."))
    assert bullets(cmp) == ["Esketamine (Coverage Rationale): “denied” → “reviewed”"]


def test_words_added_at_the_very_end_of_a_topic_section_are_about_its_drug():
    def version(last):
        return [HEAD, ("Coverage Rationale", ["Spravato is covered for depression.", last])]

    cmp = compared(version("The member responded."), version("The member responded. Twice"))
    assert bullets(cmp) == ["Esketamine (Coverage Rationale): added “Twice”"]
