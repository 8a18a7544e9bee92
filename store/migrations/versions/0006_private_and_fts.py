"""The archive becomes publishable: subscribers and the outbox move out; the full-text index is declared
the way Datasette recognises it.

* ``subscriptions`` and ``deliveries`` move to schema ``private`` (SQLite: the attached ``private.db``;
  PostgreSQL: a schema of the same database), their rows copied, the old tables dropped with SQLite's
  ``secure_delete`` on, so no address survives in the free pages of ``archive.db``. The scheduler's job
  table is dropped: ``payerwatch serve`` recreates every job from the sources file on its next start, now in
  ``private``.
* SQLite: ``passages_fts`` is recreated with ``content="passages"`` in double quotes (Datasette's
  ``detect_fts`` matches that spelling, not ``'passages'``), its triggers likewise, then rebuilt.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PRIVATE = "private"
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SUBSCRIPTION_COLUMNS = "id, email, payers, drugs, min_severity, digest, active, created_at, unsubscribed_at"
DELIVERY_COLUMNS = (
    "id, change_id, subscription_id, digest_key, status, attempts, next_attempt_at, last_error, sent_at, "
    "message_id, created_at"
)

FTS_TRIGGERS = [
    """CREATE TRIGGER passages_fts_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, heading, text, drugs)
        VALUES (new.id, coalesce(new.heading, ''), new.text, new.drugs);
    END""",
    """CREATE TRIGGER passages_fts_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, heading, text, drugs)
        VALUES ('delete', old.id, coalesce(old.heading, ''), old.text, old.drugs);
    END""",
    """CREATE TRIGGER passages_fts_au AFTER UPDATE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, heading, text, drugs)
        VALUES ('delete', old.id, coalesce(old.heading, ''), old.text, old.drugs);
        INSERT INTO passages_fts(rowid, heading, text, drugs)
        VALUES (new.id, coalesce(new.heading, ''), new.text, new.drugs);
    END""",
]
DROP_FTS = [
    "DROP TRIGGER IF EXISTS passages_fts_au",
    "DROP TRIGGER IF EXISTS passages_fts_ad",
    "DROP TRIGGER IF EXISTS passages_fts_ai",
    "DROP TABLE IF EXISTS passages_fts",
]


def _fts(content_quote: str) -> list[str]:
    q = content_quote
    return [
        *DROP_FTS,
        f"""CREATE VIRTUAL TABLE passages_fts USING fts5(
            heading, text, drugs, content={q}passages{q}, content_rowid={q}id{q},
            tokenize={q}porter unicode61{q})""",
        *FTS_TRIGGERS,
        "INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')",
    ]


def _private_tables() -> sa.MetaData:
    ts = store.types.UTCDateTime(timezone=True)
    md = sa.MetaData(naming_convention=NAMING)
    sa.Table(
        "subscriptions",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, index=True),
        sa.Column("payers", sa.JSON, nullable=False, server_default="[]"),
        sa.Column("drugs", sa.JSON, nullable=False, server_default="[]"),
        sa.Column("min_severity", sa.String(20), nullable=False, server_default="low"),
        sa.Column("digest", sa.String(20), nullable=False, server_default="immediate"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("unsubscribed_at", ts),
        schema=PRIVATE,
    )
    sa.Table(
        "deliveries",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.String(64), nullable=False),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey(f"{PRIVATE}.subscriptions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("digest_key", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending", index=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", ts),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", ts),
        sa.Column("message_id", sa.String(300)),
        sa.Column("created_at", ts, nullable=False),
        sa.UniqueConstraint("change_id", "subscription_id", name="uq_deliveries_change_sub"),
        schema=PRIVATE,
    )
    return md


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    old = "main." if sqlite else ""
    if not sqlite:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {PRIVATE}")
    _private_tables().create_all(bind)
    op.execute(
        f"INSERT INTO {PRIVATE}.subscriptions ({SUBSCRIPTION_COLUMNS}) "
        f"SELECT {SUBSCRIPTION_COLUMNS} FROM {old}subscriptions"
    )
    op.execute(
        f"INSERT INTO {PRIVATE}.deliveries ({DELIVERY_COLUMNS}) "
        f"SELECT {DELIVERY_COLUMNS} FROM {old}deliveries"
    )
    if sqlite:
        op.execute("PRAGMA main.secure_delete = ON")  # freed pages are zeroed, not left readable
    else:  # the copied ids must not be handed out again
        for table in ("subscriptions", "deliveries"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{PRIVATE}.{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {PRIVATE}.{table}), 0) + 1, false)"
            )
    op.execute(f"DROP TABLE {old}deliveries")
    op.execute(f"DROP TABLE {old}subscriptions")
    op.execute(f"DROP TABLE IF EXISTS {old}apscheduler_jobs")
    if sqlite:
        for stmt in _fts('"'):
            op.execute(stmt)


def downgrade() -> None:
    raise NotImplementedError("the private split is one-way: copy private.db's tables back by hand")
