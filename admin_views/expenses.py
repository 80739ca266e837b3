"""Volunteer mentors' expense claims: the coordinator decides them against a funding
source and follows spent and left per source; the bookkeeper gets an XLSX per source and
month. Mentors file theirs on the phone (``admin_views.mentor_log``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import tablib
from flask import abort, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from admin_views.base import (
    SecureModelView,
    SecureView,
    current_actor,
    download,
    needs,
    perform,
    record_id,
)
from admin_views.formatting import status_badge
from common.clock import today
from common.enums import ClaimStatus
from common.i18n import _
from mentoring import access, expenses
from models import ExpenseClaim, FundingSource, Pair, db


class ExpenseClaimView(SecureModelView):
    """Claims waiting first; a claim's page has the decision."""

    details_template = "mentoring/expense_details.html"
    column_list = ("day", "mentor", "pair", "kind", "amount", "status", "funding_source")
    column_details_list = ("day", "mentor", "pair", "kind", "distance_km", "amount",
                           "purpose", "status", "rejection_reason", "funding_source",
                           "decided_by", "decided_at", "created_at")
    column_export_list = column_details_list
    column_filters = ("status", "kind", "day")
    column_default_sort = [("day", True)]
    query_options = (joinedload(ExpenseClaim.mentor), joinedload(ExpenseClaim.funding_source),
                     joinedload(ExpenseClaim.pair).joinedload(Pair.youth))
    column_formatters = {"status": lambda v, c, m, n: status_badge(m.status)}
    # Filed once on the phone and decided on its page: only what it was for can be
    # corrected (a mentor's, while it waits); amounts and decisions never by form.
    form_columns = ("purpose",)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        """Mentors file claims on their phone page."""
        return redirect(url_for("mentor_log.expenses"))

    def details_context(self, model: ExpenseClaim) -> dict[str, Any]:
        actor = current_actor()
        can_decide = access.can(actor, ExpenseClaim, access.APPROVE) \
            and model.status == ClaimStatus.submitted
        sources = expenses.figures(db.session(), FundingSource.provider_id
                                   == model.mentor.provider_id) if can_decide else []
        return {"can_decide": can_decide, "sources": sources}

    @expose("/decide/", methods=("POST",))
    @needs(access.APPROVE)
    def decide_view(self) -> Any:
        claim = self.get_one(request.form.get("id", ""))
        if claim is None:
            abort(404)
        actor = current_actor()
        if request.form.get("decision") == "reject":
            perform(lambda: expenses.reject(db.session(), claim, actor=actor,
                                            reason=request.form.get("reason", "")[:500]),
                    done=_("The claim was rejected."))
        else:
            source = db.session.scalar(select(FundingSource).where(
                FundingSource.id == record_id(request.form.get("funding_source")),
                access.row_filter(actor, FundingSource)))
            if source is None:
                abort(404)
            perform(lambda: expenses.approve(db.session(), claim, source, actor=actor,
                                             overspend=request.form.get("overspend") == "y"),
                    done=_("The claim was approved."))
        return redirect(url_for(".details_view", id=claim.id))


class FundingSourceView(SecureModelView):
    column_list = ("name", "funder", "project_number", "year", "amount")
    form_columns = ("provider", *column_list)  # the picker offers a coordinator their own
    column_details_list = ("provider", *column_list)
    column_default_sort = [("year", True)]

    def on_model_change(self, form: Any, model: FundingSource, is_created: bool) -> None:
        if is_created and model.provider_id is None:
            model.provider_id = current_actor().provider_id
        super().on_model_change(form, model, is_created)


class ExpensesView(SecureView):
    """Spent and left per funding source, and the bookkeeper's XLSX."""

    model = FundingSource

    def _year(self) -> int:
        year = request.args.get("year", type=int) or today().year
        return year if 2000 <= year <= 2100 else today().year

    @expose("/")
    @needs(access.LIST)
    def index(self) -> Any:
        actor = current_actor()
        year = self._year()
        figures = [f for f in expenses.figures(db.session(),
                                               access.row_filter(actor, FundingSource))
                   if f.source.year == year]
        waiting = db.session.scalars(select(ExpenseClaim).where(
            access.row_filter(actor, ExpenseClaim), ExpenseClaim.status == ClaimStatus.submitted)
            .options(joinedload(ExpenseClaim.mentor)).order_by(ExpenseClaim.day)).all() \
            if access.can(actor, ExpenseClaim, access.LIST) else []
        return self.render("mentoring/expenses.html", figures=figures, year=year,
                           waiting=waiting)

    @expose("/xlsx")
    @needs(access.EXPORT)
    def xlsx(self) -> Any:
        """Approved claims per funding source and month of the year, with the total."""
        year = self._year()
        actor = current_actor()
        rows = expenses.by_source_and_month(
            db.session(), access.row_filter(actor, ExpenseClaim), year)
        sheet = tablib.Dataset(headers=[_("Funding source"), _("Month"), _("Claims"),
                                        _("Amount")], title=str(_("Expenses")))
        for name, month, count, amount in rows:
            sheet.append([name, f"{month:02d}.{year}", count, float(amount)])
        sheet.append([str(_("Total")), "", sum(r[2] for r in rows),
                      float(sum((r[3] for r in rows), Decimal(0)))])
        return download(sheet.export("xlsx"), f"izdevumi-{year}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
