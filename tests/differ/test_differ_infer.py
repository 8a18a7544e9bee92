"""What the differ reads out of an edit the extractors left as plain wording (``differ/infer.py``).

Each row is two versions of one criteria list that differ by one edit no extracted fact covers (the only
facts are the lead-ins' positions): a number next to a unit becomes a criteria bullet of the field the
unit names, a requirement sentence added or removed becomes a criterion, an indication added to a list
under a position statement becomes a position bullet. Anything else must stay a ``wording`` bullet: a
reader is told "wording changed", never a criterion the policy does not state.
"""

from __future__ import annotations

import dataclasses

import pytest

from differ import compare
from differ.taxonomy import field_label
from tests.support.differ import policy

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
LEAD = "Spravato is medically necessary for treatment-resistant depression when all of these are met:"
LEAD_FACT = ("esketamine", "trd", "position", "covered_with_criteria", LEAD)
OTHER = "- The member is enrolled in the plan."
KET_LEAD = "Intravenous ketamine is unproven and not medically necessary for the following:"
KET_FACT = ("ketamine", "ptsd", "position", "unproven", KET_LEAD)
PTSD = "- post-traumatic stress disorder"


def _versions(old_lines, new_lines, heading="Coverage Rationale", lead=LEAD, facts=(LEAD_FACT,), **kw):
    def version(lines):
        return policy([HEAD, (heading, [lead, *lines, OTHER])], list(facts), **kw)

    return version(old_lines), version(new_lines)


def _change(old_lines, new_lines, **kw):
    """The one change between two versions of a criteria list."""
    (change,) = compare(*_versions(old_lines, new_lines, **kw), payer="Payer").changes
    return change


def _rows(change):
    return [(b["field"], b["drug"], b["indication"], b["old"], b["new"]) for b in change.bullets]


def _as_wording(change):
    return change.kind == "wording" and [b["field"] for b in change.bullets] == ["wording"]


# -- a number changed next to a unit --------------------------------------------------------------

#: (criteria line, {} for the number; old; new; field; old value; new value)
NUMBERS = [
    ("- Age at least {} years of age.", "18", "21", "age_min", "18", "21"),
    ("- Aged {} years old or more.", "18", "19", "age_min", "18", "19"),
    ("- Aged at least {} years.", "18", "22", "age_min", "18", "22"),
    ("- Younger than {} years.", "65", "70", "age_max", "65", "70"),
    ("- Under {} years of age.", "65", "70", "age_max", "65", "70"),
    ("- No older than {} years.", "65", "70", "age_max", "65", "70"),
    ("- Aged {} years of age or less.", "65", "70", "age_max", "65", "70"),
    ("- Aged up to {} years.", "65", "70", "age_max", "65", "70"),
    ("- Each trial lasted at least {} weeks.", "6", "8", "trial_weeks", "6", "8"),
    ("- Each trial lasted {} consecutive weeks.", "6", "8", "trial_weeks", "6", "8"),
    ("- Each trial lasted {} week.", "1", "2", "trial_weeks", "1", "2"),
    ("- Initial approval is for {} months.", "6", "3", "approval_initial", "6 months", "3 months"),
    ("- Initial approval: {} calendar months.", "6", "3", "approval_initial", "6 months", "3 months"),
    ("- Initial approval: {} Calendar Months.", "6", "3", "approval_initial", "6 months", "3 months"),
    ("- Initial approval is for {} days.", "30", "90", "approval_initial", "30 days", "90 days"),
    ("- Initial approval is for {} month(s).", "1", "3", "approval_initial", "1 month", "3 months"),
    ("- Initial approval is for {} month(s).", "3", "1", "approval_initial", "3 months", "1 month"),
    ("- Reauthorization is for {} months.", "6", "12", "approval_continuation", "6 months", "12 months"),
    ("- Continued approval: {} months.", "6", "12", "approval_continuation", "6 months", "12 months"),
    ("- Renewal is for {} months.", "6", "12", "approval_continuation", "6 months", "12 months"),
    ("- Subsequent approvals: {} months.", "6", "12", "approval_continuation", "6 months", "12 months"),
    ("- The member failed {} antidepressants.", "3", "2", "failed_antidepressants", "3", "2"),
    ("- The member failed {} antidepressant.", "1", "2", "failed_antidepressants", "1", "2"),
    ("- Tried {} different antidepressant medications.", "two", "three", "failed_antidepressants", "2", "3"),
    ("- Had {} adequate medication trials.", "Three", "two", "failed_antidepressants", "3", "2"),
    ("- Tried {} agents from two classes.", "four", "five", "failed_antidepressants", "4", "5"),
    ("- Tried {} drugs.", "eleven", "twelve", "failed_antidepressants", "11", "12"),
    ("- Tried {} trials.", "zero", "one", "failed_antidepressants", "0", "1"),
    ("- The dose does not exceed {} mg per session.", "56", "84", "dose_max_mg", "56", "84"),
    ("- Observed for {} hours after each dose.", "2", "1", "observation_hours", "2", "1"),
    ("- Observed for {} hour.", "1", "2", "observation_hours", "1", "2"),
    ("- A baseline MADRS score of {} or more.", "20", "22", "madrs_min", "20", "22"),
    ("- A baseline PHQ-9 score of {} or more.", "15", "20", "phq9_min", "15", "20"),
    ("- A baseline HAM-D score of {} or more.", "17", "18", "hamd_min", "17", "18"),
    ("- A baseline QIDS score of {} or more.", "14", "16", "qids_min", "14", "16"),
    # history holdout3: an augmentation count, and the size of a course (a quantity limit)
    (
        "- Failure of {} of the following augmentation therapies.",
        "two",
        "one",
        "augmentation_trials",
        "2",
        "1",
    ),
    ("- Failed {} augmentation trials.", "two", "one", "augmentation_trials", "2", "1"),
    ("- The first course is limited to {} infusions within 4 weeks.", "6", "8", "course_doses", "6", "8"),
    ("- No more than {} treatment sessions a month.", "8", "6", "course_doses", "8", "6"),
]


