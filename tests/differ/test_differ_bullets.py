"""The bullets of a change (``differ/factdiff.py``, ordered by ``differ/compare.py``): what each says,
its fields and evidence, their order, the drugs of the change, and the diff shown with them — on
hand-built extractions.

One test per behaviour a reader of a feed entry or the archive relies on: several codes in one bullet,
a criterion stated at several values, a sub-population a version does not single out, two stances in one
value, dates that appear, the diff of facts whose passages did not move.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from differ import compare, word_diff
from differ.topic import topic_text
from tests.differ.test_differ_compare import HEAD, KET, TRD
from tests.support.differ import policy

F_TRD = ("esketamine", "trd", "position", "covered_with_criteria", TRD)
TRIALS = "The member has not responded to at least {} antidepressants."
BOTH = "Ketamine and Spravato visits are billed per visit."


def trials(n: str, indication: str = "trd", words: str | None = None):
    return ("esketamine", indication, "failed_antidepressants", n, TRIALS.format(words or n))


def version(lines, facts=(F_TRD,), **kw):
    return policy([HEAD, ("Coverage Rationale", list(lines))], list(facts), **kw)


def rows(change):
    return [(b["text"], b["drug"], b["field"], b["old"], b["new"]) for b in change.bullets]


def only(old, new, **kw):
    (change,) = compare(old, new, **kw).changes
    return change


# -- codes -------------------------------------------------------------------------------------------


def test_codes_changed_in_two_places_are_one_codes_bullet() -> None:
    """The bullet's evidence is the first code's; the other replacement is no separate wording bullet."""
    l1, l2 = "Spravato is billed with HCPCS {} per mg.", "Spravato monitoring visits are billed with {}."
    old = version([TRD, l1.format("S0013"), l2.format("G2082")])
    new = version([TRD, l1.format("J0013"), l2.format("G2083")])
    change = only(old, new)
    assert rows(change) == [
        (
            "Codes: added G2083, J0013, removed G2082, S0013",
            "esketamine",
            "codes",
            "G2082, S0013",
            "G2083, J0013",
        )
    ]
    assert (change.bullets[0]["evidence"]["old"]["text"], change.bullets[0]["evidence"]["new"]["text"]) == (
        "G2082",
        "G2083",
    )


def test_codes_only_added_or_only_removed() -> None:
    with_code = version([TRD, "Spravato is billed with HCPCS J0013."])
    added = only(version([TRD]), with_code, payer="P")
    assert rows(added) == [("Codes: added J0013", "esketamine", "codes", None, "J0013")]
    assert added.summary == "P: billing codes for Spravato added J0013"
    assert added.bullets[0]["evidence"]["old"] is None
    removed = only(with_code, version([TRD]))
    assert rows(removed) == [("Codes: removed J0013", "esketamine", "codes", "J0013", None)]
    assert removed.bullets[0]["evidence"]["new"] is None


def test_a_code_s_evidence_is_in_its_passage_not_an_earlier_general_mention() -> None:
    """J3490 (the unlisted-drug code) is explained in the instructions before Spravato's own row."""
    general = ("Instructions for Use", ["Unlisted drugs are billed with J3490."])
    row = "Spravato was billed with J3490 until 2021."

    def doc(lines):
        return policy([general, ("Coverage Rationale", lines)], [F_TRD])

    old, new = doc([TRD, row]), doc([TRD])
    ev = only(old, new).bullets[0]["evidence"]["old"]
    assert ev["text"] == "J3490" and ev["start"] == old.text.index(row) + len("Spravato was billed with ")
    ev = only(new, old).bullets[0]["evidence"]["new"]
    assert ev["text"] == "J3490" and ev["start"] == old.text.index(row) + len("Spravato was billed with ")


def test_a_typo_fix_keeps_the_code_table_s_change() -> None:
    """The code table of a policy about the drugs names no drug: outside the topic text, still its codes."""

    def doc(word, code):
        sections = [
            HEAD,
            ("Coverage Rationale", [TRD, f"Spravato is given in a {word} setting."]),
            ("Applicable Codes", [f"CPT {code} Office visit"]),
        ]
        return policy(sections, [F_TRD], title="Spravato")

    change = only(doc("certfied", "96372"), doc("certified", "99213"))
    assert change.kind == "codes"
    assert [b["text"] for b in change.bullets] == [
        "Codes: added 99213, removed 96372",
        "Spelling corrected: “certfied” → “certified”",
    ]


# -- criteria ------------------------------------------------------------------------------------------


def test_a_criterion_added_or_removed_names_its_drug_and_indication() -> None:
    old, new = version([TRD]), version([TRD, TRIALS.format(2)], [F_TRD, trials("2")])
    assert rows(only(old, new)) == [
        (
            "Esketamine · TRD: failed antidepressants required added: 2",
            "esketamine",
            "failed_antidepressants",
            None,
            "2",
        )
    ]
    assert rows(only(new, old)) == [
        (
            "Esketamine · TRD: failed antidepressants required removed (was 2)",
            "esketamine",
            "failed_antidepressants",
            "2",
            None,
        )
    ]


