"""Pure functions comparing two extracted versions of a policy (never touches the store)."""

from differ.compare import Comparison, DetectedChange, compare
from differ.words import DELETE, EQUAL, INSERT, changed_words, word_diff

__all__ = [
    "DELETE",
    "EQUAL",
    "INSERT",
    "Comparison",
    "DetectedChange",
    "changed_words",
    "compare",
    "word_diff",
]
