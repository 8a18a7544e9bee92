"""``payerwatch demo`` with its archive on PostgreSQL: the embedded default's first run, on the deployment
database of docs/scale.md — and a database that already holds an archive is refused, never emptied."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from portal.content import load_expected
from tests.support import run_cli

pytestmark = pytest.mark.slow  # real processes: the demo, its crawls (~30 s on an idle machine)

EPOCHS = 2  # the baseline and one revision: the cheapest run that announces, mails and publishes


def _announced_by(last_epoch: int) -> int:
    """The portal manifest's revised documents up to ``last_epoch`` (one change each)."""
    epochs = load_expected()["epochs"]
    return sum(
        1
        for epoch, listing in epochs.items()
        if int(epoch) <= last_epoch
        for doc in listing["documents"].values()
        if set(doc.get("kinds", [])) - {"none"}
    )


def test_demo_runs_on_postgresql_and_never_empties_a_database(pg_url, tmp_path):
    env = {"PAYERWATCH_DATABASE_URL": pg_url}
    data = tmp_path / "demo"
    result = run_cli("demo", "--epochs", str(EPOCHS), data_dir=data, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    changes = [
        json.loads(line) for line in run_cli("changes", "--json", data_dir=data, env=env).stdout.splitlines()
    ]
    assert len(changes) == _announced_by(EPOCHS) > 0
    assert not list(data.glob("*.db")), "the archive went to SQLite, not to PAYERWATCH_DATABASE_URL"
    engine = sa.create_engine(pg_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM changes")).scalar_one() == len(changes)
    assert list((data / "mail").glob("*.eml")), "no alert reached the demo's SMTP server"
    assert (data / "feeds" / "all.atom").exists()

    again = run_cli("demo", "--epochs", "1", data_dir=data, env=env, timeout=120)
    assert again.returncode != 0 and "never empties a database" in again.stderr
    assert (data / "blobs").is_dir(), "the refused run deleted the data directory"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM changes")).scalar_one() == len(changes)
    engine.dispose()
