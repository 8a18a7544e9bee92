"""The researcher commands as a user runs them: history, show --as-of (both clocks), search, export."""

from __future__ import annotations

import csv
import gzip
import json

import pytest
from warcio.archiveiterator import ArchiveIterator

from store import Archive
from tests.support import run_cli
from tests.support.archive_builder import build_sample_archive

UHC = "sample-uhc-commercial/2026D0069P"


@pytest.fixture(scope="module")
def data(module_database, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "data"
    with Archive(path) as arc:
        build_sample_archive(arc)
    return path


def lines(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_history_shows_every_version_and_its_change(data):
    result = run_cli("history", UHC, data_dir=data)
    assert result.returncode == 0, result.stderr
    for text in ("2024-01-10 06:00", "2024-07-01", "2025-01-01", "[criteria]", "lowered from 3 to 2"):
        assert text in result.stdout
    rows = lines(run_cli("history", "2026D0069P", "--json", data_dir=data))
    assert [(r["seq"], r["effective"], [c["kind"] for c in r["changes"]]) for r in rows] == [
        (1, "2024-02-01", ["new_policy"]),
        (2, "2024-07-01", ["criteria"]),
        (3, "2025-01-01", ["coverage_position"]),
    ]
    assert rows[1]["first_seen"] == "2024-06-05 06:00" and len(rows[1]["sha256"]) == 64


@pytest.mark.parametrize(
    ("day", "by", "seq", "failed"),
    [
        ("2024-03-15", "effective", 1, "3"),  # between v1 and v2
        ("2024-06-20", "effective", 1, "3"),  # v2 already served but not yet effective
        ("2024-06-20", "observed", 2, "2"),
        ("2025-02-01", "effective", 3, "2"),  # v3 effective retroactively, not yet seen
        ("2025-02-01", "observed", 2, "2"),
    ],
)
def test_show_as_of_on_both_clocks(data, day, by, seq, failed):
    (shown,) = lines(run_cli("show", UHC, "--as-of", day, "--by", by, "--json", data_dir=data))
    assert shown["seq"] == seq
    facts = {(f["drug"], f["field"]): f["value"] for f in shown["facts"]}
    assert facts[("esketamine", "failed_antidepressants")] == failed
    assert shown["passages"][0]["heading"] == "Esketamine nasal spray"


def test_show_text_output_and_errors(data):
    result = run_cli("show", UHC, "--as-of", "2024-06-20", "--by", "observed", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "version 2" in result.stdout and "failed two antidepressant" in result.stdout
    early = run_cli("show", UHC, "--as-of", "2023-01-01", data_dir=data)
    assert early.returncode == 1 and "no version in force on 2023-01-01" in early.stderr
    missing = run_cli("show", "nobody/none", data_dir=data)
    # an argument naming nothing in the archive: one line, exit 2 (README)
    assert missing.returncode == 2 and "no policy 'nobody/none' in the archive" in missing.stderr


def test_search_current_and_as_of(data):
    now = lines(run_cli("search", "investigational", "--json", data_dir=data))
    assert [h["policy"] for h in now] == ["sample-tx-medicaid/KET-01"]
    then = lines(
        run_cli(
            "search",
            "investigational",
            "--as-of",
            "2024-12-31",
            "--payer",
            "sample-uhc-commercial",
            "--json",
            data_dir=data,
        )
    )
    assert [(h["policy"], h["seq"]) for h in then] == [(UHC, 2)]
    text = run_cli("search", "psychiatrist", "--drug", "esketamine", data_dir=data)
    assert "»psychiatrist«" in text.stdout


def test_export_csv_and_jsonl(data, tmp_path):
    out = tmp_path / "facts.csv"
    assert (
        run_cli("export", "--format", "csv", "--what", "facts", "--out", str(out), data_dir=data).returncode
        == 0
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 10 and rows[0]["policy_id"] == UHC and rows[0]["field"] == "position"
    changes = lines(run_cli("export", "--format", "jsonl", "--what", "changes", data_dir=data))
    assert len(changes) == 4 and {c["kind"] for c in changes} == {
        "new_policy",
        "criteria",
        "coverage_position",
    }
    crit = next(c for c in changes if c["kind"] == "criteria")
    assert crit["details"][0]["evidence"]["new"]["text"] == "two"


def test_export_warc_replays_the_original_bytes(data, tmp_path):
    out = tmp_path / "archive.warc.gz"
    result = run_cli("export", "--format", "warc", "--out", str(out), data_dir=data)
    assert result.returncode == 0, result.stderr
    assert gzip.open(out).read(4) == b"WARC"
    with Archive(data) as arc:
        expected = {
            (v.url, arc.version_bytes(v.id)) for p in arc.list_policies() for v in arc.list_versions(p.id)
        }
    got, types = set(), []
    with out.open("rb") as fh:
        for record in ArchiveIterator(fh):
            types.append(record.rec_type)
            if record.rec_type == "response":
                assert record.http_headers.get_statuscode() == "200"
                got.add((record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()))
    assert types[0] == "warcinfo" and got == expected and len(got) == 4
    html = [t for t in types if t == "response"]
    assert len(html) == 4


def test_export_warc_reports_missing_blobs(database, tmp_path):
    data = tmp_path / "data"
    with Archive(data) as arc:
        sample = build_sample_archive(arc)
        arc.blobs.path_for(arc.get_version(sample.uhc_versions[0]).sha256).unlink()
    out = tmp_path / "partial.warc.gz"
    result = run_cli("export", "--format", "warc", "--out", str(out), data_dir=data)
    assert result.returncode == 1 and "1 version(s) skipped: blob missing" in result.stderr
    with out.open("rb") as fh:
        assert sum(r.rec_type == "response" for r in ArchiveIterator(fh)) == 3
