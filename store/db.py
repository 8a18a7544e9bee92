"""Opening the archive database: engine set-up, SQLite pragmas and automatic migrations.

The archive is the single source of truth, so opening it is where we refuse to go on with a data
directory we cannot write or a file that is not a database: callers get one ``ArchiveError`` naming the
path instead of a traceback from deep inside SQLite.

Two databases, so that the archive can be published as it is: ``data/archive.db`` holds what payers
published and what payerwatch made of it (researchers may copy it, serve it with Datasette, put it
online); ``data/private.db`` holds subscribers' addresses, the email outbox and the scheduler's jobs.
Every connection ATTACHes the private file as schema ``private`` (``store.schema.PRIVATE``), so the code
runs one set of queries; on PostgreSQL ``private`` is a schema of the same database. An archive from
before the split (``data/payerwatch.db``) is renamed on first open and migration 0006 moves its private
tables out.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
DB_FILENAME = "archive.db"
PRIVATE_FILENAME = "private.db"
OLD_DB_FILENAME = "payerwatch.db"  # one file for everything, before the archive/private split
PRIVATE_SCHEMA = "private"
MIGRATION_LOCK = 7_302_018  # pg_advisory_lock key: one migrating process per PostgreSQL database


class ArchiveError(Exception):
    """The archive cannot be opened or used; the message names the path and the reason."""


def database_url(data_dir: Path) -> str:
    return os.environ.get("PAYERWATCH_DATABASE_URL") or f"sqlite:///{data_dir / DB_FILENAME}"


def private_path(url: str) -> str:
    """The private database next to a SQLite archive: ``archive.db`` → ``private.db``,
    ``other.db`` → ``other-private.db``; an in-memory archive gets an in-memory private part."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        return ":memory:"
    path = Path(database)
    name = PRIVATE_FILENAME if path.name == DB_FILENAME else f"{path.stem}-private{path.suffix or '.db'}"
    return str(path.with_name(name))


def _sqlite_setup(private: str):
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"ATTACH DATABASE ? AS {PRIVATE_SCHEMA}", (private,))
        cursor.execute(f"PRAGMA {PRIVATE_SCHEMA}.journal_mode=WAL")
        cursor.execute(f"PRAGMA {PRIVATE_SCHEMA}.synchronous=NORMAL")
        cursor.close()

    return on_connect


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_setup(private_path(url)))
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _adopt_old_file(data_dir: Path) -> None:
    """Rename a pre-split ``payerwatch.db`` to ``archive.db`` (migration 0006 then moves the private
    tables out). Its write-ahead log is folded in first, so the rename carries every committed row."""
    old, new = data_dir / OLD_DB_FILENAME, data_dir / DB_FILENAME
    if not old.exists() or new.exists():
        return
    try:
        conn = sqlite3.connect(old)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return  # not a database: leave it alone; the new archive.db is created beside it
    old.rename(new)
    for suffix in ("-wal", "-shm"):
        Path(f"{old}{suffix}").unlink(missing_ok=True)


def alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None, "store/migrations has no head revision"
    return head


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest migration; cheap when it is already there."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head_revision():
        return
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), "head")  # SQLite serialises writers by itself
        return
    # Several workers starting at once on a new database would each run the migrations; the second
    # would fail on tables the first just made. A session advisory lock lets one migrate while the
    # others wait, then find the schema current (alembic starts from the revision it reads).
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        try:
            command.upgrade(alembic_config(engine), "head")
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            conn.commit()


def open_engine(data_dir: Path, url: str | None = None) -> sa.Engine:
    """Create the data directory if needed, connect, and migrate; raise ArchiveError on any failure."""
    data_dir = Path(data_dir)
    url = url or database_url(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"{data_dir}: cannot create data directory ({exc.strerror or exc})") from None
    if not data_dir.is_dir():
        raise ArchiveError(f"{data_dir}: not a directory")
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise ArchiveError(f"{data_dir}: data directory is not writable")
    if url == f"sqlite:///{data_dir / DB_FILENAME}":
        _adopt_old_file(data_dir)
    engine = make_engine(url)
    where = str(data_dir / DB_FILENAME) if url.startswith("sqlite") else _safe_url(url)
    try:
        migrate(engine)
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.DatabaseError):
            raise ArchiveError(f"{where}: not a usable payerwatch database ({orig})") from None
        raise ArchiveError(f"{where}: database error ({str(orig).strip().splitlines()[0]})") from None
    except sa.exc.OperationalError as exc:  # pragma: no cover - covered by DatabaseError on most drivers
        engine.dispose()
        raise ArchiveError(f"{where}: {exc.orig}") from None
    return engine


def _safe_url(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)
