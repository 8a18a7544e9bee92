"""Feeds over HTTP: conditional GETs (ETag / Last-Modified / 304) and a real feed reader (newsboat)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import urllib.error
import urllib.request

import feedparser
import pytest

from feeds.present import entry_id
from tests.support.feeds import Served, load_cases, make_change, seed


def _get(url: str, headers: dict | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def served(archive):
    seed(archive)
    with Served(archive) as srv:
        yield srv


def test_feed_served_with_validators_and_304(archive, served):
    status, headers, body = _get(f"{served.url}/feeds/all.atom")
    assert status == 200
    assert headers["Content-Type"].startswith("application/atom+xml")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert modified == "Thu, 05 Nov 2026 12:00:00 GMT"  # the newest change's detected-at
    assert len(feedparser.parse(body).entries) == 5

    assert _get(f"{served.url}/feeds/all.atom", {"If-None-Match": etag})[0] == 304
    assert _get(f"{served.url}/feeds/all.atom", {"If-Modified-Since": modified})[0] == 304
    status, headers2, body2 = _get(f"{served.url}/feeds/all.atom")
    assert (status, headers2["ETag"], body2) == (200, etag, body)  # regenerated, byte-identical

    newer = make_change(
        archive, dict(load_cases()["changes"][0], key="n1", detected_at="2026-11-21T08:00:00Z")
    )
    status, headers3, body3 = _get(f"{served.url}/feeds/all.atom", {"If-None-Match": etag})
    assert status == 200 and headers3["ETag"] != etag
    assert feedparser.parse(body3).entries[0].id == entry_id(newer.id)


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/feeds/all.rss", 5),
        ("/feeds/payer/example-health.atom", 3),
        ("/feeds/payer/crescent-mutual-health-plan.rss", 2),
        ("/feeds/drug/ketamine.rss", 3),
        ("/feeds/kind/criteria.atom", 1),
        ("/feeds/severity/high.rss", 2),
    ],
)
def test_feed_urls(served, path, count):
    status, _, body = _get(served.url + path)
    parsed = feedparser.parse(body)
    assert status == 200 and not parsed.bozo
    assert len(parsed.entries) == count


@pytest.mark.parametrize(
    "path", ["/feeds/drug/aspirin.atom", "/feeds/kind/nope.rss", "/feeds/all.json", "/feeds/x/y.atom"]
)
def test_unknown_feeds_are_404(served, path):
    assert _get(served.url + path)[0] == 404


def test_index_page_lists_feeds(served):
    status, _, body = _get(f"{served.url}/feeds/")
    assert status == 200
    assert b'href="payer/example-health.atom"' in body and b'href="severity/critical.rss"' in body


NEWSBOAT = shutil.which("newsboat")


def _newsboat(feed_url: str, home) -> dict[str, tuple[str, str, str]]:
    """Reload ``feed_url`` headless into a fresh cache; return guid → (feed url, title, link) it stored.

    One cache per feed: newsboat keys items by guid across the whole cache, and the same change rightly
    has the same id in every feed that carries it.
    """
    home.mkdir()
    (home / "urls").write_text(feed_url + "\n")
    (home / "config").write_text("")
    cache = home / "cache.db"
    proc = subprocess.run(
        [NEWSBOAT, "-u", str(home / "urls"), "-c", str(cache), "-C", str(home / "config"), "-x", "reload"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        cwd=home,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT guid, feedurl, title, url FROM rss_item").fetchall()
    return {guid: (feedurl, title, url) for guid, feedurl, title, url in rows}


@pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat)")
def test_newsboat_reads_the_served_feeds(archive, served, tmp_path):
    contexts = {c.change.id: c for c in archive.list_change_contexts()}
    atom_url = f"{served.url}/feeds/all.atom"
    atom = _newsboat(atom_url, tmp_path / "atom")
    assert set(atom) == {entry_id(cid) for cid in contexts}
    assert {feed for feed, _, _ in atom.values()} == {atom_url}

    rss_url = f"{served.url}/feeds/drug/esketamine.rss"
    rss = _newsboat(rss_url, tmp_path / "rss")
    assert set(rss) == {entry_id(cid) for cid, c in contexts.items() if "esketamine" in c.change.drugs}

    trials = next(c for c in contexts.values() if c.change.kind == "criteria")
    # the archive's URLs speak in the policy's version numbers
    expected_link = (
        f"{served.url}/policy/example-health/PH-0042/diff/{trials.old_version}/{trials.new_version}"
    )
    title = (
        "Example Health · Esketamine: failed antidepressant trials required for Spravato lowered from 3 to 2"
    )
    assert atom[entry_id(trials.change.id)][1:] == (title, expected_link)
    assert rss[entry_id(trials.change.id)][1:] == (title, expected_link)
    hostile = next(c.change for c in contexts.values() if c.change.kind == "wording")
    assert "<script>alert(1)</script>" in atom[entry_id(hostile.id)][1]  # a title, kept as plain text
