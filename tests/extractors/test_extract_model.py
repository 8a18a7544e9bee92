"""The extraction result's JSON form (``extractors/model.py``): what the store keeps on each version.

The differ compares a stored extraction with a fresh one, so ``to_dict`` → JSON → ``from_dict`` must give
back an equal ``ExtractedPolicy``: a date read back as a string, or a tuple as a list, is a difference in
every comparison (an alert on every run), and a field lost is a change never seen.
"""

from __future__ import annotations

import datetime as dt
import json

from extractors.model import (
    CoverageFact,
    ExtractedPolicy,
    Passage,
    PolicyMetadata,
    RevisionEntry,
    Section,
)

TEXT = "Ketamine Policy\nCoverage\nEsketamine is medically necessary for adults aged 18 or older."


def _policy() -> ExtractedPolicy:
    return ExtractedPolicy(
        media_type="application/pdf",
        text=TEXT,
        metadata=PolicyMetadata(
            policy_number="MP-410",
            title="Ketamine Policy",
            published=dt.date(2026, 1, 15),
            effective=dt.date(2026, 2, 1),
            next_review=None,
            line_of_business="Commercial",
            state="TX",
            status="retired",
        ),
        sections=(Section("Coverage", ("Coverage",), 1, 16, 86, page_start=1, page_end=2),),
        passages=(
            Passage(
                ("Coverage",),
                "Coverage",
                TEXT[25:],
                25,
                86,
                page_start=1,
                page_end=1,
                drugs=("esketamine",),
                indications=("trd",),
                codes=("J0013", "S0013"),
            ),
        ),
        facts=(
            CoverageFact("esketamine", "trd", "age_min", "18", TEXT[25:], 25, 86, page=1),
            CoverageFact(
                "esketamine", "trd", "position", "covered_with_criteria", TEXT[25:], 25, 86, None, "adults"
            ),
        ),
        codes=("J0013", "S0013"),
        revision_history=(RevisionEntry(dt.date(2025, 12, 1), "Retired."), RevisionEntry(None, "Created.")),
        pages=3,
        extractor_version="2026.12.1",
    )


def test_a_policy_survives_json_unchanged():
    policy = _policy()
    stored = json.loads(json.dumps(policy.to_dict()))
    assert ExtractedPolicy.from_dict(stored) == policy


def test_the_json_form_has_iso_dates_and_lists():
    data = _policy().to_dict()
    assert data["metadata"]["published"] == "2026-01-15" and data["metadata"]["next_review"] is None
    assert data["revision_history"] == [
        {"date": "2025-12-01", "text": "Retired."},
        {"date": None, "text": "Created."},
    ]
    assert data["sections"][0]["path"] == ["Coverage"]
    assert data["passages"][0]["codes"] == ["J0013", "S0013"] and data["codes"] == ["J0013", "S0013"]
    assert data["facts"][1]["subpopulation"] == "adults"
    json.dumps(data)  # nothing but JSON types


def test_dates_already_read_stay_dates():
    data = _policy().to_dict()
    data["metadata"]["effective"] = dt.date(2026, 2, 1)
    data["revision_history"][0]["date"] = dt.date(2025, 12, 1)
    assert ExtractedPolicy.from_dict(data) == _policy()


def test_an_older_record_without_the_later_fields_reads_with_defaults():
    policy = ExtractedPolicy.from_dict({"media_type": "text/html", "text": "Ketamine", "metadata": None})
    assert policy == ExtractedPolicy(media_type="text/html", text="Ketamine")
    assert policy.extractor_version == "1" and policy.pages is None and policy.metadata == PolicyMetadata()


def test_the_drugs_are_those_of_the_passages_in_a_fixed_order():
    both = Passage(("A",), "A", "x", 0, 1, drugs=("esketamine", "ketamine"))
    one = Passage(("B",), "B", "y", 2, 3, drugs=("ketamine",))
    policy = ExtractedPolicy("text/html", "x\ny", passages=(one, both))
    assert policy.drugs == ("ketamine", "esketamine") and policy.mentions_topic
    quiet = ExtractedPolicy("text/html", "x")
    assert quiet.drugs == () and not quiet.mentions_topic
