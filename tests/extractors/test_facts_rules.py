"""Real payer wordings and layouts the fact rules must read: one table (tests/files/extract/shapes/rules.yaml)
of clauses, heading roles and HTML snippets, each a variant of one general cause written for the table.

Clause cases call the rule functions directly, so a failure names the rule; snippet cases run the whole
extractor the way ``test_facts_shapes`` does (and share its helpers).
"""

from __future__ import annotations

import pytest
import yaml

from extractors.facts import criteria_of, position_of
from extractors.facts.clauses import indications_of
from extractors.facts.scope import bare, classify, pseudo_heading
from tests.support.facts import matches, read_case
from tests.support.pdf import FILES

TABLE = yaml.safe_load((FILES / "shapes" / "rules.yaml").read_text(encoding="utf-8"))
CLAUSES = TABLE["clauses"]
CASES = TABLE["cases"]


def _id(case: dict) -> str:
    return f"{case['cause']}:{case['text'][:40]}"


@pytest.mark.parametrize("case", CLAUSES, ids=[_id(c) for c in CLAUSES])
def test_clause(case: dict) -> None:
    got = criteria_of(case["text"], case.get("phase", "initial"), case.get("context", False))
    for field, want in (case.get("criteria") or {}).items():
        assert (field, str(want)) in got, f"{field}={want!r} missing; have {got}"
    for absent in case.get("absent") or ():
        field, _, value = absent.partition("=")
        assert not any(f == field and (not value or v == value) for f, v in got), f"{absent}; have {got}"
    if "position" in case:
        assert position_of(case["text"]) == case["position"]
    if "indications" in case:
        assert list(indications_of(case["text"])) == case["indications"]


@pytest.mark.parametrize(("heading", "role"), TABLE["headings"])
def test_heading_role(heading: str, role: str) -> None:
    assert classify(heading) == role


@pytest.mark.parametrize(("text", "role"), TABLE["pseudo_headings"])
def test_pseudo_heading(text: str, role: str | None) -> None:
    assert pseudo_heading(text) == role


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_snippet(case: dict) -> None:
    result, got = read_case(case)
    for want, quote in (case.get("quotes") or {}).items():
        said = [f.sentence for f, k in zip(result.facts, got, strict=True) if matches(want, k)]
        assert quote in said, f"{want!r} quotes {said}"
    positions: dict[tuple, set[str]] = {}
    for drug, ind, field, value in got:
        if field == "position":
            sub = value.partition(" @")[2]
            positions.setdefault((drug, ind, sub), set()).add(value)
    assert all(len(v) == 1 for v in positions.values()), positions


@pytest.mark.parametrize(
    ("heading", "text"),
    [
        ("V. REFERENCES:", "REFERENCES"),
        ("Scope: .", "Scope"),
        ("2.1. Criteria .", "Criteria"),
        ("Policy :", "Policy"),
        ("  Coverage", "Coverage"),
        ("Appendix X:", "Appendix X"),
    ],
)
def test_bare_heading(heading: str, text: str) -> None:
    """Numbering and every trailing space, colon and full stop go, however they alternate."""
    assert bare(heading) == text
