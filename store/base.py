"""Shared plumbing for the archive's API mixins."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from store.blobs import BlobStore

if TYPE_CHECKING:
    from store.models import Policy, Source, Version

T = TypeVar("T")


def row_to(cls: type[T], row: Any) -> T:
    """Build a dataclass from a result row, ignoring columns the dataclass does not have."""
    mapping = row._mapping
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]  # T is a dataclass
    return cls(**{k: mapping[k] for k in mapping.keys() if k in names})


def values_of(obj: Any, table: sa.Table, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values of a dataclass for ``table`` (columns the dataclass lacks are left to defaults)."""
    data = dataclasses.asdict(obj)
    return {c.name: data[c.name] for c in table.columns if c.name in data and c.name not in skip}


def inserted_id(result: sa.CursorResult) -> int:
    """The primary key of the row an ``insert`` just wrote."""
    key = result.inserted_primary_key
    assert key is not None
    return key[0]


class ArchiveBase:
    engine: sa.Engine
    blobs: BlobStore

    if TYPE_CHECKING:  # the parts call each other through the ``Archive`` facade they make up

        def get_policy(self, policy_id: str) -> Policy | None: ...
        def list_sources(self) -> list[Source]: ...
        def list_versions(self, policy_id: str) -> list[Version]: ...
