"""The public check of a training certificate: anyone (an employer) types the number
from the paper, or follows /c/<number>, and sees the masked holder, the course, the
partner and the date. No login; throttled per address."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from core.web import client_ip
from jobs_bases.training.certificates import TooManyChecks, check_certificate

bp = Blueprint("certificate_check", __name__, template_folder="templates")


def _answer(number: str) -> ResponseReturnValue:
    found = None
    if number:
        try:
            found = check_certificate(number[:64], client_ip())
        except TooManyChecks:
            abort(429)
    return render_template(
        "training/check.html", number=number[:64], found=found, asked=bool(number)
    )


@bp.get("/certificates/check")
def check() -> ResponseReturnValue:
    return _answer(request.args.get("number", "").strip())


@bp.get("/c/<string(maxlength=64):number>")
def short(number: str) -> ResponseReturnValue:
    return _answer(number.strip())
