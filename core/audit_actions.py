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
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_RESET_PASSWORD = "user.reset_password"  # noqa: S105 - an action code, not a secret
    USER_CHANGE_PASSWORD = "user.change_password"  # noqa: S105 - an action code, not a secret
    USER_CHANGE_PASSWORD_FAILED = "user.change_password.failed"  # noqa: S105 - an action code
    CRYPTO_ROTATE_BATCH = "crypto.rotate_batch"
    AUDIT_VIEW = "audit.view"
    TASK_CLOSE = "task.close"
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
    PERSON_DUPLICATE_REFUSED = "person.duplicate_refused"
    PERSON_DUPLICATE_THROTTLED = "person.duplicate_throttled"
    PERSON_MASS_REVEAL = "person.mass_reveal"
    # Needs, as staff handle them.
    NEED_VIEW = "need.view"
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
    DONOR_DELETE = "donor.delete"
    FINANCE_RECONCILE = "finance.reconcile"
    FINANCE_JOURNAL_EXPORT = "finance.journal_export"
    FINANCE_SETTLE_DISCREPANCY = "finance.settle_discrepancy"
    # Allocations and payouts.
    ALLOCATION_PROPOSE = "allocation.propose"
    ALLOCATION_FIRST_APPROVAL = "allocation.first_approval"
    ALLOCATION_APPROVE = "allocation.approve"
    ALLOCATION_REJECT = "allocation.reject"
    DISBURSEMENT_PROPOSE = "disbursement.propose"
    DISBURSEMENT_APPROVE = "disbursement.approve"
    DISBURSEMENT_REJECT = "disbursement.reject"
    DISBURSEMENT_EVIDENCE_VIEW = "disbursement.evidence_view"
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

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    AuditAction.LOGIN: _l("Signed in"),
    AuditAction.LOGIN_FAILED: _l("Sign-in failed"),
    AuditAction.LOGOUT: _l("Signed out"),
    AuditAction.USER_CREATE: _l("Staff account created"),
    AuditAction.USER_UPDATE: _l("Staff account changed"),
    AuditAction.USER_RESET_PASSWORD: _l("Password reset by an admin"),
    AuditAction.USER_CHANGE_PASSWORD: _l("Own password changed"),
    AuditAction.USER_CHANGE_PASSWORD_FAILED: _l("Own password change refused: wrong password"),
    AuditAction.TASK_CLOSE: _l("Task closed"),
    AuditAction.PERSON_SEARCH: _l("People searched by identity"),
    AuditAction.PERSON_DUPLICATE_REFUSED: _l("ID number already on record refused"),
    AuditAction.PERSON_DUPLICATE_THROTTLED: _l("Too many known ID numbers entered: paused"),
    AuditAction.PERSON_MASS_REVEAL: _l("Far more identities revealed than colleagues"),
    AuditAction.FINANCE_SETTLE_DISCREPANCY: _l("Reconciliation discrepancy settled"),
    AuditAction.CRYPTO_ROTATE_BATCH: _l("Records re-encrypted with the new key"),
    AuditAction.AUDIT_VIEW: _l("Audit log viewed"),
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
    AuditAction.DONOR_DELETE: _l("Donor account deleted"),
    AuditAction.FINANCE_RECONCILE: _l("Payments reconciled with the provider"),
    AuditAction.FINANCE_JOURNAL_EXPORT: _l("Journal exported"),
    AuditAction.ALLOCATION_PROPOSE: _l("Allocation proposed"),
    AuditAction.ALLOCATION_FIRST_APPROVAL: _l("Allocation given its first approval"),
    AuditAction.ALLOCATION_APPROVE: _l("Allocation approved"),
    AuditAction.ALLOCATION_REJECT: _l("Allocation rejected"),
    AuditAction.DISBURSEMENT_PROPOSE: _l("Payout proposed"),
    AuditAction.DISBURSEMENT_APPROVE: _l("Payout approved"),
    AuditAction.DISBURSEMENT_REJECT: _l("Payout rejected"),
    AuditAction.DISBURSEMENT_EVIDENCE_VIEW: _l("Payout evidence viewed"),
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
}


def action_label(code: str) -> str:
    """What the audit page shows for a stored code; an unknown one (from an older
    release) is shown as it was stored."""
    try:
        return AuditAction(code).label
    except ValueError:
        return code


__all__ = ["ACTION_LABELS", "AuditAction", "action_label"]
