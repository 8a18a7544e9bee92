"""Word-level diffs (``differ/words.py``): what a reader sees highlighted in an alert or on the diff page.

A diff never splits a word, groups neighbouring changed words into one phrase, keeps unchanged lines
whole, and always rebuilds both texts exactly — even for documents with more distinct lines than one
Unicode private-use plane holds.
"""

from __future__ import annotations

import pytest

from differ.words import DELETE, EQUAL, INSERT, changed_words, merge_ops, tokens, word_diff


def _sides(ops):
    old = "".join(t for op, t in ops if op != INSERT)
    new = "".join(t for op, t in ops if op != DELETE)
    return old, new


def test_a_changed_number_is_one_word_and_the_other_lines_stay_whole():
    old = "The member must be 18 years old.\nEsketamine is covered.\n"
    new = "The member must be 21 years old.\nEsketamine is covered.\n"
    assert word_diff(old, new) == [
        (EQUAL, "The member must be "),
        (DELETE, "18"),
        (INSERT, "21"),
        (EQUAL, " years old.\nEsketamine is covered.\n"),
    ]


def test_a_diff_never_splits_a_word():
    assert word_diff("IV ketamine is unproven.", "IV esketamine is covered with criteria.") == [
        (EQUAL, "IV "),
        (DELETE, "ketamine"),
        (INSERT, "esketamine"),
        (EQUAL, " is "),
        (DELETE, "unproven"),
        (INSERT, "covered with criteria"),
        (EQUAL, "."),
    ]


def test_neighbouring_changed_words_read_as_one_phrase():
    """Semantic cleanup: "member has tried" → "patient had failed", not three word swaps."""
    old = "the member has tried two antidepressants at an adequate dose"
    new = "the patient had failed two antidepressants for an adequate time"
    ops = word_diff(old, new)
    assert ops[:3] == [(EQUAL, "the "), (DELETE, "member has tried"), (INSERT, "patient had failed")]
    assert _sides(ops) == (old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "Ketamine is covered."),
        ("Ketamine is covered.", ""),
        ("a\nb\nc\n", "a\nc\nb\n"),
        ("Criteria:\n- age 18\n- two trials\n", "Criteria:\n- age 21\n- two trials\n- REMS\n"),
        ("no newline at the end", "no newline at the end\n"),
    ],
)
def test_both_texts_are_rebuilt_exactly(old, new):
    ops = word_diff(old, new)
    assert _sides(ops) == (old, new)
    assert all(text for _, text in ops)  # no empty operations
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))  # neighbours merged


def test_identical_texts_are_one_equal_part_and_empty_texts_none():
    assert word_diff("Ketamine.\n", "Ketamine.\n") == [(EQUAL, "Ketamine.\n")]
    assert word_diff("", "") == []


def test_a_document_with_more_distinct_lines_than_a_private_use_plane_still_diffs_exactly():
    """70,000 distinct lines (a 1,400-page PDF has that many): codes run past the first plane's 65,533."""
    lines = [f"line {i} of the policy\n" for i in range(70_000)]
    old = "".join(lines)
    lines[69_000] = "line 69000 of the revised policy\n"
    new = "".join(lines)
    ops = word_diff(old, new)
    assert [(op, t) for op, t in ops if op != EQUAL] == [(INSERT, "revised ")]
    assert _sides(ops) == (old, new)


def test_words_keep_their_hyphens_apostrophes_and_dotted_numbers():
    assert tokens("treatment-resistant member's policy 5.01.16, (TRD)") == [
        "treatment-resistant", " ", "member's", " ", "policy", " ", "5.01.16", ",", " ", "(", "TRD", ")",
    ]  # fmt: skip


def test_merge_ops_joins_neighbours_and_drops_empty_parts():
    ops = [
        (EQUAL, "a "),
        (EQUAL, "b"),
        (DELETE, ""),
        (DELETE, "c"),
        (DELETE, "d"),
        (INSERT, "e"),
        (EQUAL, ""),
    ]
    assert merge_ops(ops) == [(EQUAL, "a b"), (DELETE, "cd"), (INSERT, "e")]


def test_changed_words_counts_words_not_spaces_or_punctuation():
    ops = [(EQUAL, "IV "), (DELETE, "ketamine, "), (INSERT, "esketamine nasal spray"), (EQUAL, " is covered")]
    assert changed_words(ops) == 4


def test_a_changed_line_with_more_distinct_words_than_a_private_use_plane_still_diffs_exactly():
    """One huge changed line (a table flattened by a PDF reader): 70,000 distinct words in it."""
    words = [f"w{i}" for i in range(70_000)]
    old = " ".join(words) + "\n"
    words[69_500] = "changed"
    new = " ".join(words) + "\n"
    ops = word_diff(old, new)
    assert [(op, t) for op, t in ops if op != EQUAL] == [(DELETE, "w69500"), (INSERT, "changed")]
    assert _sides(ops) == (old, new)