def test_a_criterion_stated_at_several_values_names_only_the_one_that_changed() -> None:
    """Two sentences ask for two and for three trials (say, for two settings); the three becomes four."""
    two, three, four = trials("2"), trials("3", words="3 prior"), trials("4", words="4 prior")
    old = version([TRD, two[4], three[4]], [F_TRD, two, three])
    new = version([TRD, two[4], four[4]], [F_TRD, two, four])
    change = only(old, new)
    assert rows(change) == [
        (
            "Esketamine · TRD: failed antidepressants required 3 → 4",
            "esketamine",
            "failed_antidepressants",
            "3",
            "4",
        )
    ]
    ev = change.bullets[0]["evidence"]
    assert (ev["old"]["text"], ev["new"]["text"]) == (three[4], four[4])
    # a value added beside the one that stays: both sides are shown
    change = only(version([TRD, two[4]], [F_TRD, two]), old)
    assert rows(change)[0][2:] == ("failed_antidepressants", "2", "2 / 3")


# -- positions ---------------------------------------------------------------------------------------


def test_a_sub_population_a_version_does_not_single_out_has_its_indication_s_stance() -> None:
    mono = "Spravato used alone is unproven for treatment-resistant depression."

    def singled_out(ep):
        facts = tuple(
            dataclasses.replace(f, subpopulation="monotherapy") if f.sentence == mono else f for f in ep.facts
        )
        return dataclasses.replace(ep, facts=facts)

    old = singled_out(version([TRD, mono], [F_TRD, ("esketamine", "trd", "position", "unproven", mono)]))
    new = version([TRD, "Spravato may be used alone."])
    for a, b, was, now in (
        (old, new, "unproven", "covered_with_criteria"),
        (new, old, "covered_with_criteria", "unproven"),
    ):
        (bullet,) = only(a, b).bullets
        assert (bullet["indication"], bullet["subpopulation"], bullet["old"], bullet["new"]) == (
            "trd",
            "monotherapy",
            was,
            now,
        )
        assert bullet["text"] == (
            "Esketamine · TRD (monotherapy): "
            + {"unproven": "unproven", "covered_with_criteria": "covered with criteria"}[was]
            + " → "
            + {"unproven": "unproven", "covered_with_criteria": "covered with criteria"}[now]
        )
        assert bullet["evidence"]["old"]["text"] == (mono if was == "unproven" else TRD)


def test_two_stances_in_one_value_each_read_as_their_label() -> None:
    nmn = "Intravenous ketamine is not medically necessary for PTSD."
    exp = "Intravenous ketamine is experimental and investigational for PTSD."
    nc = "Intravenous ketamine is not covered for PTSD."
    old = version(
        [TRD, KET, nmn],
        [
            F_TRD,
            ("ketamine", "ptsd", "position", "unproven", KET),
            ("ketamine", "ptsd", "position", "not_medically_necessary", nmn),
        ],
    )
    new = version(
        [TRD, exp, nc],
        [
            F_TRD,
            ("ketamine", "ptsd", "position", "experimental_investigational", exp),
            ("ketamine", "ptsd", "position", "not_covered", nc),
        ],
    )
    bullet = only(old, new).bullets[0]
    assert bullet["text"] == (
        "IV ketamine · PTSD: unproven / not medically necessary → experimental/investigational / not covered"
    )


def test_bullets_follow_the_drugs_order_then_the_indication() -> None:
    """Ketamine's stances before Spravato's (model.DRUGS order), whatever their indications."""
    mdsi = "Spravato is covered for depression with acute suicidal ideation."
    f_mdsi = ("esketamine", "mdsi", "position", "covered_with_criteria", mdsi)
    f_ket = ("ketamine", "ptsd", "position", "unproven", KET)
    change = only(version([TRD]), version([TRD, mdsi, KET], [F_TRD, f_mdsi, f_ket]), payer="P")
    assert [(b["drug"], b["indication"]) for b in change.bullets] == [
        ("ketamine", "ptsd"),
        ("esketamine", "mdsi"),
    ]
    assert change.summary == "P: ketamine for PTSD now unproven (+1 more)"


def test_a_reworded_catch_all_comes_after_a_criteria_change() -> None:
    """The catch-all exclusion lost to a rewording is wording: the criteria change leads the change."""
    other = "Spravato is not covered for any other use."
    f_other = ("esketamine", "other", "position", "not_covered", other)
    old = version([TRD, TRIALS.format(3), other], [F_TRD, trials("3"), f_other])
    new = version(
        [TRD, TRIALS.format(2), "Spravato is not a benefit for any other use."], [F_TRD, trials("2")]
    )
    change = only(old, new)
    assert change.kind == "criteria"
    assert [b["field"] for b in change.bullets] == ["failed_antidepressants", "wording"]


# -- dates -------------------------------------------------------------------------------------------


