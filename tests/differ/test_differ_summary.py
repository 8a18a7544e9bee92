"""The one-line summary of a change (``differ/summary.py``): what a feed entry title or a mail subject says.

One row per kind of change and direction: a stance that appears, goes or moves; a criterion added,
removed, raised, lowered or reworded; codes; a renamed policy, a typo fixed, other wording; dates. The
summary names the payer, the drug as members know it (Spravato, ketamine) and the indication unless it is
the drug's usual one (Spravato's TRD), and counts the other bullets (never the date bullets).
"""

from __future__ import annotations

import dataclasses

import pytest

from differ import compare
from tests.support.differ import policy

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
TRD = "Spravato is proven and medically necessary for treatment-resistant depression when criteria are met."
MDSI = "Spravato is proven for major depressive disorder with acute suicidal ideation when criteria are met."
KET = "Intravenous ketamine is unproven and not medically necessary for PTSD."
OCD = "Intravenous ketamine is unproven and not medically necessary for OCD."
TRIALS = "The member has not responded to {} antidepressants of adequate dose."
ORAL = "Spravato is given {}."
CODES = "HCPCS {} Esketamine, 1 mg"
BOTH_CODES = "Ketamine and Spravato infusion visits are billed with CPT {}."
DOSE = "The dose is at most {} per session."

S_TRD = ("esketamine", "trd", "position", "covered_with_criteria", TRD)
S_MDSI = ("esketamine", "mdsi", "position", "covered_with_criteria", MDSI)
S_KET = ("ketamine", "ptsd", "position", "unproven", KET)
S_OCD = ("ketamine", "ocd", "position", "unproven", OCD)


def version(lines, facts=(S_TRD,), codes=None, **kw):
    sections = [HEAD, ("Coverage Rationale", lines)]
    if codes:
        sections.append(("Applicable Codes", [codes]))
    return policy(sections, list(facts), **kw)


def dose(value):
    return ("esketamine", "trd", "dose_max_mg", value, DOSE.format(value))


def trials(n, indication="trd"):
    return ("esketamine", indication, "failed_antidepressants", str(n), TRIALS.format(n))


def summary(old, new):
    (change,) = compare(old, new, payer="P", title="T").changes
    return change.summary


SUMMARIES = [
    # (name, old version, new version, summary)
    (
        "a stance added",
        version([TRD, KET], [S_TRD, S_KET]),
        version([TRD, KET, OCD], [S_TRD, S_KET, S_OCD]),
        "P: ketamine for OCD now unproven",
    ),
    (
        "a stance gone",
        version([TRD, KET, OCD], [S_TRD, S_KET, S_OCD]),
        version([TRD, KET, "Other uses are reviewed case by case."], [S_TRD, S_KET]),
        "P: ketamine for OCD no longer addressed (was unproven)",
    ),
    (
        "a criterion added",
        version([TRD]),
        version([TRD, TRIALS.format(2)], [S_TRD, trials(2)]),
        "P: trials of failed antidepressants required for Spravato added: 2",
    ),
    (
        "a criterion removed",
        version([TRD, TRIALS.format(2)], [S_TRD, trials(2)]),
        version([TRD, "The member has a diagnosis of depression."]),
        "P: trials of failed antidepressants required for Spravato removed (was 2)",
    ),
    (
        "a criterion raised",
        version([TRD, TRIALS.format(2)], [S_TRD, trials(2)]),
        version([TRD, TRIALS.format(3)], [S_TRD, trials(3)]),
        "P: trials of failed antidepressants required for Spravato raised from 2 to 3",
    ),
    (
        "a criterion of another indication names it",
        version([MDSI, TRIALS.format(2)], [S_MDSI, trials(2, "mdsi")]),
        version([MDSI, TRIALS.format(1)], [S_MDSI, trials(1, "mdsi")]),
        "P: trials of failed antidepressants required for Spravato (MDSI) lowered from 2 to 1",
    ),
    (
        "the same number written another way is no raise",
        version([TRD, DOSE.format("84 mg")], [S_TRD, dose("84 mg")]),
        version([TRD, DOSE.format("84mg")], [S_TRD, dose("84mg")]),
        "P: maximum dose (mg) for Spravato changed from 84 mg to 84mg",
    ),
    (
        "a criterion without numbers",
        version(
            [TRD, ORAL.format("with an oral antidepressant")],
            [
                S_TRD,
                (
                    "esketamine",
                    "trd",
                    "concomitant_antidepressant",
                    "required",
                    ORAL.format("with an oral antidepressant"),
                ),
            ],
        ),
        version(
            [TRD, ORAL.format("without an oral antidepressant")],
            [
                S_TRD,
                (
                    "esketamine",
                    "trd",
                    "concomitant_antidepressant",
                    "monotherapy_allowed",
                    ORAL.format("without an oral antidepressant"),
                ),
            ],
        ),
        "P: concomitant oral antidepressant requirement for Spravato changed from required to "
        "monotherapy_allowed",
    ),
    (
        "a measured response to continue",
        version([TRD, "Reauthorization requires documentation of a positive response to Spravato."]),
        version([TRD, "Reauthorization requires at least a 50% reduction in the PHQ-9 score."]),
        "P: response required to continue treatment for Spravato changed",
    ),
    (
        "codes of one drug",
        version([TRD], codes=CODES.format("S0013")),
        version([TRD], codes=CODES.format("J0013")),
        "P: billing codes for Spravato added J0013, removed S0013",
    ),
    (
        "codes of both drugs",
        version([TRD, BOTH_CODES.format("96365")]),
        version([TRD, BOTH_CODES.format("96366")]),
        "P: billing codes added 96366, removed 96365",
    ),
    (
        "a policy renamed",
        version([TRD], title="Esketamine"),
        version([TRD], title="Psychiatry – Spravato"),
        "P: policy renamed from “Esketamine” to “Psychiatry – Spravato”",
    ),
    (
        "a typo fixed",
        version([TRD, "Spravato is given in a certfied setting."]),
        version([TRD, "Spravato is given in a certified setting."]),
        "P: spelling corrected in T (“certfied” → “certified”)",
    ),
    (
        "other wording",
        version([TRD, "Spravato is given in a certified setting."]),
        version([TRD, "Spravato is given in a licensed setting."]),
        "P: wording changed in the Spravato passages of T",
    ),
    (
        "dates",
        version([TRD], effective="2025-01-01"),
        version([TRD], effective="2026-01-01"),
        "P: dates changed in T: Effective date 2025-01-01 → 2026-01-01",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), [row[1:] for row in SUMMARIES], ids=[row[0] for row in SUMMARIES]
)
def test_the_summary_of_each_kind_of_change(old, new, expected):
    assert summary(old, new) == expected


