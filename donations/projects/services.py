"""Projects on the charity map: create, edit, publish, list near a point, list needs on them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.bulk import BulkResult, run_each
from core.db import db
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.money import format_fen
from core.needs.models import Need, NeedStatus
from core.towns import BY_NAME, km_from_centre
from core.users import Role, User
from donations.giving.booking import default_pool
from donations.giving.models import Donation, DonationStatus
from donations.projects.models import ListingStatus, NeedListing, Project, ProjectStatus

PAID = (DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED, DonationStatus.REFUNDED)
EDITORS = (Role.ADMIN, Role.FINANCE, Role.COORDINATOR)


@dataclass
class ProjectInput:
    title: str
    summary: str
    charity_name: str
    fundraising_reg_no: str
    # The place on the map: a town's centre, or a refined point near it. With a town and
    # no point, the point is the town's centre; a point alone (the API, demo data) is kept.
    lat: float | None
    lng: float | None
    goal_fen: int
    starts_on: date
    ends_on: date
    min_fen: int = 100
    max_fen: int = 5_000_000
    daily_max_fen: int = 10_000_000
    daily_max_count: int = 50
    town: str | None = None


# A refined point further than this from its town's centre is a typing mistake.
MAX_KM_FROM_TOWN = 20


def _place(data: ProjectInput) -> tuple[float, float]:
    """Where the project shows on the map: the town's centre or a refined point near it."""
    if data.town is not None and data.town not in BY_NAME:
        raise ValidationFailed("Choose a town.", field="town")
    if (data.lat is None) != (data.lng is None):
        raise ValidationFailed("Give both latitude and longitude, or neither.", field="lat")
    if data.lat is None or data.lng is None:
        if data.town is None:
            raise ValidationFailed("Choose a town.", field="town")
        return BY_NAME[data.town].lat, BY_NAME[data.town].lng
    if not (-90 <= data.lat <= 90 and -180 <= data.lng <= 180):
        raise ValidationFailed("The map location is not valid.", field="lat")
    if data.town is not None and km_from_centre(data.town, data.lat, data.lng) > MAX_KM_FROM_TOWN:
        raise ValidationFailed(
            "The refined point is more than %(km)d km from the town's centre.",
            field="lat",
            km=MAX_KM_FROM_TOWN,
        )
    return data.lat, data.lng


def _validate(data: ProjectInput) -> None:
    if not data.title.strip():
        raise ValidationFailed("A title is required.", field="title")
    if not data.charity_name.strip() or not data.fundraising_reg_no.strip():
        raise ValidationFailed(
            "The charity and its registration number are required.", field="fundraising_reg_no"
        )
    if data.goal_fen <= 0:
        raise ValidationFailed("The goal must be greater than zero.", field="goal_fen")
    if data.ends_on < data.starts_on:
        raise ValidationFailed("The project cannot end before it starts.", field="ends_on")
    if not 0 < data.min_fen <= data.max_fen:
        raise ValidationFailed(
            "The minimum must be positive and at most the maximum.", field="min_fen"
        )
    if data.daily_max_fen < data.max_fen or data.daily_max_count < 1:
        raise ValidationFailed(
            "The daily limit must allow at least one largest gift.", field="daily_max_fen"
        )


def _require_editor(actor: User) -> None:
    if not actor.has_role(*EDITORS):
        raise PermissionDenied("Your role cannot manage projects.")


def save_project(actor: User, data: ProjectInput, project_id: str | None = None) -> Project:
    _require_editor(actor)
    _validate(data)
    lat, lng = _place(data)
    project = Project() if project_id is None else db.session.get(Project, project_id)
    if project is None:
        raise NotFound("No such project.")
    for key, value in data.__dict__.items():
        if key not in ("town", "lat", "lng"):
            setattr(project, key, value.strip() if isinstance(value, str) else value)
    project.lat, project.lng = lat, lng
    if project_id is None:
        db.session.add(project)
        db.session.flush()
        default_pool(project.id)
    audit.record(Actor(actor.id, actor.username), AuditAction.PROJECT_SAVE, "project", project.id)
    db.session.commit()
    return project


