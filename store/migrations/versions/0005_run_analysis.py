"""Analysis is a durable step of its own: a crawl run records what it saw, analysis settles it later.

``crawl_runs.analysed_at`` marks a run whose retirements and returns have been worked out and stored (in
one transaction with their change events), so a crawl killed between archiving and analysis is settled by
the next crawl or ``reprocess``. ``crawl_runs.index_faults`` counts the index pages that failed: a run
that could not read all of its indexes never counts a document as missing.

Runs finished before this migration were analysed by the code of their day: they are marked analysed.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("analysed_at", UTCDateTime(timezone=True)))
        batch.add_column(sa.Column("index_faults", sa.Integer, nullable=False, server_default="0"))
    op.execute("UPDATE crawl_runs SET analysed_at = finished_at WHERE finished_at IS NOT NULL")
    op.execute("UPDATE crawl_runs SET analysed_at = started_at WHERE analysed_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("index_faults")
        batch.drop_column("analysed_at")
