"""Full-text search over passages.

SQLite: an FTS5 external-content table ``passages_fts`` over ``passages(heading, text, drugs)`` kept in
step by triggers (``drugs`` is indexed so a drug filter narrows the match instead of post-filtering it), so
every writer (``set_extraction``, bulk loads) indexes without knowing search exists.
PostgreSQL: a GIN index on ``to_tsvector('english', ...)`` (the expression ``store/search.py`` queries).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# --- dialect-specific (SQLite FTS5) ---------------------------------------------------------------
SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
        heading, text, drugs, content='passages', content_rowid='id', tokenize='porter unicode61')""",
    """CREATE TRIGGER IF NOT EXISTS passages_fts_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, heading, text, drugs)
        VALUES (new.id, coalesce(new.heading, ''), new.text, new.drugs);
    END""",
    """CREATE TRIGGER IF NOT EXISTS passages_fts_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, heading, text, drugs)
        VALUES ('delete', old.id, coalesce(old.heading, ''), old.text, old.drugs);
    END""",
    """CREATE TRIGGER IF NOT EXISTS passages_fts_au AFTER UPDATE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, heading, text, drugs)
        VALUES ('delete', old.id, coalesce(old.heading, ''), old.text, old.drugs);
        INSERT INTO passages_fts(rowid, heading, text, drugs)
        VALUES (new.id, coalesce(new.heading, ''), new.text, new.drugs);
    END""",
    # index passages archived before this migration
    "INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS passages_fts_au",
    "DROP TRIGGER IF EXISTS passages_fts_ad",
    "DROP TRIGGER IF EXISTS passages_fts_ai",
    "DROP TABLE IF EXISTS passages_fts",
]
# --- dialect-specific (PostgreSQL) ----------------------------------------------------------------
PG_UP = [
    "CREATE INDEX IF NOT EXISTS ix_passages_fts ON passages USING gin "
    "(to_tsvector('english', coalesce(heading, '') || ' ' || text))",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_passages_fts"]


def upgrade() -> None:
    name = op.get_bind().dialect.name
    for stmt in SQLITE_UP if name == "sqlite" else PG_UP if name == "postgresql" else []:
        op.execute(stmt)


def downgrade() -> None:
    name = op.get_bind().dialect.name
    for stmt in SQLITE_DOWN if name == "sqlite" else PG_DOWN if name == "postgresql" else []:
        op.execute(stmt)
