"""Versions that announce nothing (``differ/compare.py``): which flag they carry and the note the archive
keeps on the version, so a reader of the history sees why no alert went out."""

from __future__ import annotations

import dataclasses

import pytest

from differ import compare
from tests.differ.test_differ_compare import FAILED2, base
from tests.support.differ import policy

TMS = [("Coverage Rationale", ["Transcranial magnetic stimulation is proven for major depression."])]
FOOTER = "Printed on 01/05/2025."


def _status(ep, status):
    return dataclasses.replace(ep, metadata=dataclasses.replace(ep.metadata, status=status))


NOTES = [
    # (name, old, new, formatting_only, unrelated_revision, note)
    ("same text", base(), base(), True, False, "same normalized text (formatting only)"),
    (
        "off topic",
        policy(TMS, effective="2025-01-01"),
        policy(TMS, effective="2026-01-01"),
        False,
        True,
        "revision of a policy that does not mention ketamine or esketamine",
    ),
    ("first version off topic", None, policy(TMS), False, False, "does not mention ketamine or esketamine"),
    (
        "superseded",
        base(),
        _status(base(effective="2026-01-01"), "superseded"),
        False,
        True,
        "this version is marked superseded",
    ),
    (
        "replaced",
        base(),
        _status(base(effective="2026-01-01"), "replaced"),
        False,
        True,
        "this version is marked replaced",
    ),
    (
        "outside the passages",
        base(),
        base(background=("Background", ["Depression affects many adults. Few treatments exist."])),
        False,
        True,
        "unrelated revision outside the ketamine/esketamine passages",
    ),
    (
        "outside the passages, history on topic",
        base(history=[("01/01/2025", "Created.")]),
        base(
            background=("Background", ["Depression affects many adults. Few treatments exist."]),
            history=[("01/01/2026", "Spravato criteria reviewed."), ("01/01/2025", "Created.")],
        ),
        False,
        True,
        "unrelated revision outside the ketamine/esketamine passages; review: revision history mentions the "
        "topic but its passages did not change",
    ),
    (
        "paragraphs moved",
        base(background=("Background", ["Depression affects many adults.", "Several treatments exist."])),
        base(background=("Background", ["Several treatments exist.", "Depression affects many adults."])),
        True,
        False,
        "paragraphs moved; words unchanged",
    ),
    (
        "footer dates",
        base(background=("Background", [FOOTER])),
        base(background=("Background", ["Printed on 02/07/2026."])),
        True,
        False,
        "only footers, printed-on dates or page numbers differ",
    ),
    (
        "a new version letter in the policy number",  # 2025D0069O → 2025D0069P, printed in the header
        base(number="2025D0069O"),
        base(number="2025D0069P"),
        True,
        False,
        "only footers, printed-on dates or page numbers differ",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "formatting", "unrelated", "note"), [n[1:] for n in NOTES], ids=[n[0] for n in NOTES]
)
def test_a_version_that_announces_nothing_says_why(old, new, formatting, unrelated, note):
    cmp = compare(old, new)
    assert cmp.changes == ()
    assert (cmp.formatting_only, cmp.unrelated_revision, cmp.note) == (formatting, unrelated, note)


def test_a_policy_already_retired_is_not_retired_again():
    retired = _status(base(), "retired")
    later = _status(base(failed=FAILED2), "retired")
    assert "retired" not in compare(retired, later).kinds


def test_without_a_payer_or_a_title_the_summary_still_reads():
    old = dataclasses.replace(base(), metadata=dataclasses.replace(base().metadata, title="Old Name"))
    untitled = base(effective="2026-01-01")
    untitled = dataclasses.replace(untitled, metadata=dataclasses.replace(untitled.metadata, title=None))
    (change,) = compare(old, untitled).changes
    assert change.summary == "Policy: dates changed in Old Name: Effective date 2025-01-01 → 2026-01-01"
    (change,) = compare(None, untitled).changes
    assert change.summary == "Policy: new policy mentioning ketamine and Spravato: the policy"
