"""Every ``tests/files/diff/<case>.before.* / .after.*`` pair through the real extractors and the differ.

Case names say the expected outcome (``falsepos-…`` must announce nothing, ``truepos-…`` one change);
``expected.yaml`` holds the exact kind and bullets. ``.yaml`` sides are PDF sources rendered with
``tests/support_pdf.py`` at test time (PDFs are never committed). ``test_precision_recall`` scores all cases
together so
a regression shows up as a number too.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

import extractors
from differ import compare

CASES = Path(__file__).resolve().parent.parent / "files" / "diff"
EXPECTED = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
URL = "https://policies.example.test/policy.html"


def _pair(name: str) -> tuple[Path, Path]:
    (before,) = CASES.glob(f"{name}.before.*")
    (after,) = CASES.glob(f"{name}.after.*")
    return before, after


def document(path: Path) -> bytes:
    """The bytes a crawler would fetch: HTML as is; a ``.yaml`` source rendered to PDF (``variant`` key)."""
    if path.suffix != ".yaml":
        return path.read_bytes()
    from tests.support.pdf import render

    src = yaml.safe_load(path.read_text(encoding="utf-8"))
    return render(src, src.pop("variant", "base"))


@functools.cache
def extracted(path: Path):
    """One extraction per file and run (the extractors are pure): each case, its evidence check and the
    score read a side several times, and ``make mutate`` runs the differ over every case once per mutant
    (in processes forked after the clean run, so they reuse these)."""
    return extractors.extract(document(path), None, URL)


def detect(name: str):
    """The change announced for a case (None when nothing is), as the archive would see it."""
    before, after = _pair(name)
    old = extracted(before)
    try:
        new = extracted(after)
    except extractors.ExtractionError:
        return None  # an unreadable fetch is a fact about the fetch, never a change
    result = compare(old, new, payer="Sample Payer")
    assert len(result.changes) <= 1
    return result.changes[0] if result.changes else None


def test_every_case_has_an_expectation():
    names = {p.name.split(".")[0] for p in CASES.glob("*.before.*")}
    assert names == set(EXPECTED)
    assert len(names) >= 40
    for name, exp in EXPECTED.items():
        assert name.startswith("falsepos-") == (exp["kind"] is None), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(name):
    exp = EXPECTED[name]
    change = detect(name)
    if exp["kind"] is None:
        assert change is None, f"false alarm: {change.kind}: {[b['text'] for b in change.bullets]}"
        return
    assert change is not None, "missed change"
    assert change.kind == exp["kind"]
    assert [b["text"] for b in change.bullets] == exp["bullets"]
    if "summary" in exp:
        assert change.summary == exp["summary"]
    if "needs_review" in exp:
        assert change.needs_review == exp["needs_review"]
    if "revision_note" in exp:
        assert change.revision_note == exp["revision_note"]
    for bullet in change.bullets:  # evidence points at real text of the right version
        for side in ("old", "new"):
            ev = bullet["evidence"][side]
            if ev:
                path = _pair(name)[0 if side == "old" else 1]
                text = extracted(path).text
                assert text[ev["start"] : ev["end"]] == ev["text"]


def score() -> dict[str, float]:
    """Precision / recall of "announce or not", and the share of announced changes with the right kind."""
    tp = fp = fn = right_kind = 0
    for name, exp in EXPECTED.items():
        change = detect(name)
        if exp["kind"] and change:
            tp += 1
            right_kind += change.kind == exp["kind"]
        elif change:
            fp += 1
        elif exp["kind"]:
            fn += 1
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "kind_accuracy": right_kind / tp if tp else 1.0,
        "cases": len(EXPECTED),
    }


def test_precision_recall():
    s = score()
    print(s)
    assert s["precision"] == 1.0 and s["recall"] == 1.0 and s["kind_accuracy"] == 1.0
