"""Payers' wordings of one criterion or one stance, one sentence each (shapes/wordings.yaml).

The document-level shapes live in test_facts_shapes.py; this table pins the sentence rules (values.py,
criteria.py, positions.py, clauses.py) on wordings no evaluation corpus has, so that a new payer's
"age 18 and above" or "on its own or together with an oral antidepressant" is read without a new document.
The drug a clause is about and where a paragraph is cut into sentences and clauses (clauses.py) are tabled
here too: every rule above reads one clause at a time.
"""

from __future__ import annotations

import pytest
import yaml

from extractors.facts import criteria_of, position_of
from extractors.facts.clauses import clauses, indications_of, sentences, subject_drugs
from tests.support.pdf import FILES

TABLE = yaml.safe_load((FILES / "shapes" / "wordings.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TABLE["criteria"], ids=[c["text"][:60] for c in TABLE["criteria"]])
def test_criterion_wording(case: dict) -> None:
    got = criteria_of(case["text"], "initial")
    for want in case.get("criteria", []):
        field, value = want.split(" ", 1)
        assert (field, value) in got, f"{want!r} not in {got}"
    for field in case.get("no_criteria", []):
        assert field not in {f for f, _ in got}, f"unwanted {field} in {got}"


@pytest.mark.parametrize("case", TABLE["stances"], ids=[c["text"][:60] for c in TABLE["stances"]])
def test_stance_wording(case: dict) -> None:
    assert position_of(case["text"]) == case["stance"]


@pytest.mark.parametrize("case", TABLE["indications"], ids=[c["text"][:60] for c in TABLE["indications"]])
def test_indication_wording(case: dict) -> None:
    assert set(indications_of(case["text"])) == set(case["indications"])


@pytest.mark.parametrize("case", TABLE["drugs"], ids=[c["text"][:60] for c in TABLE["drugs"]])
def test_subject_drugs(case: dict) -> None:
    assert list(subject_drugs(case["text"])) == case["drugs"]


@pytest.mark.parametrize("case", TABLE["splits"], ids=[c["text"][:60] for c in TABLE["splits"]])
def test_split(case: dict) -> None:
    text = case["text"]
    got = [[text[a:b] for a, b in clauses(text, s, e)] for s, e in sentences(text)]
    assert got == case["split"]
