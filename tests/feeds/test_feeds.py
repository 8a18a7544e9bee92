"""Atom and RSS feeds: parsed back with feedparser, stable ids, order, filters, limits, CLI."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest

from feeds.build import FEED_LIMIT, FeedFilter, build_feed
from feeds.present import entry_id
from tests.support import run_cli
from tests.support.feeds import load_cases, make_change, seed, seed_sources

BASE = "https://watch.example.org"


@pytest.fixture
def seeded(archive):
    return seed(archive)


def _feed(archive, fmt="atom", **filters):
    data = build_feed(archive.list_change_contexts(), FeedFilter(**filters), fmt, BASE)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return data, parsed


def _newest_first(changes):
    return sorted(changes, key=lambda c: (-c.detected_at.timestamp(), c.id))


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_all_feed_has_every_change_newest_first_with_tag_ids(archive, seeded, fmt):
    _, parsed = _feed(archive, fmt)
    expected = _newest_first(seeded.values())
    assert [e.id for e in parsed.entries] == [entry_id(c.id) for c in expected]
    assert all(e.id.startswith("tag:") for e in parsed.entries)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_entry_title_links_and_categories(archive, seeded, fmt):
    _, parsed = _feed(archive, fmt)
    change = seeded["eh-trd-trials"]
    entry = next(e for e in parsed.entries if e.id == entry_id(change.id))
    assert entry.title == (
        "Example Health · Esketamine: failed antidepressant trials required for Spravato lowered from 3 to 2"
    )
    old, new = archive.get_version(change.old_version_id), archive.get_version(change.new_version_id)
    diff_link = f"{BASE}/policy/example-health/PH-0042/diff/{old.seq}/{new.seq}"
    assert entry.link == diff_link
    terms = {t.term for t in entry.tags}
    if fmt == "atom":
        assert terms == {"example-health", "esketamine", "criteria", "high"}
    else:  # feedgen writes the Atom label as the RSS category text
        assert terms == {"Example Health", "Esketamine", "criteria", "severity: high"}
    if fmt == "atom":
        rels = {link.rel: link.href for link in entry.links}
        assert rels["related"] == "https://policies.example-health.test/medical/ph-0042.pdf"
        assert entry.updated_parsed[:6] == (2026, 11, 2, 9, 0, 0)
    else:
        assert entry.published_parsed[:6] == (2026, 11, 2, 9, 0, 0)
    body = entry.content[0].value if fmt == "atom" else entry.summary
    assert "failed antidepressants required 3 → 2" in body
    assert "Effective" in body and "2026-12-01" in body
    assert "<del" in body and "three" in body and "<ins" in body and "two" in body


def test_regenerating_gives_same_ids_and_bytes(archive, seeded):
    first, parsed1 = _feed(archive)
    again, parsed2 = _feed(archive)
    assert first == again
    spec = dict(load_cases()["changes"][0], key="later", detected_at="2026-11-20T00:00:00Z")
    newer = make_change(archive, spec)
    _, parsed3 = _feed(archive)
    assert parsed3.entries[0].id == entry_id(newer.id)
    assert [e.id for e in parsed3.entries[1:]] == [e.id for e in parsed1.entries]


@pytest.mark.parametrize(
    ("filters", "keys"),
    [
        ({"payer": "example-health"}, {"eh-trd-trials", "eh-ketamine-position", "eh-dates"}),
        ({"payer": "Crescent Mutual Health Plan"}, {"cm-codes", "cm-hostile"}),
        ({"payer": "crescent-mutual-health-plan"}, {"cm-codes", "cm-hostile"}),
        ({"drug": "esketamine"}, {"eh-trd-trials", "cm-codes", "eh-dates"}),
        ({"kind": "coverage_position"}, {"eh-ketamine-position"}),
        ({"min_severity": "high"}, {"eh-trd-trials", "eh-ketamine-position"}),
        ({"min_severity": "medium"}, {"eh-trd-trials", "eh-ketamine-position", "cm-codes", "cm-hostile"}),
        ({"drug": "ketamine", "min_severity": "critical"}, {"eh-ketamine-position"}),
    ],
)
def test_filters(archive, seeded, filters, keys):
    _, parsed = _feed(archive, "atom", **filters)
    assert {e.id for e in parsed.entries} == {entry_id(seeded[k].id) for k in keys}


def test_feed_keeps_latest_hundred(archive):
    seed_sources(archive)
    spec = load_cases()["changes"][0]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    made = [
        make_change(archive, dict(spec, key=f"n{i}"), start + dt.timedelta(hours=i))
        for i in range(FEED_LIMIT + 5)
    ]
    for fmt in ("atom", "rss"):
        _, parsed = _feed(archive, fmt)
        assert len(parsed.entries) == FEED_LIMIT
        assert parsed.entries[0].id == entry_id(made[-1].id)
        assert parsed.entries[-1].id == entry_id(made[5].id)


def test_empty_feed_is_valid(archive):
    for fmt in ("atom", "rss"):
        _, parsed = _feed(archive, fmt)
        assert parsed.entries == []


def test_cli_feed_and_publish(archive, seeded, data_dir, tmp_path):
    env = {"PAYERWATCH_BASE_URL": BASE}
    out = tmp_path / "spravato.rss"
    res = run_cli(
        "feed", "--format", "rss", "--drug", "esketamine", "--out", str(out), data_dir=data_dir, env=env
    )
    assert res.returncode == 0, res.stderr
    parsed = feedparser.parse(out.read_bytes())
    assert not parsed.bozo
    assert {e.id for e in parsed.entries} == {
        entry_id(seeded[k].id) for k in ("eh-trd-trials", "cm-codes", "eh-dates")
    }

    res = run_cli("feed", "--payer", "example-health", data_dir=data_dir, env=env)
    assert res.returncode == 0, res.stderr
    assert len(feedparser.parse(res.stdout).entries) == 3

    site = tmp_path / "site"
    res = run_cli("publish", "--out", str(site), data_dir=data_dir, env=env)
    assert res.returncode == 0, res.stderr
    for path in (
        "all.atom",
        "all.rss",
        "payer/example-health.atom",
        "payer/crescent-mutual-health-plan.rss",
        "drug/ketamine.atom",
        "kind/codes.rss",
        "severity/critical.atom",
    ):
        parsed = feedparser.parse((site / path).read_bytes())
        assert not parsed.bozo, path
    assert len(feedparser.parse((site / "all.atom").read_bytes()).entries) == 5
    assert len(feedparser.parse((site / "severity/critical.atom").read_bytes()).entries) == 1
    index = (site / "index.html").read_text()
    assert 'href="payer/example-health.atom"' in index and 'href="kind/retired.rss"' in index
    # publishing again rewrites identical files
    before = (site / "all.atom").read_bytes()
    assert run_cli("publish", "--out", str(site), data_dir=data_dir, env=env).returncode == 0
    assert (site / "all.atom").read_bytes() == before
