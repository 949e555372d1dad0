"""People pages: list and search, register, view (masked), reveal, edit, transfer, end."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import ExportFormat, download
from core.forms import ActionForm
from core.listing import requested_page
from core.needs.services import needs_of
from core.orgs import all_offices
from core.params import parse_int
from core.people import retention, transfers
from core.people import services as people
from core.people.exports import PeopleFilter, export_people
from core.people.models import Person, PersonStatus
from core.privacy import mask_name
from core.users import visible_office_ids
from core.web import errors_shown_on, export_format, redirects_on_domain_error
from core.wings import registry
from portal.forms import DecisionForm, EndCaseForm, PersonForm, RevealForm, TransferForm
from portal.security import casework_required, client_ip, staff
from portal.views.common import split_list

bp = Blueprint("persons", __name__)


def _office_choices() -> list[tuple[int, str]]:
    visible = visible_office_ids(staff())
    return [(o.id, o.name) for o in all_offices() if visible is None or o.id in visible]


def _input(form: PersonForm) -> people.PersonInput:
    return people.PersonInput(
        name=form.name.data or "",
        id_number=form.id_number.data or "",
        office_id=form.office_id.data or 0,
        kind=form.kind.data or "",
        sex=form.sex.data or "",
        birth_date=form.birth_date.data,
        phone=form.phone.data or "",
        address=form.address.data or "",
        correction_type=form.correction_type.data or None,
        term_start=form.term_start.data,
        term_end=form.term_end.data,
        release_date=form.release_date.data,
        education=form.education.data or None,
        employment_status=form.employment_status.data or None,
        skills=split_list(form.skills.data),
        languages=split_list(form.languages.data),
        consent_publication=bool(form.consent_publication.data),
        consent_mentoring=bool(form.consent_mentoring.data),
    )


def _save(
    form: PersonForm, save: Callable[[people.PersonInput], Person], person_id: int | None = None
) -> Person | None:
    """Validate the whole form and the rules at once; save only if everything holds.

    When the form's own checks fail, the service's rules still run (writing nothing), so
    every problem shows at once, each on its field."""
    if not form.is_submitted():
        return None
    form_ok = form.validate()
    with errors_shown_on(form):
        if form_ok:
            return save(_input(form))
        people.check_person(staff(), _input(form), person_id)
    return None


def _number(source: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    return parse_int(source.get(name, ""), default)


@bp.route("/persons", methods=["GET", "POST"])
@casework_required
def index() -> ResponseReturnValue:
    # A search by name, ID or phone number is posted, never put in the URL: URLs end up
    # in server logs, browser history and referrers (docs/privacy.md).
    source = request.form if request.method == "POST" else request.args
    filters = people.PersonFilter(
        q=request.form.get("q", "")[:64] if request.method == "POST" else "",
        office_id=_number(source, "office"),
        status=source.get("status") or None,
        kind=source.get("kind") or None,
        paging=requested_page(source, per_page_arg=True),
    )
    page = people.search_people(staff(), filters, ip=client_ip())
    return render_template(
        "persons/list.html",
        page=page,
        filters=filters,
        offices=_office_choices(),
        mask_name=mask_name,
        transfers=transfers.incoming_transfers(staff()),
    )


@bp.route("/persons/new", methods=["GET", "POST"])
@casework_required
def create() -> ResponseReturnValue:
    if not staff().may_write_casework:
        abort(404)
    form = PersonForm()
    form.office_id.choices = _office_choices()
    person = _save(form, lambda data: people.register_person(staff(), data, ip=client_ip()))
    if person is not None:
        flash(_("The person has been registered."), "success")
        return redirect(url_for("persons.detail", person_id=person.id))
    return render_template("persons/form.html", form=form, person=None)


@bp.route("/persons/<int:person_id>")
@casework_required
def detail(person_id: int) -> ResponseReturnValue:
    person = people.view_person(staff(), person_id, ip=client_ip())
    return _render_detail(person, revealed={})


def _render_detail(person: Person, revealed: dict[str, str]) -> ResponseReturnValue:
    user = staff()
    visible = visible_office_ids(user)
    transfer_form = TransferForm()
    transfer_form.to_office_id.choices = [
        (o.id, o.name) for o in all_offices() if o.id != person.office_id
    ]
    masked = people.masked_identity(person)
    return render_template(
        "persons/detail.html",
        person=person,
        masked=masked,
        revealed=revealed,
        reveal_form=RevealForm(),
        transfer_form=transfer_form,
        end_form=EndCaseForm(),
        needs=needs_of(user, person.id),
        transfers=transfers.transfers_of(person),
        can_write=user.may_write_casework and (visible is None or person.office_id in visible),
        is_active=person.status == PersonStatus.ACTIVE,
        panels=[
            (panel.template, context)
            for panel in registry(current_app).person_panels
            if (context := panel.context(user, person)) is not None
        ],
    )


@bp.route("/persons/<int:person_id>/reveal", methods=["POST"])
@casework_required
def reveal(person_id: int) -> ResponseReturnValue:
    form = RevealForm()
    if not form.validate_on_submit():
        abort(400)
    value = people.reveal_field(staff(), person_id, form.field.data or "", ip=client_ip())
    person = people.get_person(staff(), person_id)
    return _render_detail(person, revealed={form.field.data or "": value})


@bp.route("/persons/<int:person_id>/edit", methods=["GET", "POST"])
@casework_required
def edit(person_id: int) -> ResponseReturnValue:
    user = staff()
    person = people.get_person(user, person_id)
    if not user.may_write_casework:
        abort(404)
    form = PersonForm(obj=person)
    form.office_id.choices = [(person.office_id, person.office.name)]
    if request.method == "GET":
        # Identity fields show masked (docs/privacy.md): left as shown, they keep their value.
        for name, masked in people.masked_identity(person).items():
            form[name].data = masked
        form.skills.data = ", ".join(person.skills or [])
        form.languages.data = ", ".join(person.languages or [])
    saved = _save(
        form,
        lambda data: people.update_person(user, person_id, data, ip=client_ip()),
        person_id,
    )
    if saved is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("persons.detail", person_id=person_id))
    return render_template("persons/form.html", form=form, person=person)


@bp.route("/persons/<int:person_id>/transfer", methods=["POST"])
@casework_required
@redirects_on_domain_error("persons.detail")
def transfer(person_id: int) -> ResponseReturnValue:
    form = TransferForm()
    form.to_office_id.choices = [(o.id, o.name) for o in all_offices()]
    if form.validate_on_submit():
        transfers.request_transfer(
            staff(),
            person_id,
            form.to_office_id.data or 0,
            form.reason.data or "",
            ip=client_ip(),
        )
        flash(_("Transfer requested. The receiving office must accept it."), "success")
    else:
        flash(_("Give the receiving office and a reason."), "error")
    return redirect(url_for("persons.detail", person_id=person_id))


@bp.route("/transfers/<int:transfer_id>", methods=["POST"])
@casework_required
@redirects_on_domain_error("persons.index")
def decide_transfer(transfer_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    accept = bool(form.accept.data)
    transfers.decide_transfer(staff(), transfer_id, accept, form.note.data or "", ip=client_ip())
    flash(_("Transfer accepted.") if accept else _("Transfer rejected."), "success")
    return redirect(url_for("persons.index"))


@bp.route("/persons/<int:person_id>/end", methods=["POST"])
@casework_required
@redirects_on_domain_error("persons.detail")
def end(person_id: int) -> ResponseReturnValue:
    form = EndCaseForm()
    if form.validate_on_submit() and form.ended_on.data:
        retention.end_case(staff(), person_id, form.ended_on.data, ip=client_ip())
        flash(_("The case has been ended."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("persons.detail", person_id=person_id))


def _export_filter() -> PeopleFilter:
    source = request.form if request.method == "POST" else request.args
    return PeopleFilter(
        office_id=_number(source, "office"),
        status=(source.get("status") or "")[:16] or None,
        kind=(source.get("kind") or "")[:16] or None,
    )


@bp.route("/persons/export")
@casework_required
def export() -> ResponseReturnValue:
    """The list as filtered (every page) as CSV or XLSX, identity masked; audited."""
    return download(export_people(staff(), _export_filter(), export_format(), ip=client_ip()))


@bp.route("/persons/export", methods=["POST"])
@casework_required
def export_clear() -> ResponseReturnValue:
    """The same with identity in clear: a reveal of everyone in it (reveal roles only)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    fmt = ExportFormat.XLSX if request.form.get("format") == "xlsx" else ExportFormat.CSV
    return download(export_people(staff(), _export_filter(), fmt, clear=True, ip=client_ip()))
