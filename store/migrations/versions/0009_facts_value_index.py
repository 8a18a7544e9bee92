"""``facts(value, field)`` replaces 0008's ``facts(field, value)``.

With ``field`` first, SQLite's planner (which keeps no statistics here) took that index for any query
naming ``field = 'position'``: the policy page's position timeline then read every position fact of
the archive instead of one policy's (0.2 s a page at 20,000 versions, growing with the archive). With
``value`` first the index serves only queries that name a value — the matrix's stance filter.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_facts_field_value", table_name="facts")
    op.create_index("ix_facts_value_field", "facts", ["value", "field"])


def downgrade() -> None:
    op.drop_index("ix_facts_value_field", table_name="facts")
    op.create_index("ix_facts_field_value", "facts", ["field", "value"])
