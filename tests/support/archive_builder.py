"""Build small archives in code for the archive/web tests (never committed as database files).

``build_sample_archive`` mirrors the shape of the sample payer portal: a commercial payer whose
esketamine policy tightens and loosens over three versions, published ahead of (and once behind) its
effective dates, plus a Texas Medicaid policy that still calls IV ketamine investigational and whose
text carries markup, to prove pages keep payer text inert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from differ.taxonomy import KIND_SEVERITY
from extractors.model import CoverageFact, ExtractedPolicy, Passage, PolicyMetadata
from payerwatch.processing import load_extraction
from store import Archive, change_id
from store.models import Change, Policy, Source

UTC = dt.UTC
HOSTILE = '<script>alert("pwned")</script><img src=x onerror="alert(2)">'


@dataclass
class VersionSpec:
    """One synthetic document: its passages as (heading, text, drugs, indications) and its facts."""

    seen: dt.datetime
    effective: dt.date | None
    passages: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]
    facts: list[tuple[str, str, str, str]] = field(default_factory=list)  # drug, indication, field, value
    title: str = "Esketamine (Spravato) and Ketamine"
    media_type: str = "application/pdf"


def extracted(spec: VersionSpec, number: str) -> ExtractedPolicy:
    """An ExtractedPolicy whose offsets really point into its text (passages joined by blank lines)."""
    text, passages, facts = "", [], []
    for heading, body, drugs, inds in spec.passages:
        block = f"{heading}\n{body}"
        start = len(text) + len(heading) + 1
        text += block + "\n\n"
        passages.append(
            Passage(
                section_path=(heading,),
                heading=heading,
                text=body,
                start=start,
                end=start + len(body),
                page_start=1,
                page_end=1,
                drugs=drugs,
                indications=inds,
            )
        )
    for drug, ind, fld, value in spec.facts:
        idx = max(text.find(value), 0)
        facts.append(CoverageFact(drug, ind, fld, value, text[idx : idx + 60], idx, idx + len(value), 1))
    return ExtractedPolicy(
        media_type=spec.media_type,
        text=text,
        metadata=PolicyMetadata(policy_number=number, title=spec.title, effective=spec.effective),
        passages=tuple(passages),
        facts=tuple(facts),
        pages=1,
    )


def add_policy(archive: Archive, source: Source, number: str, specs: list[VersionSpec]) -> list[int]:
    """Archive each spec as a version of ``source.id/number`` (bytes = a tiny fake document)."""
    archive.upsert_source(source)
    pid = f"{source.id}/{number}"
    url = f"https://{source.id}.example.test/policies/{number}.pdf"
    archive.upsert_policy(
        Policy(id=pid, source_id=source.id, url=url, policy_number=number, title=specs[0].title),
        seen_at=specs[0].seen,
    )
    ids = []
    for i, spec in enumerate(specs):
        ext = extracted(spec, number)
        data = b"%PDF-1.4\n% synthetic test document\n" + ext.text.encode()
        version, _ = archive.add_version(pid, data, url, spec.media_type, seen_at=spec.seen)
        archive.set_extraction(version.id, ext)
        ids.append(version.id)
        if i + 1 < len(specs):  # still served until the next version appeared
            archive.touch_version(version.id, specs[i + 1].seen - dt.timedelta(days=1))
    return ids


def add_change(
    archive: Archive,
    policy_id: str,
    old: int | None,
    new: int,
    kind: str,
    summary: str,
    detected: dt.datetime,
    drugs=("esketamine",),
    details=(),
    diff=(),
    note=None,
) -> Change:
    old_sha = archive.get_version(old).sha256 if old else None
    new_v = archive.get_version(new)
    change = Change(
        id=change_id(policy_id, old_sha, new_v.sha256, kind),
        policy_id=policy_id,
        kind=kind,
        severity=KIND_SEVERITY[kind],
        summary=summary,
        detected_at=detected,
        old_version_id=old,
        new_version_id=new,
        drugs=list(drugs),
        details=list(details),
        diff=[list(op) for op in diff],
        evidence=[d["evidence"] for d in details if d.get("evidence")],
        revision_note=note,
        effective_date=new_v.effective,
    )
    archive.add_change(change)
    return change


@dataclass
class Sample:
    uhc: str
    uhc_versions: list[int]
    tx: str
    tx_versions: list[int]


UHC = Source(id="sample-uhc-commercial", payer="Sample United Health", program="commercial")
TXM = Source(id="sample-tx-medicaid", payer="Sample Texas Medicaid", program="medicaid", state="TX")

ESK_V1 = (
    "Spravato is covered for treatment-resistant depression when the member has failed three "
    "antidepressant trials of adequate dose and duration, and is prescribed by a psychiatrist."
)
ESK_V2 = (
    "Spravato is covered for treatment-resistant depression when the member has failed two "
    "antidepressant trials of adequate dose and duration, and is prescribed by a psychiatrist."
)
KET = "Intravenous ketamine infusion for depression is considered experimental and investigational."
KET_V3 = "Intravenous ketamine infusion for depression is not medically necessary."


def build_sample_archive(archive: Archive) -> Sample:
    """Two payers, four versions, four changes; dates chosen so effective and observed clocks disagree.

    sample-uhc-commercial/2026D0069P
      v1 seen 2024-01-10, effective 2024-02-01  (3 failed antidepressants; IV ketamine investigational)
      v2 seen 2024-06-05, effective 2024-07-01  (published ahead: 2 failed antidepressants)
      v3 seen 2025-03-01, effective 2025-01-01  (re-issued with a past effective date: ketamine NMN)
    """
    uhc_specs = [
        VersionSpec(
            dt.datetime(2024, 1, 10, 6, tzinfo=UTC),
            dt.date(2024, 2, 1),
            [
                ("Esketamine nasal spray", ESK_V1, ("esketamine",), ("trd",)),
                ("Ketamine", KET, ("ketamine",), ("depression",)),
            ],
            [
                ("esketamine", "trd", "position", "covered_with_criteria"),
                ("esketamine", "trd", "failed_antidepressants", "3"),
                ("ketamine", "depression", "position", "experimental_investigational"),
            ],
        ),
        VersionSpec(
            dt.datetime(2024, 6, 5, 6, tzinfo=UTC),
            dt.date(2024, 7, 1),
            [
                ("Esketamine nasal spray", ESK_V2, ("esketamine",), ("trd",)),
                ("Ketamine", KET, ("ketamine",), ("depression",)),
            ],
            [
                ("esketamine", "trd", "position", "covered_with_criteria"),
                ("esketamine", "trd", "failed_antidepressants", "2"),
                ("ketamine", "depression", "position", "experimental_investigational"),
            ],
        ),
        VersionSpec(
            dt.datetime(2025, 3, 1, 6, tzinfo=UTC),
            dt.date(2025, 1, 1),
            [
                ("Esketamine nasal spray", ESK_V2, ("esketamine",), ("trd",)),
                ("Ketamine", KET_V3, ("ketamine",), ("depression",)),
            ],
            [
                ("esketamine", "trd", "position", "covered_with_criteria"),
                ("esketamine", "trd", "failed_antidepressants", "2"),
                ("ketamine", "depression", "position", "not_medically_necessary"),
            ],
        ),
    ]
    uhc_ids = add_policy(archive, UHC, "2026D0069P", uhc_specs)
    uhc = f"{UHC.id}/2026D0069P"
    from differ import word_diff

    e1 = load_extraction(archive, uhc_ids[0])
    e2 = load_extraction(archive, uhc_ids[1])
    o = e1.text.find("three")
    n = e2.text.find("two")
    add_change(
        archive,
        uhc,
        None,
        uhc_ids[0],
        "new_policy",
        "Sample United Health: new policy mentions esketamine",
        dt.datetime(2024, 1, 10, 7, tzinfo=UTC),
        drugs=("esketamine", "ketamine"),
    )
    add_change(
        archive,
        uhc,
        uhc_ids[0],
        uhc_ids[1],
        "criteria",
        "Sample United Health: trials of failed antidepressants required for Spravato lowered from 3 to 2",
        dt.datetime(2024, 6, 5, 7, tzinfo=UTC),
        details=[
            {
                "text": "Esketamine · TRD: failed antidepressants required 3 → 2",
                "drug": "esketamine",
                "indication": "trd",
                "field": "failed_antidepressants",
                "old": "3",
                "new": "2",
                "evidence": {
                    "old": {"version_id": uhc_ids[0], "start": o, "end": o + 5, "page": 1, "text": "three"},
                    "new": {"version_id": uhc_ids[1], "start": n, "end": n + 3, "page": 1, "text": "two"},
                },
            }
        ],
        diff=word_diff(ESK_V1, ESK_V2),
    )
    add_change(
        archive,
        uhc,
        uhc_ids[1],
        uhc_ids[2],
        "coverage_position",
        "Sample United Health: IV ketamine for depression moved from investigational to not medically "
        "necessary",
        dt.datetime(2025, 3, 1, 7, tzinfo=UTC),
        drugs=("ketamine",),
        details=[
            {
                "text": "Ketamine · depression: experimental_investigational → not_medically_necessary",
                "drug": "ketamine",
                "indication": "depression",
                "field": "position",
                "old": "experimental_investigational",
                "new": "not_medically_necessary",
                "evidence": None,
            }
        ],
        diff=word_diff(KET, KET_V3),
        note="2025-01: ketamine section revised",
    )
    tx_specs = [
        VersionSpec(
            dt.datetime(2024, 3, 2, 6, tzinfo=UTC),
            dt.date(2024, 3, 1),
            [(f"Ketamine {HOSTILE}", KET + " " + HOSTILE, ("ketamine",), ("depression",))],
            [("ketamine", "depression", "position", "experimental_investigational")],
            title=f"Ketamine Infusion {HOSTILE}",
            media_type="text/html",
        ),
    ]
    tx_ids = add_policy(archive, TXM, "KET-01", tx_specs)
    tx = f"{TXM.id}/KET-01"
    add_change(
        archive,
        tx,
        None,
        tx_ids[0],
        "new_policy",
        f"Sample Texas Medicaid: new ketamine policy {HOSTILE}",
        dt.datetime(2024, 3, 2, 7, tzinfo=UTC),
        drugs=("ketamine",),
        details=[
            {
                "text": f"Ketamine {HOSTILE}",
                "drug": "ketamine",
                "indication": None,
                "field": "wording",
                "old": None,
                "new": None,
                "evidence": None,
            }
        ],
        diff=[(1, HOSTILE)],
    )
    return Sample(uhc=uhc, uhc_versions=uhc_ids, tx=tx, tx_versions=tx_ids)


def build_portal_archive(archive: Archive, epochs: range | None = None) -> dict[str, str]:
    """Archive the sample portal's on-topic documents epoch by epoch, as a weekly crawl would see them.

    Every epoch's bytes go through ``archive.add_version`` (seen at 06:00 UTC on the epoch's date) and
    ``payerwatch.processing.process_versions`` (the real extractors). Returns {manifest key: policy id};
    policy ids are ``<source>/<document>`` so a renumbered policy stays one policy.
    """
    from payerwatch.processing import process_versions
    from portal.build import build_site
    from portal.content import epoch_date, load_expected, max_epoch
    from portal.sources import portal_sources

    expected = load_expected()
    for entry in portal_sources("http://portal.test"):
        archive.upsert_source(
            Source(id=entry["id"], payer=entry["payer"], program=entry["program"], state=entry["state"])
        )
    docs = {k: d for k, d in expected["documents"].items() if d.get("topic")}
    ids = {k: f"{d['source']}/{k.split('/', 1)[1]}" for k, d in docs.items()}
    for epoch in epochs or range(1, max_epoch() + 1):
        site = build_site(epoch)
        seen = dt.datetime.combine(epoch_date(epoch), dt.time(6), tzinfo=UTC)
        new = []
        for key, doc in docs.items():
            served = site.get(doc["url"])
            if served is None:
                continue
            url = "http://portal.test" + doc["url"]
            archive.upsert_policy(Policy(id=ids[key], source_id=doc["source"], url=url), seen_at=seen)
            version, created = archive.add_version(
                ids[key], served.body, url, served.content_type, seen_at=seen
            )
            if created:
                new.append(version.id)
        process_versions(archive, new)
    return ids
