"""The gold set is marked in the schema: annotator.is_gold, at most one row holding it.

Until this revision the gold set was the annotator named "Gold"; that row (if any) becomes the
flagged gold set, so an upgraded project curates, exports and grades as before. From here on
the gold set is found by the flag only, and a person may be called Gold.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 00:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

from claimdesk.core.store.sqlite import file_header

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copy of the name that made an annotator the gold set before this revision.
_GOLD_NAME = "Gold"


# Never copy the annotator table: annotations, statuses, submissions and exercise keys point at
# it, and with foreign keys on, dropping the old copy would delete (or unset) them all. SQLite
# adds and drops a column in place.
def upgrade() -> None:
    with op.batch_alter_table("annotator", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("is_gold", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "uq_annotator_gold_set",
            ["is_gold"],
            unique=True,
            sqlite_where=sa.text("is_gold = 1"),
            postgresql_where=sa.text("is_gold"),
        )
    annotator = sa.table(
        "annotator", sa.column("name", sa.String), sa.column("is_gold", sa.Boolean)
    )
    op.execute(annotator.update().where(annotator.c.name == _GOLD_NAME).values(is_gold=True))
    file_header("PRAGMA user_version = 4")


def downgrade() -> None:
    with op.batch_alter_table("annotator", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("uq_annotator_gold_set")
        batch_op.drop_column("is_gold")
    file_header("PRAGMA user_version = 3")
