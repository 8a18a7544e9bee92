"""Shared fixtures: a fresh archive per test (fixture databases are built in code, never committed)."""

from __future__ import annotations

import pytest

from store import Archive


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def archive(data_dir):
    arc = Archive(data_dir)
    yield arc
    arc.close()
