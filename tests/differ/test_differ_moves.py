"""A section moved to another policy of the same payer (``differ/moves.py``, issue #13), on hand-built
extractions: the combined "Ketamine and Esketamine" policy MP-510 hands its esketamine section to MP-520.

When every fact that left holds in the other policy (same value, or its very sentence up to spelling), the
change is ``wording`` naming where the section went; a fact that changed on its way, or a destination that
does not state it, leaves the coverage change as it was. tests/payerwatch/test_moves.py runs the same
story through the real extractors and the archive.
"""

from __future__ import annotations

import dataclasses

from differ import compare
from differ.moves import facts_arrived, facts_gone, moved_elsewhere, moved_in
from tests.support.differ import policy

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
TRD = "Spravato is covered for treatment-resistant depression when criteria are met."
FAILED = "The member has not responded to at least two antidepressants."
FAILED3 = "The member has not responded to at least three antidepressants."
KET = "Intravenous ketamine is unproven and not medically necessary for PTSD."
POINTER = "Coverage of Spravato is now in policy MP-520."
CODES = "Spravato is billed with HCPCS S0013 and G2082."

F_TRD = ("esketamine", "trd", "position", "covered_with_criteria", TRD)
F_FAILED = ("esketamine", "trd", "failed_antidepressants", "2", FAILED)
F_KET = ("ketamine", "ptsd", "position", "unproven", KET)


def combined(esketamine=(TRD, FAILED), facts=(F_TRD, F_FAILED), codes=True, ket=True, **kw):
    """MP-510: ketamine's section, then esketamine's (or the pointer to MP-520 when it is gone)."""
    sections = [HEAD, ("Ketamine", [KET] if ket else ["Ketamine is discussed in MP-530."])]
    sections.append(("Esketamine", list(esketamine) or [POINTER]))
    if codes:
        sections.append(("Applicable Codes", [CODES]))
    kw.setdefault("title", "Ketamine and Esketamine")
    return policy(sections, [F_KET] * ket + list(facts), number="MP-510", **kw)


def destination(lines=(TRD, FAILED), facts=(F_TRD, F_FAILED), codes=CODES, title="Esketamine Nasal Spray"):
    sections = [HEAD, ("Esketamine", list(lines))] + [("Applicable Codes", [codes])] * bool(codes)
    return policy(sections, list(facts), number="MP-520", title=title)


def split(**kw):
    """The comparison of MP-510 before and after its esketamine section left."""
    return compare(combined(), combined(esketamine=(), facts=(), codes=False, **kw), payer="P", title="T")


def test_a_section_that_moved_unchanged_is_wording_naming_where() -> None:
    result = split()
    assert result.kinds == ("coverage_position",) and facts_gone(result)
    moved = moved_elsewhere(result, [("MP-520", destination())], "P", "T")
    (change,) = moved.changes
    assert (change.kind, change.severity) == ("wording", "medium")
    assert (
        change.summary
        == "P: Spravato coverage and criteria moved to MP-520, unchanged (no coverage change in T)"
    )
    (b,) = change.bullets  # the codes left with the section and are listed there: part of the move
    assert b["text"] == (
        "Esketamine: coverage and criteria moved unchanged to MP-520 (2 statements; no coverage change)"
    )
    assert (b["field"], b["drug"], b["indication"], b["old"], b["new"]) == (
        "wording",
        "esketamine",
        None,
        "T",
        "MP-520",
    )
    assert b["evidence"]["old"]["text"] == TRD and b["evidence"]["new"] is None
    # what the comparison found stays: the drugs, the diff, the dates
    assert change.drugs == result.changes[0].drugs == ("esketamine",)
    assert change.diff == result.changes[0].diff


def test_the_first_policy_that_states_every_fact_is_the_destination() -> None:
    stricter = destination(lines=(TRD, FAILED3), facts=(F_TRD, (*F_FAILED[:3], "3", FAILED3)))
    elsewhere = [("MP-519", stricter), ("MP-520", destination()), ("MP-521", destination())]
    (change,) = moved_elsewhere(split(), elsewhere, "P", "T").changes
    assert "moved to MP-520" in change.summary


def test_a_fact_that_changed_on_its_way_is_still_a_coverage_change() -> None:
    stricter = destination(lines=(TRD, FAILED3), facts=(F_TRD, (*F_FAILED[:3], "3", FAILED3)))
    assert moved_elsewhere(split(), [("MP-520", stricter)], "P", "T") is None
    assert moved_elsewhere(split(), [], "P", "T") is None


