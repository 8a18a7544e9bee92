"""Identity keys of printed policy numbers: one key across a payer's revision suffixes, two for two policies.

``payerwatch.identity.number_key`` decides which documents continue an older policy's history; a key
that keeps the version letter splits one policy in two (a false ``new_policy`` + ``retired``), a key that
drops too much merges two policies into one history.
"""

from __future__ import annotations

import pytest

from payerwatch.identity import number_key


@pytest.mark.parametrize(
    "old, new",
    [
        ("2026D0072A", "2026D0072B"),  # UnitedHealthcare version letter
        ("2025D0069O", "2026D0069P"),  # ... and the year with it
        ("CSTX2025D0069O", "CSTX2026D0069P"),  # Community Plan
        ("CS-301-001", "CS-301-002"),  # a "-NNN" counter, as in versioned URLs
        ("CS-301", "CS-301-003"),
        ("MP-401", "MP-401 Rev. 3"),
        ("MP-401", "mp 401 v2"),
        ("0938", "0938 (version 4)"),
        ("QV641:00", "QV641:01"),  # a document id's revision counter after a colon (history holdout3)
        ("IP 0412", "ip-0412"),
        ("5.01.16", "5.01.16a"),
        ("Chapter 7, Section 3.8", "CHAPTER 7 SECTION 3.8"),  # a manual's printed section reference
        ("MP-401", "MP401"),  # a separator printed on one side only
        ("CS 301-001", "CS  301-002"),  # two spaces (a line broken in the PDF) before a counter
        ("D0069", "2026D0069P"),  # the serial printed without the year it is revised in
    ],
)
def test_revisions_of_one_policy_share_a_key(old: str, new: str) -> None:
    assert number_key(old) == number_key(new) is not None


@pytest.mark.parametrize(
    "one, other",
    [
        ("2026D0071A", "2026D0072A"),  # neighbouring serials
        ("2026D0069P", "CSTX2026D0069P"),  # commercial vs a state's Community Plan
        ("CSTX2026D0069P", "CSFL2026D0069P"),  # two states
        ("MP-401", "MP-412"),
        ("MP-401", "MP-4010"),
        ("CS-301-002", "CS-302-002"),
        ("5.01.16", "5.01.17"),
        ("5.01.605", "5.01.606"),  # BCBSA numbers end in three digits: not a counter
        ("IP 0412", "IP 0413"),
        ("A59250", "A59251"),
        ("2026D0072A", "2027D0073A"),
        ("Chapter 7, Section 3.8", "Chapter 7, Section 3.9"),
        ("QV641:00", "QV734:00"),  # two documents, each at its first revision
    ],
)
def test_different_policies_keep_different_keys(one: str, other: str) -> None:
    assert number_key(one) != number_key(other)


@pytest.mark.parametrize("number", [None, "", "Ketamine", "N/A"])
def test_no_digits_no_key(number) -> None:
    assert number_key(number) is None
