"""Wording bullets (``differ/wording.py``): which edits of the topic text a reader is told about, and how.

One bullet per changed stretch ("hunk") of the drug passages that no fact, code or date bullet already
explains; a stretch that only changes case, spacing or punctuation, or only renumbers a list, is no
bullet at all. Each row is two versions of one criteria list.
"""

from __future__ import annotations

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
