"""Need use cases: draft, submit, review by a second person, publish, and status moves.

`mark_*` functions are the small service API the donations wing uses to move a
need's funding state; core never imports a wing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from core import audit, signals
from core.audit import Actor, AuditEvent
from core.audit_actions import AuditAction
from core.bulk import BulkResult, run_each
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, PublicationRefused, ValidationFailed
from core.listing import Listing, Pager, PageRequest, page_of
from core.needs.models import OPEN_STATUSES, Need, NeedCategory, NeedEditor, NeedStatus
from core.needs.priority import compute_priority
from core.notices.services import tell_office_about_need
from core.params import parse_int
from core.people.models import Person, PersonStatus
from core.people.services import get_person, scoped_people
from core.pii import find_pii
from core.timeutil import local_today, to_local
from core.users import User

MAX_NEED_FEN = 100_000_000  # ¥1,000,000: far above any single need, catches typos
MAX_STORY_LENGTH = 2000


@dataclass
class NeedInput:
    category: str
    title: str
    amount_fen: int
    deadline: date
    urgency: int
    hardship: int
    story: str = ""


def _validate(data: NeedInput, today: date) -> None:
    if data.category not in tuple(NeedCategory):
        raise ValidationFailed("Choose a category.", field="category")
    if not data.title.strip() or len(data.title) > 120:
        raise ValidationFailed("A title of at most 120 characters is required.", field="title")
    if data.amount_fen <= 0:
        raise ValidationFailed("The amount must be greater than zero.", field="amount_fen")
    if data.amount_fen > MAX_NEED_FEN:
        raise ValidationFailed("The amount is too large.", field="amount_fen")
    if data.deadline < today:
        raise ValidationFailed("The deadline cannot be in the past.", field="deadline")
    if not 1 <= data.urgency <= 5:
        raise ValidationFailed("Urgency is from 1 to 5.", field="urgency")
    if not 1 <= data.hardship <= 5:
        raise ValidationFailed("Hardship is from 1 to 5.", field="hardship")
    if len(data.story) > MAX_STORY_LENGTH:
        raise ValidationFailed("The story is too long.", field="story")


def _actor(user: User, ip: str | None) -> Actor:
    return Actor(user.id, user.username, ip)


def scoped_needs(actor: User) -> Select[tuple[Need]]:
    people = scoped_people(actor).with_only_columns(Person.id)
    return select(Need).where(Need.person_id.in_(people))


def get_need(actor: User, need_id: int) -> Need:
    need = db.session.scalar(
        scoped_needs(actor).options(joinedload(Need.person)).where(Need.id == need_id)
    )
    if need is None:
        raise NotFound("No such need.")
    return need


def view_need(actor: User, need_id: int, *, ip: str | None = None) -> Need:
    need = get_need(actor, need_id)
    audit.record(
        _actor(actor, ip), AuditAction.NEED_VIEW, "need", need.id, office_id=need.person.office_id
    )
    db.session.commit()
    return need


def priority_of(need: Need, today: date | None = None) -> int:
    submitted = to_local(need.submitted_at).date() if need.submitted_at else None
    return compute_priority(
        need.urgency, need.hardship, submitted, need.deadline, today or local_today()
    )


def _require_writer(actor: User) -> None:
    if not actor.may_write_casework:
        raise PermissionDenied("Your role cannot change case records.")


def create_need(actor: User, person_id: int, data: NeedInput, *, ip: str | None = None) -> Need:
    _require_writer(actor)
    person = get_person(actor, person_id)
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("Needs can only be recorded for an active case.")
    _validate(data, local_today())
    _check_story(data.story, person)
    need = Need(
        person_id=person.id,
        category=data.category,
        title=data.title.strip(),
        amount_fen=data.amount_fen,
        deadline=data.deadline,
        urgency=data.urgency,
        hardship=data.hardship,
        story=data.story.strip() or None,
        created_by_id=actor.id,
        status=NeedStatus.DRAFT,
    )
    db.session.add(need)
    db.session.flush()
    audit.record(
        _actor(actor, ip), AuditAction.NEED_CREATE, "need", need.id, office_id=person.office_id
    )
    db.session.commit()
    return need


# Content may change until the money is complete; a reviewed need goes back to review.
EDITABLE_STATUSES = (
    NeedStatus.DRAFT,
    NeedStatus.SUBMITTED,
    NeedStatus.APPROVED,
    NeedStatus.PUBLISHED,
)


def update_need(actor: User, need_id: int, data: NeedInput, *, ip: str | None = None) -> Need:
    """Edit a need's content. Whoever edits it may no longer review it.

    A submitted need goes back to draft. An approved or published need whose story or
    amount changes goes back to review (its card is hidden until it is approved and
    published again); its amount never goes below what it has already raised.
    """
    _require_writer(actor)
    need = get_need(actor, need_id)
    if need.status not in EDITABLE_STATUSES:
        raise Conflict("A funded, paid-out or closed need can no longer be edited.")
    _validate(data, local_today())
    _check_story(data.story, need.person)
    story = data.story.strip() or None
    reviewed = need.status in (NeedStatus.APPROVED, NeedStatus.PUBLISHED)
    content_changed = story != need.story or data.amount_fen != need.amount_fen
    # A wing holding money for the need refuses an amount below what it raised.
    signals.need_amount_changing.send(need, amount_fen=data.amount_fen)
    need.category = data.category
    need.title = data.title.strip()
    need.amount_fen = data.amount_fen
    need.deadline = data.deadline
    need.urgency = data.urgency
    need.hardship = data.hardship
    need.story = story
    _record_editor(need, actor)
    if need.status == NeedStatus.SUBMITTED:
        # A review approves what it read: an edit sends the need back to draft.
        need.status = NeedStatus.DRAFT
    elif reviewed and content_changed:
        # Back to review. The last reviewer's note stays (never overwritten by anything
        # but the next review; every review's note is also in the need's history).
        need.status = NeedStatus.SUBMITTED
        need.submitted_by_id = actor.id
        need.submitted_at = utcnow()
        need.reviewed_by_id = None
        need.reviewed_at = None
    audit.record(
        _actor(actor, ip), AuditAction.NEED_UPDATE, "need", need.id, office_id=need.person.office_id
    )
    db.session.commit()
    return need


def submit_need(actor: User, need_id: int, *, ip: str | None = None) -> Need:
    _require_writer(actor)
    need = get_need(actor, need_id)
    if need.status != NeedStatus.DRAFT:
        raise Conflict("Only a draft can be submitted for review.")
    _check_story(need.story or "", need.person)
    need.status = NeedStatus.SUBMITTED
    need.submitted_by_id = actor.id
    need.submitted_at = utcnow()
    audit.record(
        _actor(actor, ip), AuditAction.NEED_SUBMIT, "need", need.id, office_id=need.person.office_id
    )
    db.session.commit()
    return need


def review_need(
    actor: User, need_id: int, approve: bool, note: str = "", *, ip: str | None = None
) -> Need:
    """A second staff member approves a submitted need, or returns it to draft with a note."""
    _require_writer(actor)
    need = get_need(actor, need_id)
    if need.status != NeedStatus.SUBMITTED:
        raise Conflict("Only a submitted need can be reviewed.")
    if actor.id in {need.submitted_by_id, *need.editor_ids}:
        raise PermissionDenied("A need must be reviewed by someone who did not write or edit it.")
    if not approve and not note.strip():
        raise ValidationFailed("Say why the need is returned.", field="note")
    if approve and (problems := story_problems(need.story, need.person)):
        raise PublicationRefused(problems)
    need.status = NeedStatus.APPROVED if approve else NeedStatus.DRAFT
    # `status_note` is the reviewer's note, and only a review writes it.
    need.status_note = note.strip()
    need.reviewed_by_id = actor.id
    need.reviewed_at = utcnow()
    detail: dict[str, Any] = {"note": note.strip()} if note.strip() else {}
    event = audit.record(
        _actor(actor, ip),
        AuditAction.NEED_APPROVE if approve else AuditAction.NEED_RETURN,
        "need",
        need.id,
        office_id=need.person.office_id,
        **detail,
    )
    if approve:
        _tell_office(need, "office_need_approved", event)
    db.session.commit()
    return need


def review_needs(
    actor: User, need_ids: list[int], approve: bool, note: str = "", *, ip: str | None = None
) -> BulkResult:
    """Review several submitted needs with one note: each exactly as `review_need` would,
    in its own savepoint, so a need the reviewer wrote or edited (or one outside their
    scope) is refused with its reason while the others go through."""
    return run_each(need_ids, lambda need_id: review_need(actor, need_id, approve, note, ip=ip))


STORY_FINDINGS = {
    "id_number": "The story contains an ID-card number.",
    "phone": "The story contains a phone number.",
    "name": "The story contains the person's name.",
}


def story_problems(story: str | None, person: Person) -> list[str]:
    """What identifies the person in a public story (the story check, `core.pii`)."""
    problems: list[str] = []
    for finding in find_pii(story or "", [person.name] if person.name else []):
        message = STORY_FINDINGS[finding.kind]
        if message not in problems:
            problems.append(message)
    return problems


def _check_story(story: str, person: Person) -> None:
    """Refused when written, so the writer sees why at once, not at publication."""
    problems = story_problems(story, person)
    if problems:
        raise ValidationFailed(problems[0], field="story")


def _record_editor(need: Need, actor: User) -> None:
    if actor.id not in need.editor_ids:
        need.editors.append(NeedEditor(user_id=actor.id))


def publication_problems(need: Need) -> list[str]:
    """Every reason the need may not be shown to donors (empty = may publish)."""
    person = need.person
    problems: list[str] = []
    if need.status != NeedStatus.APPROVED:
        problems.append("The need has not been approved by a second staff member.")
    if not person.consent_publication:
        problems.append("The person has not consented to anonymous publication.")
    if person.is_minor:
        problems.append("Needs of minors are never published.")
    if not need.story:
        problems.append("The need has no public story.")
    problems += story_problems(need.story, person)
    return problems


def may_review(actor: User, need: Need) -> bool:
    """Reviewing is for a second person: never its submitter or anyone who wrote it."""
    return (
        need.status == NeedStatus.SUBMITTED
        and actor.may_write_casework
        and actor.id not in {need.submitted_by_id, *need.editor_ids}
    )


def review_problems(need: Need) -> list[str]:
    """What the writer and the reviewer are shown before approval and publication."""
    if need.status not in (NeedStatus.SUBMITTED, NeedStatus.APPROVED):
        return []
    return [
        problem
        for problem in publication_problems(need)
        if problem != "The need has not been approved by a second staff member."
    ]


def publish_need(
    actor: User, need_id: int, *, destination: str | None = None, ip: str | None = None
) -> Need:
    """Make an approved need visible to donors, if nothing identifying or forbidden stands in.

    `destination` is where it is shown (a fundraising project): the wing that owns it
    puts the need there in this same transaction, so publishing is one step.
    """
    _require_writer(actor)
    need = get_need(actor, need_id)
    problems = publication_problems(need)
    if problems:
        audit.record(
            _actor(actor, ip),
            AuditAction.NEED_PUBLISH_REFUSED,
            "need",
            need.id,
            office_id=need.person.office_id,
            reasons=problems,
        )
        db.session.commit()
        raise PublicationRefused(problems)
    need.status = NeedStatus.PUBLISHED
    need.published_by_id = actor.id
    need.published_at = utcnow()
    audit.record(
        _actor(actor, ip),
        AuditAction.NEED_PUBLISH,
        "need",
        need.id,
        office_id=need.person.office_id,
    )
    signals.need_published.send(need, destination=destination, actor=actor)
    db.session.commit()
    return need


def cancel_need(actor: User, need_id: int, reason: str, *, ip: str | None = None) -> Need:
    _require_writer(actor)
    need = get_need(actor, need_id)
    if need.status not in OPEN_STATUSES:
        raise Conflict("This need can no longer be cancelled.")
    if not reason.strip():
        raise ValidationFailed("Say why the need is cancelled.", field="reason")
    need.status = NeedStatus.CANCELLED
    need.closed_at = utcnow()
    # The reason goes on the record, not over the reviewer's note.
    audit.record(
        _actor(actor, ip),
        AuditAction.NEED_CANCEL,
        "need",
        need.id,
        office_id=need.person.office_id,
        reason=reason.strip(),
    )
    # Money given for it follows each donor's choice in this same transaction.
    signals.need_cancelled.send(need)
    db.session.commit()
    return need


# -- the small API other packages use to move funding state (no commit: caller's transaction) --

_FORWARD = {
    NeedStatus.PUBLISHED: {NeedStatus.FUNDED, NeedStatus.EXPIRED, NeedStatus.CANCELLED},
    # A refund of designated money can reopen a funded need that was not paid out.
    NeedStatus.FUNDED: {NeedStatus.DISBURSED, NeedStatus.PUBLISHED},
    NeedStatus.DISBURSED: {NeedStatus.CLOSED},
}
_MOVE_ACTIONS = {
    NeedStatus.FUNDED: AuditAction.NEED_FUNDED,
    NeedStatus.PUBLISHED: AuditAction.NEED_PUBLISHED,
    NeedStatus.EXPIRED: AuditAction.NEED_EXPIRED,
    NeedStatus.CANCELLED: AuditAction.NEED_CANCELLED,
    NeedStatus.DISBURSED: AuditAction.NEED_DISBURSED,
    NeedStatus.CLOSED: AuditAction.NEED_CLOSED,
}


def move_need_status(need_id: int, to: NeedStatus, actor: Actor, note: str = "") -> Need:
    """Move a need forward in the caller's transaction; refuses backward or skipped moves.

    `note` (why it moved) goes on the record, never over the reviewer's note."""
    need = db.session.get(Need, need_id, with_for_update=True)
    if need is None:
        raise NotFound("No such need.")
    if to not in _FORWARD.get(NeedStatus(need.status), set()):
        raise Conflict("This need cannot move to that status.", status=need.status, to=str(to))
    need.status = to
    if to in (NeedStatus.CLOSED, NeedStatus.EXPIRED, NeedStatus.CANCELLED):
        need.closed_at = utcnow()
    detail: dict[str, Any] = {"note": note} if note else {}
    event = audit.record(actor, _MOVE_ACTIONS[to], "need", need.id, **detail)
    if (kind := _NOTICE_KINDS.get(to)) is not None:
        _tell_office(need, kind, event)
    return need


