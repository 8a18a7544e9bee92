"""Unit tests of ``differ.compare`` on hand-built extractions (the file cases run the real extractors)."""

from __future__ import annotations

import dataclasses

from differ import compare, word_diff
from differ.words import changed_words
from tests.support.differ import policy

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
TRD = (
    "Spravato is proven and medically necessary for treatment-resistant depression when all criteria are met."
)
FAILED3 = "The patient has not responded to at least three antidepressants of adequate dose and duration."
FAILED2 = "The patient has not responded to at least two antidepressants of adequate dose and duration."
KET = "Intravenous ketamine is unproven and not medically necessary for PTSD."
KET_NEW = "Intravenous ketamine is experimental and investigational for PTSD."
CODES_OLD = "HCPCS S0013 Esketamine, nasal spray, 1 mg"
CODES_NEW = "HCPCS J0013 Esketamine, 1 mg"
BACKGROUND = ("Background", ["Depression affects many adults. Several treatments exist."])


def base(failed=FAILED3, ket=KET, codes=CODES_OLD, background=BACKGROUND, **kw):
    facts = [
        ("esketamine", "trd", "position", "covered_with_criteria", TRD),
        ("esketamine", "trd", "failed_antidepressants", "3" if failed == FAILED3 else "2", failed),
        ("ketamine", "ptsd", "position", "unproven" if ket == KET else "experimental_investigational", ket),
    ]
    return policy(
        [HEAD, ("Coverage Rationale", [TRD, failed, ket]), ("Applicable Codes", [codes]), background],
        facts,
        **kw,
    )


def test_identical_text_is_formatting_only():
    cmp = compare(base(), base())
    assert cmp.changes == () and cmp.formatting_only


def test_criteria_count_lowered():
    cmp = compare(
        base(),
        base(failed=FAILED2, history=[("12/15/2025", "Reduced trials for Spravato to two.")]),
        payer="UnitedHealthcare",
    )
    (change,) = cmp.changes
    assert change.kind == "criteria" and change.severity == "high"
    assert [b["text"] for b in change.bullets] == ["Esketamine · TRD: failed antidepressants required 3 → 2"]
    assert change.summary == (
        "UnitedHealthcare: trials of failed antidepressants required for Spravato lowered from 3 to 2"
    )
    assert change.drugs == ("esketamine",)
    ev = change.bullets[0]["evidence"]
    old, new = base(), base(failed=FAILED2)
    assert old.text[ev["old"]["start"] : ev["old"]["end"]] == FAILED3
    assert new.text[ev["new"]["start"] : ev["new"]["end"]] == FAILED2
    assert change.revision_note == "2025-12-15: Reduced trials for Spravato to two."
    assert not change.needs_review


def test_silent_history_needs_review():
    history = [("10/01/2025", "Annual review.")]
    (change,) = compare(base(history=history), base(failed=FAILED2, history=history)).changes
    assert change.needs_review
    # without any revision history there is nothing to cross-check
    (change,) = compare(base(), base(failed=FAILED2)).changes
    assert not change.needs_review
    # the reverse: history says the drug's coverage changed, but only the dates moved
    new = base(effective="2026-01-01", history=[("01/01/2026", "Updated Spravato criteria."), *history])
    (change,) = compare(base(history=history), new).changes
    assert change.kind == "dates" and change.needs_review


def test_position_change_is_critical_and_wins():
    (change,) = compare(base(), base(failed=FAILED2, ket=KET_NEW), payer="Aetna").changes
    assert change.kind == "coverage_position" and change.severity == "critical"
    texts = [b["text"] for b in change.bullets]
    assert "IV ketamine · PTSD: unproven → experimental/investigational" in texts
    assert "Esketamine · TRD: failed antidepressants required 3 → 2" in texts
    assert change.drugs == ("ketamine", "esketamine")
    assert change.summary.startswith(
        "Aetna: ketamine for PTSD changed from unproven to experimental/investigational"
    )


def test_codes_swap():
    (change,) = compare(base(), base(codes=CODES_NEW)).changes
    assert change.kind == "codes"
    assert [b["text"] for b in change.bullets] == ["Codes: added J0013, removed S0013"]
    ev = change.bullets[0]["evidence"]
    assert ev["old"]["text"] == "S0013" and ev["new"]["text"] == "J0013"


def test_dates_only():
    (change,) = compare(base(), base(effective="2026-01-01")).changes
    assert change.kind == "dates" and change.severity == "low"
    assert [b["text"] for b in change.bullets] == ["Effective date 2025-01-01 → 2026-01-01"]


def test_omnibus_unrelated_revision_is_not_announced():
    cmp = compare(
        base(), base(background=("Background", ["Depression affects many adults. Few treatments exist."]))
    )
    assert cmp.changes == () and cmp.unrelated_revision


def test_moved_paragraph_is_not_a_change():
    old = policy([HEAD, ("Coverage Rationale", [TRD, FAILED3, KET])])
    new = policy([HEAD, ("Coverage Rationale", [KET, TRD, FAILED3])])
    assert compare(old, new).changes == ()