@pytest.mark.parametrize(("line", "a", "b", "field", "old", "new"), NUMBERS)
def test_a_number_changed_next_to_a_unit_is_a_criterion_of_that_unit(line, a, b, field, old, new):
    change = _change([line.format(a)], [line.format(b)])
    assert change.kind == "criteria"
    assert _rows(change) == [(field, "esketamine", "trd", old, new)]
    (bullet,) = change.bullets
    assert bullet["text"] == f"Esketamine · TRD: {field_label(field)} {old} → {new}"
    assert bullet["evidence"]["new"]["text"] == line.format(b)  # the whole criteria line
    assert bullet["evidence"]["old"]["text"] == line.format(a)


def test_an_approval_period_under_a_continuation_heading_is_the_continuation_period():
    change = _change(
        ["- Approval is for 6 months."], ["- Approval is for 12 months."], heading="Reauthorization"
    )
    assert _rows(change) == [("approval_continuation", "esketamine", "trd", "6 months", "12 months")]


@pytest.mark.parametrize(
    ("line", "a", "b"),
    [
        ("- See section {} for the dosing table.", "3", "4"),  # a number that measures nothing
        ("- The member failed {} antidepressants.", "three", "3"),  # the same number, another form
        ("- The member failed {} antidepressants.", "3", "3 or more"),  # words added after the number
    ],
)
def test_a_number_that_measures_no_criterion_stays_wording(line, a, b):
    assert _as_wording(_change([line.format(a)], [line.format(b)]))


