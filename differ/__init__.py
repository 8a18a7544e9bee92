"""Pure functions comparing two extracted versions of a policy (never touches the store)."""

from differ.words import DELETE, EQUAL, INSERT, changed_words, word_diff

__all__ = ["DELETE", "EQUAL", "INSERT", "changed_words", "word_diff"]
