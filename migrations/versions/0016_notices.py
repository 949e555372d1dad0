"""notices: an officer's notices from the office channel; a task may be dismissed

Revision ID: 0016_notices
Revises: 0015_list_indexes
Create Date: 2026-12-04 12:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_notices'
down_revision = '0015_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_notice_message_id_outbox_message')),
    sa.ForeignKeyConstraint(['office_id'], ['org_unit.id'], name=op.f('fk_notice_office_id_org_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_notice_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('message_id', 'user_id', name='uq_notice_message_user')
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_user_read', ['user_id', 'read_at'], unique=False)
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=8), type_=sa.String(length=12), existing_nullable=False)


def downgrade():
    op.execute("UPDATE task SET status = 'done' WHERE status = 'dismissed'")
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=12), type_=sa.String(length=8), existing_nullable=False)
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_user_read')
    op.drop_table('notice')