# The steps of a need its office is told of (core.notices), besides approval.
_NOTICE_KINDS = {
    NeedStatus.FUNDED: "office_need_funded",
    NeedStatus.DISBURSED: "office_need_disbursed",
    NeedStatus.CLOSED: "office_need_closed",
    NeedStatus.EXPIRED: "office_need_expired",
}


def _tell_office(need: Need, kind: str, event: AuditEvent) -> None:
    db.session.flush()  # the audit event's id names this occurrence of the step
    tell_office_about_need(
        kind,
        need_id=need.id,
        title=need.title,
        office_id=need.person.office_id,
        minor=need.person.is_minor,
        fact=event.id,
    )


def scrub_needs_of(person_id: int) -> None:
    """Anonymisation: stories go, categories and amounts stay for the statistics."""
    for need in db.session.scalars(select(Need).where(Need.person_id == person_id)):
        need.story = None
        need.title = need.category


@dataclass
class NeedFilter:
    status: str | None = None
    category: str | None = None
    office_id: int | None = None
    town: str | None = None
    # A need's number (12 or #12) or words of its staff-only title.
    q: str = ""
    review_queue: bool = False
    paging: PageRequest = field(default_factory=PageRequest)


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(query: Select[tuple[Need]], q: str) -> Select[tuple[Need]]:
    q = q.strip()
    if not q:
        return query
    number = q.removeprefix("#").removeprefix("＃").strip()
    title = Need.title.ilike(_like(q), escape="\\")
    need_id = parse_int(number)
    if need_id is not None:
        return query.where(or_(Need.id == need_id, title))
    return query.where(title)


