"""The landing page: what waits for the viewer, and counts per office within their scope."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from core.dashboard import office_counts
from core.wings import registry
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
    waiting = [
        {"label": str(count.label), "n": count.count(user), "url": url_for(count.endpoint)}
        for count in registry(current_app).counts
        if user.has_role(*count.roles)
    ]
    panels = [
        (panel.template, context)
        for panel in sorted(registry(current_app).dashboard_panels, key=lambda p: p.order)
        if user.has_role(*panel.roles) and (context := panel.context(user)) is not None
    ]
    return render_template(
        "dashboard.html", rows=rows, totals=totals, waiting=waiting, panels=panels
    )
