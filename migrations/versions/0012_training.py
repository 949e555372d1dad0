"""skills training: rounds, courses and sessions, applications with ranked choices,
allocation runs (input snapshot and output), offers, waitlists, enrolments, attendance,
certificates and employment outcomes

Only new tables: nothing existing changes, and downgrading drops them.

Revision ID: 0012_training
Revises: 0010_jobs_bases
Create Date: 2026-12-04 09:41:16.059364

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_training'
down_revision = '0011_volunteers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'published')", name=op.f('ck_training_round_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_training_round_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_user.id'], name=op.f('fk_training_round_published_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_round')),
    sa.UniqueConstraint('name', name=op.f('uq_training_round_name'))
    )
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('trade', sa.String(length=60), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=64), nullable=False),
    sa.Column('apply_by', sa.Date(), nullable=False),
    sa.Column('eligible_kinds', sa.JSON(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('exclude_if_completed', sa.Boolean(), nullable=False),
    sa.Column('certificate_type', sa.String(length=80), nullable=False),
    sa.Column('min_attendance_pct', sa.Integer(), nullable=False),
    sa.Column('exam_required', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('apply_by <= starts_on', name=op.f('ck_course_apply_before_start')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_course_period')),
    sa.CheckConstraint('min_age IS NULL OR max_age IS NULL OR min_age <= max_age', name=op.f('ck_course_ages')),
    sa.CheckConstraint('min_attendance_pct BETWEEN 0 AND 100', name=op.f('ck_course_attendance_pct')),
    sa.CheckConstraint('seats >= 0', name=op.f('ck_course_seats')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff_user.id'], name=op.f('fk_course_closed_by_id_staff_user')),
    sa.ForeignKeyConstraint(['partner_id'], ['training_partner.id'], name=op.f('fk_course_partner_id_training_partner')),
    sa.ForeignKeyConstraint(['round_id'], ['training_round.id'], name=op.f('fk_course_round_id_training_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_town'), ['town'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_trade'), ['trade'], unique=False)

    op.create_table('training_allocation_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_by_id', sa.Integer(), nullable=True),
    sa.Column('points_on', sa.Date(), nullable=False),
    sa.Column('problem', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('points', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published', 'superseded')", name=op.f('ck_training_allocation_run_status')),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_user.id'], name=op.f('fk_training_allocation_run_published_by_id_staff_user')),
    sa.ForeignKeyConstraint(['round_id'], ['training_round.id'], name=op.f('fk_training_allocation_run_round_id_training_round')),
    sa.ForeignKeyConstraint(['run_by_id'], ['staff_user.id'], name=op.f('fk_training_allocation_run_run_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_allocation_run'))
    )
    with op.batch_alter_table('training_allocation_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_allocation_run_round_id'), ['round_id'], unique=False)

    op.create_table('training_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'offered', 'enrolled', 'waitlisted', 'unplaced', 'withdrawn')", name=op.f('ck_training_application_status')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['staff_user.id'], name=op.f('fk_training_application_entered_by_id_staff_user')),
    sa.ForeignKeyConstraint(['office_id'], ['org_unit.id'], name=op.f('fk_training_application_office_id_org_unit')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_training_application_person_id_person')),
    sa.ForeignKeyConstraint(['round_id'], ['training_round.id'], name=op.f('fk_training_application_round_id_training_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_application'))
    )
    with op.batch_alter_table('training_application', schema=None) as batch_op:
        batch_op.create_index('ix_training_application_live', ['round_id', 'person_id'], unique=True, sqlite_where=sa.text("status <> 'withdrawn'"), postgresql_where=sa.text("status <> 'withdrawn'"))
        batch_op.create_index(batch_op.f('ix_training_application_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_application_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_application_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_application_status'), ['status'], unique=False)

    op.create_table('course_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('attendance_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_course_session_order')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_session_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_session')),
    sa.UniqueConstraint('course_id', 'on_date', 'start_time', name='uq_course_session_slot')
    )
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_session_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_session_on_date'), ['on_date'], unique=False)

    op.create_table('training_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('rank BETWEEN 1 AND 5', name=op.f('ck_training_choice_rank')),
    sa.ForeignKeyConstraint(['application_id'], ['training_application.id'], name=op.f('fk_training_choice_application_id_training_application')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_training_choice_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_choice')),
    sa.UniqueConstraint('application_id', 'course_id', name='uq_training_choice_course'),
    sa.UniqueConstraint('application_id', 'rank', name='uq_training_choice_rank')
    )
    with op.batch_alter_table('training_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_choice_course_id'), ['course_id'], unique=False)

    op.create_table('training_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('choice_rank', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('allocation', 'waitlist')", name=op.f('ck_training_offer_source')),
    sa.CheckConstraint("status IN ('open', 'accepted', 'declined', 'expired', 'released', 'withdrawn')", name=op.f('ck_training_offer_status')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['staff_user.id'], name=op.f('fk_training_offer_answered_by_id_staff_user')),
    sa.ForeignKeyConstraint(['application_id'], ['training_application.id'], name=op.f('fk_training_offer_application_id_training_application')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_training_offer_course_id_course')),
    sa.ForeignKeyConstraint(['office_id'], ['org_unit.id'], name=op.f('fk_training_offer_office_id_org_unit')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_training_offer_person_id_person')),
    sa.ForeignKeyConstraint(['run_id'], ['training_allocation_run.id'], name=op.f('fk_training_offer_run_id_training_allocation_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_offer'))
    )
    with op.batch_alter_table('training_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_offer_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_training_offer_course_status', ['course_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_offer_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_training_offer_holding', ['application_id', 'course_id'], unique=True, sqlite_where=sa.text("status IN ('open', 'accepted')"), postgresql_where=sa.text("status IN ('open', 'accepted')"))
        batch_op.create_index(batch_op.f('ix_training_offer_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_offer_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_offer_status'), ['status'], unique=False)

    op.create_table('training_waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('choice_rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('left_reason', sa.String(length=32), nullable=False),
    sa.CheckConstraint("status IN ('waiting', 'offered', 'left')", name=op.f('ck_training_waitlist_status')),
    sa.ForeignKeyConstraint(['application_id'], ['training_application.id'], name=op.f('fk_training_waitlist_application_id_training_application')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_training_waitlist_course_id_course')),
    sa.ForeignKeyConstraint(['run_id'], ['training_allocation_run.id'], name=op.f('fk_training_waitlist_run_id_training_allocation_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_waitlist')),
    sa.UniqueConstraint('course_id', 'application_id', name='uq_training_waitlist_entry')
    )
    with op.batch_alter_table('training_waitlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_waitlist_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_waitlist_course_id'), ['course_id'], unique=False)

    op.create_table('training_enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('exam_passed', sa.Boolean(), nullable=True),
    sa.Column('exam_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('exam_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completion_reason', sa.String(length=200), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('enrolled', 'completed', 'not_completed', 'withdrawn')", name=op.f('ck_training_enrolment_status')),
    sa.ForeignKeyConstraint(['application_id'], ['training_application.id'], name=op.f('fk_training_enrolment_application_id_training_application')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_training_enrolment_course_id_course')),
    sa.ForeignKeyConstraint(['exam_recorded_by_id'], ['staff_user.id'], name=op.f('fk_training_enrolment_exam_recorded_by_id_staff_user')),
    sa.ForeignKeyConstraint(['offer_id'], ['training_offer.id'], name=op.f('fk_training_enrolment_offer_id_training_offer')),
    sa.ForeignKeyConstraint(['office_id'], ['org_unit.id'], name=op.f('fk_training_enrolment_office_id_org_unit')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_training_enrolment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_enrolment')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_training_enrolment_offer_id'))
    )
    with op.batch_alter_table('training_enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_enrolment_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_enrolment_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_enrolment_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_enrolment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_enrolment_status'), ['status'], unique=False)

    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['training_enrolment.id'], name=op.f('fk_training_attendance_enrolment_id_training_enrolment')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_training_attendance_recorded_by_id_staff_user')),
    sa.ForeignKeyConstraint(['session_id'], ['course_session.id'], name=op.f('fk_training_attendance_session_id_course_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance')),
    sa.UniqueConstraint('session_id', 'enrolment_id', name='uq_training_attendance_once')
    )
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attendance_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('training_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['training_enrolment.id'], name=op.f('fk_training_certificate_enrolment_id_training_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_certificate')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_training_certificate_enrolment_id')),
    sa.UniqueConstraint('number', name=op.f('uq_training_certificate_number'))
    )
    op.create_table('training_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('employed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('months IN (3, 6)', name=op.f('ck_training_outcome_months')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['training_enrolment.id'], name=op.f('fk_training_outcome_enrolment_id_training_enrolment')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_training_outcome_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_outcome')),
    sa.UniqueConstraint('enrolment_id', 'months', name='uq_training_outcome_follow_up')
    )
    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_outcome_enrolment_id'), ['enrolment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_outcome_enrolment_id'))

    op.drop_table('training_outcome')
    op.drop_table('training_certificate')
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_training_attendance_enrolment_id'))

    op.drop_table('training_attendance')
    with op.batch_alter_table('training_enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_enrolment_status'))
        batch_op.drop_index(batch_op.f('ix_training_enrolment_person_id'))
        batch_op.drop_index(batch_op.f('ix_training_enrolment_office_id'))
        batch_op.drop_index(batch_op.f('ix_training_enrolment_course_id'))
        batch_op.drop_index(batch_op.f('ix_training_enrolment_application_id'))

    op.drop_table('training_enrolment')
    with op.batch_alter_table('training_waitlist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_waitlist_course_id'))
        batch_op.drop_index(batch_op.f('ix_training_waitlist_application_id'))

    op.drop_table('training_waitlist')
    with op.batch_alter_table('training_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_offer_status'))
        batch_op.drop_index(batch_op.f('ix_training_offer_person_id'))
        batch_op.drop_index(batch_op.f('ix_training_offer_office_id'))
        batch_op.drop_index('ix_training_offer_holding', sqlite_where=sa.text("status IN ('open', 'accepted')"), postgresql_where=sa.text("status IN ('open', 'accepted')"))
        batch_op.drop_index(batch_op.f('ix_training_offer_expires_at'))
        batch_op.drop_index('ix_training_offer_course_status')
        batch_op.drop_index(batch_op.f('ix_training_offer_application_id'))

    op.drop_table('training_offer')
    with op.batch_alter_table('training_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_choice_course_id'))

    op.drop_table('training_choice')
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_session_on_date'))
        batch_op.drop_index(batch_op.f('ix_course_session_course_id'))

    op.drop_table('course_session')
    with op.batch_alter_table('training_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_application_status'))
        batch_op.drop_index(batch_op.f('ix_training_application_round_id'))
        batch_op.drop_index(batch_op.f('ix_training_application_person_id'))
        batch_op.drop_index(batch_op.f('ix_training_application_office_id'))
        batch_op.drop_index('ix_training_application_live', sqlite_where=sa.text("status <> 'withdrawn'"), postgresql_where=sa.text("status <> 'withdrawn'"))

    op.drop_table('training_application')
    with op.batch_alter_table('training_allocation_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_allocation_run_round_id'))

    op.drop_table('training_allocation_run')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_trade'))
        batch_op.drop_index(batch_op.f('ix_course_town'))
        batch_op.drop_index(batch_op.f('ix_course_round_id'))
        batch_op.drop_index(batch_op.f('ix_course_partner_id'))

    op.drop_table('course')
    op.drop_table('training_round')
