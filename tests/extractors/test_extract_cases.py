"""Table-driven extractor cases: tests/files/extract/cases.yaml, one parametrized test (urlwatch style)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import extractors
from extractors.model import ExtractedPolicy
from tests.support.pdf import FILES, render_file

CASES = yaml.safe_load((FILES / "cases.yaml").read_text(encoding="utf-8"))


def load_bytes(name: str) -> bytes:
    return render_file(name) if name.endswith(".yaml") else Path(FILES, name).read_bytes()


_CACHE: dict[tuple[str, str | None], ExtractedPolicy] = {}


def extracted(name: str, url: str | None = None) -> ExtractedPolicy:
    if (name, url) not in _CACHE:
        _CACHE[name, url] = extractors.extract(load_bytes(name), url=url)
    return _CACHE[name, url]


def fact_keys(result: ExtractedPolicy) -> set[str]:
    return {f"{f.drug} {f.indication} {f.field} {f.value}" for f in result.facts}


def test_at_least_25_cases() -> None:
    assert len(CASES["cases"]) >= 25
    kinds = {c["file"].endswith(".yaml") for c in CASES["cases"]}
    assert kinds == {True, False}  # PDFs and HTML both


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_case(case: dict) -> None:
    result = extracted(case["file"], case.get("url"))
    expect = case["expect"]
    if "media_type" in expect:
        assert result.media_type == expect["media_type"]
    for key, want in expect.get("metadata", {}).items():
        got = getattr(result.metadata, key)
        if isinstance(want, dt.date):
            assert got == want, key
        else:
            assert got == (str(want) if want is not None else None), key
    if "revisions" in expect:
        assert len(result.revision_history) == expect["revisions"], result.revision_history
    if "drugs" in expect:
        assert list(result.drugs) == expect["drugs"]
    if "n_passages" in expect:
        assert len(result.passages) == expect["n_passages"], [p.text[:60] for p in result.passages]
    if "n_facts" in expect:
        assert len(result.facts) == expect["n_facts"]
    for want in expect.get("passages", []):
        matches = [
            p
            for p in result.passages
            if (not want.get("section") or (p.section_path and p.section_path[-1] == want["section"]))
            and all(s in p.text for s in want.get("contains", []))
            and not any(s in p.text for s in want.get("excludes", []))
        ]
        assert matches, f"no passage like {want}: {[(p.section_path, p.text[:80]) for p in result.passages]}"
    keys = fact_keys(result)
    missing = [f for f in expect.get("facts", []) if f not in keys]
    assert not missing, f"missing facts {missing}; have {sorted(keys)}"
    unwanted = [f for f in expect.get("no_facts", []) if f in keys]
    assert not unwanted, unwanted


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_offsets_point_into_text(case: dict) -> None:
    result = extracted(case["file"], case.get("url"))
    for p in result.passages:
        assert result.text[p.start : p.end] == p.text
        assert p.drugs
    for f in result.facts:
        assert result.text[f.start : f.end] == f.sentence
        assert f.field != "position" or f.value in extractors.model.POSITIONS
    for s in result.sections:
        assert result.text[s.start : s.start + len(s.heading)] == s.heading
        assert s.path[-1] == s.heading


#: Cases whose extraction is also round-tripped through JSON and repeated, chosen by name (one per source
#: format: PDF with and without the topic, an omnibus PDF, Cigna PDFs, Aetna HTML) so that adding a case
#: to cases.yaml never changes which ones run here.
ROUND_TRIP = (
    "uhc-commercial-spravato",
    "uhc-community-plan-texas",
    "uhc-omnibus-one-paragraph",
    "uhc-never-mentions",
    "cigna-psychiatry-spravato",
    "cigna-ketamine-medical",
    "aetna-cpb-0938",
    "aetna-spravato-precertification",
)
_BY_NAME = {c["name"]: c for c in CASES["cases"]}


def test_round_trip_cases_exist() -> None:
    assert set(ROUND_TRIP) <= set(_BY_NAME), set(ROUND_TRIP) - set(_BY_NAME)


@pytest.mark.parametrize("name", [n for n in ROUND_TRIP if n in _BY_NAME])
def test_round_trip_and_determinism(name: str) -> None:
    case = _BY_NAME[name]
    result = extracted(case["file"], case.get("url"))
    assert ExtractedPolicy.from_dict(result.to_dict()) == result
    again = extractors.extract(load_bytes(case["file"]), url=case.get("url"))
    assert again == result
    assert result.extractor_version == extractors.EXTRACTOR_VERSION
