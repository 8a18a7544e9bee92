"""Wording bullets (``differ/wording.py``): which edits of the topic text a reader is told about, and how.

One bullet per changed stretch ("hunk") of the drug passages that no fact, code or date bullet already
explains; a stretch that only changes case, spacing or punctuation, or only renumbers a list, is no
bullet at all. Each row is two versions of one criteria list.
"""

from __future__ import annotations

import dataclasses

import pytest

from differ import compare
from tests.support.differ import policy

HEAD = ("Instructions for Use", ["This policy is a guide; benefit plans differ."])
LEAD = (
    "Spravato is proven and medically necessary for treatment-resistant depression when all of these are met:"
)
LEAD_FACT = ("esketamine", "trd", "position", "covered_with_criteria", LEAD)
ITEMS = [
    "- The member has a diagnosis of major depression confirmed by a clinician.",
    "- The member is treated in a certified healthcare setting with staff on site.",
    "- The member is monitored by a nurse during the session until discharge.",
]


def _change(old_lines, new_lines, heading="Coverage Rationale", facts=(LEAD_FACT,), lead=LEAD):
    def version(lines):
        return policy([HEAD, (heading, [lead, *lines])], list(facts))

    old, new = version(old_lines), version(new_lines)
    (change,) = compare(old, new).changes
    return change, old, new


def _texts(change):
    return [b["text"] for b in change.bullets]


WHERE = "Esketamine (Coverage Rationale)"

EDITS = [
    # (old lines, new lines, bullet texts)
    (
        ITEMS,
        [ITEMS[0], ITEMS[1].replace("certified", "licensed"), ITEMS[2]],
        [f"{WHERE}: “certified” → “licensed”"],
    ),
    (  # two changed words one word apart read as one phrase
        ITEMS,
        [ITEMS[0], ITEMS[1].replace("certified healthcare", "licensed medical"), ITEMS[2]],
        [f"{WHERE}: “certified healthcare” → “licensed medical”"],
    ),
    (  # ... and two words apart as two edits
        ITEMS,
        [
            ITEMS[0],
            ITEMS[1].replace(
                "a certified healthcare setting with staff", "an accredited healthcare setting with nurses"
            ),
            ITEMS[2],
        ],
        [f"{WHERE}: “a certified” → “an accredited”", f"{WHERE}: “staff” → “nurses”"],
    ),
    (  # the last words of the passages: only the changed word, no trailing stretch
        ITEMS,
        [*ITEMS[:2], ITEMS[2].replace("discharge", "release")],
        [f"{WHERE}: “discharge” → “release”"],
    ),
    (ITEMS, ITEMS[:2], [f"{WHERE}: removed “{ITEMS[2]}”"]),
    (ITEMS[:2], ITEMS, [f"{WHERE}: added “{ITEMS[2]}”"]),
    (  # a change of case and a comma are no wording; the real edit beside them is
        ITEMS,
        [
            ITEMS[0].replace("The member", "the member"),
            ITEMS[1].replace("site.", "site,"),
            ITEMS[2].replace("nurse", "physician"),
        ],
        [f"{WHERE}: “nurse” → “physician”"],
    ),
    (  # a number inside a line is no list number
        ["- Dosing follows table 3. It is met."],
        ["- Dosing follows table 4. It is met."],
        [f"{WHERE}: “3” → “4”"],
    ),
]


@pytest.mark.parametrize(("old", "new", "texts"), EDITS)
def test_each_changed_stretch_is_one_bullet(old, new, texts):
    change, _, _ = _change(old, new)
    assert change.kind == "wording"
    assert _texts(change) == texts


@pytest.mark.parametrize("mark", [".", ")"])
def test_a_list_renumbered_after_a_new_first_item_is_no_wording(mark):
    old = [f"1{mark} Alpha item is met.", f"2{mark} Beta item is met."]
    new = [f"1{mark} Delta item is important.", f"2{mark} Alpha item is met.", f"3{mark} Beta item is met."]
    change, _, _ = _change(old, new)
    (text,) = _texts(change)  # the new item only: "2" → "3" before "Beta" is no bullet
    assert text.startswith(f"{WHERE}: added “Delta item is important.")


