"""Shared projects: who signs in as whom, blind projects, retried edits, live notifications.

- ``annotator.login``: the PostgreSQL login role a person signs in with (server projects; NULL in a
  file), unique.
- ``project.blind``: on a server, annotators cannot read one another's work.
- ``applied_edit``: the key of every edit a client committed on a server, so that an edit retried
  after a lost connection is never applied twice.
- On PostgreSQL only: a trigger on each table a window shows sends ``NOTIFY claimdesk`` with the
  table, document and annotator of the change (identical notices in one transaction are sent once,
  so an import of 40,000 spans sends one per document). In a blind project, notices of annotations
  and statuses leave the annotator out: anyone signed in may listen.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from claimdesk.core.store.sqlite import file_header

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copy of the channel and the tables whose changes are announced.
_CHANNEL = "claimdesk"
_ANNOUNCED = {
    "annotation": ("document_id", "annotator_id"),
    "document_status": ("document_id", "annotator_id"),
    "document": ("id", None),
    "label": (None, None),
    "annotator": (None, "id"),
    "project": (None, None),
}

# Whose work a row is: in a blind project their notices leave the annotator out.
_PERSONAL = ("annotation", "document_status")


def _notify_function(table: str, document: str | None, annotator: str | None) -> str:
    def field(column: str | None) -> str:
        if column is None:
            return "NULL"
        return f"COALESCE(NEW.{column}, OLD.{column})"

    who = field(annotator)
    if table in _PERSONAL:
        # Anyone signed in may LISTEN: in a blind project a notice must not say whose work
        # changed, so it names the document only.
        who = f"CASE WHEN (SELECT bool_or(blind) FROM project) THEN NULL ELSE {who} END"

    return f"""
CREATE FUNCTION claimdesk_announce_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{_CHANNEL}', json_build_object(
    't', '{table}', 'd', {field(document)}, 'a', {who})::text);
  RETURN NULL;
END $$"""


# Never copy the annotator or project table (see 0004): columns and indexes are added in place.
def upgrade() -> None:
    with op.batch_alter_table("annotator", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=63), nullable=True))
        batch_op.create_index("uq_annotator_login", ["login"], unique=True)
    with op.batch_alter_table("project", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("blind", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "applied_edit",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_applied_edit")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, (document, annotator) in _ANNOUNCED.items():
            # NEW is NULL in a DELETE trigger and OLD in an INSERT one; COALESCE takes the other.
            op.execute(_notify_function(table, document, annotator))
            op.execute(
                f"CREATE TRIGGER claimdesk_announce AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION claimdesk_announce_{table}()"
            )
    file_header("PRAGMA user_version = 5")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _ANNOUNCED:
            op.execute(f"DROP TRIGGER IF EXISTS claimdesk_announce ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS claimdesk_announce_{table}()")
    op.drop_table("applied_edit")
    with op.batch_alter_table("project", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("blind")
    with op.batch_alter_table("annotator", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("uq_annotator_login")
        batch_op.drop_column("login")
    file_header("PRAGMA user_version = 4")
