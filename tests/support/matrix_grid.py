"""A matrix-shaped archive for the paging tests: 40 policies of four sources (two under one payer name,
so their policies interleave), one to three versions each, with seeded random positions and criteria."""

from __future__ import annotations

import datetime as dt
import random

from store import Archive
from store.models import Policy, Source
from tests.support.archive_builder import KET, VersionSpec, extracted

SOURCES = [
    # two sources under one payer name: their policies interleave by id within the payer
    Source(id="acme-c", payer="Acme Health", program="commercial"),
    Source(id="acme-m", payer="Acme Health", program="medicare"),
    Source(id="beta", payer="Beta Care", program="medicaid", state="TX"),
    Source(id="zeta", payer="Zeta Plan", program="federal"),
]
POSITIONS = [
    "covered",
    "covered_with_criteria",
    "not_covered",
    "experimental_investigational",
    "covered_with_criteria / not_covered",
]
PAIRS = [("esketamine", "trd"), ("ketamine", "depression"), ("ketamine", "ptsd"), ("esketamine", "any")]
BASE = dt.datetime(2024, 1, 1, 6, tzinfo=dt.UTC)


def _facts(rng: random.Random) -> list[tuple[str, str, str, str]]:
    out = []
    for drug, indication in rng.sample(PAIRS, rng.randint(0, 3)):
        if indication == "any":
            out.append((drug, indication, "hcpcs", "S0013"))
            continue
        if rng.random() < 0.85:
            out.append((drug, indication, "position", rng.choice(POSITIONS)))
        out.append((drug, indication, "failed_antidepressants", str(rng.randint(1, 4))))
    return out


def add(archive: Archive, source: Source, policy_id: str, facts_per_version: list[list]) -> None:
    archive.upsert_policy(
        Policy(id=policy_id, source_id=source.id, url=f"https://{source.id}.test/{policy_id}"), seen_at=BASE
    )
    for seq, facts in enumerate(facts_per_version):
        spec = VersionSpec(BASE + dt.timedelta(days=30 * seq), None, [("K", KET, ("ketamine",), ())], facts)
        ext = extracted(spec, policy_id)
        data = f"{policy_id} v{seq} {facts}".encode()
        version, _ = archive.add_version(policy_id, data, "https://x.test", "application/pdf", spec.seen)
        archive.set_extraction(version.id, ext)


OWNER: dict[str, Source] = {}  # policy id → its source, for the expected filters


def build(archive: Archive) -> dict[tuple[str, str, str, str], tuple[str | None, dict]]:
    """40 policies; returns the expected matrix: cell key → (position, criteria) of the latest version."""
    rng = random.Random(17)
    for source in SOURCES:
        archive.upsert_source(source)
    expected = {}
    for n in range(40):
        source = SOURCES[n % 4] if n % 5 else SOURCES[0]
        # acme policies share one id prefix, so the two acme sources' policies interleave by id
        pid = f"{'acme' if source.id.startswith('acme') else source.id}/P{(n * 7) % 40:02d}"
        versions = [_facts(rng) for _ in range(rng.randint(1, 3))]
        add(archive, source, pid, versions)
        OWNER[pid] = source
        for drug, indication, fld, value in versions[-1]:
            position, criteria = expected.setdefault((source.payer, pid, drug, indication), (None, {}))
            if fld == "position":
                expected[(source.payer, pid, drug, indication)] = (value, criteria)
            else:
                criteria.setdefault(fld, value)
    return expected


def wanted(expected, **f) -> list[tuple]:
    """The keys of the expected cells that pass the matrix filters ``f``, in matrix order."""
    keys = []
    for key, (position, _) in expected.items():
        payer, pid, drug, indication = key
        source = OWNER[pid]
        if f.get("drug") and drug != f["drug"] or f.get("indication") and indication != f["indication"]:
            continue
        if f.get("stance") == "mixed" and " / " not in (position or ""):
            continue
        if f.get("stance") not in (None, "mixed") and position != f["stance"]:
            continue
        if f.get("program") and source.program != f["program"]:
            continue
        if f.get("payer") and f["payer"] not in (payer.lower(), source.id):
            continue
        contains = f.get("payer_contains")  # the web page's box: a source id or part of the name
        if contains and contains != source.id and contains.lower() not in payer.lower():
            continue
        keys.append(key)
    return sorted(keys)
