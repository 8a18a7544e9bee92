"""Issue #12's failure shapes, one table-driven case each (tests/files/extract/shapes/facts.yaml).

Each case is a short policy snippet written for this table, wrapped into a minimal HTML page and run
through ``extractors.extract``; the table lists the facts it must and must not yield.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
import yaml

from extractors.normalize import clean
from tests.support.facts import read_case
from tests.support.pdf import FILES

CASES = yaml.safe_load((FILES / "shapes" / "facts.yaml").read_text(encoding="utf-8"))["cases"]


def test_every_shape_of_the_issue_has_a_case() -> None:
    assert {str(c["shape"]) for c in CASES} >= {str(n) for n in range(1, 11)} | {"excerpts", "subpopulation"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shape(case: dict) -> None:
    for line, want in case.get("clean", []):
        assert clean(line) == want
    if "html" not in case:
        return
    result, got = read_case(case)
    stances = defaultdict(set)
    for f in result.facts:
        if f.field == "position":
            stances[f.drug, f.indication, getattr(f, "subpopulation", None)].add(f.value)
    assert all(len(v) == 1 for v in stances.values()), dict(stances)
    for field, want in (case.get("metadata") or {}).items():
        got_value = getattr(result.metadata, field)
        want = want if want is None or isinstance(want, dt.date) else str(want)
        assert got_value == want, field
