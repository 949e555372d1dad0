"""need editors: everyone who changed a need's content, kept out of its review

Revision ID: 0006_need_editors
Revises: 0005_outbox_tasks
Create Date: 2026-12-04 04:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_need_editors'
down_revision = '0005_outbox_tasks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('need_editor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_edited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_editor_need_id_need')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_need_editor_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_editor')),
    sa.UniqueConstraint('need_id', 'user_id', name='uq_need_editor_need_user')
    )
    with op.batch_alter_table('need_editor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_editor_need_id'), ['need_id'], unique=False)


def downgrade():
    with op.batch_alter_table('need_editor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_editor_need_id'))
    op.drop_table('need_editor')