def test_a_number_takes_the_indication_and_drug_of_the_statement_above_it():
    mdsi = "Spravato is also medically necessary for major depressive disorder with suicidal ideation when:"
    facts = (LEAD_FACT, ("esketamine", "mdsi", "position", "covered_with_criteria", mdsi))
    old, new = ["- Approval is for 6 months.", mdsi], ["- Approval is for 3 months.", mdsi]
    assert _rows(_change(old, new, facts=facts)) == [  # the statement below it governs nothing
        ("approval_initial", "esketamine", "trd", "6 months", "3 months")
    ]
    old, new = [mdsi, "- Approval is for 6 months."], [mdsi, "- Approval is for 3 months."]
    assert _rows(_change(old, new, facts=facts)) == [
        ("approval_initial", "esketamine", "mdsi", "6 months", "3 months")
    ]
    # a section about both drugs: the line sits under ketamine's statement
    old, new = [KET_LEAD, "- Approval is for 6 months."], [KET_LEAD, "- Approval is for 3 months."]
    change = _change(old, new, facts=(LEAD_FACT, KET_FACT))
    assert _rows(change) == [("approval_initial", "ketamine", "ptsd", "6 months", "3 months")]
    assert (
        change.summary
        == "Payer: initial approval period for ketamine (PTSD) lowered from 6 months to 3 months"
    )
    # no statement at all: the drug the passage names, no indication
    change = _change(["- Approval is for 6 months."], ["- Approval is for 3 months."], facts=())
    assert [b["text"] for b in change.bullets] == ["Esketamine: initial approval 6 months → 3 months"]


def test_a_number_under_another_drugs_later_statement_keeps_its_own_drugs_indication():
    """Spravato's initial and continuation criteria in two sections with ketamine's between them."""
    ket = ("Ketamine", [KET_LEAD, PTSD])
    cont = "- Continued Spravato approval is for {} months."

    def version(months):
        return policy(
            [
                HEAD,
                ("Initial Therapy", [LEAD, OTHER]),
                ket,
                ("Continuation of Therapy", [cont.format(months)]),
            ],
            [LEAD_FACT, KET_FACT],
        )

    (change,) = compare(version(6), version(12)).changes
    assert _rows(change) == [("approval_continuation", "esketamine", "trd", "6 months", "12 months")]
    # the same for a requirement sentence added there
    rule = "- Continued therapy requires documentation of the response."
    stays = "- Spravato continues while the member responds."
    old = policy(
        [HEAD, ("Initial Therapy", [LEAD, OTHER]), ket, ("Continuation of Therapy", [stays])],
        [LEAD_FACT, KET_FACT],
    )
    new = policy(
        [HEAD, ("Initial Therapy", [LEAD, OTHER]), ket, ("Continuation of Therapy", [stays, rule])],
        [LEAD_FACT, KET_FACT],
    )
    (change,) = compare(old, new).changes
    assert _rows(change) == [("documentation", "esketamine", "trd", None, rule)]


@pytest.mark.parametrize("line", ["- Approval is for {} months.", "- Approval is for {} months"])
def test_a_number_on_the_last_line_of_a_document(line):
    """The normalized text need not end in a line break: the criteria line still ends at the text's end."""

    def last(ep):
        return dataclasses.replace(ep, text=ep.text.rstrip("\n"))

    def version(months):
        return last(policy([HEAD, ("Coverage Rationale", [LEAD, line.format(months)])], [LEAD_FACT]))

    old, new = version(6), version(3)
    (change,) = compare(old, new).changes
    ev = change.bullets[0]["evidence"]
    assert (ev["old"]["text"], ev["new"]["text"]) == (line.format(6), line.format(3))
    assert (ev["old"]["end"], ev["new"]["end"]) == (len(old.text), len(new.text))
    assert _rows(change) == [("approval_initial", "esketamine", "trd", "6 months", "3 months")]


def test_evidence_names_the_page_the_criteria_passage_starts_on():
    """A passage starting on page 2 of a section that starts on page 1: the bullet points at page 2."""

    def on_page_two(ep):
        passages = tuple(dataclasses.replace(p, page_start=2, page_end=2) for p in ep.passages)
        return dataclasses.replace(ep, passages=passages)

    for old_lines, new_lines in (
        (["- Approval is for 6 months."], ["- Approval is for 3 months."]),
        ([], ["- The prescriber must be a board-certified psychiatrist."]),
        (["- The prescriber must be a board-certified psychiatrist."], []),
        ([KET_LEAD, PTSD], [KET_LEAD, PTSD, "- obsessive-compulsive disorder"]),
        ([KET_LEAD, PTSD, "- obsessive-compulsive disorder"], [KET_LEAD, PTSD]),
    ):
        facts = (LEAD_FACT, KET_FACT) if KET_LEAD in old_lines else (LEAD_FACT,)
        versions = _versions(old_lines, new_lines, title="Depression Treatments", facts=facts)
        old, new = map(on_page_two, versions)
        (bullet,) = compare(old, new).changes[0].bullets
        assert {side: ev["page"] for side, ev in bullet["evidence"].items() if ev} in (
            {"old": 2, "new": 2},
            {"old": 2},
            {"new": 2},
        )


