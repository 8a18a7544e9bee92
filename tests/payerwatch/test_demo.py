"""``payerwatch demo``, the first thing a new user runs, end to end in a real process."""

from __future__ import annotations

import email
import email.policy
import json

import feedparser
import pytest
import yaml

from portal.content import expected_announcements
from tests.support import run_cli

pytestmark = pytest.mark.slow


def test_demo_crawls_every_epoch_mails_alerts_and_writes_feeds(tmp_path):
    data = tmp_path / "demo"
    result = run_cli("demo", data_dir=data, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "changes found" in result.stdout and "payerwatch --data" in result.stdout

    changes = [json.loads(line) for line in run_cli("changes", "--json", data_dir=data).stdout.splitlines()]
    assert len(changes) == expected_announcements()
    assert all(c["summary"] for c in changes)
    assert {"new_policy", "criteria", "codes", "coverage_position", "retired", "reinstated"} <= {
        c["kind"] for c in changes
    }

    mails = sorted((data / "mail").glob("*.eml"))
    assert mails, "no alert was delivered to the demo's SMTP server"
    msg = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
    assert msg["List-Unsubscribe"] and msg["Message-ID"] and msg.get_body(("html",)) is not None
    ids = [email.message_from_bytes(m.read_bytes(), policy=email.policy.default)["Message-ID"] for m in mails]
    assert len(ids) == len(set(ids)), "a message was delivered twice"

    feed = feedparser.parse((data / "feeds" / "all.atom").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(changes)
    assert (data / "feeds" / "index.html").exists()
    sources = yaml.safe_load((data / "sources.yaml").read_text())["sources"]
    assert len(sources) >= 6

    # Running it again starts afresh and finds the same changes (nothing doubled).
    again = run_cli("demo", data_dir=data, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = [json.loads(line) for line in run_cli("changes", "--json", data_dir=data).stdout.splitlines()]
    assert sorted(c["id"] for c in rerun) == sorted(c["id"] for c in changes)


def test_demo_refuses_to_wipe_a_directory_that_is_not_a_demo_archive(tmp_path):
    data = tmp_path / "precious"
    data.mkdir()
    (data / "notes.txt").write_text("keep me")
    result = run_cli("demo", data_dir=data, timeout=120)
    assert result.returncode != 0 and "not a demo archive" in result.stderr
    assert (data / "notes.txt").read_text() == "keep me"
