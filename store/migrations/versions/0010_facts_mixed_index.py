"""A partial index of the facts that state several positions (``value LIKE '% / %'``).

The matrix's ``stance=mixed`` filter first asks whether few policies ever had such a cell
(``store/queries/matrix.py``); a ``LIKE`` with a leading ``%`` can use no ordinary index, so that
question read all the facts (1.8 s at a million versions). The partial index holds only the mixed
facts, and a query naming the same condition literally reads just those.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

MIXED = sa.text("value LIKE '% / %'")


def upgrade() -> None:
    op.create_index("ix_facts_mixed", "facts", ["version_id"], sqlite_where=MIXED, postgresql_where=MIXED)


def downgrade() -> None:
    op.drop_index("ix_facts_mixed", table_name="facts")
