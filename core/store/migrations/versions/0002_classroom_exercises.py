"""Classroom exercises: exercises handed out, a student's workspace, collected submissions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 07:07:58.566924
"""

from alembic import op

from claimdesk.core.store.sqlite import file_header
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exercise',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('guidelines', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('codebook', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('key_annotator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['key_annotator_id'], ['annotator.id'], name=op.f('fk_exercise_key_annotator_id_annotator'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise'))
    )
    op.create_table('exercise_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('student_key', sa.String(length=450), nullable=False),
    sa.Column('student_name', sa.String(length=200), nullable=False),
    sa.Column('student_id', sa.String(length=200), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('seconds_spent', sa.Integer(), nullable=False),
    sa.Column('collected_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('annotation_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], name=op.f('fk_exercise_submission_annotator_id_annotator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_exercise_submission_exercise_id_exercise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_submission')),
    sa.UniqueConstraint('exercise_id', 'student_key', name='uq_exercise_submission_student')
    )
    op.create_table('exercise_workspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('student_name', sa.String(length=200), nullable=False),
    sa.Column('student_id', sa.String(length=200), nullable=False),
    sa.Column('exercise_path', sa.Text(), nullable=False),
    sa.Column('seconds_spent', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], name=op.f('fk_exercise_workspace_annotator_id_annotator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_exercise_workspace_exercise_id_exercise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_workspace'))
    )
    file_header("PRAGMA user_version = 2")


def downgrade() -> None:
    op.drop_table('exercise_workspace')
    op.drop_table('exercise_submission')
    op.drop_table('exercise')
    file_header("PRAGMA user_version = 1")