def test_a_fact_stated_in_other_words_with_the_same_value_holds() -> None:
    other = "Spravato requires two failed antidepressant trials."
    dest = destination(lines=(TRD, other), facts=(F_TRD, (*F_FAILED[:4], other)))
    assert moved_elsewhere(split(), [("MP-520", dest)], "P", "T") is not None


def test_a_fact_the_extractors_missed_there_holds_when_its_sentence_is_there_misspelt() -> None:
    misspelt = FAILED.replace("antidepressants", "antidepressents")
    assert moved_elsewhere(
        split(), [("MP-520", destination(lines=(TRD, misspelt), facts=(F_TRD,)))], "P", "T"
    )
    # neither the fact nor its sentence: not a move
    other = "The member has tried other treatments first."
    assert (
        moved_elsewhere(split(), [("MP-520", destination(lines=(TRD, other), facts=(F_TRD,)))], "P", "T")
        is None
    )


def test_a_fact_of_several_values_holds_only_with_all_of_them() -> None:
    """Two sentences ask for 2 and for 3 failed trials: the destination must state both."""
    lines, facts = (TRD, FAILED, FAILED3), (F_TRD, F_FAILED, (*F_FAILED[:3], "3", FAILED3))
    result = compare(combined(lines, facts), combined((), (), codes=False), payer="P", title="T")
    # the destination says both in other words: held by value
    a, b = "Two failed antidepressant trials for adults.", "Three failed antidepressant trials for teens."
    both = destination((TRD, a, b), (F_TRD, (*F_FAILED[:4], a), (*F_FAILED[:3], "3", b)))
    assert moved_elsewhere(result, [("MP-520", both)], "P", "T") is not None
    one = destination((TRD, b), (F_TRD, (*F_FAILED[:3], "3", b)))
    assert moved_elsewhere(result, [("MP-520", one)], "P", "T") is None


def test_a_sub_population_fact_is_matched_as_its_own_row() -> None:
    mono = "Spravato alone, without an oral antidepressant, is unproven."
    f_mono = ("esketamine", "trd", "position", "unproven", mono)

    def with_mono(ep, sentence):
        facts = tuple(
            dataclasses.replace(f, subpopulation="monotherapy") if f.sentence == sentence else f
            for f in ep.facts
        )
        return dataclasses.replace(ep, facts=facts)

    old = with_mono(combined((TRD, FAILED, mono), (F_TRD, F_FAILED, f_mono)), mono)
    result = compare(old, combined((), (), codes=False), payer="P", title="T")
    reworded = "Used as monotherapy, Spravato is unproven."
    f_reworded = ("esketamine", "trd", "position", "unproven", reworded)
    dest = with_mono(destination((TRD, FAILED, reworded), (F_TRD, F_FAILED, f_reworded)), reworded)
    (change,) = moved_elsewhere(result, [("MP-520", dest)], "P", "T").changes
    assert "(3 statements; no coverage change)" in change.bullets[0]["text"]
    # the same sentence without its sub-population is TRD's own stance ("unproven" ≠ covered with criteria)
    flat = destination((TRD, FAILED, reworded), (F_TRD, F_FAILED, f_reworded))
    assert moved_elsewhere(result, [("MP-520", flat)], "P", "T") is None


def test_a_code_not_listed_there_stays_a_codes_change() -> None:
    (change,) = moved_elsewhere(split(), [("MP-520", destination(codes=None))], "P", "T").changes
    assert (change.kind, change.severity) == ("codes", "medium")
    assert [b["text"] for b in change.bullets] == [
        "Esketamine: coverage and criteria moved unchanged to MP-520 (2 statements; no coverage change)",
        "Codes: removed G2082, S0013",
    ]
    assert change.summary.endswith("unchanged (no coverage change in T) (+1 more)")
    # one of the two codes listed there is not enough
    one_code = destination(codes="Spravato is billed with HCPCS S0013.")
    (change,) = moved_elsewhere(split(), [("MP-520", one_code)], "P", "T").changes
    assert change.kind == "codes"


def test_new_dates_go_along_without_counting_as_more() -> None:
    (change,) = moved_elsewhere(split(effective="2026-01-01"), [("MP-520", destination())], "P", "T").changes
    assert change.kind == "wording"
    assert [b["field"] for b in change.bullets] == ["wording", "effective"]
    assert change.summary.endswith("(no coverage change in T)")


def test_only_criteria_that_left_are_criteria_moved() -> None:
    """The stance stays in MP-510; its criteria went to MP-520."""
    result = compare(combined(), combined((TRD, POINTER), (F_TRD,)), payer="P", title="T")
    assert result.kinds == ("criteria",)
    (change,) = moved_elsewhere(result, [("MP-520", destination())], "P", "T").changes
    assert change.summary == "P: Spravato criteria moved to MP-520, unchanged (no coverage change in T)"
    assert (
        change.bullets[0]["text"]
        == "Esketamine: criteria moved unchanged to MP-520 (1 statement; no coverage change)"
    )


