"""The landing page: counts per office within the viewer's scope."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from core.dashboard import office_counts
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
    return render_template("dashboard.html", rows=rows, totals=totals)
