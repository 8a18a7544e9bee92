"""The coverage matrix read a page at a time: every page size gives back exactly the whole matrix, filters
choose the cells they name (from each policy's latest version only), and a page cursor stays valid while
policies arrive. Both ways of finding filtered rows run: walking policies in order, and starting from
the facts of a rare stance or indication (``SPARSE``)."""

from __future__ import annotations

import itertools

import pytest

import store.queries.matrix as matrix_module
from store import Archive
from store.queries import matrix_cursor, parse_matrix_cursor
from tests.support.matrix_grid import SOURCES, add, build, wanted


@pytest.fixture(scope="module")
def grid(module_database, tmp_path_factory):
    archive = Archive(tmp_path_factory.mktemp("matrix") / "data")
    expected = build(archive)
    yield archive, expected
    archive.close()


@pytest.fixture(params=["walk", "from-facts"])
def path(request, monkeypatch):
    """Run each test through both ways of finding filtered rows."""
    monkeypatch.setattr(matrix_module, "SPARSE", 10**6 if request.param == "from-facts" else -1)


FILTERS = [
    {},
    {"drug": "ketamine"},
    {"indication": "ptsd"},
    {"stance": "not_covered"},
    {"stance": "mixed"},
    {"drug": "esketamine", "indication": "trd", "stance": "covered_with_criteria"},
    {"payer": "acme health"},
    {"program": "medicaid", "stance": "covered"},
    {"stance": "unproven"},  # nobody: an empty matrix, not an error
]


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()) or "all"
)
def test_filters_choose_cells_of_the_latest_version(grid, path, filters):
    archive, expected = grid
    cells = archive.matrix(**filters)
    assert [c.key for c in cells] == wanted(expected, **filters)
    for c in cells:
        assert (c.position, c.criteria) == expected[c.key]
        assert c.version_id == archive.list_versions(c.policy_id)[-1].id


def test_payer_filter_takes_a_source_id(grid, path):
    archive, expected = grid
    assert {c.source_id for c in archive.matrix(payer="acme-m")} == {"acme-m"}


@pytest.mark.parametrize(
    "filters", FILTERS[:6], ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()) or "all"
)
def test_pages_of_any_size_add_up_to_the_whole_matrix(grid, path, filters):
    archive, _ = grid
    whole = [c.key for c in archive.matrix(**filters)]
    for size in (1, 2, 3, 7):
        keys, after = [], None
        for _ in range(len(whole) + 1):
            page = archive.matrix(**filters, limit=size, after=after)
            keys += [c.key for c in page]
            if len(page) < size:
                break
            after = parse_matrix_cursor(matrix_cursor(page[-1].key), 4)
        assert keys == whole, size
        rows, row_after = [], None
        while page := archive.matrix_rows(limit=size, after=row_after, **filters):
            rows += [c.key for row in page for c in row]
            row_after = parse_matrix_cursor(matrix_cursor(page[-1][0].key[:2]), 2)
        assert rows == whole, size


def test_a_cursor_stays_valid_while_policies_arrive(archive):
    expected = build(archive)
    first = archive.matrix_rows(limit=5)
    after = first[-1][0].key[:2]
    assert after[0] == "Acme Health"
    # one policy sorts before the cursor (already passed), one after it (still to come)
    add(archive, SOURCES[0], "acme/A00", [[("ketamine", "depression", "position", "covered")]])
    add(archive, SOURCES[1], "acme/Z99", [[("ketamine", "depression", "position", "covered")]])
    rest = list(itertools.chain.from_iterable(archive.matrix_rows(limit=1000, after=after)))
    shown = [c.key for row in first for c in row] + [c.key for c in rest]
    assert len(shown) == len(set(shown))
    assert sorted(shown) == sorted(set(expected) | {("Acme Health", "acme/Z99", "ketamine", "depression")})


def test_a_bad_cursor_is_a_value_error():
    for cursor in ("", "%%%", matrix_cursor(("a", "b")) + "x", matrix_cursor(("a",))):
        with pytest.raises(ValueError):
            parse_matrix_cursor(cursor, 2)
