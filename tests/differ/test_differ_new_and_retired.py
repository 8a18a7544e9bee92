"""The changes that stand alone (``differ/compare.py``): a policy's first version, and a policy retired.

A first version lists every stance and code it states (or, stating none, where it mentions the drugs);
a retirement says so and points at the word. Both carry the summary line a feed entry or a mail
subject shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from differ import compare, word_diff
from differ.topic import topic_text
from differ.words import INSERT
from tests.differ.test_differ_compare import BACKGROUND, HEAD, KET, TRD, base
from tests.support.differ import policy


def _rows(change):
    return [(b["text"], b["field"], b["drug"], b["indication"], b["old"], b["new"]) for b in change.bullets]


def test_a_first_version_lists_every_stance_and_code_it_states():
    new = base(history=[("12/15/2025", "New policy."), ("01/01/2025", "First draft.")])
    (change,) = compare(None, new, payer="UHC").changes
    assert (change.kind, change.severity, change.drugs) == ("new_policy", "high", ("ketamine", "esketamine"))
    assert change.summary == "UHC: new policy mentioning ketamine and Spravato: Spravato (Esketamine)"
    assert _rows(change) == [
        ("IV ketamine · PTSD: unproven", "position", "ketamine", "ptsd", None, "unproven"),
        (
            "Esketamine · TRD: covered with criteria",
            "position",
            "esketamine",
            "trd",
            None,
            "covered_with_criteria",
        ),
        ("Codes: S0013", "codes", None, None, None, "S0013"),
    ]
    assert [b["evidence"]["new"]["text"] for b in change.bullets] == [KET, TRD, "S0013"]
    assert all(b["evidence"]["old"] is None for b in change.bullets)
    assert change.diff == ((INSERT, topic_text(new).text),)
    assert change.revision_note == "2025-12-15: New policy."  # the newest row: the one that made it
    assert change.needs_review is False
    assert change.effective_date == dt.date(2025, 1, 1)


def test_a_first_version_with_two_stances_for_one_indication_shows_both():
    unproven = "Spravato is unproven for treatment-resistant depression in adolescents."
    new = policy(
        [HEAD, ("Coverage Rationale", [TRD, unproven])],
        [
            ("esketamine", "trd", "position", "covered_with_criteria", TRD),
            ("esketamine", "trd", "position", "unproven", unproven),
        ],
    )
    (change,) = compare(None, new).changes
    assert _rows(change) == [
        (
            "Esketamine · TRD: covered with criteria / unproven",
            "position",
            "esketamine",
            "trd",
            None,
            "covered_with_criteria / unproven",
        )
    ]
    assert change.bullets[0]["evidence"]["new"]["text"] == TRD  # the first sentence stating it


def test_a_first_version_lists_its_codes_with_the_evidence_in_the_code_table():
    """The code named in the background first: the evidence is the code table's row, not that mention."""
    codes = ("Applicable Codes", ["HCPCS S0013 Esketamine, 1 mg", "HCPCS J0013 Esketamine, 1 mg"])
    new = policy([("Background", ["Spravato is billed with J0013."]), ("Coverage Rationale", [TRD]), codes])
    (change,) = compare(None, new, title="Spravato").changes
    assert _rows(change) == [("Codes: J0013, S0013", "codes", None, None, None, "J0013, S0013")]
    ev = change.bullets[0]["evidence"]["new"]
    assert ev["text"] == "J0013" and ev["start"] == new.text.index("HCPCS J0013") + len("HCPCS ")


def test_a_first_version_that_states_nothing_points_at_where_it_mentions_the_drugs():
    mention = "The committee discussed ketamine infusions this year."
    new = policy([HEAD, ("Coverage Rationale", ["No criteria yet.", mention])], title="Behavioral Health")
    (change,) = compare(None, new, payer="P").changes
    assert _rows(change) == [("Mentions ketamine", "wording", None, None, None, None)]
    assert change.bullets[0]["evidence"]["new"]["text"] == "No criteria yet.\n" + mention
    assert change.bullets[0]["evidence"]["old"] is None
    assert change.summary == "P: new policy mentioning ketamine: Behavioral Health"
    # the drugs only in a background section: the mention still shows, with no diff of topic text
    new = policy([HEAD, ("Background", [mention])], title="Behavioral Health")
    (change,) = compare(None, new).changes
    assert _rows(change) == [("Mentions ketamine", "wording", None, None, None, None)]
    assert change.bullets[0]["evidence"]["new"]["text"] == mention
    assert change.diff == ()


def test_a_first_version_that_states_nothing_points_past_its_background_to_the_page_of_the_mention():
    """The background names ketamine first; the mention that counts is in the coverage section, on page 2."""
    mention = "The committee discussed ketamine infusions this year."
    sections = [
        ("Background", ["Ketamine is an anesthetic."]),
        ("Coverage Rationale", ["No criteria yet.", mention]),
    ]
    new = policy(sections, title="Behavioral Health")
    new = dataclasses.replace(new, passages=tuple(dataclasses.replace(p, page_start=2) for p in new.passages))
    (change,) = compare(None, new).changes
    ev = change.bullets[0]["evidence"]["new"]
    assert (ev["text"], ev["page"]) == ("No criteria yet.\n" + mention, 2)


def test_a_policy_that_starts_mentioning_the_drugs_is_a_new_policy_to_us():
    off = policy([HEAD, ("Coverage Rationale", ["Transcranial magnetic stimulation is proven."])])
    (change,) = compare(off, base()).changes
    assert change.kind == "new_policy"


def test_a_retirement_says_so_and_points_at_the_word():
    def archived(ep, note):
        ep = dataclasses.replace(ep, text=ep.text + note)
        return dataclasses.replace(ep, metadata=dataclasses.replace(ep.metadata, status="retired"))

    history = [("10/01/2025", "Annual review.")]
    old = base(history=history)
    new = archived(
        base(history=[("12/01/2025", "Policy retired."), *history], effective="2026-01-01"), "Retired."
    )
    (change,) = compare(old, new, payer="UHC").changes
    assert (change.kind, change.severity, change.drugs) == ("retired", "high", ("ketamine", "esketamine"))
    assert change.summary == "UHC: policy marked retired: Spravato (Esketamine)"
    assert _rows(change) == [
        ("Policy marked retired / archived by the payer", "status", None, None, "active", "retired")
    ]
    ev = change.bullets[0]["evidence"]
    assert ev["old"] is None
    assert ev["new"]["text"] == "retired" and ev["new"]["start"] == new.text.index("Policy retired.") + 7
    assert change.diff == tuple(word_diff(topic_text(old).text, topic_text(new).text))
    assert change.revision_note == "2025-12-01: Policy retired."
    assert change.effective_date == dt.date(2026, 1, 1)


def test_a_retired_policy_that_no_longer_names_the_drugs_keeps_the_drugs_it_had():
    old = base()
    gone = policy([HEAD, BACKGROUND, ("Status", ["This policy is retired."])])
    new = dataclasses.replace(gone, metadata=dataclasses.replace(gone.metadata, status="retired"))
    (change,) = compare(old, new).changes
    assert change.kind == "retired" and change.drugs == ("ketamine", "esketamine")