# -- a requirement sentence added or removed --------------------------------------------------------

REQUIREMENTS = [
    ("- A psychiatrist must prescribe.", "prescriber"),  # five words (the list's dash is one)
    ("- The prescriber must be a board-certified psychiatrist.", "prescriber"),
    ("- Treatment is prescribed only when a psychiatrist has evaluated the member.", "prescriber"),
    ("- The healthcare setting is required to be certified in the REMS.", "rems"),
    ("- The member needs to have completed a trial of psychotherapy.", "psychotherapy"),
    ("- Response to treatment must be documented in the record;", "documentation"),
    ("- Spravato is limited to use together with an oral antidepressant:", "concomitant_antidepressant"),
    ("- Spravato may not be given without a new oral antidepressant.", "concomitant_antidepressant"),
    ("- Spravato cannot be given without a new oral antidepressant.", "concomitant_antidepressant"),
    ("- The plan requires documentation of two failed trials.", "documentation"),
    ("- Spravato is given only if a prescriber enrolled in the program orders it.", "prescriber"),
]


@pytest.mark.parametrize(("sentence", "field"), REQUIREMENTS)
def test_a_requirement_sentence_added_or_removed_is_a_criterion(sentence, field):
    added = _change([], [sentence])
    assert added.kind == "criteria"
    assert _rows(added) == [(field, "esketamine", "trd", None, sentence)]
    assert added.bullets[0]["text"] == f"Esketamine · TRD: {field_label(field)} added: “{sentence}”"
    assert added.bullets[0]["evidence"]["old"] is None
    assert added.bullets[0]["evidence"]["new"]["text"].strip() == sentence

    removed = _change([sentence], [])
    assert removed.kind == "criteria"
    assert _rows(removed) == [(field, "esketamine", "trd", sentence, None)]
    assert removed.bullets[0]["text"] == f"Esketamine · TRD: {field_label(field)} removed (was “{sentence}”)"
    assert removed.bullets[0]["evidence"]["new"] is None
    assert removed.bullets[0]["evidence"]["old"]["text"].strip() == sentence


def test_a_requirement_takes_the_drug_of_the_statement_above_it():
    sentence = "- The prescriber must be a board-certified psychiatrist."
    change = _change([KET_LEAD], [KET_LEAD, sentence], facts=(LEAD_FACT, KET_FACT))
    assert _rows(change) == [("prescriber", "ketamine", "ptsd", None, sentence)]


@pytest.mark.parametrize(
    "sentence",
    [
        "- Psychiatrist must prescribe.",  # under five words
        "- The prescriber must be a board-certified psychiatrist",  # no sentence end
        "- The prescriber is usually a board-certified psychiatrist.",  # states no requirement
        "- The member must be enrolled in the plan for a year.",  # a requirement of no known kind
    ],
)
def test_a_sentence_that_states_no_known_requirement_stays_wording(sentence):
    assert _as_wording(_change([], [sentence]))
    assert _as_wording(_change([sentence], []))


@pytest.mark.parametrize(("length", "shown"), [(159, 159), (160, 160), (161, 160), (300, 160)])
def test_a_long_requirement_is_shortened_in_the_bullet(length, shown):
    start = "- The prescriber must be a psychiatrist who has seen the member"
    sentence = start + " " + "x" * (length - len(start) - 2) + "."
    assert len(sentence) == length
    (bullet,) = _change([], [sentence]).bullets
    assert bullet["field"] == "prescriber"
    assert len(bullet["new"]) == shown
    assert bullet["new"] == sentence if length <= 160 else bullet["new"] == sentence[:159] + "…"


