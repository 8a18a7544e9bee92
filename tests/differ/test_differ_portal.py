"""End to end over the sample portal: crawl every epoch over loopback HTTP, then check the exact changes.

The portal's ``expected.yaml`` says which kinds each document must raise in each epoch (``none`` for the
noise-only revisions: re-exports, printed-on dates, re-wraps, footer years, cookie banners, reordered
indexes, edits outside the ketamine paragraph of an omnibus policy). Payerwatch stores ONE change per
new version whose kind is the most severe category present, so an epoch expecting
``[coverage_position, codes]`` must yield one ``coverage_position`` change that also carries a codes
bullet. ``BULLETS`` pins the exact bullet lines of every change after the baseline.
"""

from __future__ import annotations

import pytest
import yaml

from portal.content import load_expected
from portal.server import PortalServer
from portal.sources import portal_sources
from store import Archive
from tests.support import run_cli

#: Most severe first, matching differ.compare's choice of kind for one version.
PRIMARY = (
    "retired",
    "reinstated",
    "new_policy",
    "coverage_position",
    "criteria",
    "codes",
    "wording",
    "dates",
)
CATEGORY = {
    "position": "coverage_position",
    "codes": "codes",
    "wording": "wording",
    "effective": "dates",
    "next_review": "dates",
    "status": "status",
}

BULLETS = {
    (2, "uhc/spravato"): [
        "Esketamine · TRD: failed antidepressants required 3 → 2",
        "Effective date 2025-10-01 → 2025-12-15",
    ],
    (3, "uhc/spravato"): [
        "Codes: added J0013, removed J3490, S0013",
        "Effective date 2025-12-15 → 2026-01-01",
    ],
    (3, "bcbsnd/MED-451"): [
        "Effective date 2025-07-01 → 2026-01-01",
        "Next review date 2026-06-18 → 2026-12-17",
    ],
    (3, "cigna/IP-0412"): ["Title: Esketamine → Psychiatry – Spravato"],
    (4, "uhc/cstx-spravato"): [
        "Esketamine (Continuation of Therapy): added “For Texas Community Plan members, Spravato is supplied "
        "through the pharmacy benefit; the administration and observation visit is billed under the medical "
        "benef…”",
        "Effective date 2025-09-01 → 2026-02-01",
    ],
    (4, "aetna/0938"): ["IV ketamine · PTSD: experimental/investigational → not medically necessary"],
    (4, "bcbsmn/II-170"): ["Esketamine · MDSI: initial approval 6 months → 3 months"],
    (5, "bcbsnd/MED-402"): ["Policy no longer published (confirmed over several crawls)"],
    (5, "masshealth/table-16-esketamine"): ["Esketamine: initial approval 3 months → 6 months"],
    (5, "cigna/IP-0412"): [
        "Esketamine · TRD (monotherapy): experimental/investigational → covered with criteria",
        "Esketamine · TRD: concomitant oral antidepressant required → monotherapy allowed",
        "Effective date 2025-11-01 → 2026-02-01",
    ],
    (6, "aetna/0938"): [
        "IV ketamine · OCD: not addressed → experimental/investigational",
        "Codes: added F42.2, F42.9",
    ],
    (6, "bcbsnd/MED-402"): ["Policy published again after being retired"],
}


def _sources_file(tmp_path, url: str):
    path = tmp_path / "portal-sources.yaml"
    path.write_text(yaml.safe_dump({"sources": portal_sources(url)}))
    return path


def _url_keys(expected: dict) -> dict[str, str]:
    out = {}
    for key, doc in expected["documents"].items():
        for url in [doc["url"], *doc.get("superseded_urls", [])]:
            out[url] = key
    for epoch in expected["epochs"].values():
        for key, row in epoch["documents"].items():
            if row.get("url"):
                out[row["url"]] = key
    return out


def _crawl_epochs(tmp_path, data_dir, expected) -> tuple[dict, list[str]]:
    """Crawl each epoch; return {epoch: {document key: change}} for the changes each crawl stored."""
    url_keys = _url_keys(expected)
    announced: dict[int, dict] = {}
    seen: set[str] = set()
    with PortalServer(epoch=1) as srv:
        sources = _sources_file(tmp_path, srv.url)
        for epoch in sorted(expected["epochs"]):
            srv.set_epoch(epoch)
            res = run_cli(
                "crawl",
                "--no-progress",
                "--sources",
                str(sources),
                data_dir=data_dir,
                env={"PAYERWATCH_CRAWL_DELAY": "0"},
                timeout=240,
            )
            assert res.returncode == 0, res.stderr[-3000:]
            announced[epoch] = {}
            with Archive(data_dir) as arc:
                for change in arc.list_changes():
                    if change.id in seen:
                        continue
                    seen.add(change.id)
                    version = arc.get_version(change.new_version_id or change.old_version_id)
                    key = url_keys.get(version.url.replace(srv.url, ""), version.url)
                    assert key not in announced[epoch], f"two changes for {key} in epoch {epoch}"
                    announced[epoch][key] = change
    return announced, sorted(seen)


def _expected_kind(row: dict) -> tuple[str | None, list[str]]:
    kinds = [k for k in row["kinds"] if k != "none"]
    if not kinds:
        return None, []
    kinds.sort(key=PRIMARY.index)
    return kinds[0], kinds[1:]


def score(expected: dict, announced: dict) -> dict[str, float]:
    tp = fp = fn = 0
    for epoch, spec in expected["epochs"].items():
        got = dict(announced.get(epoch, {}))
        for key, row in spec["documents"].items():
            kind, _ = _expected_kind(row)
            change = got.pop(key, None)
            if kind and change is not None and change.kind == kind:
                tp += 1
            elif kind:
                fn += 1
                fp += change is not None
            elif change is not None:
                fp += 1
        fp += len(got)  # changes for documents the epoch does not list
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "expected": tp + fn,
        "announced": tp + fp,
    }


@pytest.mark.timeout(1200)  # six crawls and a reprocess of every version, each read in its own worker
def test_portal_epochs_exact_changes(tmp_path, data_dir):
    expected = load_expected()
    announced, ids = _crawl_epochs(tmp_path, data_dir, expected)

    for epoch, spec in expected["epochs"].items():
        got = {key: change.kind for key, change in announced[epoch].items()}
        want = {
            key: _expected_kind(row)[0] for key, row in spec["documents"].items() if _expected_kind(row)[0]
        }
        assert got == want, f"epoch {epoch}"
        for key, change in announced[epoch].items():
            bullets = [b["text"] for b in change.details]
            if change.kind == "new_policy":
                assert bullets and change.drugs
                continue
            assert bullets == BULLETS[(epoch, key)], f"epoch {epoch} {key}"
            _, extra = _expected_kind(spec["documents"][key])
            fields = {CATEGORY.get(b["field"], "criteria") for b in change.details}
            assert set(extra) <= fields, f"epoch {epoch} {key}: {extra} not among bullets"
    assert set(BULLETS) == {
        (e, k) for e, got in announced.items() for k, c in got.items() if c.kind != "new_policy"
    }

    s = score(expected, announced)
    print("portal", s)
    assert s["precision"] == 1.0 and s["recall"] == 1.0

    # reprocessing from the blobs alone creates nothing and keeps every id
    res = run_cli("reprocess", data_dir=data_dir, timeout=900)
    assert res.returncode == 0, res.stderr
    assert "0 new change(s)" in res.stdout
    with Archive(data_dir) as arc:
        assert sorted(c.id for c in arc.list_changes()) == ids