def test_date_bullets_carry_both_dates_and_where_they_are_printed() -> None:
    old, new = version([TRD]), version([TRD], effective="2026-01-01")
    (b,) = only(old, new).bullets
    assert (b["field"], b["old"], b["new"]) == ("effective", "2025-01-01", "2026-01-01")
    assert b["evidence"]["old"]["text"] == "2025-01-01" and b["evidence"]["new"]["text"] == "2026-01-01"
    assert b["evidence"]["new"]["start"] == new.text.index("2026-01-01")
    # a date the old version's reading did not find
    unread = dataclasses.replace(old, metadata=dataclasses.replace(old.metadata, effective=None))
    (b,) = only(unread, new).bullets
    assert (b["text"], b["old"], b["new"]) == (
        "Effective date not addressed → 2026-01-01",
        None,
        "2026-01-01",
    )
    assert b["evidence"]["old"] is None and b["evidence"]["new"]["text"] == "2026-01-01"


def test_a_renamed_policy_points_at_both_titles() -> None:
    old, new = version([TRD], title="Esketamine"), version([TRD], title="Psychiatry – Spravato")
    (b,) = only(old, new).bullets
    assert (b["text"], b["field"], b["old"], b["new"]) == (
        "Title: Esketamine → Psychiatry – Spravato",
        "wording",
        "Esketamine",
        "Psychiatry – Spravato",
    )
    assert (b["evidence"]["old"]["start"], b["evidence"]["old"]["text"]) == (0, "Esketamine")
    assert (b["evidence"]["new"]["start"], b["evidence"]["new"]["text"]) == (0, "Psychiatry – Spravato")


def test_both_dates_moved_read_in_one_summary() -> None:
    def dated(effective, review):
        ep = version([TRD], effective=effective)
        meta = dataclasses.replace(ep.metadata, next_review=dt.date.fromisoformat(review))
        return dataclasses.replace(ep, metadata=meta)

    change = only(dated("2025-01-01", "2026-01-01"), dated("2026-01-01", "2027-01-01"), payer="P", title="T")
    assert change.summary == (
        "P: dates changed in T: Effective date 2025-01-01 → 2026-01-01; "
        "Next review date 2026-01-01 → 2027-01-01"
    )


# -- the change: drugs, review flag, diff, effective date ---------------------------------------------


def test_a_change_bringing_ketamine_in_names_both_drugs() -> None:
    """The added sentence names both drugs, so its bullet names none: the versions' drugs decide."""
    change = only(version([TRD]), version([TRD, BOTH]))
    assert [b["drug"] for b in change.bullets] == [None]
    assert change.drugs == ("ketamine", "esketamine")


def test_a_policy_that_stops_mentioning_the_drugs_names_the_drugs_it_mentioned() -> None:
    def doc(lines):
        return policy([HEAD, ("Coverage Rationale", lines)], title="Behavioral Health")

    change = only(doc(["No criteria yet.", BOTH]), doc(["No criteria yet."]))
    assert change.drugs == ("ketamine", "esketamine")


def test_a_version_that_drops_its_revision_history_needs_review() -> None:
    """The old version logged its revisions, the new one logs none: nothing confirms the change."""
    old = version([TRD, TRIALS.format(3)], [F_TRD, trials("3")], history=[("01/01/2025", "Created.")])
    new = version([TRD, TRIALS.format(2)], [F_TRD, trials("2")])
    assert only(old, new).needs_review


def test_the_diff_is_the_topic_passages_and_the_effective_date_the_new_version_s() -> None:
    old = version([TRD, TRIALS.format(3)], [F_TRD, trials("3")])
    new = version([TRD, TRIALS.format(2)], [F_TRD, trials("2")], effective="2026-01-01")
    change = only(old, new)
    assert change.diff == tuple(word_diff(topic_text(old).text, topic_text(new).text))
    assert TRD in "".join(text for _, text in change.diff)  # the unchanged context is there too
    assert change.effective_date == dt.date(2026, 1, 1)


def test_facts_that_moved_without_their_passages_show_their_sentences() -> None:
    """The passages differ only in spacing, the facts were read differently (a newer extractor): the diff
    is the facts' sentences, one a line."""
    f_ket = ("ketamine", "ptsd", "position", "unproven", KET)
    old = version([TRD, TRIALS.format(3), KET], [F_TRD, trials("3"), f_ket])
    spaced = KET.replace(" is ", " is  ")
    new = version(
        [TRD, TRIALS.format(3), spaced], [F_TRD, trials("4", words="3"), (*f_ket[:3], "not_covered", spaced)]
    )
    change = only(old, new)
    assert [b["field"] for b in change.bullets] == ["position", "failed_antidepressants"]
    assert "".join(text for op, text in change.diff if op != 1) == KET + "\n" + TRIALS.format(3)
    assert "".join(text for op, text in change.diff if op != -1) == spaced + "\n" + TRIALS.format(3)


def test_a_policy_number_one_version_s_reading_missed_is_still_no_revision() -> None:
    """Both versions print 2025D0069O, one reading found it: the new effective date alone is the change."""

    def unread(ep):
        return dataclasses.replace(ep, metadata=dataclasses.replace(ep.metadata, policy_number=None))

    old, new = (
        version([TRD], number="2025D0069O"),
        version([TRD], number="2025D0069O", effective="2026-01-01"),
    )
    for a, b in ((unread(old), new), (old, unread(new))):
        assert compare(a, b).kinds == ("dates",)
