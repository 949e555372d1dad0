"""Public pages of the disclosure: no sign-in, read only (GET), nothing personal."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from core.export import download
from core.web import export_format
from donations.disclosure.queries import (
    SUPPRESSION_NOTE,
    export_disclosure,
    project_disclosure,
    public_projects,
)

bp = Blueprint("disclosure", __name__, template_folder="templates")


@bp.get("/disclosure")
def index() -> ResponseReturnValue:
    return render_template("disclosure/index.html", projects=public_projects())


@bp.get("/disclosure/<project_id>")
def project(project_id: str) -> ResponseReturnValue:
    return render_template(
        "disclosure/project.html",
        found=project_disclosure(project_id[:64]),
        suppression_note=SUPPRESSION_NOTE,
    )


@bp.get("/disclosure/<project_id>/export")
def export(project_id: str) -> ResponseReturnValue:
    return download(export_disclosure(project_id[:64], export_format()))
