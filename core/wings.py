"""What a wing contributes to the portal, registered by the wing's `init_app(app)`.

The portal is the composition root: it calls each wing's `init_app` and then reads
this registry to build the navigation, run the periodic jobs, fill the dashboard,
seed the demo and render errors. It hard-codes none of a wing's parts, and no wing
imports the portal (docs/architecture.md).

Blueprints and CLI commands need no registry: a wing registers them on the app with
Flask's own `register_blueprint` and `app.cli.add_command`.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from core.export import Sheet
from core.needs.history import NeedHistory
from core.reports.figures import DateRange, Figure
from core.users import Role, User

if TYPE_CHECKING:
    from core.rotation import Rotated


@dataclass(frozen=True)
class NavItem:
    """A link in the portal's navigation, shown to the listed roles."""

    endpoint: str
    label: object  # a lazy msgid
    roles: frozenset[Role]
    prefix: str  # the path prefix that marks the item current
    order: int = 100


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker runs every `interval_s` seconds, inside an app context."""

    name: str
    interval_s: Callable[[Mapping[str, Any]], int]
    run: Callable[[], object]
    label: object = ""  # a lazy msgid: what staff read on /admin/jobs


class Urgency(enum.IntEnum):
    """Where a count stands on the home page: the inbox lists NOW before SOON, and
    shows a FIGURE (a number to know, nothing to do) below it."""

    NOW = 0  # due today or late, or money waiting: listed first
    SOON = 1  # waits for the viewer
    FIGURE = 2  # not a to-do


@dataclass(frozen=True)
class Count:
    """A line of the home page's inbox: how many items wait for `user`, with a link to
    the page that lists exactly those items (`endpoint` with `params`)."""

    label: object  # a lazy msgid
    roles: frozenset[Role]
    count: Callable[[User], int]
    endpoint: str
    urgency: Urgency = Urgency.SOON
    order: int = 100  # within its urgency, lower first
    params: tuple[tuple[str, str], ...] = ()  # query arguments of the link


@dataclass(frozen=True)
class StaffLinkOption:
    """An option of `flask create-user` that ties the new account to something a wing
    owns (`--partner NAME`: a training partner). `apply` runs inside the account's
    creation, so a refused link creates no account; accounts of `required_for` must
    be given the option."""

    name: str  # the option, without its dashes
    help: str
    required_for: frozenset[Role]
    apply: Callable[[User, str], object]


@dataclass(frozen=True)
class UserPanel:
    """A section a wing adds to the admin's page of one staff account: `context(user)`
    answers the template's variables, or None when the panel has nothing to say."""

    template: str
    context: Callable[[User], Mapping[str, Any] | None]


@dataclass(frozen=True)
class PersonPanel:
    """A section a wing adds to a person's page (placements and hours, referrals):
    `context(viewer, person)` answers the template's variables, or None to show nothing.
    The page has already checked that the viewer may open the person."""

    template: str
    context: Callable[[User, Any], Mapping[str, Any] | None]


@dataclass(frozen=True)
class ReportSection:
    """A chart and its table on `/reports`, for the listed roles.

    `build` answers the figure for the viewer over a date range, in a fixed number of
    grouped queries whatever the data size. It applies the viewer's scope, and hides
    small cells (core.small_cells) for a viewer outside casework.
    """

    key: str  # unique, in URLs: letters, digits and dashes
    title: object  # a lazy msgid
    group: object  # a lazy msgid: the heading it is listed under
    roles: frozenset[Role]
    build: Callable[[User, DateRange], Figure]
    order: int = 100
    description: object | None = None  # a lazy msgid: how the figure is counted


# One sheet of the county's monthly statistics, for the month's range.
MonthlySheet = Callable[[DateRange], Sheet]


@dataclass(frozen=True)
class DashboardPanel:
    """A section a wing adds to the dashboard for the listed roles: `context(user)`
    answers the template's variables, or None when the panel has nothing to show."""

    template: str
    roles: frozenset[Role]
    context: Callable[[User], Mapping[str, Any] | None]
    order: int = 100


# The error body for one path prefix (the JSON API answers errors in its own shape).
ErrorRenderer = Callable[[HTTPException], ResponseReturnValue]


