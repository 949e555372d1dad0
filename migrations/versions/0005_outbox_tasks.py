"""outbox and tasks in core: the donors' outbox becomes the generic outbox_message

Revision ID: 0005_outbox_tasks
Revises: 0004_allocations_payouts
Create Date: 2026-12-04 03:41:27.424176

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_outbox_tasks'
down_revision = '0004_allocations_payouts'
branch_labels = None
depends_on = None

CHANNEL = 'wechat_subscribe'
# The donors' outbox said "failed" for given up and "no_grant" for undeliverable.
STATUS_UP = {'failed': 'given_up', 'no_grant': 'undeliverable'}
STATUS_DOWN = {new: old for old, new in STATUS_UP.items()}

donor_outbox = sa.table(
    'donor_outbox',
    sa.column('id', sa.Integer()),
    sa.column('donor_id', sa.String()),
    sa.column('donation_id', sa.String()),
    sa.column('kind', sa.String()),
    sa.column('data', sa.JSON()),
    sa.column('status', sa.String()),
    sa.column('attempts', sa.Integer()),
    sa.column('last_error', sa.Text()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('sent_at', sa.DateTime(timezone=True)),
)
outbox_message = sa.table(
    'outbox_message',
    sa.column('id', sa.Integer()),
    sa.column('channel', sa.String()),
    sa.column('recipient', sa.String()),
    sa.column('kind', sa.String()),
    sa.column('dedupe_key', sa.String()),
    sa.column('data', sa.JSON()),
    sa.column('status', sa.String()),
    sa.column('attempts', sa.Integer()),
    sa.column('last_error', sa.Text()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('sent_at', sa.DateTime(timezone=True)),
)


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('channel', 'dedupe_key', name='uq_outbox_message_channel_key')
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_channel_recipient', ['channel', 'recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_status'), ['status'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_params', sa.JSON(), nullable=False),
    sa.Column('assignee_user_id', sa.Integer(), nullable=True),
    sa.Column('assignee_role', sa.String(length=32), nullable=True),
    sa.Column('scope_unit_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(assignee_user_id IS NULL) <> (assignee_role IS NULL)', name=op.f('ck_task_one_assignee')),
    sa.CheckConstraint('scope_unit_id IS NULL OR assignee_role IS NOT NULL', name=op.f('ck_task_scope_for_roles')),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['staff_user.id'], name=op.f('fk_task_assignee_user_id_staff_user')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff_user.id'], name=op.f('fk_task_closed_by_id_staff_user')),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['org_unit.id'], name=op.f('fk_task_scope_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_assignee_user_id'), ['assignee_user_id'], unique=False)
        batch_op.create_index('ix_task_open_dedupe_key', ['dedupe_key'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index(batch_op.f('ix_task_status'), ['status'], unique=False)

    # Every queued donor message moves, in its order, with what happened to it.
    rows = op.get_bind().execute(sa.select(donor_outbox).order_by(donor_outbox.c.id)).all()
    messages = [
        {
            'channel': CHANNEL,
            'recipient': row.donor_id or '',
            'kind': row.kind,
            'dedupe_key': f'donation:{row.donation_id}:{row.kind}',
            'data': {**(row.data or {}), 'donation_id': row.donation_id},
            'status': STATUS_UP.get(row.status, row.status),
            'attempts': row.attempts,
            'last_error': row.last_error,
            'created_at': row.created_at,
            'sent_at': row.sent_at,
        }
        for row in rows
    ]
    if messages:
        op.bulk_insert(outbox_message, messages)

    with op.batch_alter_table('donor_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donor_outbox_donor_id'))
        batch_op.drop_index(batch_op.f('ix_donor_outbox_status'))

    op.drop_table('donor_outbox')


def downgrade():
    op.create_table('donor_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donor_id', sa.String(length=36), nullable=True),
    sa.Column('donation_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_donor_outbox_donation_id_donation')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_donor_outbox_donor_id_donor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor_outbox')),
    sa.UniqueConstraint('kind', 'donation_id', name='uq_donor_outbox_kind_donation')
    )
    with op.batch_alter_table('donor_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donor_outbox_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donor_outbox_status'), ['status'], unique=False)

    # Only the donors' channel existed before; other channels' messages cannot go back.
    rows = op.get_bind().execute(
        sa.select(outbox_message)
        .where(outbox_message.c.channel == CHANNEL)
        .order_by(outbox_message.c.id)
    ).all()
    messages = []
    for row in rows:
        data = dict(row.data or {})
        donation_id = data.pop('donation_id', None) or row.dedupe_key.split(':')[1]
        messages.append(
            {
                'donor_id': row.recipient or None,
                'donation_id': donation_id,
                'kind': row.kind,
                'data': data,
                'status': STATUS_DOWN.get(row.status, row.status),
                'attempts': row.attempts,
                'last_error': row.last_error,
                'created_at': row.created_at,
                'sent_at': row.sent_at,
            }
        )
    if messages:
        op.bulk_insert(donor_outbox, messages)

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_status'))
        batch_op.drop_index('ix_task_open_dedupe_key', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_task_assignee_user_id'))

    op.drop_table('task')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_status'))
        batch_op.drop_index('ix_outbox_message_channel_recipient')

    op.drop_table('outbox_message')
