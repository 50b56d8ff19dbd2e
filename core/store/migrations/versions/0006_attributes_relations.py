"""Richer claims: attributes of spans, relations between spans, document labels.

- ``attribute``: an attribute of one label's spans (kind, choices and their keys, default,
  definition, key); ``annotation_attribute``: one annotation's value of one attribute (JSON).
- ``relation_type``: name, colour, directed or not, label ids allowed at each end (JSON);
  ``relation``: a link between two annotations of one annotator in one document (ids never
  reused, as for annotations).
- ``doc_label_set``: a set of document labels (single or multiple choice); ``document_label``:
  one annotator's label of one document from one set.
- On PostgreSQL only: the new tables announce their changes as 0005's tables do (relations,
  values and document labels are a person's work: in a blind project their notices name the
  document only).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from claimdesk.core.store.sqlite import file_header

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copy of the channel (0005) and how each new table names its document and annotator.
_CHANNEL = "claimdesk"
_DOCUMENT_OF_VALUE = (
    "(SELECT annotation.document_id FROM annotation WHERE annotation.id = "
    "COALESCE(NEW.annotation_id, OLD.annotation_id))"
)
_ANNOUNCED: dict[str, tuple[str, str]] = {
    "relation": (
        "COALESCE(NEW.document_id, OLD.document_id)",
        "COALESCE(NEW.annotator_id, OLD.annotator_id)",
    ),
    "document_label": (
        "COALESCE(NEW.document_id, OLD.document_id)",
        "COALESCE(NEW.annotator_id, OLD.annotator_id)",
    ),
    "annotation_attribute": (_DOCUMENT_OF_VALUE, "NULL"),
    "attribute": ("NULL", "NULL"),
    "relation_type": ("NULL", "NULL"),
    "doc_label_set": ("NULL", "NULL"),
}
_PERSONAL = ("relation", "document_label")


def _notify_function(table: str, document: str, annotator: str) -> str:
    who = annotator
    if table in _PERSONAL:
        who = f"CASE WHEN (SELECT bool_or(blind) FROM project) THEN NULL ELSE {who} END"
    return f"""
CREATE FUNCTION claimdesk_announce_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{_CHANNEL}', json_build_object(
    't', '{table}', 'd', {document}, 'a', {who})::text);
  RETURN NULL;
END $$"""


def upgrade() -> None:
    op.create_table(
        "attribute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("choice_keys", sa.JSON(), nullable=False),
        sa.Column("default_value", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("shortcut", sa.String(length=1), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('choice', 'multi', 'bool', 'number', 'text')",
            name=op.f("ck_attribute_kind_value"),
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["label.id"],
            name=op.f("fk_attribute_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute")),
        sa.UniqueConstraint("label_id", "name", name="uq_attribute_label_name"),
    )
    op.create_table(
        "annotation_attribute",
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("attribute_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
            name=op.f("fk_annotation_attribute_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attribute_id"],
            ["attribute.id"],
            name=op.f("fk_annotation_attribute_attribute_id_attribute"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "annotation_id", "attribute_id", name=op.f("pk_annotation_attribute")
        ),
    )
    op.create_index("ix_annotation_attribute_attribute", "annotation_attribute", ["attribute_id"])
    op.create_table(
        "relation_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("directed", sa.Boolean(), nullable=False),
        sa.Column("source_labels", sa.JSON(), nullable=False),
        sa.Column("target_labels", sa.JSON(), nullable=False),
        sa.Column("shortcut", sa.String(length=1), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(colour) = 7", name=op.f("ck_relation_type_colour_hex")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relation_type")),
        sa.UniqueConstraint("name", name=op.f("uq_relation_type_name")),
    )
    op.create_table(
        "relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("source_id <> target_id", name=op.f("ck_relation_two_ends")),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_relation_annotator_id_annotator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_relation_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["annotation.id"],
            name=op.f("fk_relation_source_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["annotation.id"],
            name=op.f("fk_relation_target_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["relation_type.id"],
            name=op.f("fk_relation_type_id_relation_type"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relation")),
        sa.UniqueConstraint("type_id", "source_id", "target_id", name="uq_relation_ends"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_relation_document", "relation", ["document_id", "annotator_id"])
    op.create_index("ix_relation_source", "relation", ["source_id"])
    op.create_index("ix_relation_target", "relation", ["target_id"])
    op.create_table(
        "doc_label_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("choice_keys", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doc_label_set")),
        sa.UniqueConstraint("name", name=op.f("uq_doc_label_set_name")),
    )
    op.create_table(
        "document_label",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_document_label_annotator_id_annotator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_label_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["doc_label_set.id"],
            name=op.f("fk_document_label_set_id_doc_label_set"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "document_id", "annotator_id", "set_id", "value", name=op.f("pk_document_label")
        ),
    )
    op.create_index("ix_document_label_set", "document_label", ["set_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table, (document, annotator) in _ANNOUNCED.items():
            op.execute(_notify_function(table, document, annotator))
            op.execute(
                f"CREATE TRIGGER claimdesk_announce AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION claimdesk_announce_{table}()"
            )
    file_header("PRAGMA user_version = 6")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _ANNOUNCED:
            op.execute(f"DROP TRIGGER IF EXISTS claimdesk_announce ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS claimdesk_announce_{table}()")
    for index, table in (
        ("ix_document_label_set", "document_label"),
        ("ix_relation_target", "relation"),
        ("ix_relation_source", "relation"),
        ("ix_relation_document", "relation"),
        ("ix_annotation_attribute_attribute", "annotation_attribute"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "document_label",
        "doc_label_set",
        "relation",
        "relation_type",
        "annotation_attribute",
        "attribute",
    ):
        op.drop_table(table)
    file_header("PRAGMA user_version = 5")
