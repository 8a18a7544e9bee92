"""The archive's tables (SQLAlchemy Core). Migrations in ``store/migrations`` create exactly these.

Portable SQL only: the same tables run on SQLite and PostgreSQL. Anything dialect-specific (full-text
search) lives in ``store/search.py`` and is marked there.
"""

from __future__ import annotations

import sqlalchemy as sa

from store.types import UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TS = UTCDateTime()

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("payer", sa.String(200), nullable=False),
    sa.Column("program", sa.String(20), nullable=False, server_default="commercial"),
    sa.Column("state", sa.String(2)),
    sa.Column("spider", sa.String(100), nullable=False, server_default="generic"),
    sa.Column("schedule", sa.String(100)),
    sa.Column("config", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    # the coverage matrix is read in payer order, a page at a time (migration 0008)
    sa.Index("ix_sources_payer_id", "payer", "id"),
)

crawl_runs = sa.Table(
    "crawl_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    # running | ok | failed | interrupted
    sa.Column("status", sa.String(20), nullable=False, server_default="running"),
    sa.Column("documents", sa.Integer, nullable=False, server_default="0"),
    sa.Column("not_modified", sa.Integer, nullable=False, server_default="0"),
    sa.Column("new_versions", sa.Integer, nullable=False, server_default="0"),
    sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
    sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
    # index pages that failed: such a run never counts a document as missing
    sa.Column("index_faults", sa.Integer, nullable=False, server_default="0"),
    # when analysis settled the run (retirements/returns stored with their changes); null = still to do
    sa.Column("analysed_at", TS),
)

policies = sa.Table(
    "policies",
    metadata,
    # payer-slug/policy-number, or payer-slug/<canonical url> when the document has no number
    sa.Column("id", sa.String(400), primary_key=True),
    sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.Column("policy_number", sa.String(100)),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text, nullable=False),
    # active | missing | retired
    sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    sa.Column("missing_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_seen", TS, nullable=False),
    sa.Column("last_seen", TS, nullable=False),
    sa.Column("retired_at", TS),
    # each source's policies in id order: the matrix's pages (migration 0008)
    sa.Index("ix_policies_source_id_id", "source_id", "id"),
)

# every key the crawler ever found a policy under (``<source id>/<number or url>``, legacy ids) → its id
policy_keys = sa.Table(
    "policy_keys",
    metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("policy_id", sa.String(400), sa.ForeignKey("policies.id"), nullable=False, index=True),
)

