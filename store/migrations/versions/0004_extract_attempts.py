"""Extraction attempts: a document that exhausts its worker is retried a few times with backoff, then not.

``extract_attempts`` counts failed attempts that are worth repeating (``resource-limit``: a worker killed
for memory, CPU or wall time, which load on the machine can cause); ``extract_retry_at`` is when the next
may run, NULL once payerwatch has given up (``payerwatch status`` says so).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("extract_attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("extract_retry_at", store.types.UTCDateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("extract_retry_at")
        batch.drop_column("extract_attempts")
