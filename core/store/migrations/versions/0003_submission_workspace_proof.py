"""Submissions prove their workspace; replaced and held submissions are kept.

Each workspace gets a public id and a secret (made here for workspaces started before); a
collected submission pins its workspace; earlier or held submissions go to
exercise_submission_version. Student keys become exact (NFC, spaces trimmed, case kept).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 18:45:00.000000
"""

import secrets
import unicodedata
import uuid

import sqlalchemy as sa
from alembic import op

from claimdesk.core.store.sqlite import file_header

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _student_key(name: str, number: str) -> str:
    # Frozen copy of core.exercise.student_key as of this revision.
    number = unicodedata.normalize("NFC", " ".join(number.split()))
    if number:
        return "id:" + number
    return "name:" + unicodedata.normalize("NFC", " ".join(name.split()))


def upgrade() -> None:
    with op.batch_alter_table("exercise_workspace", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_id", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("secret", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("submissions_made", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("exercise_submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workspace_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chain_key", sa.String(length=64), nullable=True))
    op.create_table(
        "exercise_submission_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("student_key", sa.String(length=450), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("student_name", sa.String(length=200), nullable=False),
        sa.Column("student_id", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("seconds_spent", sa.Integer(), nullable=False),
        sa.Column("collected_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("annotation_count", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("chain_key", sa.String(length=64), nullable=True),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("documents_done", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "state IN ('replaced', 'held')",
            name=op.f("ck_exercise_submission_version_state_value"),
        ),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_submission_version_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_submission_version")),
    )
    with op.batch_alter_table("exercise_submission_version", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exercise_submission_version_student", ["exercise_id", "student_key"], unique=False
        )

    conn = op.get_bind()
    for (row_id,) in conn.execute(sa.text("SELECT id FROM exercise_workspace")).all():
        conn.execute(
            sa.text("UPDATE exercise_workspace SET public_id = :p, secret = :s WHERE id = :i"),
            {"p": uuid.uuid4().hex, "s": secrets.token_hex(32), "i": row_id},
        )
    rows = conn.execute(
        sa.text("SELECT id, student_name, student_id FROM exercise_submission")
    ).all()
    for row_id, name, number in rows:
        conn.execute(
            sa.text("UPDATE exercise_submission SET student_key = :k WHERE id = :i"),
            {"k": _student_key(name, number or ""), "i": row_id},
        )
    file_header("PRAGMA user_version = 3")


def downgrade() -> None:
    with op.batch_alter_table("exercise_submission_version", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_submission_version_student")
    op.drop_table("exercise_submission_version")
    with op.batch_alter_table("exercise_submission", schema=None) as batch_op:
        batch_op.drop_column("chain_key")
        batch_op.drop_column("sequence")
        batch_op.drop_column("workspace_id")
    with op.batch_alter_table("exercise_workspace", schema=None) as batch_op:
        batch_op.drop_column("submissions_made")
        batch_op.drop_column("secret")
        batch_op.drop_column("public_id")
    file_header("PRAGMA user_version = 2")