def list_needs(actor: User, filters: NeedFilter) -> Listing[Need]:
    """The needs the actor may see, narrowed by the filters, newest first; two queries
    whatever the filters, the size or the page (core/listing.py).

    Every filter narrows the actor's scope, never widens it: an office or town outside
    it simply matches nothing."""
    query = _search(scoped_needs(actor), filters.q)
    if filters.review_queue:
        query = _reviewable_by(actor, query)
    elif filters.status:
        query = query.where(Need.status == filters.status)
    if filters.category:
        query = query.where(Need.category == filters.category)
    if filters.office_id:
        query = query.where(Need.person.has(Person.office_id == filters.office_id))
    if filters.town:
        query = query.where(Need.person.has(Person.town == filters.town))
    pager = Pager("needs", [Need.id], [int], filters.paging)
    return page_of(
        query, pager, lambda need: (need.id,), joinedload(Need.person).joinedload(Person.office)
    )


def _reviewable_by(actor: User, query: Select[tuple[Need]]) -> Select[tuple[Need]]:
    # What `may_review` allows, as a query: submitted, neither submitted nor edited by
    # the actor (a need may be reviewed only by a second person).
    edited = select(NeedEditor.need_id).where(NeedEditor.user_id == actor.id)
    if not actor.may_write_casework:
        return query.where(Need.id.is_(None))
    return query.where(
        Need.status == NeedStatus.SUBMITTED,
        Need.submitted_by_id.is_distinct_from(actor.id),
        Need.created_by_id != actor.id,
        Need.id.not_in(edited),
    )


def review_count(actor: User) -> int:
    """How many needs in the actor's scope wait for a review the actor may give."""
    query = _reviewable_by(actor, scoped_needs(actor))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def needs_of(actor: User, person_id: int) -> list[Need]:
    return list(
        db.session.scalars(
            scoped_needs(actor).where(Need.person_id == person_id).order_by(Need.id.desc())
        )
    )