# -- an indication added to (or removed from) a list under a position statement -----------------------

#: (list item added under "IV ketamine is unproven ... for the following:", [(indication, value)])
LIST_ITEMS = [
    ("- obsessive-compulsive disorder", [("ocd", "unproven")]),
    ("• obsessive-compulsive disorder", [("ocd", "unproven")]),
    ("* obsessive-compulsive disorder", [("ocd", "unproven")]),
    ("2. obsessive-compulsive disorder", [("ocd", "unproven")]),
    ("2) obsessive-compulsive disorder", [("ocd", "unproven")]),
    ("- obsessive-compulsive disorder and anxiety", [("ocd", "unproven"), ("anxiety", "unproven")]),
    ("- major depressive disorder", [("depression", "unproven")]),
    ("- treatment-resistant depression", [("trd", "unproven")]),
    ("- depression, including treatment-resistant depression", [("trd", "unproven")]),
    ("- depression, including suicidal ideation", [("mdsi", "unproven")]),
    ("- depression; suicidal ideation", [("mdsi", "unproven")]),
    ("- depression, including bipolar depression", [("bipolar_depression", "unproven")]),
    ("- chronic pain", [("chronic_pain", "unproven")]),
    ("- chronic pain, including complex regional pain syndrome", [("crps", "unproven")]),
    ("- chronic pain, including pain from neuropathy", [("neuropathic_pain", "unproven")]),
    ("- substance use disorder and all other indications", [("substance_use", "unproven")]),
]


@pytest.mark.parametrize(("item", "rows"), LIST_ITEMS)
def test_an_indication_added_to_or_removed_from_a_list_takes_the_lists_stance(item, rows):
    added = _change([PTSD], [PTSD, item], lead=KET_LEAD, facts=(KET_FACT,))
    assert added.kind == "coverage_position"
    assert _rows(added) == [("position", "ketamine", ind, None, value) for ind, value in rows]
    assert [b["evidence"]["new"]["text"] for b in added.bullets] == [item] * len(rows)
    assert all(b["evidence"]["old"] is None for b in added.bullets)
    ind, value = rows[0]
    assert (
        added.bullets[0]["text"].startswith("IV ketamine · ")
        and "not addressed → unproven" in (added.bullets[0]["text"])
    )

    removed = _change([PTSD, item], [PTSD], lead=KET_LEAD, facts=(KET_FACT,))
    assert _rows(removed) == [("position", "ketamine", ind, value, None) for ind, value in rows]
    assert [b["evidence"]["old"]["text"] for b in removed.bullets] == [item] * len(rows)
    assert all(b["evidence"]["new"] is None for b in removed.bullets)
    assert removed.bullets[0]["text"].endswith(": unproven → not addressed")


def test_an_indication_added_to_a_list_reads_as_a_position_bullet():
    (bullet,) = _change(
        [PTSD], [PTSD, "- obsessive-compulsive disorder"], lead=KET_LEAD, facts=(KET_FACT,)
    ).bullets
    assert bullet["text"] == "IV ketamine · OCD: not addressed → unproven"


@pytest.mark.parametrize("heading", ["Conditions Not Covered", "EXCLUSIONS", "Policy Exclusions"])
def test_a_list_under_a_not_covered_heading_needs_no_statement(heading):
    change = _change(
        [PTSD], [PTSD, "- obsessive-compulsive disorder"], heading=heading, lead=KET_LEAD, facts=()
    )
    assert _rows(change) == [("position", "ketamine", "ocd", None, "not_covered")]


def test_a_list_item_takes_the_drug_of_the_statement_it_sits_under():
    """A section about both drugs: the item names neither; ketamine's statement is the one above it."""
    change = _change(
        [KET_LEAD, PTSD], [KET_LEAD, PTSD, "- obsessive-compulsive disorder"], facts=(LEAD_FACT, KET_FACT)
    )
    assert _rows(change) == [("position", "ketamine", "ocd", None, "unproven")]
    assert change.drugs == ("ketamine",)
    assert change.summary == "Payer: ketamine for OCD now unproven"
    # an item that names a drug takes that drug's statement
    item = "- Spravato for obsessive-compulsive disorder"
    change = _change([KET_LEAD, PTSD], [KET_LEAD, PTSD, item], facts=(LEAD_FACT, KET_FACT))
    assert _rows(change) == [("position", "esketamine", "ocd", None, "covered_with_criteria")]