def test_a_sub_population_with_a_stance_of_its_own_is_named():
    def with_mono(value):
        mono = (
            f"Spravato used as monotherapy is {value.replace('_', ' ')} for treatment-resistant depression."
        )
        ep = version([TRD, mono], [S_TRD, ("esketamine", "trd", "position", value, mono)])
        facts = tuple(
            dataclasses.replace(f, subpopulation="monotherapy") if f.sentence == mono else f for f in ep.facts
        )
        return dataclasses.replace(ep, facts=facts)

    (change,) = compare(with_mono("unproven"), with_mono("covered_with_criteria")).changes
    assert [(b["indication"], b.get("subpopulation")) for b in change.bullets] == [("trd", "monotherapy")]
    assert summary(with_mono("unproven"), with_mono("covered_with_criteria")) == (
        "P: Spravato for TRD (monotherapy) changed from unproven to covered with criteria"
    )


def test_the_summary_counts_the_other_bullets_but_never_the_dates():
    old = version([TRD, KET, TRIALS.format(3)], [S_TRD, S_KET, trials(3)], codes=CODES.format("S0013"))
    new = version(
        [TRD, KET, OCD, TRIALS.format(2)],
        [S_TRD, S_KET, S_OCD, trials(2)],
        codes=CODES.format("J0013"),
        effective="2026-01-01",
    )
    (change,) = compare(old, new, payer="P", title="T").changes
    assert [b["field"] for b in change.bullets] == [
        "position",
        "failed_antidepressants",
        "codes",
        "effective",
    ]
    assert change.summary == "P: ketamine for OCD now unproven (+2 more)"
    dates_only = version(
        [TRD, KET, TRIALS.format(3)],
        [S_TRD, S_KET, trials(3)],
        codes=CODES.format("S0013"),
        effective="2026-01-01",
    )
    assert summary(old, dates_only) == ("P: dates changed in T: Effective date 2025-01-01 → 2026-01-01")


def test_the_change_names_the_drugs_its_bullets_name_else_the_documents():
    """A criterion of Spravato's in a policy that also covers ketamine is about Spravato alone; a change
    whose bullets name no drug (only dates moved) is about every drug the policy names, in DRUGS order."""
    old = version([KET, TRD, TRIALS.format(2)], [S_KET, S_TRD, trials(2)])
    raised = version([KET, TRD, TRIALS.format(3)], [S_KET, S_TRD, trials(3)])
    (change,) = compare(old, raised).changes
    assert change.drugs == ("esketamine",)
    dated = version([KET, TRD, TRIALS.format(2)], [S_KET, S_TRD, trials(2)], effective="2026-01-01")
    (change,) = compare(old, dated).changes
    assert change.kind == "dates" and change.drugs == ("ketamine", "esketamine")
