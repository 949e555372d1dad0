"""Read models of projects and pools: what the staff pages and the donor API show.

Each answers in a fixed number of queries whatever the number of rows, and none
writes: a balance read for a pool never opens its ledger account.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from core.audit_words import object_label
from core.db import db
from core.errors import NotFound
from core.listing import Listing, Pager, PageRequest, page_of
from core.needs.models import Need, NeedStatus
from core.paging import Page, cursor_codec
from donations.giving.models import Donation
from donations.ledger.models import Account, AccountKind, JournalEntry, JournalLine
from donations.ledger.services import pool_balances_fen
from donations.projects.cards import listings_of_project
from donations.projects.models import NeedListing, Pool, Project, ProjectStatus
from donations.projects.services import ProjectTotals, distance_km, totals

POOL_HISTORY = 30


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    totals: ProjectTotals


def project_rows() -> list[ProjectRow]:
    """Every project, newest first, with what it raised and from how many donors."""
    items = list(db.session.scalars(select(Project).order_by(Project.created_at.desc())))
    money = totals([p.id for p in items])
    return [ProjectRow(p, money[p.id]) for p in items]


def project_listing(paging: PageRequest) -> Listing[ProjectRow]:
    """One page of the projects, newest first, with their totals; three queries."""
    pager = Pager("projects", [Project.created_at, Project.id], [datetime, str], paging)
    found = page_of(select(Project), pager, lambda p: (p.created_at, p.id))
    money = totals([p.id for p in found.items])
    return Listing(
        items=[ProjectRow(p, money[p.id]) for p in found.items],
        page=found.page,
        pages=found.pages,
        more=found.more,
        total=found.total,
        per_page=found.per_page,
        next_cursor=found.next_cursor,
    )


@dataclass(frozen=True)
class ProjectPage:
    project: Project
    totals: ProjectTotals
    listed: list[NeedListing]
    # Published needs on no project yet: what may be put on this one's map.
    listable: list[Need]


def project_page(project_id: str) -> ProjectPage:
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("No such project.")
    listed = list(
        db.session.scalars(
            select(NeedListing)
            .options(joinedload(NeedListing.need))
            .where(NeedListing.project_id == project.id)
        )
    )
    listable = list(
        db.session.scalars(
            select(Need)
            .where(
                Need.status == NeedStatus.PUBLISHED,
                Need.id.not_in(select(NeedListing.need_id)),
            )
            .order_by(Need.id)
        )
    )
    return ProjectPage(project, totals([project.id])[project.id], listed, listable)


@dataclass(frozen=True)
class PoolLine:
    """A journal entry as it touched one pool: + debit (money out), - credit (money in)."""

    posted_at: datetime
    kind: str
    # The gift's certificate number, for entries of a donation (the memo is the journal's).
    certificate_no: str | None
    amount_fen: int
    # The need's title, for entries between the pool and a need (an allocation, a return).
    need_title: str | None = None


@dataclass(frozen=True)
class PoolSummary:
    pool: Pool
    balance_fen: int
    history: list[PoolLine]


def pool_summaries(history: int = POOL_HISTORY) -> list[PoolSummary]:
    """Every pool with its balance and its latest `history` entries (with the gift's
    certificate or the need each names), in three queries."""
    pools = list(db.session.scalars(select(Pool).order_by(Pool.id)))
    balances = pool_balances_fen([pool.id for pool in pools])
    per_entry = (
        select(
            Account.pool_id,
            JournalEntry.id.label("entry_id"),
            JournalEntry.posted_at,
            JournalEntry.kind,
            JournalEntry.donation_id,
            func.sum(JournalLine.amount_fen).label("amount_fen"),
            func.row_number()
            .over(partition_by=Account.pool_id, order_by=JournalEntry.id.desc())
            .label("recency"),
        )
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(Account.kind == AccountKind.POOL)
        .group_by(
            Account.pool_id,
            JournalEntry.id,
            JournalEntry.posted_at,
            JournalEntry.kind,
            JournalEntry.donation_id,
        )
        .subquery()
    )
    need_line, need_account = aliased(JournalLine), aliased(Account)
    need_title = (
        select(func.min(Need.title))
        .select_from(need_line)
        .join(need_account, need_account.id == need_line.account_id)
        .join(NeedListing, NeedListing.id == need_account.listing_id)
        .join(Need, Need.id == NeedListing.need_id)
        .where(need_line.entry_id == per_entry.c.entry_id, need_account.kind == AccountKind.NEED)
        .correlate(per_entry)
        .scalar_subquery()
    )
    lines: dict[int, list[PoolLine]] = {pool.id: [] for pool in pools}
    for pool_id, posted_at, kind, certificate_no, amount, title in db.session.execute(
        select(
            per_entry.c.pool_id,
            per_entry.c.posted_at,
            per_entry.c.kind,
            Donation.certificate_no,
            per_entry.c.amount_fen,
            need_title,
        )
        .outerjoin(Donation, Donation.id == per_entry.c.donation_id)
        .where(per_entry.c.recency <= history)
        .order_by(per_entry.c.pool_id, per_entry.c.entry_id.desc())
    ):
        # SUM of a BIGINT is NUMERIC on PostgreSQL: back to int fen.
        lines.setdefault(pool_id, []).append(
            PoolLine(posted_at, kind, certificate_no, int(amount), title)
        )
    return [PoolSummary(pool, balances[pool.id], lines[pool.id]) for pool in pools]


@dataclass(frozen=True)
class NearbyProject:
    project: Project
    totals: ProjectTotals
    distance_km: float | None


def find_projects(
    lat: float | None, lng: float | None, radius_km: float | None, limit: int, cursor: str | None
) -> Page[NearbyProject]:
    """Projects donors may see, active before closed, nearest first when a point is given,
    within `radius_km` of it if one is given. A bad cursor raises InvalidCursor."""
    codec = cursor_codec("projects")
    (start,) = codec.decode(cursor, int) if cursor else (0,)
    found = list(
        db.session.scalars(
            select(Project).where(Project.status.in_((ProjectStatus.ACTIVE, ProjectStatus.CLOSED)))
        )
    )
    ranked: list[tuple[bool, float, str, Project, float | None]] = []
    for project in found:
        distance = None
        if lat is not None and lng is not None:
            distance = distance_km(lat, lng, project.lat, project.lng)
            if radius_km is not None and distance > radius_km:
                continue
        closed = project.status != ProjectStatus.ACTIVE
        ranked.append((closed, distance or 0.0, project.title, project, distance))
    # The id breaks ties, so a page boundary falls at the same place on every request.
    ranked.sort(key=lambda row: (*row[:3], row[3].id))
    chunk = ranked[start : start + limit]
    money = totals([row[3].id for row in chunk])
    more = start + limit < len(ranked)
    return Page(
        [NearbyProject(project, money[project.id], distance) for *_, project, distance in chunk],
        codec.encode(start + limit) if more else None,
    )


@dataclass(frozen=True)
class PublicProject:
    project: Project
    totals: ProjectTotals
    listings: list[NeedListing]  # the needs donors may see on it (need cards)


def public_project(project_id: str) -> PublicProject | None:
    """A project as donors see it, with its need cards; None for a draft or no project."""
    project = db.session.get(Project, project_id)
    if project is None or project.status not in (ProjectStatus.ACTIVE, ProjectStatus.CLOSED):
        return None
    return PublicProject(project, totals([project.id])[project.id], listings_of_project(project.id))


def listing_names(listing_ids: Collection[str]) -> dict[str, str]:
    """Listings as the audit log reads them: the need each one listed ("Need #12")."""
    rows = db.session.execute(
        select(NeedListing.id, NeedListing.need_id).where(NeedListing.id.in_(list(listing_ids)))
    )
    return {listing_id: object_label("need", str(need_id)) for listing_id, need_id in rows}
