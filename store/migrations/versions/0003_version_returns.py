"""A document that returns to earlier bytes gets a new version row.

A payer undoing a change (A → B → A) must show A as the current version again, so (policy, sha256) is no
longer unique: only (policy, seq) is. Whether such a return is announced is the differ's decision.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_constraint("uq_versions_policy_sha", type_="unique")
    # every crawl asks for versions awaiting confirmation by their note
    op.create_index("ix_versions_note", "versions", ["note"])


def downgrade() -> None:
    op.drop_index("ix_versions_note", table_name="versions")
    with op.batch_alter_table("versions") as batch:
        batch.create_unique_constraint("uq_versions_policy_sha", ["policy_id", "sha256"])
