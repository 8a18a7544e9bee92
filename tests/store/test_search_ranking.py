"""Relevance order ranks a bounded candidate set (the newest ``RANK_LIMIT`` matches), so its cost stops
growing with the number of matches: on a small archive with the bound set below the number of matches,
the most relevant recent passages still come first, and paging still returns every match once."""

from __future__ import annotations

import datetime as dt

import pytest

import store.search
from store.models import Source
from tests.support.archive_builder import VersionSpec, add_policy

SRC = Source(id="rank", payer="Rank Health")
FILLER = (
    "This section lists general provisions for many services, among them a ketamine mention, together with "
    "prior authorization rules, member eligibility, network requirements, appeals and grievances, "
    "billing guidance, claims submission and coordination of benefits for the plan year."
)
RELEVANT = "Ketamine infusion: ketamine is not covered."


def _add(archive, number: str, text: str, day: int) -> None:
    seen = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=day)
    add_policy(archive, SRC, number, [VersionSpec(seen, None, [("Provisions", text, ("ketamine",), ())])])


@pytest.fixture
def ranked_archive(archive):
    _add(archive, "OLD-RELEVANT", RELEVANT + " Old.", 0)  # older than every candidate
    for n in range(8):
        _add(archive, f"F{n}", FILLER, 1 + n)
    _add(archive, "NEW-1", RELEVANT, 20)
    _add(archive, "F-LATE", FILLER + " Late.", 21)
    _add(archive, "NEW-2", RELEVANT + " Again.", 22)
    return archive


def numbers(hits) -> list[str]:
    return [h.policy_id.split("/", 1)[1] for h in hits]


def test_the_most_relevant_candidates_come_first_and_every_match_follows_once(ranked_archive, monkeypatch):
    everything = numbers(ranked_archive.search("ketamine", order="relevance", limit=50))
    assert set(everything[:3]) == {"NEW-2", "NEW-1", "OLD-RELEVANT"}  # the full ranking: no bound reached
    monkeypatch.setattr(store.search, "RANK_LIMIT", 4)  # 4 candidates of 11 matches
    bounded = numbers(ranked_archive.search("ketamine", order="relevance", limit=50))
    assert set(bounded[:2]) == {"NEW-2", "NEW-1"}  # the relevant recent passages still lead
    assert set(bounded[:4]) == {"NEW-2", "NEW-1", "F-LATE", "F7"}  # the four newest matches, ranked
    assert bounded[4:] == ["F6", "F5", "F4", "F3", "F2", "F1", "F0", "OLD-RELEVANT"]  # then newest first
    pages = [
        numbers(ranked_archive.search("ketamine", order="relevance", limit=3, offset=o)) for o in (0, 3, 6, 9)
    ]
    assert sum(pages, []) == bounded
    # auto keeps its rule: relevance while every match is a candidate, newest first beyond
    assert numbers(ranked_archive.search("ketamine", limit=3)) == ["NEW-2", "F-LATE", "NEW-1"]


@pytest.mark.parametrize("text", ["Ketamine INFUSION", "Ésketamine Über ÀLPHA", "İstanbul ǅ ß", ""])
def test_candidate_words_are_lower_cased_as_sqlite_does(text):
    """The counts behind the bounded ranking were taken with SQLite's ``lower()`` (ASCII letters only);
    counted in Python now, they must fold exactly the same letters."""
    import sqlite3

    from store.search_rank import sqlite_lower

    assert sqlite_lower(text) == sqlite3.connect(":memory:").execute("SELECT lower(?)", (text,)).fetchone()[0]