@dataclass
class WingRegistry:
    nav: list[NavItem] = field(default_factory=list)
    jobs: list[PeriodicJob] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    # Demo data loaded after the ground floor's, given the demo admin.
    demo_seeders: list[Callable[[User], object]] = field(default_factory=list)
    # Demo history made once every server answers (payments through the sandbox).
    live_demo: list[Callable[[Flask], None]] = field(default_factory=list)
    error_renderers: dict[str, ErrorRenderer] = field(default_factory=dict)
    # `flask create-user` options of the wings, and panels of the admin's user page.
    staff_links: list[StaffLinkOption] = field(default_factory=list)
    user_panels: list[UserPanel] = field(default_factory=list)
    person_panels: list[PersonPanel] = field(default_factory=list)
    # Every setting a wing read from the environment, with its default (apply_settings).
    settings: dict[str, object] = field(default_factory=dict)
    # Sections of the dashboard (a table per office, a partner's home page).
    dashboard_panels: list[DashboardPanel] = field(default_factory=list)
    # Where a published need can be shown: (id, name) choices for the publish form.
    publication_destinations: list[Callable[[], list[tuple[str, str]]]] = field(
        default_factory=list
    )

    # Charts and tables of /reports; sheets of the monthly statistics; more lines of a
    # need's history (gifts, allocations, payouts), given the need's id.
    report_sections: list[ReportSection] = field(default_factory=list)
    monthly_sheets: list[MonthlySheet] = field(default_factory=list)
    need_history: list[NeedHistory] = field(default_factory=list)
    # Tables with encrypted columns besides core's people, for `rotate-key`
    # (core.rotation.Rotated).
    rotations: list[Rotated] = field(default_factory=list)
    # Audit details that hold a record's id, read as the record's name: by detail key,
    # given the ids on one audit page, their names (one query for the page).
    audit_names: dict[str, Callable[[Collection[str]], dict[str, str]]] = field(
        default_factory=dict
    )

    def counts_for(self, user: User) -> list[Count]:
        """The user's counts, most urgent first, then by order."""
        return sorted(
            (count for count in self.counts if user.has_role(*count.roles)),
            key=lambda count: (count.urgency, count.order),
        )

    def destinations(self) -> list[tuple[str, str]]:
        return [choice for provider in self.publication_destinations for choice in provider()]

    def sections_for(self, user: User) -> list[ReportSection]:
        return sorted(
            (section for section in self.report_sections if user.has_role(*section.roles)),
            key=lambda section: section.order,
        )

    def renderer_for(self, path: str) -> ErrorRenderer | None:
        for prefix, renderer in self.error_renderers.items():
            if path.startswith(prefix):
                return renderer
        return None


def registry(app: Flask) -> WingRegistry:
    found = app.extensions.get("wings")
    if found is None:
        found = app.extensions["wings"] = WingRegistry()
    assert isinstance(found, WingRegistry)
    return found


def exempt_from_csrf(app: Flask, blueprint: Blueprint) -> None:
    """For callers that authenticate otherwise (signed webhooks, bearer tokens)."""
    app.extensions["csrf"].exempt(blueprint)


def parse_setting(raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


class ConfigurationError(RuntimeError):
    """Start-up refused: the configuration is unsafe or incomplete."""


def apply_settings(
    app: Flask, defaults: Mapping[str, Any], *, secrets: Collection[str] = ()
) -> None:
    """A wing's settings: what `create_app` was given wins, then the environment, then
    the wing's default.

    `secrets` names the settings whose defaults are published development values (the
    sandboxes' keys): in production the portal refuses to start while one of them is
    empty or still holds its development value.
    """
    registry(app).settings.update(defaults)
    for key, default in defaults.items():
        if key in app.config:
            continue
        raw = os.environ.get(key)
        app.config[key] = default if raw is None else parse_setting(raw, default)
    if app.config.get("PORTAL_ENV") == "production":
        unsafe = [name for name in secrets if _development_value(app.config[name], defaults[name])]
        if unsafe:
            raise ConfigurationError(
                "Production start-up refused: "
                + ", ".join(unsafe)
                + " must be set in the environment to the production values, not the"
                " development defaults published with the code (see docs/operations.md)."
            )


def _development_value(value: object, default: object) -> bool:
    # A list (several webhook secrets during a rotation) is unsafe if any item is: an
    # event signed with the published secret would still verify.
    given = {part.strip() for part in str(value or "").split(",")} - {""}
    published = {part.strip() for part in str(default).split(",")} - {""}
    return not given or bool(given & published)
