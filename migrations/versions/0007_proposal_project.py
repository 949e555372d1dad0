"""allocation proposals belong to one project

Revision ID: 0007_proposal_project
Revises: 0006_need_editors
Create Date: 2026-12-04 04:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_proposal_project'
down_revision = '0006_need_editors'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('allocation_proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_allocation_proposal_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_allocation_proposal_project_id_project'), 'project', ['project_id'], ['id'])


def downgrade():
    with op.batch_alter_table('allocation_proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_allocation_proposal_project_id_project'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_allocation_proposal_project_id'))
        batch_op.drop_column('project_id')
