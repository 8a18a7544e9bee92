"""Policy identity from the source's id, never the payer's display name; old ids keep working.

A policy was identified as ``<payer-slug>/<number or url>``, so editing ``payer:`` in sources.yaml
re-identified every policy. Now the crawler names a document by its key ``<source id>/<number or url>``
and ``policy_keys`` maps every key ever used for a policy to its id. Existing policies keep their ids
(feed entry ids, change ids and links stay valid); their new-style key is added here, so the next crawl
continues their histories. A policy found again under a new key (renamed and moved, same printed
number) gains that key too.

``fetches.recheck`` marks the fetches of known documents no index listed (see crawler/extensions.py):
a policy seen only that way is no longer *listed*, which is what lets a successor at a new URL continue
its history.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_keys",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("policy_id", sa.String(400), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_policy_keys_policy_id_policies")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_policy_keys")),
    )
    op.create_index(op.f("ix_policy_keys_policy_id"), "policy_keys", ["policy_id"])
    with op.batch_alter_table("fetches") as batch:
        batch.add_column(sa.Column("recheck", sa.Boolean, nullable=False, server_default=sa.false()))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, source_id FROM policies")).all()
    keys: dict[str, str] = {}
    for policy_id, source_id in rows:
        keys.setdefault(policy_id, policy_id)
        rest = policy_id.split("/", 1)[1] if "/" in policy_id else policy_id
        keys.setdefault(f"{source_id}/{rest}", policy_id)
    if keys:
        table = sa.table("policy_keys", sa.column("key"), sa.column("policy_id"))
        op.bulk_insert(table, [{"key": k, "policy_id": v} for k, v in keys.items()])


def downgrade() -> None:
    with op.batch_alter_table("fetches") as batch:
        batch.drop_column("recheck")
    op.drop_index(op.f("ix_policy_keys_policy_id"), table_name="policy_keys")
    op.drop_table("policy_keys")
