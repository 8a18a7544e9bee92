"""Shared plumbing for the archive's API mixins."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import sqlalchemy as sa

from store.blobs import BlobStore

T = TypeVar("T")


def row_to(cls: type[T], row: Any) -> T:
    """Build a dataclass from a result row, ignoring columns the dataclass does not have."""
    mapping = row._mapping
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: mapping[k] for k in mapping.keys() if k in names})


def values_of(obj: Any, table: sa.Table, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values of a dataclass for ``table`` (columns the dataclass lacks are left to defaults)."""
    data = dataclasses.asdict(obj)
    return {c.name: data[c.name] for c in table.columns if c.name in data and c.name not in skip}


class ArchiveBase:
    engine: sa.Engine
    blobs: BlobStore
