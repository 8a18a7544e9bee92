"""Opening the archive database: engine set-up, SQLite pragmas and automatic migrations.

The archive is the single source of truth, so opening it is where we refuse to go on with a data
directory we cannot write or a file that is not a database: callers get one ``ArchiveError`` naming the
path instead of a traceback from deep inside SQLite.
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
DB_FILENAME = "payerwatch.db"
MIGRATION_LOCK = 7_302_018  # pg_advisory_lock key: one migrating process per PostgreSQL database


class ArchiveError(Exception):
    """The archive cannot be opened or used; the message names the path and the reason."""


def database_url(data_dir: Path) -> str:
    return os.environ.get("PAYERWATCH_DATABASE_URL") or f"sqlite:///{data_dir / DB_FILENAME}"


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


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
