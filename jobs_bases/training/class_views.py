"""Pages of a running class: trainees, a trainee's record, attendance per session, exam
results and closing the course (the course's partner; staff of the people's scope read)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.forms import ActionForm
from core.params import parse_int
from core.timeutil import local_today
from core.web import client_ip, redirects_on_domain_error, roles_required, staff
from jobs_bases.training import classes
from jobs_bases.training.courses import course_state, session_started, sessions_of
from jobs_bases.training.forms import ExamForm
from jobs_bases.training.scope import TRAINING_ROLES, runs_the_class

bp = Blueprint("course_classes", __name__, template_folder="templates")


@bp.get("/courses/<int:course_id>/trainees")
@roles_required(*TRAINING_ROLES)
def trainees(course_id: int) -> ResponseReturnValue:
    course, shown = classes.view_trainees(staff(), course_id, ip=client_ip())
    return render_template(
        "training/trainees.html",
        course=course,
        trainees=shown,
        sessions=sessions_of(course.id),
        state=course_state(course),
        runs_class=runs_the_class(staff(), course),
        action_form=ActionForm(),
        today=local_today(),
    )


@bp.get("/courses/trainees/<int:enrolment_id>")
@roles_required(*TRAINING_ROLES)
def trainee(enrolment_id: int) -> ResponseReturnValue:
    record = classes.view_trainee(staff(), enrolment_id, ip=client_ip())
    return render_template(
        "training/trainee.html",
        record=record,
        runs_class=runs_the_class(staff(), record.course),
        exam_form=ExamForm(),
    )


@bp.route("/courses/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles_required(*TRAINING_ROLES)
@redirects_on_domain_error("course_classes.attendance")
def attendance(session_id: int) -> ResponseReturnValue:
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        present = [
            number
            for raw in request.form.getlist("present")
            if (number := parse_int(raw)) is not None
        ]
        session = classes.record_attendance(staff(), session_id, present, ip=client_ip())
        flash(_("Attendance recorded."), "success")
        return redirect(url_for("course_classes.trainees", course_id=session.course_id))
    session, course = classes.get_session(staff(), session_id)
    _course, shown = classes.view_trainees(staff(), course.id, purpose="attendance", ip=client_ip())
    return render_template(
        "training/attendance.html",
        session=session,
        course=course,
        trainees=[t for t in shown if t.enrolment.status == "enrolled"],
        marks=classes.marks_of(session.id),
        started=session_started(session),
        form=ActionForm(),
    )


@bp.post("/courses/trainees/<int:enrolment_id>/exam")
@roles_required(*TRAINING_ROLES)
@redirects_on_domain_error("course_classes.trainee")
def exam(enrolment_id: int) -> ResponseReturnValue:
    form = ExamForm()
    if not form.validate_on_submit():
        flash(_("Choose passed or not passed."), "error")
    else:
        classes.record_exam(staff(), enrolment_id, form.passed.data == "yes", ip=client_ip())
        flash(_("Exam result recorded."), "success")
    return redirect(url_for("course_classes.trainee", enrolment_id=enrolment_id))


@bp.post("/courses/<int:course_id>/close")
@roles_required(*TRAINING_ROLES)
@redirects_on_domain_error("course_classes.trainees")
def close(course_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    classes.close_course(staff(), course_id, ip=client_ip())
    flash(_("Completion judged; certificates issued to those who completed."), "success")
    return redirect(url_for("course_classes.trainees", course_id=course_id))