def test_wording_change_outside_facts():
    old = base()
    extra = "Spravato must be given in a certified healthcare setting."
    new = policy(
        [
            HEAD,
            ("Coverage Rationale", [TRD, FAILED3, KET, extra]),
            ("Applicable Codes", [CODES_OLD]),
            BACKGROUND,
        ],
        [dataclasses.astuple(f)[:4] + (f.sentence,) for f in old.facts],
    )
    (change,) = compare(old, new).changes
    assert change.kind == "wording"
    assert change.bullets[0]["text"] == f"Esketamine (Coverage Rationale): added “{extra}”"
    assert change.bullets[0]["evidence"]["new"]["text"] == extra
    where = change.bullets[0]["evidence"]["old"]  # the insertion point in the old version
    assert where["text"] == "" and where["start"] == where["end"] == old.text.index(KET) + len(KET)


def test_new_policy_and_non_topic_first_version():
    (change,) = compare(None, base(), payer="UHC").changes
    assert change.kind == "new_policy"
    assert "Esketamine · TRD: covered with criteria" in [b["text"] for b in change.bullets]
    assert compare(None, policy([BACKGROUND])).changes == ()


def test_word_diff_long_document_many_changes():
    """Past dmp's 1-second timeout a naive diff turns into a total replace; ours stays exact."""
    words = [f"w{i}" for i in range(16000)]
    old_lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    new_lines = [line.replace("0 ", "0x ", 1) if n % 10 == 0 else line for n, line in enumerate(old_lines)]
    ops = word_diff("\n".join(old_lines), "\n".join(new_lines))
    changed = sum(1 for a, b in zip(old_lines, new_lines, strict=True) if a != b)
    assert changed_words(ops) == 2 * changed
    assert "".join(t for op, t in ops if op != 1) == "\n".join(old_lines)
    assert "".join(t for op, t in ops if op != -1) == "\n".join(new_lines)


def test_long_document_with_many_changes_stays_exact():
    """~15k words, one word in every line changed (~8 %): every change is found, none invented."""
    lines = [
        f"Spravato criterion line {n} requires item{n} alpha beta gamma delta epsilon zeta."
        for n in range(1250)
    ]
    changed = [line.replace(f"item{n}", f"thing{n}") for n, line in enumerate(lines)]
    old = policy([HEAD, ("Coverage Rationale", lines)])
    new = policy([HEAD, ("Coverage Rationale", changed)])
    (change,) = compare(old, new).changes
    assert change.kind == "wording"
    assert changed_words(list(change.diff)) == 2 * len(lines)
    assert "".join(t for op, t in change.diff if op != 1).count("item") == len(lines)
    assert change.bullets[-1]["text"] == f"… and {len(lines) - 6} more wording changes (see the diff)"


def test_date_inside_topic_passage_is_reported_as_dates():
    lead = "Effective {}, Spravato claims follow these criteria."
    old = policy(
        [HEAD, ("Coverage Rationale", [lead.format("January 1, 2025"), TRD])], effective="2025-01-01"
    )
    new = policy(
        [HEAD, ("Coverage Rationale", [lead.format("January 1, 2026"), TRD])], effective="2026-01-01"
    )
    (change,) = compare(old, new).changes
    assert change.kind == "dates"
    assert [b["text"] for b in change.bullets] == ["Effective date 2025-01-01 → 2026-01-01"]


def test_an_off_topic_policy_never_raises_a_change_even_when_its_dates_move():
    tms = [("Coverage Rationale", ["Transcranial magnetic stimulation is proven for major depression."])]
    old = policy(tms, effective="2025-01-01", title="Transcranial Magnetic Stimulation")
    new = policy(tms, effective="2026-01-01", title="Transcranial Magnetic Stimulation")
    assert not old.mentions_topic and not new.mentions_topic
    cmp = compare(old, new)
    assert cmp.changes == () and cmp.unrelated_revision


# The two tests below kill mutants that survived the first mutation run (docs/mutation.md).


def test_a_number_word_changed_in_a_criteria_sentence_the_extractors_left_as_wording_is_a_criteria_change():
    def without_count(failed):  # the count never became a fact: only the differ's inference sees it
        return policy(
            [HEAD, ("Coverage Rationale", [TRD, failed, KET])],
            [("esketamine", "trd", "position", "covered_with_criteria", TRD)],
        )

    (change,) = compare(without_count(FAILED3), without_count(FAILED2)).changes
    assert change.kind == "criteria"
    assert [(b["field"], b["old"], b["new"]) for b in change.bullets] == [
        ("failed_antidepressants", "3", "2")
    ]


def test_an_archived_banner_reads_as_retirement():
    def archived(note):
        ep = base(background=("Background", [note]))
        return dataclasses.replace(ep, metadata=dataclasses.replace(ep.metadata, status="archived"))

    (change,) = compare(base(), archived("This policy is archived.")).changes
    assert change.kind == "retired"
    # already archived before: no second retirement
    later = compare(archived("This policy is archived."), archived("This policy was archived in 2026."))
    assert "retired" not in later.kinds
