"""Reading what the reports serve: the values a chart draws, the table beside it, addresses
outside the platform; and a funded, paid-out scenario across towns to report on."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from core.db import db
from core.users import Role, User
from donations.disbursements.services import approve_disbursement, propose_disbursement
from tests.addresses import outside_addresses
from tests.donations.factories import give, list_need, make_donor, make_project, payout
from tests.factories import Office, make_office, make_staff

SVG = "{http://www.w3.org/2000/svg}"
__all__ = ["outside_addresses"]

# -- charts -----------------------------------------------------------------------------------


def drawn_values(svg: bytes) -> dict[int, dict[str, str]]:
    """Per series (by index), the text of each value drawn, by its x label."""
    root = ET.fromstring(svg)  # noqa: S314 - our own server's answer
    found: dict[int, dict[str, str]] = {}
    for group in root.iter(f"{SVG}g"):
        match = re.search(r"\bserie-(\d+)\b", group.get("class", ""))
        if not match:
            continue
        series = found.setdefault(int(match.group(1)), {})
        for point in group.iter(f"{SVG}g"):
            descs = {
                d.get("class", "").split()[0]: d.text or "" for d in point.findall(f"{SVG}desc")
            }
            if "value" in descs and "x_label" in descs:
                series[descs["x_label"]] = descs["value"]
    return found


def legend(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own server's answer
    return [
        text.text or ""
        for group in root.iter(f"{SVG}g")
        if "legend" in group.get("class", "").split()
        for text in group.findall(f"{SVG}text")
    ]


# -- tables ----------------------------------------------------------------------------------


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._current = dict(attrs).get("id") or f"table{len(self.tables)}"
            self.tables[self._current] = []
        elif tag == "tr" and self._current is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._current is not None and self._row is not None:
            self.tables[self._current].append(self._row)
            self._row = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> dict[str, list[list[str]]]:
    """Every table of a page by its id: its rows (header row first) as cell texts."""
    parser = _Tables()
    parser.feed(page)
    return parser.tables


# -- a funded, paid-out scenario across towns ------------------------------------------------------


@dataclass
class Scenario:
    project_id: str
    admin_id: int
    finance_id: int
    offices: dict[str, Office]
    listings: dict[str, list[str]] = field(default_factory=dict)
    amount_fen: int = 100_000

    def officer(self, town: str) -> User:
        return self.offices[town].author


def money_scenario(
    people: dict[str, int],
    evidence_dir: Path,
    *,
    amount_fen: int = 100_000,
    paid: bool = True,
    category: str = "education",
    project_id: str | None = None,
) -> Scenario:
    """Per town, that many people each with one need listed on one project (a new one
    unless `project_id` names it), funded in full by a designated gift and (when `paid`)
    paid out by two finance users."""
    admin = make_staff(Role.ADMIN)
    finance, approver = make_staff(Role.FINANCE), make_staff(Role.FINANCE)
    project_id = project_id or make_project(admin)
    scenario = Scenario(project_id, admin.id, finance.id, {}, amount_fen=amount_fen)
    for town, n in people.items():
        office = make_office(town)
        scenario.offices[town] = office
        for _ in range(n):
            listing_id = list_need(office, project_id, amount_fen, lister=admin, category=category)
            give(project_id, amount_fen, listing_id=listing_id, donor_id=make_donor())
            if paid:
                proposed = propose_disbursement(
                    db.session.get_one(User, finance.id),
                    payout(listing_id, amount_fen),
                    evidence_dir,
                )
                approve_disbursement(db.session.get_one(User, approver.id), proposed.id)
            scenario.listings.setdefault(town, []).append(listing_id)
    return scenario
