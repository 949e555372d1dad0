"""Need pages: list and review queue, create, view, edit, submit, review, publish, cancel."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.bulk import MAX_ITEMS, parse_ids
from core.export import download
from core.forms import ActionForm, ConfirmedReasonForm, first_error
from core.listing import requested_page
from core.money import fen_to_yuan_str
from core.needs import services as needs
from core.needs.exports import export_needs
from core.needs.history import need_history
from core.needs.models import NeedStatus
from core.orgs import all_offices
from core.people.services import get_person
from core.privacy import mask_name
from core.users import visible_office_ids
from core.web import errors_shown_on, export_format, flash_outcomes, redirects_on_domain_error
from core.wings import registry
from portal.forms import NeedForm, ReviewForm
from portal.security import casework_required, client_ip, staff
from portal.views.common import int_arg

bp = Blueprint("needs", __name__)


def _input(form: NeedForm) -> needs.NeedInput:
    return needs.NeedInput(
        category=form.category.data or "",
        title=form.title.data or "",
        amount_fen=form.amount.data_fen or 0,
        deadline=form.deadline.data,
        urgency=form.urgency.data or 0,
        hardship=form.hardship.data or 0,
        story=form.story.data or "",
    )


@bp.route("/needs")
@casework_required
def index() -> ResponseReturnValue:
    queue = request.args.get("queue") == "review"
    filters = needs.NeedFilter(
        status=request.args.get("status") or None,
        category=request.args.get("category") or None,
        office_id=int_arg("office"),
        town=request.args.get("town", "")[:64] or None,
        q=request.args.get("q", "")[:64],
        review_queue=queue,
        paging=requested_page(request.args, per_page_arg=True),
    )
    user = staff()
    listing = needs.list_needs(user, filters)
    visible = visible_office_ids(user)
    offices = [o for o in all_offices() if visible is None or o.id in visible]
    return render_template(
        "needs/list.html",
        items=listing.items,
        listing=listing,
        filters=filters,
        queue=queue,
        statuses=list(NeedStatus),
        offices=offices,
        towns=sorted({o.town for o in offices if o.town}),
        mask_name=mask_name,
        priority_of=needs.priority_of,
        bulk_form=ReviewForm() if queue and user.may_write_casework else None,
    )


@bp.route("/needs/review", methods=["POST"])
@casework_required
def review_many() -> ResponseReturnValue:
    """Approve or return several submitted needs with one note, each reviewed on its own."""
    form = ReviewForm()
    back = redirect(url_for("needs.index", queue="review"))
    approve = bool(form.approve.data)
    note = (form.note.data or "").strip()
    if not form.validate_on_submit():
        flash(first_error(form) or _("Give a reason."), "error")
        return back
    try:
        ids = parse_ids(request.form.getlist("need_id"))
    except ValueError:
        flash(_("Choose at most %(n)d at once.", n=MAX_ITEMS), "error")
        return back
    if not ids:
        flash(_("Choose at least one need."), "error")
        return back
    if not approve and not note:
        flash(_("Say why the need is returned."), "error")
        return back
    result = needs.review_needs(staff(), ids, approve, note, ip=client_ip())
    flash_outcomes(result, _("Approved.") if approve else _("Returned to the author."))
    return back


@bp.route("/persons/<int:person_id>/needs/new", methods=["GET", "POST"])
@casework_required
def create(person_id: int) -> ResponseReturnValue:
    user = staff()
    person = get_person(user, person_id)
    if not user.may_write_casework:
        abort(404)
    form = NeedForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            need = needs.create_need(user, person.id, _input(form), ip=client_ip())
            flash(_("The need has been saved as a draft."), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    return render_template(
        "needs/form.html", form=form, person=person, need=None, mask_name=mask_name
    )


@bp.route("/needs/<int:need_id>")
@casework_required
def detail(need_id: int) -> ResponseReturnValue:
    need = needs.view_need(staff(), need_id, ip=client_ip())
    problems = needs.review_problems(need)
    history = need_history(need, registry(current_app).need_history)
    return render_template(
        "needs/detail.html",
        need=need,
        action_form=ActionForm(),
        review_form=ReviewForm(),
        cancel_form=ConfirmedReasonForm(),
        priority=needs.priority_of(need),
        problems=problems,
        history=history,
        mask_name=mask_name,
        can_write=staff().may_write_casework,
        can_review=needs.may_review(staff(), need),
        destinations=registry(current_app).destinations(),
    )


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@casework_required
def edit(need_id: int) -> ResponseReturnValue:
    user = staff()
    need = needs.get_need(user, need_id)
    if not user.may_write_casework:
        abort(404)
    form = NeedForm(obj=need)
    if request.method == "GET":
        form.amount.data = fen_to_yuan_str(need.amount_fen)
    if form.validate_on_submit():
        with errors_shown_on(form):
            needs.update_need(user, need_id, _input(form), ip=client_ip())
            flash(_("Saved."), "success")
            return redirect(url_for("needs.detail", need_id=need_id))
    return render_template(
        "needs/form.html", form=form, person=need.person, need=need, mask_name=mask_name
    )


def _act(need_id: int, form_ok: bool, run: Callable[[], object], done: str) -> ResponseReturnValue:
    if form_ok:
        run()
        flash(done, "success")
    else:
        flash(_("Give a reason."), "error")
    return redirect(url_for("needs.detail", need_id=need_id))


@bp.route("/needs/<int:need_id>/submit", methods=["POST"])
@casework_required
@redirects_on_domain_error("needs.detail")
def submit(need_id: int) -> ResponseReturnValue:
    return _act(
        need_id,
        ActionForm().validate_on_submit(),
        lambda: needs.submit_need(staff(), need_id, ip=client_ip()),
        _("Submitted for review by a second staff member."),
    )


@bp.route("/needs/<int:need_id>/review", methods=["POST"])
@casework_required
@redirects_on_domain_error("needs.detail")
def review(need_id: int) -> ResponseReturnValue:
    form = ReviewForm()
    approve = bool(form.approve.data)
    return _act(
        need_id,
        form.validate_on_submit(),
        lambda: needs.review_need(staff(), need_id, approve, form.note.data or "", ip=client_ip()),
        _("Approved.") if approve else _("Returned to the author."),
    )


@bp.route("/needs/<int:need_id>/publish", methods=["POST"])
@casework_required
@redirects_on_domain_error("needs.detail")
def publish(need_id: int) -> ResponseReturnValue:
    destination = request.form.get("destination", "")[:64] or None
    if destination is None and registry(current_app).destinations():
        flash(_("Choose the project whose map will show the need."), "error")
        return redirect(url_for("needs.detail", need_id=need_id))
    return _act(
        need_id,
        ActionForm().validate_on_submit(),
        lambda: needs.publish_need(staff(), need_id, destination=destination, ip=client_ip()),
        _("Published: donors now see the need card on the project's map."),
    )


@bp.route("/needs/<int:need_id>/cancel", methods=["POST"])
@casework_required
@redirects_on_domain_error("needs.detail")
def cancel(need_id: int) -> ResponseReturnValue:
    form = ConfirmedReasonForm()
    if not form.validate_on_submit():
        # Cancelling cannot be undone: without the ticked box and a reason nothing happens.
        flash(_("Give a reason.") if form.reason.errors else first_error(form) or "", "error")
        return redirect(url_for("needs.detail", need_id=need_id))
    needs.cancel_need(staff(), need_id, form.reason.data or "", ip=client_ip())
    flash(_("The need has been cancelled."), "success")
    return redirect(url_for("needs.detail", need_id=need_id))


@bp.route("/needs/export")
@casework_required
def export() -> ResponseReturnValue:
    """The list as filtered (every page) as CSV or XLSX: names masked, audited."""
    asked = {
        key: request.args.get(key, "")[:32]
        for key in ("status", "category", "office", "town", "q", "queue")
    }
    filters = needs.NeedFilter(
        status=asked["status"] or None,
        category=asked["category"] or None,
        office_id=int_arg("office"),
        town=asked["town"] or None,
        q=asked["q"],
        review_queue=asked["queue"] == "review",
    )
    return download(export_needs(staff(), filters, export_format(), asked, ip=client_ip()))
