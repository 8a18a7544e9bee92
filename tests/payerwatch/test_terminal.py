"""Payer text cannot drive the terminal, and pages and feeds show it in the order it is written.

The archive gets a payer name, titles, summaries and passages holding escape sequences, a bell and a
right-to-left override; every CLI command that prints them is run as a real process.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from payerwatch.terminal import clean_output
from payerwatch.web import create_app
from store import Archive, schema
from tests.support import run_cli
from tests.support.archive_builder import build_sample_archive

HOSTILE = "\x1b[31m\x1b]0;pwned\x07\x1b[2J\u202eevil\u202c\x9b1m\x07"
BAD = ("\x1b", "\x07", "\u202e", "\u202c", "\x9b")


@pytest.fixture
def hostile_archive(data_dir):
    with Archive(data_dir) as archive:
        sample = build_sample_archive(archive)
        with archive.engine.begin() as conn:
            conn.execute(schema.sources.update().values(payer="Sample United Health " + HOSTILE))
            conn.execute(schema.policies.update().values(title="Spravato " + HOSTILE))
            conn.execute(schema.versions.update().values(title="Spravato " + HOSTILE))
            conn.execute(schema.changes.update().values(summary=schema.changes.c.summary + " " + HOSTILE))
            conn.execute(schema.passages.update().values(text=schema.passages.c.text + " " + HOSTILE))
            conn.execute(sa.text("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')"))
    return sample


@pytest.mark.parametrize(
    "command",
    [
        ["changes"],
        ["history", "sample-uhc-commercial/2026D0069P"],
        ["show", "sample-uhc-commercial/2026D0069P"],
        ["diff", "sample-uhc-commercial/2026D0069P"],
        ["search", "ketamine"],
        ["status"],
    ],
)
def test_no_command_prints_control_characters(data_dir, hostile_archive, command):
    result = run_cli(*command, data_dir=data_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()
    for bad in BAD:
        assert bad not in result.stdout and bad not in result.stderr, (command, bad)


def test_pages_and_feeds_drop_bidi_overrides(data_dir, hostile_archive):
    with Archive(data_dir) as archive:
        client = create_app(archive, base_url="https://watch.example.org").test_client()
        for url in (
            "/changes",
            "/policy/sample-uhc-commercial/2026D0069P",
            "/search?q=ketamine",
            "/feeds/all.atom",
            "/feeds/all.rss",
        ):
            body = client.get(url).get_data(as_text=True)
            assert "evil" in body, url
            assert "\u202e" not in body and "\u202c" not in body, url


def test_clean_output_keeps_rich_colours_on_a_terminal_only():
    text = "\x1b[1;31mred\x1b[0m \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x07done\x1b[2K"
    assert clean_output(text, terminal=False) == "red link done"
    assert clean_output(text, terminal=True) == "\x1b[1;31mred\x1b[0m link done\x1b[2K"
    assert clean_output("tab\tand\nnewline\u2067x\u2069", terminal=False) == "tab\tand\nnewlinex"
