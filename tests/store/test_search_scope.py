"""``search --as-of`` picks the version ``show --as-of`` shows, on every day.

The search walk works out each policy's in-force version in Python from the rows the database hands
back (``store.search_walk.in_force_keys``); ``version_as_of`` applies ``store.queries.in_force_date``
to typed versions, and an ``all_versions`` search on a day filters with the rule's SQL twin. All three
must agree, on both databases, for the cases the rule exists for: an effective date kept from an earlier
revision, a retroactive one, a document published ahead of its effective date, no effective date at
all, and two versions counting from the same day.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from store import schema
from store.models import Source
from store.queries import in_force_dates
from tests.support.archive_builder import VersionSpec, add_policy

SRC = Source(id="scope", payer="Scope Health")
WORD = "quillwort"  # in every passage, so every version of every policy matches


def _spec(seen: dt.date, effective: dt.date | None, note: str) -> VersionSpec:
    when = dt.datetime(seen.year, seen.month, seen.day, 23, 30, tzinfo=dt.UTC)  # late: UTC day matters
    return VersionSpec(when, effective, [("Ketamine", f"Ketamine {WORD} wording {note}.", ("ketamine",), ())])


D = dt.date


@pytest.fixture
def scoped(archive):
    kept = add_policy(
        archive,
        SRC,
        "KEPT",  # keeps its first effective date on every revision, then one retroactive, then ahead
        [
            _spec(D(2020, 1, 10), D(2020, 2, 1), "one"),
            _spec(D(2020, 6, 1), D(2020, 2, 1), "two"),
            _spec(D(2021, 1, 5), D(2019, 6, 1), "three"),
            _spec(D(2021, 3, 1), D(2021, 9, 1), "four"),
        ],
    )
    add_policy(
        archive,
        SRC,
        "NONE",  # no effective dates: the day published, else the day first seen
        [
            _spec(D(2020, 3, 1), None, "one"),
            _spec(D(2020, 9, 1), None, "two"),
            _spec(D(2021, 2, 1), None, "3"),
        ],
    )
    add_policy(
        archive,
        SRC,
        "TIE",  # both count from 2020-05-01: the later version wins
        [_spec(D(2020, 4, 1), D(2020, 5, 1), "one"), _spec(D(2020, 4, 20), D(2020, 5, 1), "two")],
    )
    with archive.engine.begin() as conn:  # published ahead of its effective date, and one without it
        conn.execute(
            schema.versions.update().where(schema.versions.c.id == kept[1]).values(published=D(2020, 5, 20))
        )
    return archive


POLICIES = ("scope/KEPT", "scope/NONE", "scope/TIE")


def _in_force(archive, by: str) -> dict[int, dt.date]:
    out: dict[int, dt.date] = {}
    for pid in POLICIES:
        out.update(in_force_dates(archive.list_versions(pid), by))
    return out


def _days(archive, by: str) -> list[dt.date]:
    """Every day a version starts to count, the day before and the day after, and one long before."""
    one = dt.timedelta(days=1)
    return sorted(
        {d + k * one for d in _in_force(archive, by).values() for k in (-1, 0, 1)} | {D(2019, 1, 1)}
    )


@pytest.mark.parametrize("by", ["effective", "observed"])
def test_search_as_of_agrees_with_show_as_of_on_every_day(scoped, by):
    for day in _days(scoped, by):
        shown = {p: v.id for p in POLICIES if (v := scoped.version_as_of(p, day, by)) is not None}
        hits = scoped.search(WORD, as_of=day, by=by, limit=50)
        assert {h.policy_id: h.version_id for h in hits} == shown, day
        assert len(hits) == len(shown)  # one passage per in-force version, none from other versions


@pytest.mark.parametrize("by", ["effective", "observed"])
def test_searching_every_version_on_a_day_keeps_those_in_force_by_then(scoped, by):
    in_force = _in_force(scoped, by)
    for day in _days(scoped, by):
        hits = scoped.search(WORD, as_of=day, by=by, all_versions=True, limit=50)
        assert sorted(h.version_id for h in hits) == sorted(v for v, d in in_force.items() if d <= day), day


def test_the_retroactive_revision_is_in_force_from_its_issue_day(scoped):
    """Guards the fixture: each special case above really occurs."""
    v = {x.seq: x for x in scoped.list_versions("scope/KEPT")}
    assert in_force_dates(list(v.values()))[v[3].id] == D(2021, 1, 5)  # retroactive: counts from issue
    assert in_force_dates(list(v.values()))[v[2].id] == D(2020, 5, 20)  # kept date: from publication
    with scoped.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.versions)).scalar_one() == 9