def set_project_status(actor: User, project_id: str, status: ProjectStatus) -> Project:
    _require_editor(actor)
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("No such project.")
    project.status = status
    audit.record(
        Actor(actor.id, actor.username),
        AuditAction(f"project.{status.value}"),
        "project",
        project.id,
    )
    db.session.commit()
    return project


def _list(actor: User, need: Need, project_id: str) -> NeedListing:
    project = db.session.get(Project, project_id)
    if project is None or project.status != ProjectStatus.ACTIVE:
        raise NotFound("No such need or project.")
    if need.status != NeedStatus.PUBLISHED:
        raise Conflict("Only a published need can be listed.")
    if db.session.scalar(select(NeedListing).where(NeedListing.need_id == need.id)) is not None:
        raise Conflict("This need is already listed.")
    listing = NeedListing(need_id=need.id, project_id=project.id, amount_fen=need.amount_fen)
    db.session.add(listing)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username), AuditAction.NEED_LIST, "need", need.id, project=project.id
    )
    return listing


def list_need_on_project(actor: User, need_id: int, project_id: str) -> NeedListing:
    """Put a published need on a project's map (the need's funding state lives here)."""
    _require_editor(actor)
    need = db.session.get(Need, need_id)
    if need is None:
        raise NotFound("No such need or project.")
    listing = _list(actor, need, project_id)
    db.session.commit()
    return listing


def list_needs_on_project(actor: User, need_ids: list[int], project_id: str) -> BulkResult:
    """Put several published needs on a project's map, each exactly as one by one (its
    own savepoint, audit entry and checks): a need already listed or not published is
    refused with its reason, the others are listed."""
    return run_each(need_ids, lambda need_id: list_need_on_project(actor, need_id, project_id))


def on_need_published(need: Need, *, destination: str | None, actor: User, **_: object) -> None:
    """Signal handler: the officer chose the project when publishing; list it there in the
    publishing transaction, so a published need is on the map at once."""
    if destination is not None:
        _list(actor, need, destination)


def publication_choices() -> list[tuple[str, str]]:
    """The active projects a need can be published on."""
    return [
        (project.id, project.title)
        for project in db.session.scalars(
            select(Project)
            .where(Project.status == ProjectStatus.ACTIVE)
            .order_by(Project.created_at.desc())
        )
    ]


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance; GCJ-02 offsets are far below the 0.1 km shown."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class ProjectTotals:
    raised_fen: int
    donor_count: int


def totals(project_ids: list[str]) -> dict[str, ProjectTotals]:
    """Raised (net of refunds) and distinct donors per project, in one query."""
    if not project_ids:
        return {}
    rows = db.session.execute(
        select(
            Donation.project_id,
            func.coalesce(func.sum(Donation.amount_fen - Donation.refunded_fen), 0),
            func.count(func.distinct(Donation.donor_id)),
        )
        .where(Donation.project_id.in_(project_ids), Donation.status.in_(PAID))
        .group_by(Donation.project_id)
    ).all()
    found = {pid: ProjectTotals(int(raised), int(count)) for pid, raised, count in rows}
    return {pid: found.get(pid, ProjectTotals(0, 0)) for pid in project_ids}


def visible_projects() -> list[Project]:
    return list(
        db.session.scalars(
            select(Project).where(Project.status.in_((ProjectStatus.ACTIVE, ProjectStatus.CLOSED)))
        )
    )


PUBLIC_LISTING_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.FUNDED, ListingStatus.DISBURSED)


def on_need_amount_changing(need: Need, *, amount_fen: int, **_: object) -> None:
    """Signal handler: a listed need's amount follows the need, never below what it raised."""
    listing = db.session.scalar(
        select(NeedListing).where(NeedListing.need_id == need.id).with_for_update()
    )
    if listing is None:
        return
    if amount_fen < listing.raised_fen:
        raise ValidationFailed(
            "The amount cannot be less than what has already been raised (%(raised)s).",
            field="amount_fen",
            raised=format_fen(listing.raised_fen),
        )
    listing.amount_fen = amount_fen
