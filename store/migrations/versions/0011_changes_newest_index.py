"""``changes(detected_at DESC, id)``: the order every list of changes is read in, newest first.

The web's and the API's change pages order by ``detected_at DESC, id``. With ``detected_at`` alone
indexed the database had to sort every group of changes detected at the same moment (a crawl detects
many at once) before it could skip to a page: 0.25 s at p95 for the changes page of a million-change
archive. This index gives the order itself.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_changes_newest", "changes", [sa.text("detected_at DESC"), "id"])


def downgrade() -> None:
    op.drop_index("ix_changes_newest", table_name="changes")
