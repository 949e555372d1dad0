"""Import every core model, so that metadata (and Alembic) sees all tables."""

from core.audit import AuditEvent, AuditSeal
from core.jobruns import JobRun
from core.needs.models import Need, NeedEditor
from core.notices.models import Notice
from core.orgs import OrgUnit
from core.outbox import OutboxMessage
from core.people.models import Person, PersonTransfer
from core.sessions import StaffSession
from core.tasks.models import Task
from core.throttle import LoginThrottle
from core.users import User

__all__ = [
    "AuditEvent",
    "AuditSeal",
    "JobRun",
    "LoginThrottle",
    "Need",
    "NeedEditor",
    "Notice",
    "OrgUnit",
    "OutboxMessage",
    "Person",
    "PersonTransfer",
    "StaffSession",
    "Task",
    "User",
]
