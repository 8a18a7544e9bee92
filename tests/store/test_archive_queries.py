"""Store-level archive queries: history, as-of on both clocks, matrix, search scope, exports, bulk load."""

from __future__ import annotations

import datetime as dt

import pytest

from store.models import Policy, Source
from tests.support.archive_builder import KET, VersionSpec, add_policy, build_sample_archive, extracted


@pytest.fixture
def sample(archive):
    return build_sample_archive(archive)


def test_history_lists_versions_with_the_change_that_introduced_each(archive, sample):
    entries = archive.history(sample.uhc)
    assert [e.version.seq for e in entries] == [1, 2, 3]
    assert [[c.kind for c in e.changes] for e in entries] == [
        ["new_policy"],
        ["criteria"],
        ["coverage_position"],
    ]
    assert entries[0].version.last_seen.date() == dt.date(2024, 6, 4)


@pytest.mark.parametrize(
    ("day", "by", "seq"),
    [
        (dt.date(2024, 1, 31), "effective", None),  # seen already, but not yet in force
        (dt.date(2024, 1, 31), "observed", 1),
        (dt.date(2024, 3, 15), "effective", 1),  # between v1 and v2 on both clocks
        (dt.date(2024, 3, 15), "observed", 1),
        (dt.date(2024, 6, 20), "effective", 1),  # v2 published 06-05 but effective 07-01: the clocks disagree
        (dt.date(2024, 6, 20), "observed", 2),
        (dt.date(2024, 7, 1), "effective", 2),  # the effective day itself counts
        (dt.date(2025, 2, 1), "effective", 3),  # v3 re-issued 2025-03 with effective date 2025-01-01
        (dt.date(2025, 2, 1), "observed", 2),
        (dt.date(2026, 1, 1), "effective", 3),
    ],
)
def test_version_as_of(archive, sample, day, by, seq):
    version = archive.version_as_of(sample.uhc, day, by)
    assert (version.seq if version else None) == seq


def test_as_of_ties_go_to_the_later_version(archive):
    src = Source(id="tie", payer="Tie Health")
    seen = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    def spec(days: int, body: str) -> VersionSpec:
        return VersionSpec(
            seen + dt.timedelta(days=days), dt.date(2024, 2, 1), [("K", body, ("ketamine",), ())]
        )

    add_policy(archive, src, "P1", [spec(0, KET), spec(10, KET + " Revised.")])
    assert archive.version_as_of("tie/P1", dt.date(2024, 2, 1)).seq == 2


def test_resolve_policy_by_number(archive, sample):
    assert archive.resolve_policy("2026D0069P").id == sample.uhc
    assert archive.resolve_policy("nope") is None


def test_matrix_uses_latest_version_and_filters_program_and_state(archive, sample):
    cells = {(c.policy_id, c.drug, c.indication): c for c in archive.matrix()}
    assert cells[(sample.uhc, "ketamine", "depression")].position == "not_medically_necessary"
    esk = cells[(sample.uhc, "esketamine", "trd")]
    assert esk.criteria == {"failed_antidepressants": "2"}
    assert esk.last_change == dt.datetime(2025, 3, 1, 7, tzinfo=dt.UTC)
    assert {c.policy_id for c in archive.matrix(program="medicaid")} == {sample.tx}
    assert {c.policy_id for c in archive.matrix(state="tx")} == {sample.tx}
    assert archive.matrix(program="federal") == []


def test_search_defaults_to_each_policys_latest_version(archive, sample):
    hits = archive.search("investigational depression")
    assert [h.policy_id for h in hits] == [sample.tx]  # UHC dropped "investigational" in v3
    assert "\x02investigational\x03" in hits[0].snippet
    everywhere = archive.search("investigational", all_versions=True)
    assert sorted((h.policy_id, h.seq) for h in everywhere) == [
        (sample.tx, 1),
        (sample.uhc, 1),
        (sample.uhc, 2),
    ]


def test_search_as_of_and_filters(archive, sample):
    hits = archive.search("investigational", as_of=dt.date(2024, 12, 31))
    assert sorted((h.policy_id, h.seq) for h in hits) == [(sample.tx, 1), (sample.uhc, 2)]
    observed = archive.search("investigational", as_of=dt.date(2025, 2, 1), by="observed")
    assert sorted((h.policy_id, h.seq) for h in observed) == [(sample.tx, 1), (sample.uhc, 2)]
    assert [h.policy_id for h in archive.search("investigational", as_of=dt.date(2025, 2, 1))] == [sample.tx]
    assert [h.seq for h in archive.search("three antidepressant", as_of=dt.date(2024, 3, 1))] == [1]
    assert archive.search("three antidepressant") == []
    assert {h.policy_id for h in archive.search("psychiatrist", drug="esketamine")} == {sample.uhc}
    assert archive.search("psychiatrist", drug="ketamine") == []  # "ketamine" must not match "esketamine"
    assert {h.policy_id for h in archive.search("ketamine", payer="Sample Texas Medicaid")} == {sample.tx}
    assert {h.policy_id for h in archive.search("ketamine", payer="sample-uhc-commercial")} == {sample.uhc}


@pytest.mark.parametrize(
    ("query", "plain"),
    [('"', ""), ("NEAR(", "near"), ("zyxwv OR", "zyxwv or"), ("*", ""), ("a:b", "a b"), ("  ", "")],
)
def test_search_never_passes_user_syntax_to_fts(archive, sample, query, plain):
    """FTS5 operators a user types are plain words (no syntax error, no operator meaning)."""
    assert archive.search(query) == archive.search(plain) == []  # none of these words is in the sample
    # ("or" would be a stop word on PostgreSQL, so the OR case pairs it with a word the sample lacks)