def test_the_bullet_names_the_drug_the_edit_names_or_none():
    both = "Ketamine and Spravato are both covered when all of these are met:"
    change, _, _ = _change(ITEMS, ITEMS[:2], facts=(), lead=both)
    assert _texts(change) == [f"Wording (Coverage Rationale): removed “{ITEMS[2]}”"]
    assert change.bullets[0]["drug"] is None
    item = "- Intravenous ketamine is given by an anesthesiologist on site."
    change, _, _ = _change(ITEMS, [*ITEMS, item], facts=(), lead=both)
    assert _texts(change) == [f"IV ketamine (Coverage Rationale): added “{item}”"]
    assert change.bullets[0]["drug"] == "ketamine"


def test_evidence_points_at_the_edit_in_each_version():
    change, old, new = _change(ITEMS, ITEMS[:2])
    (bullet,) = change.bullets
    assert bullet["evidence"]["old"]["text"] == ITEMS[2]  # no line break at either edge
    where = bullet["evidence"]["new"]  # the deletion point in the new version
    assert where["text"] == "" and where["start"] == where["end"] == new.text.index(ITEMS[1]) + len(ITEMS[1])
    change, old, new = _change(ITEMS, [ITEMS[0], ITEMS[1].replace("certified", "licensed"), ITEMS[2]])
    ev = change.bullets[0]["evidence"]
    assert (ev["old"]["text"], ev["new"]["text"]) == ("certified", "licensed")
    assert ev["old"]["start"] == old.text.index("certified")
    assert ev["new"]["start"] == new.text.index("licensed")


@pytest.mark.parametrize("length", [159, 160, 161, 300])
def test_a_long_edit_is_shortened_in_the_bullet(length):
    start = "- The member is seen by the same care team every week after discharge"
    item = start + " " + "x" * (length - len(start) - 2) + "."
    assert len(item) == length
    change, _, _ = _change(ITEMS, [*ITEMS, item])
    (text,) = _texts(change)
    quoted = text.split("“", 1)[1].removesuffix("”")
    assert quoted == (item if length <= 160 else item[:159] + "…")


@pytest.mark.parametrize(("edits", "more"), [(6, None), (7, 1), (9, 3)])
def test_at_most_six_wording_bullets_then_a_count(edits, more):
    old = [f"- Item {n} is checked by the clinical reviewer on staff." for n in range(10)]
    new = [line.replace("clinical", "medical") if n < edits else line for n, line in enumerate(old)]
    change, _, _ = _change(old, new)
    texts = _texts(change)
    assert texts[:6] == [f"{WHERE}: “clinical” → “medical”"] * 6
    assert texts[6:] == ([f"… and {more} more wording changes (see the diff)"] if more else [])


def test_a_bullet_names_the_section_as_the_new_version_calls_it():
    old = policy([HEAD, ("Criteria", [LEAD, ITEMS[1]])], [LEAD_FACT])
    new = policy(
        [HEAD, ("Coverage Criteria", [LEAD, ITEMS[1].replace("certified", "licensed")])], [LEAD_FACT]
    )
    (change,) = compare(old, new).changes
    assert "Esketamine (Coverage Criteria): “certified” → “licensed”" in _texts(change)


def test_passages_all_gone_but_the_background_still_names_the_drug():
    """The new version has no topic text left: the bullet points into the old version only."""
    background = ("Background", ["Spravato was approved in 2019."])
    item = "Spravato is given in a certified setting."
    old = policy([HEAD, ("Coverage Rationale", [item]), background])
    new = policy([HEAD, ("Coverage Rationale", ["No criteria are stated."]), background])
    (change,) = compare(old, new).changes
    assert _texts(change) == [f"Esketamine (Coverage Rationale): removed “Coverage Rationale {item}”"]
    ev = change.bullets[0]["evidence"]
    assert ev["new"] is None and ev["old"]["text"] == f"Coverage Rationale\n{item}"


def test_an_edit_after_one_that_needs_no_bullet_is_still_reported():
    """A renumbered list, a fact's own sentence, a moved code: skipped, and the next edit still counts."""
    later = (ITEMS[2], ITEMS[2].replace("nurse", "physician"))
    # a renumbered list first
    old = ["1. Alpha item is met.", "2. Beta item is met.", later[0]]
    new = ["1. Delta item is important.", "2. Alpha item is met.", "3. Beta item is met.", later[1]]
    change, _, _ = _change(old, new)
    assert len(change.bullets) == 2 and _texts(change)[1] == f"{WHERE}: “nurse” → “physician”"
    # a criterion's own sentence first
    count = "- The member failed {} antidepressants."
    facts = lambda n: (LEAD_FACT, ("esketamine", "trd", "failed_antidepressants", n, count.format(n)))  # noqa: E731
    old = policy([HEAD, ("Coverage Rationale", [LEAD, count.format(3), later[0]])], list(facts("3")))
    new = policy([HEAD, ("Coverage Rationale", [LEAD, count.format(2), later[1]])], list(facts("2")))
    (change,) = compare(old, new).changes
    assert [b["field"] for b in change.bullets] == ["failed_antidepressants", "wording"]
    assert change.bullets[1]["text"] == f"{WHERE}: “nurse” → “physician”"
    # a code swapped in the code table first
    old = policy(
        [HEAD, ("Applicable Codes", ["HCPCS S0013 Esketamine"]), ("Coverage Rationale", [LEAD, later[0]])]
    )
    new = policy(
        [HEAD, ("Applicable Codes", ["HCPCS J0013 Esketamine"]), ("Coverage Rationale", [LEAD, later[1]])]
    )
    (change,) = compare(old, new).changes
    assert _texts(change) == ["Codes: added J0013, removed S0013", f"{WHERE}: “nurse” → “physician”"]


