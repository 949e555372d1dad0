"""The volunteer's mentee pages (`/v/mentee/<pair id>`) and the mentee section of their
home page. What they show is `meetings.MenteeCard`: the alias, what the consent lets
through, and whom to contact at the office. A pair that is not the volunteer's own
and active answers 404, in the volunteer's layout.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.web import client_ip, errors_shown_on
from volunteers.accounts.models import Volunteer
from volunteers.accounts.web import volunteer, volunteer_required
from volunteers.mentoring import meetings
from volunteers.mentoring.forms import MeetingForm
from volunteers.mentoring.meetings import MeetingInput

bp = Blueprint("volunteer_mentoring", __name__, url_prefix="/v", template_folder="templates")


def _page(public_id: str, form: MeetingForm) -> str:
    card = meetings.view_mentee(volunteer(), public_id[:40], ip=client_ip())
    return render_template("mentoring/volunteer_mentee.html", card=card, form=form)


@bp.get("/mentee/<public_id>")
@volunteer_required
def mentee(public_id: str) -> ResponseReturnValue:
    return _page(public_id, MeetingForm())


@bp.post("/mentee/<public_id>/meetings")
@volunteer_required
def log_meeting(public_id: str) -> ResponseReturnValue:
    form = MeetingForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            meetings.log_meeting(
                volunteer(),
                public_id[:40],
                MeetingInput(
                    met_on=form.met_on.data,
                    duration_min=form.duration_min.data,
                    topic=form.topic.data or "",
                    concern=bool(form.concern.data),
                    concern_note=form.concern_note.data or "",
                ),
                ip=client_ip(),
            )
            flash(_("Meeting recorded."), "success")
            return redirect(url_for("volunteer_mentoring.mentee", public_id=public_id))
    return _page(public_id, form)


def render_home_section(me: Volunteer) -> str:
    """The mentee section of `/v/`: links to the volunteer's active pairs, if any."""
    links = meetings.mentees_of(me.id)
    if not links:
        return ""
    return render_template("mentoring/home_section.html", links=links)