def test_a_leading_minus_is_a_word_not_a_negation(archive, sample):
    hits = archive.search("-ketamine")
    assert hits and hits == archive.search("ketamine")


def test_reextraction_keeps_the_search_index_in_step(archive, sample):
    vid = sample.tx_versions[0]
    spec = VersionSpec(
        dt.datetime(2024, 3, 2, tzinfo=dt.UTC),
        None,
        [("Ketamine", "Zygomorphic wording.", ("ketamine",), ())],
    )
    archive.set_extraction(vid, extracted(spec, "KET-01"))
    assert [h.version_id for h in archive.search("zygomorphic")] == [vid]
    assert archive.search("onerror") == []  # the old passage left the index with its row


def test_export_streams_every_kind(archive, sample):
    versions = list(archive.iter_export("versions"))
    assert len(versions) == 4 and versions[0]["payer"] == "Sample United Health"
    assert "extraction" not in versions[0] and versions[0]["first_seen"].endswith("+00:00")
    assert len(list(archive.iter_export("passages"))) == 7
    facts = list(archive.iter_export("facts"))
    assert {f["field"] for f in facts} == {"position", "failed_antidepressants"}
    changes = list(archive.iter_export("changes"))
    assert [c["kind"] for c in changes][:2] == ["new_policy", "new_policy"]
    assert changes[2]["details"][0]["old"] == "3" and changes[2]["diff"][1] == [-1, "three"]
    with pytest.raises(ValueError):
        list(archive.iter_export("blobs"))


def test_export_is_a_lazy_generator(archive, sample):
    rows = archive.iter_export("passages", batch=2)
    assert next(rows)["ordinal"] == 0  # first row arrives before the rest are read


def test_bulk_load_inserts_rows_and_indexes_them(archive):
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    archive.upsert_source(Source(id="bulk", payer="Bulk"))
    archive.upsert_policy(Policy(id="bulk/1", source_id="bulk", url="https://b/1"), seen_at=now)
    n = archive.bulk_load(
        "versions",
        (
            {
                "id": 100 + i,
                "policy_id": "bulk/1",
                "seq": i + 1,
                "sha256": f"{i:064x}",
                "url": "https://b/1",
                "size": 1,
                "first_seen": now,
                "last_seen": now,
            }
            for i in range(7)
        ),
        chunk=3,
    )
    assert n == 7
    archive.bulk_load(
        "passages",
        [
            {
                "version_id": 106,
                "ordinal": 0,
                "text": "quixotic ketamine",
                "start": 0,
                "end": 17,
                "section_path": [],
                "drugs": ["ketamine"],
                "indications": [],
                "codes": [],
            }
        ],
    )
    assert [h.seq for h in archive.search("quixotic")] == [7]
    with pytest.raises(ValueError):
        archive.bulk_load("deliveries", [])


def test_search_order_newest_when_too_many_match(archive, sample, monkeypatch):
    import store.search

    hits = archive.search("ketamine", all_versions=True, order="newest")
    assert [h.passage_id for h in hits] == sorted((h.passage_id for h in hits), reverse=True)
    monkeypatch.setattr(store.search, "RANK_LIMIT", 2)
    assert [h.passage_id for h in archive.search("ketamine", all_versions=True)] == [
        h.passage_id for h in hits
    ]
    monkeypatch.setattr(store.search, "RANK_LIMIT", 5000)
    relevant = archive.search("ketamine", all_versions=True)
    assert relevant[0].passage_id != hits[0].passage_id  # bm25 prefers the short passages
    assert sorted(h.passage_id for h in relevant) == sorted(h.passage_id for h in hits)


def test_a_revision_keeping_its_original_effective_date_counts_from_when_it_was_issued(archive):
    """Aetna-style bulletins print the 2019 effective date on every revision; a 2026 revision must not
    answer for 2025, while a re-issue that moves its effective date (even backwards in time) counts from
    it."""
    from extractors.model import ExtractedPolicy, Passage, PolicyMetadata
    from store.models import Policy, Source

    archive.upsert_source(Source(id="aetna", payer="Aetna"))
    archive.upsert_policy(Policy(id="aetna/0938", source_id="aetna", url="u"))
    seen = [dt.datetime(2025, 12, 1, 6, tzinfo=dt.UTC), dt.datetime(2026, 2, 16, 6, tzinfo=dt.UTC)]
    ids = []
    for i, when in enumerate(seen):
        v, _ = archive.add_version("aetna/0938", f"rev {i}".encode(), "u", "text/html", seen_at=when)
        text = f"Aetna considers ketamine experimental revision {i}"
        archive.set_extraction(
            v.id,
            ExtractedPolicy(
                media_type="text/html",
                text=text,
                metadata=PolicyMetadata(policy_number="0938", effective=dt.date(2019, 4, 18)),
                passages=(Passage(("Policy",), "Policy", text, 0, len(text), drugs=("ketamine",)),),
            ),
        )
        ids.append(v.id)
    assert archive.version_as_of("aetna/0938", dt.date(2020, 1, 1)).id == ids[0]
    assert archive.version_as_of("aetna/0938", dt.date(2026, 1, 10)).id == ids[0]
    assert archive.version_as_of("aetna/0938", dt.date(2026, 2, 16)).id == ids[1]
    hits = archive.search("revision", as_of=dt.date(2026, 1, 10))
    assert [h.version_id for h in hits] == [ids[0]]