def test_the_evidence_of_a_joined_or_final_edit_spans_the_changed_words():
    new_item = ITEMS[1].replace("certified healthcare", "licensed medical")
    change, old, new = _change(ITEMS, [ITEMS[0], new_item, ITEMS[2]])
    ev = change.bullets[0]["evidence"]
    assert (ev["old"]["text"], ev["new"]["text"]) == ("certified healthcare", "licensed medical")
    change, old, new = _change(ITEMS, [*ITEMS[:2], ITEMS[2].replace("discharge", "release")])
    ev = change.bullets[0]["evidence"]
    assert (ev["old"]["text"], ev["new"]["text"]) == ("discharge", "release")
    assert ev["old"]["end"] == old.text.index("discharge") + len("discharge")


def test_an_edit_after_an_inferred_criterion_or_with_moved_dates_is_still_reported():
    later = (ITEMS[2], ITEMS[2].replace("nurse", "physician"))
    old = ["- Initial approval is for 6 months.", later[0]]
    new = ["- Initial approval is for 3 months.", later[1]]
    change, _, _ = _change(old, new)
    assert [b["field"] for b in change.bullets] == ["approval_initial", "wording"]
    old = policy([HEAD, ("Coverage Rationale", [LEAD, later[0]])], [LEAD_FACT], effective="2025-01-01")
    new = policy([HEAD, ("Coverage Rationale", [LEAD, later[1]])], [LEAD_FACT], effective="2026-01-01")
    (change,) = compare(old, new).changes
    assert _texts(change) == [f"{WHERE}: “nurse” → “physician”", "Effective date 2025-01-01 → 2026-01-01"]


def test_a_wording_bullet_carries_the_words_before_and_after():
    change, _, _ = _change(ITEMS, [ITEMS[0], ITEMS[1].replace("certified", "licensed"), ITEMS[2]])
    assert [(b["old"], b["new"]) for b in change.bullets] == [("certified", "licensed")]
    change, _, _ = _change(ITEMS, ITEMS[:2])
    assert [(b["old"], b["new"]) for b in change.bullets] == [(ITEMS[2], None)]
    change, _, _ = _change(ITEMS[:2], ITEMS)
    assert [(b["old"], b["new"]) for b in change.bullets] == [(None, ITEMS[2])]


def test_passages_that_appear_where_only_the_background_named_the_drug():
    background = ("Background", ["Spravato was approved in 2019."])
    item = "Spravato is given in a certified setting."
    old = policy([HEAD, ("Coverage Rationale", ["No criteria are stated."]), background])
    new = policy([HEAD, ("Coverage Rationale", [item]), background])
    (change,) = compare(old, new).changes
    assert _texts(change) == [f"Esketamine (Coverage Rationale): added “Coverage Rationale {item}”"]
    assert change.bullets[0]["evidence"]["old"] is None


def test_wording_evidence_names_the_page_the_passage_starts_on():
    def on_page_two(ep):
        return dataclasses.replace(
            ep, passages=tuple(dataclasses.replace(p, page_start=2) for p in ep.passages)
        )

    for old_lines, new_lines in ((ITEMS, ITEMS[:2]), (ITEMS[:2], ITEMS)):
        old, new = (
            on_page_two(
                policy([HEAD, ("Coverage Rationale", [LEAD, *lines])], [LEAD_FACT], title="Behavioral Health")
            )
            for lines in (old_lines, new_lines)
        )
        (bullet,) = compare(old, new).changes[0].bullets
        assert (bullet["evidence"]["old"]["page"], bullet["evidence"]["new"]["page"]) == (2, 2)
