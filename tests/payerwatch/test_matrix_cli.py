"""``payerwatch matrix`` as a user runs it: filters, pages joined by the printed cursor, ``--limit 0``."""

from __future__ import annotations

import json
import re

import pytest

from store import Archive
from tests.support import run_cli
from tests.support.matrix_grid import build, wanted


@pytest.fixture(scope="module")
def grid(module_database, tmp_path_factory):
    path = tmp_path_factory.mktemp("matrix-cli") / "data"
    with Archive(path) as arc:
        expected = build(arc)
    return path, expected


def keys(result) -> list[tuple]:
    assert result.returncode == 0, result.stderr
    cells = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return [(c["payer"], c["policy_id"], c["drug"], c["indication"]) for c in cells]


def test_pages_joined_by_the_printed_cursor_are_the_whole_filtered_matrix(grid):
    data, expected = grid
    args, got = ["matrix", "--stance", "covered_with_criteria", "--json", "--limit", "4"], []
    for _ in range(20):
        result = run_cli(*args, data_dir=data)
        got += keys(result)
        more = re.search(r"--after (\S+)", result.stderr)
        if not more:
            break
        args = [*args[:5], "4", "--after", more.group(1)]
    assert got == wanted(expected, stance="covered_with_criteria") and len(got) > 4
    assert keys(run_cli("matrix", "--limit", "0", "--json", "--drug", "ketamine", data_dir=data)) == wanted(
        expected, drug="ketamine"
    )


def test_plain_output_and_errors(grid):
    data, _ = grid
    result = run_cli("matrix", "--payer", "beta", "--indication", "trd", data_dir=data)
    assert result.returncode == 0 and "Beta Care\tbeta/" in result.stdout and "Esketamine" in result.stdout
    assert "no policies" in run_cli("matrix", "--stance", "unproven", data_dir=data).stderr
    assert run_cli("matrix", "--after", "nonsense", data_dir=data).returncode == 2
