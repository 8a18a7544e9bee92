"""The shipped sources file: at least 25 real sources, every one loadable by its spider and covered by a
fixture-backed test; ``scrapy list`` shows the family spiders."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.sources import SourceError, load_sources, parse_source
from tests.support import ROOT
from tests.support.sources import missing_for

FAMILIES = {
    "generic",
    "uhc",
    "aetna_cpb",
    "cigna",
    "bcbs_versioned",
    "bcbsnd",
    "regence",
    "cms_mcd",
    "tx_medicaid",
    "masshealth",
    "tricare",
}


def test_at_least_25_sources_covering_every_family():
    sources = load_sources()
    assert len(sources) >= 25
    assert {s.spider for s in sources} == FAMILIES


@pytest.mark.parametrize("source", load_sources(), ids=lambda s: s.id)
def test_every_source_has_a_fixture_backed_test(source):
    """One slug per source: ``tests/files/<id>/`` (with a README citing the evidence) and
    ``tests/crawler/test_<id>.py`` that loads it; generic sources share ``tests/files/generic/<id>.html``
    and have an entry in its ``expected.yaml`` (the rule: ``tests/support/sources.py``)."""
    assert missing_for(source, ROOT) == []


def test_scrapy_list_shows_the_family_spiders():
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert set(out) == FAMILIES


def test_missing_key_fails_clearly():
    with pytest.raises(SourceError, match="source 'a' is missing required key.*allowed_domains"):
        parse_source({"id": "a", "payer": "A", "program": "commercial", "spider": "uhc", "start_urls": ["u"]})
    with pytest.raises(SourceError, match="program must be one of"):
        parse_source(
            {
                "id": "a",
                "payer": "A",
                "program": "vip",
                "spider": "uhc",
                "start_urls": ["u"],
                "allowed_domains": ["a"],
            }
        )


def test_unknown_source_is_a_clean_cli_error(tmp_path):
    from tests.support import run_cli

    result = run_cli("crawl", "--source", "no-such-source", data_dir=tmp_path / "d")
    assert result.returncode == 1 and "unknown source id(s): no-such-source" in result.stderr
