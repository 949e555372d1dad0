"""Every action the audit log records, and the words the audit page shows for each.

One list, so that a typo in a call site fails at once (`core.audit.record`
refuses a code not listed here) instead of writing entries nobody can filter
for, and so that the test suite can tell which actions no test ever records.
The codes are stored as they are; renaming one would orphan the old entries.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class AuditAction(enum.StrEnum):
    # Sign-in and staff accounts.
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    LOGIN_ACCESS_ENDED = "login.access_ended"
    SESSION_ACCESS_ENDED = "session.access_ended"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_EXPORT = "user.export"
    USER_RESET_PASSWORD = "user.reset_password"  # noqa: S105 - an action code, not a secret
    USER_CHANGE_PASSWORD = "user.change_password"  # noqa: S105 - an action code, not a secret
    USER_CHANGE_PASSWORD_FAILED = "user.change_password.failed"  # noqa: S105 - an action code
    CRYPTO_ROTATE_BATCH = "crypto.rotate_batch"
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_EXPORT = "audit.export"
    REPORT_MONTHLY_EXPORT = "report.monthly_export"
    REPORT_EXPORT = "report.export"
    TASK_CLOSE = "task.close"
    TASK_DISMISS = "task.dismiss"
    # People.
    PERSON_CREATE = "person.create"
    PERSON_UPDATE = "person.update"
    PERSON_VIEW = "person.view"
    PERSON_REVEAL = "person.reveal"
    PERSON_TRANSFER_REQUEST = "person.transfer_request"
    PERSON_TRANSFER_ACCEPT = "person.transfer_accept"
    PERSON_TRANSFER_REJECT = "person.transfer_reject"
    PERSON_END = "person.end"
    PERSON_ANONYMISE = "person.anonymise"
    PERSON_SEARCH = "person.search"
    PERSON_EXPORT = "person.export"
    PERSON_DUPLICATE_REFUSED = "person.duplicate_refused"
    PERSON_DUPLICATE_THROTTLED = "person.duplicate_throttled"
    PERSON_MASS_REVEAL = "person.mass_reveal"
    # Needs, as staff handle them.
    NEED_VIEW = "need.view"
    NEED_EXPORT = "need.export"
    NEED_CREATE = "need.create"
    NEED_UPDATE = "need.update"
    NEED_SUBMIT = "need.submit"
    NEED_APPROVE = "need.approve"
    NEED_RETURN = "need.return"
    NEED_PUBLISH = "need.publish"
    NEED_PUBLISH_REFUSED = "need.publish_refused"
    NEED_CANCEL = "need.cancel"
    NEED_LIST = "need.list"
    # Needs, as their funding moves them (core.needs.services.move_need_status).
    NEED_FUNDED = "need.funded"
    NEED_PUBLISHED = "need.published"
    NEED_EXPIRED = "need.expired"
    NEED_CANCELLED = "need.cancelled"
    NEED_DISBURSED = "need.disbursed"
    NEED_CLOSED = "need.closed"
    # Projects and gifts.
    PROJECT_SAVE = "project.save"
    PROJECT_DRAFT = "project.draft"
    PROJECT_ACTIVE = "project.active"
    PROJECT_CLOSED = "project.closed"
    DONATION_EXPORT = "donation.export"
    DONATION_REFUND_REQUEST = "donation.refund_request"
    DONATION_MESSAGE_SHOW = "donation.message_show"
    DONATION_MESSAGE_HIDE = "donation.message_hide"
    PAYMENT_MISMATCH = "payment.mismatch"
    RECEIPT_ISSUE = "receipt.issue"
    RECEIPT_EXPORT = "receipt.export"
    DONOR_DELETE = "donor.delete"
    FINANCE_RECONCILE = "finance.reconcile"
    FINANCE_JOURNAL_EXPORT = "finance.journal_export"
    FINANCE_SETTLE_DISCREPANCY = "finance.settle_discrepancy"
    # Allocations and payouts.
    ALLOCATION_PROPOSE = "allocation.propose"
    ALLOCATION_FIRST_APPROVAL = "allocation.first_approval"
    ALLOCATION_APPROVE = "allocation.approve"
    ALLOCATION_REJECT = "allocation.reject"
    ALLOCATION_EXPORT = "allocation.export"
    DISBURSEMENT_PROPOSE = "disbursement.propose"
    DISBURSEMENT_APPROVE = "disbursement.approve"
    DISBURSEMENT_REJECT = "disbursement.reject"
    DISBURSEMENT_EVIDENCE_VIEW = "disbursement.evidence_view"
    DISBURSEMENT_EXPORT = "disbursement.export"
    PROJECT_EXPORT = "project.export"
    POOL_EXPORT = "pool.export"
    POOL_HISTORY_EXPORT = "pool.history_export"
    # Volunteers: their accounts, as they use them.
    VOLUNTEER_REGISTER = "volunteer.register"
    VOLUNTEER_LOGIN = "volunteer.login"
    VOLUNTEER_LOGIN_FAILED = "volunteer.login_failed"
    VOLUNTEER_LOGOUT = "volunteer.logout"
    VOLUNTEER_RESET_REQUEST = "volunteer.reset_request"
    VOLUNTEER_RESET_PASSWORD = "volunteer.reset_password"  # noqa: S105 - an action code
    # Volunteers, as coordinators vet them.
    VOLUNTEER_VIEW = "volunteer.view"
    VOLUNTEER_REVEAL = "volunteer.reveal"
    VETTING_RECORD = "vetting.record"
    VETTING_APPROVE = "vetting.approve"
    VETTING_REJECT = "vetting.reject"
    VETTING_SUSPEND = "vetting.suspend"
    # Mentoring pairs (Yellow Ribbon): profiles, consent, runs, pairs, meetings.
    MENTORING_PROFILE_SAVE = "mentoring.profile_save"
    MENTORING_PROFILE_VIEW = "mentoring.profile_view"
    MENTORING_CONSENT_RECORD = "mentoring.consent_record"
    MENTORING_CONSENT_WITHDRAW = "mentoring.consent_withdraw"
    MENTORING_CONFLICT_DECLARE = "mentoring.conflict_declare"
    MENTORING_CONFLICT_REMOVE = "mentoring.conflict_remove"
    MENTORING_CAPACITY_SET = "mentoring.capacity_set"
    MENTORING_RUN = "mentoring.run"
    MENTORING_PAIR_VIEW = "mentoring.pair_view"
    MENTORING_PAIR_APPROVE = "mentoring.pair_approve"
    MENTORING_PAIR_DECLINE = "mentoring.pair_decline"
    MENTORING_PAIR_CONFIRM = "mentoring.pair_confirm"
    MENTORING_PAIR_MOVE = "mentoring.pair_move"
    MENTORING_PAIR_TAKE_OVER = "mentoring.pair_take_over"
    MENTORING_PAIR_END = "mentoring.pair_end"
    MENTORING_MENTEE_VIEW = "mentoring.mentee_view"
    MENTORING_MEETING_LOG = "mentoring.meeting_log"
    MENTORING_CONCERN_RESOLVE = "mentoring.concern_resolve"
    MENTORING_SCRUB = "mentoring.scrub"
    # Programmes, activities, shifts and hours.
    PROGRAMME_SAVE = "programme.save"
    ACTIVITY_SAVE = "activity.save"
    SHIFT_SAVE = "shift.save"
    SHIFT_CANCEL = "shift.cancel"
    HOURS_APPROVE = "hours.approve"
    HOURS_DECLINE = "hours.decline"
    HOURS_EXPORT = "hours.export"
    PROGRAMME_EXPORT = "programme.export"
    VOLUNTEER_EXPORT = "volunteer.export"
    # Jobs and bases: partner accounts, consent, bases, placements, hours, referrals.
    USER_LINK = "user.link"
    USER_ACCESS_RENEW = "user.access_renew"
    PARTNER_SAVE = "partner.save"
    CONSENT_RECORD = "consent.record"
    CONSENT_WITHDRAW = "consent.withdraw"
    PLACEMENT_END = "placement.end"
    PLACEMENT_VIEW = "placement.view"
    BASE_EXPORT = "base.export"
    PLACEMENT_EXPORT = "placement.export"
    BASE_SAVE = "base.save"
    BASE_RETIRE = "base.retire"
    PLACEMENT_CREATE = "placement.create"
    BASE_HOURS_LOG = "base_hours.log"
    BASE_HOURS_APPROVE = "base_hours.approve"
    BASE_HOURS_DECLINE = "base_hours.decline"
    EMPLOYER_SAVE = "employer.save"
    OPENING_SAVE = "opening.save"
    OPENING_EXPORT = "opening.export"
    EMPLOYER_EXPORT = "employer.export"
    REFERRAL_EXPORT = "referral.export"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_OUTCOME = "referral.outcome"
    REFERRAL_WITHDRAW = "referral.withdraw"
    REFERRAL_SHEET_VIEW = "referral.sheet_view"
    FOLLOW_UP_RECORD = "referral.follow_up"
    # Skills training: courses, applications, allocation, offers, the class, certificates.
    TRAINING_ROUND_SAVE = "training.round_save"
    TRAINING_COURSE_SAVE = "training.course_save"
    TRAINING_COURSE_EXPORT = "training.course_export"
    TRAINING_APPLICATION_EXPORT = "training.application_export"
    TRAINING_SESSION_SAVE = "training.session_save"
    TRAINING_SESSION_DELETE = "training.session_delete"
    TRAINING_APPLY = "training.apply"
    TRAINING_APPLICATION_VIEW = "training.application_view"
    TRAINING_APPLICATION_WITHDRAW = "training.application_withdraw"
    TRAINING_ALLOCATION_RUN = "training.allocation_run"
    TRAINING_ALLOCATION_PUBLISH = "training.allocation_publish"
    TRAINING_OFFER_MADE = "training.offer_made"
    TRAINING_OFFER_ACCEPT = "training.offer_accept"
    TRAINING_OFFER_DECLINE = "training.offer_decline"
    TRAINING_OFFER_EXPIRE = "training.offer_expire"
    TRAINING_OFFER_RELEASE = "training.offer_release"
    TRAINING_OFFER_WITHDRAW = "training.offer_withdraw"
    TRAINING_ENROLMENT_WITHDRAW = "training.enrolment_withdraw"
    TRAINING_TRAINEES_VIEW = "training.trainees_view"
    TRAINING_TRAINEE_VIEW = "training.trainee_view"
    TRAINING_ATTENDANCE_RECORD = "training.attendance_record"
    TRAINING_EXAM_RECORD = "training.exam_record"
    TRAINING_COURSE_CLOSE = "training.course_close"
    TRAINING_CERTIFICATE_DOWNLOAD = "training.certificate_download"
    TRAINING_CERTIFICATE_CHECK = "training.certificate_check"
    TRAINING_OUTCOME_RECORD = "training.outcome_record"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    AuditAction.LOGIN: _l("Signed in"),
    AuditAction.LOGIN_FAILED: _l("Sign-in failed"),
    AuditAction.LOGOUT: _l("Signed out"),
    AuditAction.LOGIN_ACCESS_ENDED: _l("Sign-in refused: the account's access period is over"),
    AuditAction.SESSION_ACCESS_ENDED: _l("Session ended: the account's access period is over"),
    AuditAction.USER_CREATE: _l("Staff account created"),
    AuditAction.USER_UPDATE: _l("Staff account changed"),
    AuditAction.USER_EXPORT: _l("Staff accounts exported"),
    AuditAction.USER_RESET_PASSWORD: _l("Password reset by an admin"),
    AuditAction.USER_CHANGE_PASSWORD: _l("Own password changed"),
    AuditAction.USER_CHANGE_PASSWORD_FAILED: _l("Own password change refused: wrong password"),
    AuditAction.TASK_CLOSE: _l("Task closed"),
    AuditAction.TASK_DISMISS: _l("Task dismissed"),
    AuditAction.PERSON_SEARCH: _l("People searched by identity"),
    AuditAction.PERSON_EXPORT: _l("People exported"),
    AuditAction.PERSON_DUPLICATE_REFUSED: _l("ID number already on record refused"),
    AuditAction.PERSON_DUPLICATE_THROTTLED: _l("Too many known ID numbers entered: paused"),
    AuditAction.PERSON_MASS_REVEAL: _l("Far more identities revealed than colleagues"),
    AuditAction.FINANCE_SETTLE_DISCREPANCY: _l("Reconciliation discrepancy settled"),
    AuditAction.CRYPTO_ROTATE_BATCH: _l("Records re-encrypted with the new key"),
    AuditAction.AUDIT_VIEW: _l("Audit log viewed"),
    AuditAction.AUDIT_VERIFY: _l("Audit chain verified"),
    AuditAction.AUDIT_EXPORT: _l("Audit log exported"),
    AuditAction.REPORT_MONTHLY_EXPORT: _l("Monthly statistics exported"),
    AuditAction.REPORT_EXPORT: _l("Report exported"),
    AuditAction.PERSON_CREATE: _l("Person registered"),
    AuditAction.PERSON_UPDATE: _l("Person record changed"),
    AuditAction.PERSON_VIEW: _l("Person record viewed"),
    AuditAction.PERSON_REVEAL: _l("Identity field revealed"),
    AuditAction.PERSON_TRANSFER_REQUEST: _l("Transfer to another office requested"),
    AuditAction.PERSON_TRANSFER_ACCEPT: _l("Transfer accepted"),
    AuditAction.PERSON_TRANSFER_REJECT: _l("Transfer refused"),
    AuditAction.PERSON_END: _l("Case ended"),
    AuditAction.PERSON_ANONYMISE: _l("Long-ended cases anonymised"),
    AuditAction.NEED_VIEW: _l("Need viewed"),
    AuditAction.NEED_CREATE: _l("Need written"),
    AuditAction.NEED_UPDATE: _l("Need edited"),
    AuditAction.NEED_SUBMIT: _l("Need submitted for review"),
    AuditAction.NEED_EXPORT: _l("Needs exported"),
    AuditAction.NEED_APPROVE: _l("Need approved by a second reviewer"),
    AuditAction.NEED_RETURN: _l("Need returned to its author"),
    AuditAction.NEED_PUBLISH: _l("Need published"),
    AuditAction.NEED_PUBLISH_REFUSED: _l("Need publication refused"),
    AuditAction.NEED_CANCEL: _l("Need cancelled by staff"),
    AuditAction.NEED_LIST: _l("Need listed on a project"),
    AuditAction.NEED_FUNDED: _l("Need fully funded"),
    AuditAction.NEED_PUBLISHED: _l("Need reopened to gifts"),
    AuditAction.NEED_EXPIRED: _l("Need expired before it was funded"),
    AuditAction.NEED_CANCELLED: _l("Need withdrawn from funding"),
    AuditAction.NEED_DISBURSED: _l("Need paid out"),
    AuditAction.NEED_CLOSED: _l("Need closed after payout"),
    AuditAction.PROJECT_SAVE: _l("Project saved"),
    AuditAction.PROJECT_DRAFT: _l("Project set back to draft"),
    AuditAction.PROJECT_ACTIVE: _l("Project opened to gifts"),
    AuditAction.PROJECT_CLOSED: _l("Project closed to gifts"),
    AuditAction.DONATION_EXPORT: _l("Donations exported"),
    AuditAction.DONATION_REFUND_REQUEST: _l("Refund requested"),
    AuditAction.DONATION_MESSAGE_SHOW: _l("Donor message shown"),
    AuditAction.DONATION_MESSAGE_HIDE: _l("Donor message hidden"),
    AuditAction.PAYMENT_MISMATCH: _l("Payment amount did not match"),
    AuditAction.RECEIPT_ISSUE: _l("Donation receipt issued"),
    AuditAction.RECEIPT_EXPORT: _l("Receipt requests exported"),
    AuditAction.DONOR_DELETE: _l("Donor account deleted"),
    AuditAction.FINANCE_RECONCILE: _l("Payments reconciled with the provider"),
    AuditAction.FINANCE_JOURNAL_EXPORT: _l("Journal exported"),
    AuditAction.ALLOCATION_PROPOSE: _l("Allocation proposed"),
    AuditAction.ALLOCATION_FIRST_APPROVAL: _l("Allocation given its first approval"),
    AuditAction.ALLOCATION_APPROVE: _l("Allocation approved"),
    AuditAction.ALLOCATION_REJECT: _l("Allocation rejected"),
    AuditAction.ALLOCATION_EXPORT: _l("Allocations exported"),
    AuditAction.DISBURSEMENT_PROPOSE: _l("Payout proposed"),
    AuditAction.DISBURSEMENT_APPROVE: _l("Payout approved"),
    AuditAction.DISBURSEMENT_REJECT: _l("Payout rejected"),
    AuditAction.DISBURSEMENT_EVIDENCE_VIEW: _l("Payout evidence viewed"),
    AuditAction.DISBURSEMENT_EXPORT: _l("Payouts exported"),
    AuditAction.PROJECT_EXPORT: _l("Projects exported"),
    AuditAction.POOL_EXPORT: _l("Pools exported"),
    AuditAction.POOL_HISTORY_EXPORT: _l("Pool history exported"),
    AuditAction.VOLUNTEER_REGISTER: _l("Volunteer registered"),
    AuditAction.VOLUNTEER_LOGIN: _l("Volunteer signed in"),
    AuditAction.VOLUNTEER_LOGIN_FAILED: _l("Volunteer sign-in failed"),
    AuditAction.VOLUNTEER_LOGOUT: _l("Volunteer signed out"),
    AuditAction.VOLUNTEER_RESET_REQUEST: _l("Volunteer password reset link requested"),
    AuditAction.VOLUNTEER_RESET_PASSWORD: _l("Volunteer password reset"),
    AuditAction.VOLUNTEER_VIEW: _l("Volunteer record viewed"),
    AuditAction.VOLUNTEER_REVEAL: _l("Volunteer contact details revealed"),
    AuditAction.VETTING_RECORD: _l("Vetting step recorded"),
    AuditAction.VETTING_APPROVE: _l("Volunteer approved"),
    AuditAction.VETTING_REJECT: _l("Volunteer rejected"),
    AuditAction.VETTING_SUSPEND: _l("Volunteer suspended"),
    AuditAction.MENTORING_PROFILE_SAVE: _l("Mentoring profile saved"),
    AuditAction.MENTORING_PROFILE_VIEW: _l("Mentoring profile viewed"),
    AuditAction.MENTORING_CONSENT_RECORD: _l("Consent to mentoring recorded"),
    AuditAction.MENTORING_CONSENT_WITHDRAW: _l("Consent to mentoring withdrawn"),
    AuditAction.MENTORING_CONFLICT_DECLARE: _l("Conflict of interest declared"),
    AuditAction.MENTORING_CONFLICT_REMOVE: _l("Conflict of interest removed"),
    AuditAction.MENTORING_CAPACITY_SET: _l("Mentor capacity set"),
    AuditAction.MENTORING_RUN: _l("Pairing run"),
    AuditAction.MENTORING_PAIR_VIEW: _l("Mentoring pair viewed"),
    AuditAction.MENTORING_PAIR_APPROVE: _l("Mentoring pair approved"),
    AuditAction.MENTORING_PAIR_DECLINE: _l("Mentoring pair declined"),
    AuditAction.MENTORING_PAIR_CONFIRM: _l("Mentoring pair confirmed by the officer"),
    AuditAction.MENTORING_PAIR_MOVE: _l("Mentoring pair moved with a transfer"),
    AuditAction.MENTORING_PAIR_TAKE_OVER: _l("Mentoring pair taken over by an officer"),
    AuditAction.MENTORING_PAIR_END: _l("Mentoring pair ended"),
    AuditAction.MENTORING_MENTEE_VIEW: _l("Mentee page viewed by the volunteer"),
    AuditAction.MENTORING_MEETING_LOG: _l("Mentoring meeting logged"),
    AuditAction.MENTORING_CONCERN_RESOLVE: _l("Mentoring concern resolved"),
    AuditAction.MENTORING_SCRUB: _l("Mentoring notes removed with the anonymisation"),
    AuditAction.PROGRAMME_SAVE: _l("Programme saved"),
    AuditAction.ACTIVITY_SAVE: _l("Activity saved"),
    AuditAction.SHIFT_SAVE: _l("Shift saved"),
    AuditAction.SHIFT_CANCEL: _l("Shift cancelled"),
    AuditAction.HOURS_APPROVE: _l("Volunteer hours approved"),
    AuditAction.HOURS_DECLINE: _l("Volunteer hours declined"),
    AuditAction.HOURS_EXPORT: _l("Volunteer hours exported"),
    AuditAction.PROGRAMME_EXPORT: _l("Volunteer programmes exported"),
    AuditAction.VOLUNTEER_EXPORT: _l("Volunteers exported"),
    AuditAction.USER_LINK: _l("Partner account linked to its partner or base"),
    AuditAction.USER_ACCESS_RENEW: _l("Partner account's access renewed"),
    AuditAction.PARTNER_SAVE: _l("Training partner saved"),
    AuditAction.CONSENT_RECORD: _l("Consent to share recorded"),
    AuditAction.CONSENT_WITHDRAW: _l("Consent to share withdrawn"),
    AuditAction.PLACEMENT_END: _l("Placement ended"),
    AuditAction.PLACEMENT_VIEW: _l("Placement viewed by the base"),
    AuditAction.BASE_EXPORT: _l("Bases exported"),
    AuditAction.PLACEMENT_EXPORT: _l("Placements exported"),
    AuditAction.BASE_SAVE: _l("Base saved"),
    AuditAction.BASE_RETIRE: _l("Base retired"),
    AuditAction.PLACEMENT_CREATE: _l("Person placed at a base"),
    AuditAction.BASE_HOURS_LOG: _l("Session at a base logged"),
    AuditAction.BASE_HOURS_APPROVE: _l("Hours at a base approved"),
    AuditAction.BASE_HOURS_DECLINE: _l("Hours at a base declined"),
    AuditAction.EMPLOYER_SAVE: _l("Employer saved"),
    AuditAction.OPENING_SAVE: _l("Job opening saved"),
    AuditAction.OPENING_EXPORT: _l("Job openings exported"),
    AuditAction.EMPLOYER_EXPORT: _l("Employers exported"),
    AuditAction.REFERRAL_EXPORT: _l("Job referrals exported"),
    AuditAction.REFERRAL_CREATE: _l("Person referred to a job opening"),
    AuditAction.REFERRAL_OUTCOME: _l("Referral outcome recorded"),
    AuditAction.REFERRAL_WITHDRAW: _l("Referral withdrawn"),
    AuditAction.REFERRAL_SHEET_VIEW: _l("What the employer may be told was viewed"),
    AuditAction.FOLLOW_UP_RECORD: _l("Retention follow-up recorded"),
    AuditAction.TRAINING_ROUND_SAVE: _l("Training round saved"),
    AuditAction.TRAINING_COURSE_SAVE: _l("Training course saved"),
    AuditAction.TRAINING_COURSE_EXPORT: _l("Training courses exported"),
    AuditAction.TRAINING_APPLICATION_EXPORT: _l("Training applications exported"),
    AuditAction.TRAINING_SESSION_SAVE: _l("Course session scheduled"),
    AuditAction.TRAINING_SESSION_DELETE: _l("Course session removed"),
    AuditAction.TRAINING_APPLY: _l("Training application entered"),
    AuditAction.TRAINING_APPLICATION_VIEW: _l("Training application viewed"),
    AuditAction.TRAINING_APPLICATION_WITHDRAW: _l("Training application withdrawn"),
    AuditAction.TRAINING_ALLOCATION_RUN: _l("Training seat allocation run"),
    AuditAction.TRAINING_ALLOCATION_PUBLISH: _l("Training seat allocation published"),
    AuditAction.TRAINING_OFFER_MADE: _l("Training seat offered"),
    AuditAction.TRAINING_OFFER_ACCEPT: _l("Training offer accepted"),
    AuditAction.TRAINING_OFFER_DECLINE: _l("Training offer declined"),
    AuditAction.TRAINING_OFFER_EXPIRE: _l("Training offer expired"),
    AuditAction.TRAINING_OFFER_RELEASE: _l("Training seat released for a better one"),
    AuditAction.TRAINING_OFFER_WITHDRAW: _l("Training seat given up: withdrawn or case ended"),
    AuditAction.TRAINING_ENROLMENT_WITHDRAW: _l("Trainee withdrawn from a course"),
    AuditAction.TRAINING_TRAINEES_VIEW: _l("Trainee list viewed"),
    AuditAction.TRAINING_TRAINEE_VIEW: _l("Trainee record viewed"),
    AuditAction.TRAINING_ATTENDANCE_RECORD: _l("Attendance recorded"),
    AuditAction.TRAINING_EXAM_RECORD: _l("Exam result recorded"),
    AuditAction.TRAINING_COURSE_CLOSE: _l("Course completion judged, certificates issued"),
    AuditAction.TRAINING_CERTIFICATE_DOWNLOAD: _l("Training certificate downloaded"),
    AuditAction.TRAINING_CERTIFICATE_CHECK: _l("Training certificate checked in public"),
    AuditAction.TRAINING_OUTCOME_RECORD: _l("Employment after training recorded"),
}


def action_label(code: str) -> str:
    """What the audit page shows for a stored code; an unknown one (from an older
    release) is shown as it was stored."""
    try:
        return AuditAction(code).label
    except ValueError:
        return code


__all__ = ["ACTION_LABELS", "AuditAction", "action_label"]
