"""Initial schema: project, documents, codebook labels, annotators, annotations, statuses.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 06:21:22.681605
"""

from alembic import op

from claimdesk.core.store.sqlite import file_header
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotator')),
    sa.UniqueConstraint('name', name=op.f('uq_annotator_name'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('date', sa.String(length=40), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('sha256', name=op.f('uq_document_sha256'))
    )
    op.create_table('label',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('shortcut', sa.String(length=1), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(colour) = 7', name=op.f('ck_label_colour_hex')),
    sa.ForeignKeyConstraint(['parent_id'], ['label.id'], name=op.f('fk_label_parent_id_label'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label')),
    sa.UniqueConstraint('name', name=op.f('uq_label_name')),
    sa.UniqueConstraint('shortcut', name=op.f('uq_label_shortcut'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    op.create_table('annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('label_id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f('ck_annotation_span_order')),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], name=op.f('fk_annotation_annotator_id_annotator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_annotation_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['label_id'], ['label.id'], name=op.f('fk_annotation_label_id_label'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation')),
    sa.UniqueConstraint('document_id', 'annotator_id', 'label_id', 'start', 'end', name='uq_annotation_span'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.create_index('ix_annotation_annotator', ['annotator_id', 'document_id'], unique=False)
        batch_op.create_index('ix_annotation_document_span', ['document_id', 'annotator_id', 'start', 'end', 'label_id'], unique=False)
        batch_op.create_index('ix_annotation_label', ['label_id'], unique=False)

    op.create_table('document_status',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('todo', 'in_progress', 'done')", name=op.f('ck_document_status_status_value')),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], name=op.f('fk_document_status_annotator_id_annotator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_status_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'annotator_id', name=op.f('pk_document_status'))
    )


    # The header marks the file as a Claimdesk project of this format, readable without SQL.
    file_header("PRAGMA application_id = 1129073988")  # 0x434C4D44, "CLMD"
    file_header("PRAGMA user_version = 1")


def downgrade() -> None:
    op.drop_table('document_status')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index('ix_annotation_label')
        batch_op.drop_index('ix_annotation_document_span')
        batch_op.drop_index('ix_annotation_annotator')

    op.drop_table('annotation')
    op.drop_table('project')
    op.drop_table('label')
    op.drop_table('document')
    op.drop_table('annotator')
    file_header("PRAGMA user_version = 0")
