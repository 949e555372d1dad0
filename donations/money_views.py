"""Staff pages for allocation proposals, payouts and pool balances."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms import (
    SelectChoice,
)

from core import audit
from core.db import db
from core.errors import DomainError
from core.money import MoneyError, format_fen, parse_yuan
from core.needs.labels import CATEGORY_LABELS
from core.users import Role
from core.web import actor, roles_required, show_error, staff
from donations.allocations import (
    PROPOSERS,
    approve_proposal,
    fairness,
    reject_proposal,
    run_proposal,
)
from donations.disbursements import (
    PayoutInput,
    approve_disbursement,
    propose_disbursement,
    reject_disbursement,
)
from donations.forms import METHOD_LABELS, ActionForm, PayoutForm, RejectForm
from donations.ledger.models import JournalEntry, JournalLine
from donations.ledger.services import fund_balance_fen, need_account, pool_account
from donations.models import AllocationProposal, Disbursement, ListingStatus, NeedListing, Pool

bp = Blueprint("money", __name__, template_folder="templates")
VIEWERS = (Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER)


def _threshold() -> int:
    return int(current_app.config["ALLOCATION_SECOND_APPROVAL_FEN"])


@bp.route("/allocations", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def allocations() -> ResponseReturnValue:
    form = ActionForm()
    if request.method == "POST":
        if not staff().has_role(*PROPOSERS) or not form.validate_on_submit():
            abort(404)
        try:
            proposal = run_proposal(staff())
        except DomainError as error:
            db.session.rollback()
            show_error(None, error)
            return redirect(url_for("money.allocations"))
        flash(_("Proposal ready for approval."), "success")
        return redirect(url_for("money.proposal", proposal_id=proposal.id))
    items = list(
        db.session.scalars(
            select(AllocationProposal).order_by(AllocationProposal.id.desc()).limit(50)
        )
    )
    return render_template(
        "donations/allocations.html",
        items=items,
        form=form,
        can_propose=staff().has_role(*PROPOSERS),
    )


@bp.route("/allocations/<int:proposal_id>", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def proposal(proposal_id: int) -> ResponseReturnValue:
    item = db.session.get(AllocationProposal, proposal_id)
    if item is None:
        abort(404)
    reject_form = RejectForm()
    if request.method == "POST":
        try:
            if request.form.get("decision") == "approve":
                if not ActionForm().validate_on_submit():
                    abort(400)
                approve_proposal(staff(), item.id, _threshold())
                flash(_("Approved."), "success")
            elif reject_form.validate_on_submit():
                reject_proposal(staff(), item.id, reject_form.reason.data or "")
                flash(_("Rejected."), "success")
            else:
                flash(_("Give a reason."), "error")
        except DomainError as error:
            db.session.rollback()
            show_error(None, error)
        return redirect(url_for("money.proposal", proposal_id=item.id))
    needs = {n["id"]: n for n in item.snapshot.get("needs", [])}
    listings = (
        {
            listing.id: listing
            for listing in db.session.scalars(
                select(NeedListing).where(NeedListing.id.in_(list(needs)))
            )
        }
        if needs
        else {}
    )
    return render_template(
        "donations/proposal.html",
        proposal=item,
        needs=needs,
        listings=listings,
        fairness=fairness(item),
        action_form=ActionForm(),
        reject_form=reject_form,
        threshold=_threshold(),
    )


def _funded_choices() -> list[SelectChoice]:
    listings = db.session.scalars(
        select(NeedListing)
        .where(NeedListing.status == ListingStatus.FUNDED)
        .order_by(NeedListing.listed_at)
    ).all()
    return [
        SelectChoice(
            item.id,
            f"{item.need.alias} · {CATEGORY_LABELS.get(item.need.category, item.need.category)}"
            f" · {format_fen(fund_balance_fen(need_account(item)))}",
        )
        for item in listings
    ]


@bp.route("/disbursements", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.AUDITOR, Role.FINANCE)
def disbursements() -> ResponseReturnValue:
    form = PayoutForm()
    form.listing_id.choices = _funded_choices()
    if request.method == "POST":
        if not staff().has_role(Role.FINANCE):
            abort(404)
        if form.validate_on_submit():
            upload = form.evidence.data
            try:
                amount = parse_yuan(form.amount.data or "")
                propose_disbursement(
                    staff(),
                    PayoutInput(
                        listing_id=form.listing_id.data or "",
                        amount_fen=amount,
                        method=form.method.data or "",
                        payee=form.payee.data or "",
                        reference=form.reference.data or "",
                        paid_on=form.paid_on.data or date.min,
                        evidence_name=upload.filename or "",
                        evidence=upload.read(),
                    ),
                    Path(current_app.config["EVIDENCE_DIR"]),
                )
            except MoneyError:
                form.amount.errors = [_("Enter an amount in yuan, e.g. 1200 or 1200.50.")]
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("Payout recorded; another finance user must approve it."), "success")
                return redirect(url_for("money.disbursements"))
    items = list(
        db.session.scalars(select(Disbursement).order_by(Disbursement.id.desc()).limit(100))
    )
    return render_template(
        "donations/disbursements.html",
        items=items,
        form=form,
        action_form=ActionForm(),
        reject_form=RejectForm(),
        can_record=staff().has_role(Role.FINANCE),
        methods=METHOD_LABELS,
    )


@bp.route("/disbursements/<int:disbursement_id>", methods=["POST"])
@roles_required(Role.FINANCE)
def decide_disbursement(disbursement_id: int) -> ResponseReturnValue:
    try:
        if request.form.get("decision") == "approve":
            if not ActionForm().validate_on_submit():
                abort(400)
            approve_disbursement(staff(), disbursement_id)
            flash(_("Payout approved."), "success")
        else:
            form = RejectForm()
            if not form.validate_on_submit():
                flash(_("Give a reason."), "error")
            else:
                reject_disbursement(staff(), disbursement_id, form.reason.data or "")
                flash(_("Payout rejected."), "success")
    except DomainError as error:
        db.session.rollback()
        show_error(None, error)
    return redirect(url_for("money.disbursements"))


@bp.route("/disbursements/<int:disbursement_id>/evidence")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.FINANCE)
def evidence(disbursement_id: int) -> ResponseReturnValue:
    payout = db.session.get(Disbursement, disbursement_id)
    path = Path(current_app.config["EVIDENCE_DIR"]) / (payout.evidence_path if payout else "")
    if payout is None or not path.is_file():
        abort(404)
    audit.record(actor(), "disbursement.evidence_view", "disbursement", payout.id)
    db.session.commit()
    return send_file(path, mimetype=payout.evidence_mime, download_name=payout.evidence_name)


@bp.route("/pools")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER)
def pools() -> ResponseReturnValue:
    rows = [
        (pool, fund_balance_fen(pool_account(pool)))
        for pool in db.session.scalars(select(Pool).order_by(Pool.id))
    ]
    history = {}
    for pool, _balance in rows:
        account = pool_account(pool)
        # SUM of a BIGINT is NUMERIC on PostgreSQL: back to int fen for the yuan filter.
        history[pool.id] = [
            (posted_at, kind, memo, int(amount))
            for posted_at, kind, memo, amount in db.session.execute(
                select(
                    JournalEntry.posted_at,
                    JournalEntry.kind,
                    JournalEntry.memo,
                    func.sum(JournalLine.amount_fen),
                )
                .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
                .where(JournalLine.account_id == account.id)
                .group_by(
                    JournalEntry.id, JournalEntry.posted_at, JournalEntry.kind, JournalEntry.memo
                )
                .order_by(JournalEntry.id.desc())
                .limit(30)
            )
        ]
    db.session.commit()  # accounts opened on first view
    return render_template("donations/pools.html", rows=rows, history=history)


__all__ = ["bp"]