def test_both_drugs_moved_name_both() -> None:
    old = combined()
    new = combined((), (), codes=False, ket=False)
    result = compare(old, new, payer="P", title="T")
    dest = policy(
        [HEAD, ("Ketamine", [KET]), ("Esketamine", [TRD, FAILED]), ("Applicable Codes", [CODES])],
        [F_KET, F_TRD, F_FAILED],
        number="MP-530",
        title="Ketamine and Esketamine",
    )
    (change,) = moved_elsewhere(result, [("MP-530", dest)], "P", "T").changes
    assert change.summary == (
        "P: ketamine and Spravato coverage and criteria moved to MP-530, unchanged (no coverage change in T)"
    )
    b = change.bullets[0]
    assert b["text"].startswith("IV ketamine and Esketamine: coverage and criteria moved unchanged to MP-530")
    assert b["drug"] is None


def test_changes_other_than_facts_leaving_are_no_move() -> None:
    dest = [("MP-520", destination())]
    # a fact added beside the ones that left
    new = combined((), (), codes=False)
    new = dataclasses.replace(new, facts=(*new.facts, dataclasses.replace(new.facts[0], indication="ocd")))
    assert (
        not facts_gone(compare(combined(), new))
        and moved_elsewhere(compare(combined(), new), dest, "P", "T") is None
    )
    # a fact that changed value
    stricter = compare(combined(), combined((TRD, FAILED3), (F_TRD, (*F_FAILED[:3], "3", FAILED3))))
    assert stricter.kinds == ("criteria",) and not facts_gone(stricter)
    # wording only, codes only, nothing at all
    assert not facts_gone(compare(combined(), combined(codes=False)))
    assert not facts_gone(compare(combined(), combined(title="Ketamine Agents")))
    assert not facts_gone(compare(combined(), combined()))
    assert moved_elsewhere(compare(combined(), combined()), dest, "P", "T") is None


# -- a merge: another policy's section taken in unchanged (history holdout4) ------------------------------


def ketamine_policy(lines=(KET,), facts=(F_KET,)):
    """MP-530, the ketamine policy that is merged into MP-520 and goes away."""
    sections = [HEAD, ("Ketamine", list(lines)), ("Applicable Codes", ["Ketamine is billed with CPT 96365."])]
    return policy(sections, list(facts), number="MP-530", title="Ketamine")


def merge(ket=(KET,), facts=(F_KET,)):
    """MP-520 before and after it took in a ketamine section (and its code)."""
    after = policy(
        [
            HEAD,
            ("Esketamine", [TRD, FAILED]),
            ("Ketamine", list(ket)),
            ("Applicable Codes", [CODES + " 96365"]),
        ],
        [F_TRD, F_FAILED, *facts],
        number="MP-520",
        title="Ketamine and Esketamine",
    )
    return compare(destination(), after, payer="P", title="T")


def test_a_section_merged_in_unchanged_from_a_policy_gone_is_wording_naming_where_from() -> None:
    result = merge()
    assert result.kinds == ("coverage_position",) and facts_arrived(result) and not facts_gone(result)
    (change,) = moved_in(result, [("MP-530", ketamine_policy())], "P", "T").changes
    assert change.kind == "wording"
    assert change.summary == (
        "P: ketamine coverage and criteria moved from MP-530, unchanged (no coverage change in T) (+1 more)"
    )
    moved, *rest = change.bullets
    assert moved["text"] == (
        "IV ketamine: coverage and criteria moved unchanged in from MP-530 (1 statement; no coverage change)"
    )
    assert (moved["old"], moved["new"], moved["evidence"]["old"]) == ("MP-530", "T", None)
    assert moved["evidence"]["new"]["text"] == KET
    # the code came with the section and is listed there: part of the merge; the new title stays
    assert [b["field"] for b in rest] == ["wording"]


def test_a_section_that_changed_on_its_way_in_or_came_from_nowhere_is_still_a_coverage_change() -> None:
    stricter = "Intravenous ketamine is experimental and investigational for PTSD."
    changed = merge(
        (stricter,), (("ketamine", "ptsd", "position", "experimental_investigational", stricter),)
    )
    assert moved_in(changed, [("MP-530", ketamine_policy())], "P", "T") is None
    assert moved_in(merge(), [], "P", "T") is None
    # a fact that only left is a split's business, not a merge's
    assert not facts_arrived(split())
