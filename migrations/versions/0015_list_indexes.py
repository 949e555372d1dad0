"""list indexes: staff lists page newest first within a filter, at a province's size

Revision ID: 0015_list_indexes
Revises: 0014_mentoring
Create Date: 2026-12-04 12:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_list_indexes'
down_revision = '0014_mentoring'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_person_office_id_id', 'person', ['office_id', 'id']),
    ('ix_person_status_id', 'person', ['status', 'id']),
    ('ix_person_status_office_id_kind', 'person', ['status', 'office_id', 'kind']),
    ('ix_need_status_id', 'need', ['status', 'id']),
    ('ix_need_person_id_status', 'need', ['person_id', 'status']),
    ('ix_donation_created_at_id', 'donation', ['created_at', 'id']),
    ('ix_donation_status_created_at_id', 'donation', ['status', 'created_at', 'id']),
    ('ix_donation_message_status', 'donation', ['message_status']),
    ('ix_audit_event_action_id', 'audit_event', ['action', 'id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
