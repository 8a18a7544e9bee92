"""``payerwatch new-source``: one command writes a payer's files under one slug, and the completeness rule
(``tests/support/sources.py``) sees exactly what is still missing — for a generic and a family payer."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from crawler.sources import load_sources
from tests.support import ROOT, run_cli
from tests.support.sources import missing_files


def _scratch_repo(tmp_path: Path) -> Path:
    """The parts of the checkout the command and the rule read, copied so the real tree stays untouched."""
    root = tmp_path / "repo"
    (root / "tests/crawler").mkdir(parents=True)
    shutil.copytree(ROOT / "crawler", root / "crawler", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests/files/generic", root / "tests/files/generic")
    for source in load_sources():
        if source.spider != "generic":
            shutil.copytree(ROOT / "tests/files" / source.id, root / "tests/files" / source.id)
            name = f"test_{source.id.replace('-', '_')}.py"
            shutil.copy(ROOT / "tests/crawler" / name, root / "tests/crawler" / name)
    assert missing_files(root) == {}
    return root


def test_a_family_payer_gets_entry_folder_and_test(tmp_path):
    root = _scratch_repo(tmp_path)
    url = "https://medicalpolicy.bcbsks.example/policies/index.html"
    res = run_cli(
        "new-source", "bcbs-kansas", "--spider", "bcbs_versioned", "--state", "KS", "--url", url,
        "--root", str(root),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert missing_files(root) == {}
    entry = next(s for s in load_sources(root / "crawler/sources.yaml") if s.id == "bcbs-kansas")
    assert (entry.spider, entry.state, entry.start_urls) == ("bcbs_versioned", "KS", [url])
    assert entry.allowed_domains == ["medicalpolicy.bcbsks.example"]
    test = (root / "tests/crawler/test_bcbs_kansas.py").read_text()
    assert 'make_spider(BcbsVersionedSpider, "bcbs-kansas")' in test
    compile(test, "test_bcbs_kansas.py", "exec")
    assert "own words" in (root / "tests/files/bcbs-kansas/README.md").read_text()


def test_a_generic_payer_gets_entry_and_expectations_and_needs_its_page(tmp_path):
    root = _scratch_repo(tmp_path)
    res = run_cli("new-source", "bcbs-kansas", "--spider", "generic", "--root", str(root))
    assert res.returncode == 0, res.stderr
    assert "bcbs-kansas" in yaml.safe_load((root / "tests/files/generic/expected.yaml").read_text())
    entry = next(s for s in load_sources(root / "crawler/sources.yaml") if s.id == "bcbs-kansas")
    assert entry.spider == "generic" and entry.documents
    assert missing_files(root) == {"bcbs-kansas": ["tests/files/generic/bcbs-kansas.html"]}
    (root / "tests/files/generic/bcbs-kansas.html").write_text("<html></html>")
    assert missing_files(root) == {}


def test_the_rule_notices_a_family_payer_without_its_test(tmp_path):
    root = _scratch_repo(tmp_path)
    (root / "tests/crawler/test_tx_medicaid.py").unlink()
    assert missing_files(root) == {"tx-medicaid": ["tests/crawler/test_tx_medicaid.py"]}


def test_a_taken_malformed_or_unknown_slug_is_refused(tmp_path):
    root = _scratch_repo(tmp_path)
    taken = run_cli("new-source", "tx-medicaid", "--spider", "generic", "--root", str(root))
    assert taken.returncode != 0 and "exists already" in taken.stderr
    bad = run_cli("new-source", "TX_Medicaid", "--spider", "generic", "--root", str(root))
    assert bad.returncode != 0 and "dashes" in bad.stderr
    unknown = run_cli("new-source", "x", "--spider", "nope", "--root", str(root))
    assert unknown.returncode != 0 and "generic" in unknown.stderr
    assert missing_files(root) == {}
