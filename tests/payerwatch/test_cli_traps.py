"""The command line without traps: what a new user runs into first, each checked as a real process."""

from __future__ import annotations

import subprocess
import sys

from store import Archive
from store.models import Source
from tests.support import ROOT, run_cli
from tests.support.archive_builder import build_sample_archive

UHC = "sample-uhc-commercial/2026D0069P"


def _sample(data_dir) -> None:
    with Archive(data_dir) as archive:
        build_sample_archive(archive)


def test_piped_diff_marks_changes_in_the_text(data_dir):
    _sample(data_dir)
    res = run_cli("diff", UHC, "1", "2", data_dir=data_dir)  # stdout is a pipe here, as with `| less`
    assert res.returncode == 0, res.stderr
    assert "[-three-]{+two+}" in res.stdout
    assert "\x1b[" not in res.stdout  # no colour codes in a file


def test_unknown_policy_or_version_is_one_line_and_exit_2(data_dir):
    _sample(data_dir)
    for args in (("history", "nobody/none"), ("diff", "nobody/none"), ("diff", UHC, "1", "9")):
        res = run_cli(*args, data_dir=data_dir)
        assert res.returncode == 2, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr, res.stderr


def test_subscribe_refuses_an_unknown_payer_and_lists_the_valid_ones(data_dir):
    _sample(data_dir)
    res = run_cli("subscribe", "clinic@example.org", "--payer", "nonexistent", data_dir=data_dir)
    assert res.returncode == 2
    assert (
        "'nonexistent'" in res.stderr
        and "sample-tx-medicaid" in res.stderr
        and "sample-uhc-commercial" in res.stderr
    )
    for payer in ("sample-uhc-commercial", "Sample United Health"):  # a source id or the payer's name
        assert run_cli("subscribe", "ok@example.org", "--payer", payer, data_dir=data_dir).returncode == 0


def test_status_never_cuts_a_source_id_or_its_error(data_dir):
    long_id = "unitedhealthcare-community-plan-of-texas-medicaid"
    error = "dns: policies.uhccommunityplan.example could not be resolved (NXDOMAIN) " + "x" * 120
    with Archive(data_dir) as archive:
        archive.upsert_source(Source(id=long_id, payer="UnitedHealthcare Community Plan of Texas"))
        run = archive.start_run(long_id)
        run.status, run.message = "failed", error
        archive.finish_run(run)
    res = run_cli("status", data_dir=data_dir, env={"COLUMNS": "80"})
    assert res.returncode == 0
    assert long_id in res.stdout and error in res.stdout.replace("\n", "")
    assert f"{long_id}: {error}" in res.stdout


def test_export_says_what_it_wrote(data_dir, tmp_path):
    _sample(data_dir)
    out = tmp_path / "changes.csv"
    res = run_cli("export", "--format", "csv", "--what", "changes", "--out", str(out), data_dir=data_dir)
    assert res.returncode == 0
    assert f"wrote 4 changes rows (csv) to {out}" in res.stderr
    assert out.read_text().count("\n") >= 5


def test_scrapy_crawl_without_a_source_says_so_in_one_line():
    res = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "generic"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 2
    last = res.stderr.strip().splitlines()[-1]
    assert "needs a source" in last and "-a source=" in last
    assert "Traceback" not in res.stderr
