"""``differ.leadins``: a drug listed under a lead-in that states the stance ("The following are considered
investigational for treatment-resistant depression:" / "- Intravenous ketamine;").

Found by history holdout4: IV ketamine moved from an omnibus policy's covered list to its investigational
list was announced as wording, and IV ketamine for TRD added to a Medicaid list of drugs covered with
prior authorization as a billing code only — the extractors read a stance from a sentence naming the drug,
and these items name no stance. Hand-built extractions (``tests.support.differ.policy``): the lines are
the normalized text's lines, a list item one line starting "- ".
"""

from __future__ import annotations

from differ import compare
from differ.leadins import lead_in_bullets, memberships
from tests.support.differ import policy

COVERED = "The following treatments may be considered medically necessary for treatment-resistant depression:"
INVESTIGATIONAL = "The following are considered investigational for treatment-resistant depression:"
ECT, KET, DBS = "- Electroconvulsive therapy;", "- Intravenous ketamine;", "- Deep brain stimulation;"


def omnibus(covered=(ECT, KET), investigational=(DBS,), facts=()):
    sections = [("Policy", [COVERED, *covered, INVESTIGATIONAL, *investigational])]
    return policy(sections, list(facts), title="Treatment-Resistant Depression: Treatments")


def _rows(result):
    (change,) = result.changes
    return change.kind, [
        (b["drug"], b["indication"], b["old"], b["new"]) for b in change.bullets if b["field"] == "position"
    ]


def test_a_drug_moved_from_the_covered_list_to_the_investigational_list_is_a_coverage_change():
    result = compare(omnibus(), omnibus(covered=(ECT,), investigational=(DBS, KET)))
    assert _rows(result) == (
        "coverage_position",
        [("ketamine", "trd", "covered_with_criteria", "experimental_investigational")],
    )
    (b,) = [b for b in result.changes[0].bullets if b["field"] == "position"]
    assert b["text"] == "IV ketamine · TRD: covered with criteria → experimental/investigational"
    assert b["evidence"]["old"]["text"] == KET and b["evidence"]["new"]["text"] == KET


def test_a_drug_added_to_a_list_below_a_heading_takes_the_lead_in_above_the_heading():
    lead = (
        "The drugs below are covered when a prior authorization request is approved. "
        "Drugs not on this list are not covered."
    )
    esk = "- Esketamine nasal spray (Spravato): HCPCS J0013"
    ket = "- Ketamine for intravenous infusion, for treatment-resistant depression: HCPCS J3490"

    def version(*items):
        return policy([("About This List", [lead]), ("Covered Drugs", list(items))], title="Drug List")

    # the stance is the sentence that points at the list, not the next one ("… are not covered")
    assert _rows(compare(version(esk), version(esk, ket))) == (
        "coverage_position",
        [("ketamine", "trd", None, "covered_with_criteria")],
    )
    assert _rows(compare(version(esk, ket), version(esk))) == (
        "coverage_position",
        [("ketamine", "trd", "covered_with_criteria", None)],
    )


def test_the_same_membership_in_other_words_or_order_is_no_position_change():
    assert lead_in_bullets(omnibus(), omnibus(covered=("- Ketamine given intravenously;", ECT))) == []


def test_the_facts_win_when_they_state_that_drug_and_indication():
    fact = ("ketamine", "trd", "position", "covered_with_criteria", COVERED)
    assert lead_in_bullets(omnibus(facts=[fact]), omnibus(covered=(ECT,), investigational=(DBS, KET))) == []


def test_no_stance_without_a_lead_in_that_points_at_the_list_or_an_indication():
    no_pointer = policy(
        [("Policy", ["Some treatments are covered for treatment-resistant depression.", KET])]
    )
    assert memberships(no_pointer) == {}
    no_indication = policy([("Policy", ["The following drugs are covered:", KET])])
    assert memberships(no_indication) == {}
    background = policy([("Background", [COVERED, KET])])  # an informational section states no coverage
    assert memberships(background) == {}


def test_a_criteria_list_is_no_list_of_covered_drugs():
    """An item naming the drug under "… is covered when all of the following are met:" is a requirement
    about the drug (the criteria rules' business), never the drug newly "covered"."""
    lead = "Spravato is covered for treatment-resistant depression when all of the following are met:"
    old = policy([("Policy", [lead, "- The member is 18 or older."])])
    new = policy(
        [("Policy", [lead, "- The member is 18 or older.", "- Spravato is given in a REMS setting."])]
    )
    assert memberships(new) == {} and lead_in_bullets(old, new) == []


# -- adversarial cases (review17): what a user expects when a list only looks like a stance change ------

OTHER = "Ketamine for anesthesia is addressed in another policy."  # the drug named before and after


def test_the_same_drug_in_two_lists_swapped_is_no_position_change():
    """IV ketamine "in a clinic" covered and "at home" investigational, both for TRD: the lists trade
    places, nothing changed (the first list no longer decides the stance)."""
    clinic, home = "- Intravenous ketamine in a supervised clinic;", "- Intravenous ketamine at home;"
    old = omnibus(covered=(ECT, clinic), investigational=(DBS, home))
    new = policy(
        [("Policy", [INVESTIGATIONAL, DBS, home, COVERED, ECT, clinic])],
        title="Treatment-Resistant Depression: Treatments",
    )
    assert memberships(old)[("ketamine", "trd")][0] == "covered_with_criteria / experimental_investigational"
    assert lead_in_bullets(old, new) == []


def test_a_billing_code_added_to_a_list_is_codes_not_a_stance():
    lead = "The following codes are covered for treatment-resistant depression:"
    old = policy([("Policy", [OTHER, lead, "- 96365 Intravenous infusion, first hour"])])
    new = policy(
        [
            (
                "Policy",
                [
                    OTHER,
                    lead,
                    "- 96365 Intravenous infusion, first hour",
                    "- J3490 Unclassified drug (ketamine)",
                ],
            )
        ]
    )
    assert [c.kind for c in compare(old, new).changes] == ["codes"]


def test_a_drug_named_in_passing_in_an_item_takes_no_stance():
    """Only the listed thing takes the lead-in's stance: TMS after a response to ketamine is about TMS."""
    tms = "- Transcranial magnetic stimulation as maintenance after a response to ketamine;"
    old = omnibus(covered=(ECT,), investigational=(DBS,), facts=())
    new = omnibus(covered=(ECT,), investigational=(DBS, tms))
    assert memberships(new) == {}
    assert [c.kind for c in compare(old, new).changes] != ["coverage_position"]


def test_an_item_wrapped_onto_two_lines_reads_the_indication_of_both():
    """A re-made PDF that breaks "treatment-resistant" at the line's end keeps the item's indication."""
    lead = "The following are considered investigational:"
    one = policy([("Policy", [lead, "- Intravenous ketamine for treatment-resistant depression;"])])
    two = policy([("Policy", [lead, "- Intravenous ketamine for treatment-", "resistant depression;"])])
    low = policy([("Policy", [lead, "- Intravenous ketamine for", "treatment-resistant depression;"])])
    assert memberships(one)[("ketamine", "trd")][0] == "experimental_investigational"
    assert lead_in_bullets(one, two) == [] and lead_in_bullets(one, low) == []