def test_a_statement_below_the_list_or_in_another_section_is_not_the_lists_stance():
    later = "Intravenous ketamine is covered for anesthesia."
    facts = (KET_FACT, ("ketamine", "anesthesia", "position", "covered", later))
    change = _change(
        [PTSD, later], [PTSD, "- obsessive-compulsive disorder", later], lead=KET_LEAD, facts=facts
    )
    assert ("position", "ketamine", "ocd", None, "unproven") in _rows(change)

    def version(items):
        return policy(
            [HEAD, ("Ketamine", [KET_LEAD, PTSD]), ("Other Uses", ["Ketamine may be used for:", *items])],
            [KET_FACT],
        )

    (change,) = compare(version([PTSD]), version([PTSD, "- obsessive-compulsive disorder"])).changes
    assert _as_wording(change)


def test_the_statement_may_start_its_section_in_a_policy_whose_title_names_no_drug():
    change = _change(
        [PTSD],
        [PTSD, "- obsessive-compulsive disorder"],
        lead=KET_LEAD,
        facts=(KET_FACT,),
        title="Behavioral Health",
    )
    assert _rows(change) == [("position", "ketamine", "ocd", None, "unproven")]


def test_the_lists_stance_is_a_position_fact_never_a_criterion():
    count = "- The member failed 2 antidepressants."
    facts = (KET_FACT, ("ketamine", "ptsd", "failed_antidepressants", "2", count))
    change = _change(
        [count, PTSD], [count, PTSD, "- obsessive-compulsive disorder"], lead=KET_LEAD, facts=facts
    )
    assert _rows(change) == [("position", "ketamine", "ocd", None, "unproven")]
    # a criterion fact before the statement changes nothing either
    facts = (("ketamine", "ptsd", "failed_antidepressants", "2", count), KET_FACT)
    change = _change(
        [PTSD], [PTSD, "- obsessive-compulsive disorder"], lead=KET_LEAD + "\n" + count, facts=facts
    )
    assert _rows(change) == [("position", "ketamine", "ocd", None, "unproven")]


@pytest.mark.parametrize(
    "item",
    [
        "- all other indications",  # the catch-all is no indication of its own
        "obsessive-compulsive disorder",  # not a list item
        "- the member's history",  # names no indication
    ],
)
def test_an_item_that_is_no_indication_stays_wording(item):
    assert _as_wording(_change([PTSD], [PTSD, item], lead=KET_LEAD, facts=(KET_FACT,)))


def test_a_list_without_a_statement_above_it_stays_wording():
    change = _change(
        [PTSD], [PTSD, "- obsessive-compulsive disorder"], lead="Ketamine is discussed here:", facts=()
    )
    assert _as_wording(change)


# -- a documented response to continue (history holdout4) ----------------------------------------


@pytest.mark.parametrize(
    "now",
    [
        "Approval lasts 6 months. Continued approval requires records showing that the PHQ-9 score improved.",
        "Approval lasts 6 months. Renewal needs documentation of a beneficial response to Spravato.",
    ],
)
def test_a_renewal_that_now_asks_for_a_documented_response_is_a_criterion(now):
    """No number to read ("improved", "a beneficial response"): still a response rule, never wording."""
    was = "Approval lasts 6 months and is reviewed before each new period."
    change = _change([was], [now])
    assert change.kind == "criteria"
    assert [(b["field"], b["drug"], b["indication"]) for b in change.bullets] == [
        ("response", "esketamine", "trd")
    ]


def test_a_renewal_reworded_with_the_same_documented_response_stays_wording():
    was = "- Renewal requires records showing that the depression improved."
    now = "- Renewal requires chart notes showing that the depression improved."
    assert _as_wording(_change([was], [now]))
