"""Question tables (extractors/facts/qtable.py): which headers make a table of questions whose answer columns
route, approve or deny. The layouts themselves are read end to end by group CI of shapes/rules.yaml."""

from __future__ import annotations

import pytest

from extractors.facts.qtable import answer_columns


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        (["#", "Question", "Yes", "No"], (2, 3)),
        (["No.", "Question", "Yes", "No"], (2, 3)),  # "No." first is the number column, not an answer
        (["Step", "Criterion", "If met", "If not met"], (2, 3)),
        (["Question", "Yes", "No"], (1, 2)),
        (["#", "Question", "Y", "N"], (2, 3)),
        (["Criterion", "Criteria met", "Criteria not met"], (1, 2)),
        (["Yes", "No"], None),  # the first column is never an answer
        (["Drug", "Use", "Coverage"], None),
        (["#", "Question", "Yes", "Yes", "No"], None),  # two answer columns of one kind: not a question table
        (["Question", "Yes, covered", "No"], None),
    ],
)
def test_answer_columns(header: list[str], columns: tuple[int, int] | None) -> None:
    assert answer_columns(header) == columns
