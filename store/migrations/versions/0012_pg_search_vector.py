"""PostgreSQL: a stored ``tsvector`` column ``passages.search_vector`` with a GIN index on it.

Migration 0002 indexed the expression ``to_tsvector('english', heading || ' ' || text)``. The index
finds matches, but every plan that reads passages in id order (the newest matches first, a bounded
candidate set ranked by ``ts_rank``) recomputed ``to_tsvector`` for each passage it read: 1.5 s at p95
for a newest-first search of a 50,000-version archive. A generated column holds the vector once, so the
server reads it instead of parsing the text again. ``GENERATED ALWAYS … STORED`` (PostgreSQL 12+) fills
the existing rows when it is added and keeps every new or updated row filled, so writers still know
nothing about search.

SQLite: nothing (its FTS5 table, migration 0002, already stores the index terms). The column is
dialect-specific, so it is not in ``store/schema.py``; writers name their columns and never touch it.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# --- dialect-specific (PostgreSQL) ----------------------------------------------------------------
# the document ``store/search_pg.py`` queries: heading and text, English stemming (an explicit
# configuration keeps to_tsvector immutable, as a generated column requires)
DOCUMENT = "to_tsvector('english'::regconfig, coalesce(heading, '') || ' ' || text)"
PG_UP = [
    "ALTER TABLE passages ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS ix_passages_search_vector ON passages USING gin (search_vector)",
    "DROP INDEX IF EXISTS ix_passages_fts",  # the expression index is not read any more
]
PG_DOWN = [
    f"CREATE INDEX IF NOT EXISTS ix_passages_fts ON passages USING gin ({DOCUMENT})",
    "DROP INDEX IF EXISTS ix_passages_search_vector",
    "ALTER TABLE passages DROP COLUMN IF EXISTS search_vector",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in PG_UP:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in PG_DOWN:
            op.execute(stmt)
