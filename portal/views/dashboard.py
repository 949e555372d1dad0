"""The landing page: the viewer's inbox (what waits for them, most urgent first), then
figures and counts per office within their scope."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from core.dashboard import office_counts
from core.users import User
from core.wings import Count, Urgency, registry
from portal.security import staff

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    user = staff()
    rows = office_counts(user) if user.does_casework else []
    totals = {
        "correction": sum(r.correction for r in rows),
        "resettlement": sum(r.resettlement for r in rows),
        "open_needs": sum(r.open_needs for r in rows),
        "review_queue": sum(r.review_queue for r in rows),
        "published": sum(r.published for r in rows),
    }
    inbox: list[dict[str, object]] = []
    figures: list[dict[str, object]] = []
    for count in registry(current_app).counts_for(user):
        (figures if count.urgency == Urgency.FIGURE else inbox).append(_line(count, user))
    panels = [
        (panel.template, context)
        for panel in sorted(registry(current_app).dashboard_panels, key=lambda p: p.order)
        if user.has_role(*panel.roles) and (context := panel.context(user)) is not None
    ]
    return render_template(
        "dashboard.html",
        rows=rows,
        totals=totals,
        waiting=[line for line in inbox if line["n"]],
        quiet=[line for line in inbox if not line["n"]],
        figures=figures,
        panels=panels,
    )


def _line(count: Count, user: User) -> dict[str, object]:
    params: dict[str, Any] = dict(count.params)
    return {
        "label": str(count.label),
        "n": count.count(user),
        "url": url_for(count.endpoint, **params),
        "urgent": count.urgency == Urgency.NOW,
    }