fetches = sa.Table(
    "fetches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("crawl_runs.id"), index=True),
    sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.Column("policy_id", sa.String(400), sa.ForeignKey("policies.id"), index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("final_url", sa.Text),
    sa.Column("fetched_at", TS, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("content_type", sa.Text),
    sa.Column("sha256", sa.String(64)),
    sa.Column("size", sa.Integer),
    # new_version | unchanged | not_modified | superseded | error | missing (a known document no index
    # listed any more answered 404/410 when rechecked)
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("error_kind", sa.String(50)),
    sa.Column("error", sa.Text),
    # a recheck of a known document no index listed (crawler/extensions.py): present, but not listed
    sa.Column("recheck", sa.Boolean, nullable=False, server_default=sa.false()),
)

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("policy_id", sa.String(400), sa.ForeignKey("policies.id"), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(100)),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("first_seen", TS, nullable=False),
    sa.Column("last_seen", TS, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("policy_number", sa.String(100)),
    sa.Column("published", sa.Date),
    sa.Column("effective", sa.Date),
    sa.Column("next_review", sa.Date),
    sa.Column("mentions_topic", sa.Boolean, nullable=False, server_default=sa.false()),
    # hash of the normalized text: two byte-different versions with equal text_hash are formatting-only
    sa.Column("text_hash", sa.String(64)),
    sa.Column("extraction", sa.JSON),
    sa.Column("extractor_version", sa.String(20)),
    sa.Column("extract_error", sa.Text),
    # failed attempts worth repeating (a worker killed for its limits) and when the next may run (0004)
    sa.Column("extract_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("extract_retry_at", TS),
    # why a version announced nothing (a revision outside the topic passages...), or that it awaits
    # confirmation
    sa.Column("note", sa.Text, index=True),
    sa.UniqueConstraint("policy_id", "seq", name="uq_versions_policy_seq"),
)

passages = sa.Table(
    "passages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("heading", sa.Text),
    sa.Column("section_path", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("page_start", sa.Integer),
    sa.Column("page_end", sa.Integer),
    sa.Column("drugs", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("indications", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("codes", sa.JSON, nullable=False, server_default="[]"),
)
# Full-text index over passages(heading, text, drugs): SQLite FTS5 table ``passages_fts`` + triggers
# (migration 0002), or on PostgreSQL a generated ``search_vector tsvector`` column with a GIN index
# (migration 0012); dialect-specific, so not declared here (writers never name it) and queried in
# store/search.py and store/search_pg.py.

facts = sa.Table(
    "facts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("drug", sa.String(20), nullable=False),
    sa.Column("indication", sa.String(50), nullable=False),
    sa.Column("field", sa.String(50), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("page", sa.Integer),
    # the matrix's stance and indication filters (migrations 0008, 0009); value first, so that a query
    # naming only ``field`` keeps to the version_id index
    sa.Index("ix_facts_value_field", "value", "field"),
    # cells stating several positions, for the matrix's stance=mixed filter (migration 0010)
    sa.Index(
        "ix_facts_mixed",
        "version_id",
        sqlite_where=sa.text("value LIKE '% / %'"),
        postgresql_where=sa.text("value LIKE '% / %'"),
    ),
    sa.Index("ix_facts_indication_drug", "indication", "drug"),
)

changes = sa.Table(
    "changes",
    metadata,
    # stable: derived from (policy, old version hash, new version hash, kind) so reprocessing never duplicates
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("policy_id", sa.String(400), sa.ForeignKey("policies.id"), nullable=False, index=True),
    sa.Column("old_version_id", sa.Integer, sa.ForeignKey("versions.id")),
    sa.Column("new_version_id", sa.Integer, sa.ForeignKey("versions.id")),
    sa.Column("kind", sa.String(30), nullable=False, index=True),
    sa.Column("severity", sa.String(20), nullable=False),
    sa.Column("drugs", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("diff", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("evidence", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("revision_note", sa.Text),
    sa.Column("needs_review", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("detected_at", TS, nullable=False, index=True),
    sa.Column("effective_date", sa.Date),
)

# the order change lists are read in, newest first (migration 0011)
sa.Index("ix_changes_newest", changes.c.detected_at.desc(), changes.c.id)

# -- private: subscribers, the outbox (and the scheduler's jobs, created by APScheduler) -------------
# In ``data/private.db`` (attached as schema ``private``) or PostgreSQL schema ``private``: never in the
# publishable archive. ``deliveries.change_id`` names a change in the archive without a foreign key, since
# SQLite keeps foreign keys within one database file.
PRIVATE = "private"

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, index=True),
    sa.Column("payers", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("drugs", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("min_severity", sa.String(20), nullable=False, server_default="low"),
    # immediate | daily
    sa.Column("digest", sa.String(20), nullable=False, server_default="immediate"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("unsubscribed_at", TS),
    schema=PRIVATE,
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("change_id", sa.String(64), nullable=False),
    sa.Column(
        "subscription_id",
        sa.Integer,
        sa.ForeignKey(f"{PRIVATE}.subscriptions.id"),
        nullable=False,
        index=True,
    ),
    # the digest a delivery belongs to (e.g. "2026-11-22"); null for immediate mail
    sa.Column("digest_key", sa.String(40)),
    # pending | sending (claimed, SMTP in progress) | sent | failed | cancelled
    sa.Column("status", sa.String(20), nullable=False, server_default="pending", index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", TS),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", TS),
    sa.Column("message_id", sa.String(300)),
    sa.Column("created_at", TS, nullable=False),
    sa.UniqueConstraint("change_id", "subscription_id", name="uq_deliveries_change_sub"),
    schema=PRIVATE,
)
