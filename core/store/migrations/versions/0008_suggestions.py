"""Suggestions: the codebook's rules per label, each annotator's decisions, an exercise's flag.

- ``suggestion_rule``: a phrase or a regular expression suggesting spans for one label.
- ``suggestion_decision``: one annotator's answer to one suggestion (accepted or rejected), with
  the suggested text folded, its source and score; what the project learns from.
- ``exercise.suggestions``: whether the teacher lets the exercise's students see suggestions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from claimdesk.core.store.sqlite import file_header

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suggestion_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("case_sensitive", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('phrase', 'pattern')", name=op.f("ck_suggestion_rule_kind_value")
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["label.id"],
            name=op.f("fk_suggestion_rule_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_rule")),
    )
    op.create_index("ix_suggestion_rule_label", "suggestion_rule", ["label_id"])
    op.create_table(
        "suggestion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "source IN ('codebook', 'project', 'model')",
            name=op.f("ck_suggestion_decision_source_value"),
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_suggestion_decision_annotator_id_annotator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_suggestion_decision_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["label.id"],
            name=op.f("fk_suggestion_decision_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decision")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_suggestion_decision_annotator", "suggestion_decision", ["annotator_id", "label_id"]
    )
    op.create_index(
        "ix_suggestion_decision_document", "suggestion_decision", ["document_id", "annotator_id"]
    )
    op.create_index("ix_suggestion_decision_label", "suggestion_decision", ["label_id"])
    # Never copy the exercise table: submissions point at it, and with foreign keys on,
    # dropping the old copy would delete them. SQLite adds and drops a column in place.
    with op.batch_alter_table("exercise", recreate="never") as batch:
        batch.add_column(
            sa.Column("suggestions", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    file_header("PRAGMA user_version = 8")


def downgrade() -> None:
    # Never copy the exercise table: submissions point at it, and with foreign keys on,
    # dropping the old copy would delete them. SQLite adds and drops a column in place.
    with op.batch_alter_table("exercise", recreate="never") as batch:
        batch.drop_column("suggestions")
    for index in (
        "ix_suggestion_decision_label",
        "ix_suggestion_decision_document",
        "ix_suggestion_decision_annotator",
    ):
        op.drop_index(index, table_name="suggestion_decision")
    op.drop_table("suggestion_decision")
    op.drop_index("ix_suggestion_rule_label", table_name="suggestion_rule")
    op.drop_table("suggestion_rule")
    file_header("PRAGMA user_version = 7")
