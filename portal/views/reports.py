"""`/reports`: charts and tables of what staff may see, each section's own page and chart,
and the county's monthly statistics."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from core.errors import ValidationFailed
from core.export import download
from core.forms import ActionForm
from core.reports.charts import SVG_CSP, SVG_MIMETYPE
from core.reports.figures import parse_month
from core.reports.monthly import MAKERS, monthly_report
from core.reports.page import report_page, section_chart, section_export, section_page
from core.web import export_format, redirects_on_domain_error
from core.wings import registry
from portal.security import client_ip, roles_required, staff

bp = Blueprint("reports", __name__)


def _dates() -> tuple[str, str]:
    return request.args.get("from", "")[:32], request.args.get("to", "")[:32]


@bp.get("/reports")
@login_required
def index() -> ResponseReturnValue:
    page = report_page(staff(), registry(current_app).report_sections, *_dates())
    return render_template(
        "reports/index.html",
        page=page,
        single=False,
        can_make_monthly=staff().has_role(*MAKERS),
        form=ActionForm(),
    )


@bp.get("/reports/<key>")
@login_required
def section(key: str) -> ResponseReturnValue:
    page = section_page(staff(), registry(current_app).report_sections, key[:64], *_dates())
    return render_template(
        "reports/index.html", page=page, single=True, can_make_monthly=False, form=ActionForm()
    )


@bp.get("/reports/<key>/chart.svg")
@login_required
def chart(key: str) -> ResponseReturnValue:
    try:
        svg = section_chart(staff(), registry(current_app).report_sections, key[:64], *_dates())
    except ValidationFailed as error:
        return Response(
            _(error.message, **error.params), status=400, mimetype="text/plain; charset=utf-8"
        )
    response = Response(svg, mimetype=SVG_MIMETYPE)
    # Its own policy: nothing loads, only the chart's inline style (core/reports/charts.py).
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


@bp.get("/reports/<key>/export")
@login_required
def export(key: str) -> ResponseReturnValue:
    try:
        found = section_export(
            staff(),
            registry(current_app).report_sections,
            key[:64],
            *_dates(),
            export_format(),
            ip=client_ip(),
        )
    except ValidationFailed as error:
        return Response(
            _(error.message, **error.params), status=400, mimetype="text/plain; charset=utf-8"
        )
    return download(found)


@bp.post("/reports/monthly")
@roles_required(*MAKERS)
@redirects_on_domain_error("reports.index")
def monthly() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired: try again."), "error")
        return redirect(url_for("reports.index"))
    month = parse_month(request.form.get("month", "")[:16])
    return download(
        monthly_report(staff(), month, registry(current_app).monthly_sheets, ip=client_ip())
    )
