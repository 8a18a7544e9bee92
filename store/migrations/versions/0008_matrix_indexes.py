"""Indexes the paged, filtered coverage matrix reads (``store/queries/matrix.py``).

The matrix is read in the order payer name, policy id, a page at a time after the last row shown. With
``sources(payer, id)`` and ``policies(source_id, id)`` the database reads sources in payer order and each
source's policies in id order, and stops when the page is full; without them it sorted every policy of
the archive for each page (the whole matrix took 3.6 s at a million versions). ``facts(field, value)``
and ``facts(indication, drug)`` find the few policies that ever had a rare stance or indication, so a
filter matching almost nothing does not walk every policy to find that out.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sources_payer_id", "sources", ["payer", "id"])
    op.create_index("ix_policies_source_id_id", "policies", ["source_id", "id"])
    op.create_index("ix_facts_field_value", "facts", ["field", "value"])
    op.create_index("ix_facts_indication_drug", "facts", ["indication", "drug"])


def downgrade() -> None:
    op.drop_index("ix_facts_indication_drug", table_name="facts")
    op.drop_index("ix_facts_field_value", table_name="facts")
    op.drop_index("ix_policies_source_id_id", table_name="policies")
    op.drop_index("ix_sources_payer_id", table_name="sources")
