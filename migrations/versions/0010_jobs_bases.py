"""the jobs and bases wing: partners, staff links and access periods, consent per
subject, bases, placements and sessions, employers, openings, referrals, follow-ups

The person's single flag `consent_training_share` is dropped. Sharing with a training
partner, a base or an employer is now consented per enrolment, placement or referral
(table `consent`), each time for what may be shared (name, phone, status, offence).
When this migration was written no enrolment, placement or referral existed, so no old
flag could be carried over to a subject: people who had the flag are asked again when
they are enrolled, placed or referred. Downgrading restores the column as false.

Revision ID: 0010_jobs_bases
Revises: 0009_sessions_staff_session
Create Date: 2026-12-04 09:19:10.891158

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_jobs_bases'
down_revision = '0009_sessions_staff_session'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('town', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer')),
    sa.UniqueConstraint('name', name=op.f('uq_employer_name'))
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_town'), ['town'], unique=False)

    op.create_table('training_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('labour_bureau', 'school', 'enterprise', 'other')", name=op.f('ck_training_partner_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_partner')),
    sa.UniqueConstraint('name', name=op.f('uq_training_partner_name'))
    )
    op.create_table('base',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('town', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('activities', sa.JSON(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('education', 'welfare', 'employment')", name=op.f('ck_base_kind')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_base_capacity_positive')),
    sa.ForeignKeyConstraint(['retired_by_id'], ['staff_user.id'], name=op.f('fk_base_retired_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_base')),
    sa.UniqueConstraint('name', name=op.f('uq_base_name'))
    )
    with op.batch_alter_table('base', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_base_town'), ['town'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('share_name', sa.Boolean(), nullable=False),
    sa.Column('share_phone', sa.Boolean(), nullable=False),
    sa.Column('share_status', sa.Boolean(), nullable=False),
    sa.Column('share_offence', sa.Boolean(), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("audience IN ('partner', 'base', 'employer')", name=op.f('ck_consent_audience')),
    sa.CheckConstraint("subject_kind IN ('enrolment', 'placement', 'referral')", name=op.f('ck_consent_subject_kind')),
    sa.ForeignKeyConstraint(['given_by_id'], ['staff_user.id'], name=op.f('fk_consent_given_by_id_staff_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consent_person_id_person')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['staff_user.id'], name=op.f('fk_consent_withdrawn_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_live_subject', ['subject_kind', 'subject_id'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_consent_person_id'), ['person_id'], unique=False)

    op.create_table('opening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('wage_min_fen', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('wage_max_fen', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('town', sa.String(length=64), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_opening_status')),
    sa.CheckConstraint('seats > 0', name=op.f('ck_opening_seats_positive')),
    sa.CheckConstraint('wage_min_fen >= 0 AND wage_max_fen >= wage_min_fen', name=op.f('ck_opening_wage_range')),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_opening_base_id_base')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_opening_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_opening_employer_id_employer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening'))
    )
    with op.batch_alter_table('opening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opening_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opening_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_opening_town'), ['town'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('alias', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_placement_status')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_placement_period')),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_placement_base_id_base')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_placement_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['office_id'], ['org_unit.id'], name=op.f('fk_placement_office_id_org_unit')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_placement_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_status'), ['status'], unique=False)

    op.create_table('staff_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(partner_id IS NULL) <> (base_id IS NULL)', name=op.f('ck_staff_link_one_target')),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_staff_link_base_id_base')),
    sa.ForeignKeyConstraint(['linked_by_id'], ['staff_user.id'], name=op.f('fk_staff_link_linked_by_id_staff_user')),
    sa.ForeignKeyConstraint(['partner_id'], ['training_partner.id'], name=op.f('fk_staff_link_partner_id_training_partner')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_link_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_link')),
    sa.UniqueConstraint('user_id', name=op.f('uq_staff_link_user_id'))
    )
    with op.batch_alter_table('staff_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_link_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_link_partner_id'), ['partner_id'], unique=False)

    op.create_table('base_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined')", name=op.f('ck_base_session_status')),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_base_session_order')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_base_session_minutes_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_base_session_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['staff_user.id'], name=op.f('fk_base_session_logged_by_id_staff_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_base_session_person_id_person')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_base_session_placement_id_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_base_session'))
    )
    with op.batch_alter_table('base_session', schema=None) as batch_op:
        batch_op.create_index('ix_base_session_person_day', ['person_id', 'on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_base_session_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_base_session_status'), ['status'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('referred', 'hired', 'not_hired', 'left', 'withdrawn')", name=op.f('ck_referral_status')),
    sa.ForeignKeyConstraint(['office_id'], ['org_unit.id'], name=op.f('fk_referral_office_id_org_unit')),
    sa.ForeignKeyConstraint(['opening_id'], ['opening.id'], name=op.f('fk_referral_opening_id_opening')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_referral_person_id_person')),
    sa.ForeignKeyConstraint(['referred_by_id'], ['staff_user.id'], name=op.f('fk_referral_referred_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_opening_id'), ['opening_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_status'), ['status'], unique=False)

    op.create_table('referral_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('still_employed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('months IN (3, 6)', name=op.f('ck_referral_follow_up_months')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_referral_follow_up_recorded_by_id_staff_user')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_follow_up_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_follow_up')),
    sa.UniqueConstraint('referral_id', 'months', name='uq_referral_follow_up_milestone')
    )
    with op.batch_alter_table('referral_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_follow_up_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('consent_training_share')

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_until', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('access_until')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_training_share', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('referral_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_follow_up_referral_id'))

    op.drop_table('referral_follow_up')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_status'))
        batch_op.drop_index(batch_op.f('ix_referral_person_id'))
        batch_op.drop_index(batch_op.f('ix_referral_opening_id'))
        batch_op.drop_index(batch_op.f('ix_referral_office_id'))

    op.drop_table('referral')
    with op.batch_alter_table('base_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_base_session_status'))
        batch_op.drop_index(batch_op.f('ix_base_session_placement_id'))
        batch_op.drop_index('ix_base_session_person_day')

    op.drop_table('base_session')
    with op.batch_alter_table('staff_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_link_partner_id'))
        batch_op.drop_index(batch_op.f('ix_staff_link_base_id'))

    op.drop_table('staff_link')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_status'))
        batch_op.drop_index(batch_op.f('ix_placement_person_id'))
        batch_op.drop_index(batch_op.f('ix_placement_office_id'))
        batch_op.drop_index(batch_op.f('ix_placement_base_id'))

    op.drop_table('placement')
    with op.batch_alter_table('opening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opening_town'))
        batch_op.drop_index(batch_op.f('ix_opening_status'))
        batch_op.drop_index(batch_op.f('ix_opening_employer_id'))

    op.drop_table('opening')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_person_id'))
        batch_op.drop_index('ix_consent_live_subject', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

    op.drop_table('consent')
    with op.batch_alter_table('base', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_base_town'))

    op.drop_table('base')
    op.drop_table('training_partner')
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_town'))

    op.drop_table('employer')
