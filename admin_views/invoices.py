"""Invoices and their lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_admin import expose
from flask_admin.model.template import EditRowAction
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from admin_views.base import (
    SecureModelView,
    SecureView,
    arg_id,
    current_actor,
    download,
    needs,
    perform,
    record_id,
)
from admin_views.formatting import date_filter
from admin_views.forms import TranslatedForm
from common.clock import today
from common.enums import DeliveryChannel, InvoiceKind, InvoiceStatus
from common.formatting import parse_money
from common.i18n import _, _l
from mentoring import access, budgets, documents, einvoice, invoice_files, invoicing
from models import Budget, Contract, Invoice, InvoiceLine, Pair, Programme, Provider, db


class DeliveryForm(TranslatedForm):
    channel = SelectField(_l("Delivered by"), choices=DeliveryChannel.choices())
    delivered_on = DateField(_l("Delivered on"), validators=[DataRequired()], default=today)
    reference = StringField(_l("Reference (message or tracking number)"),
                            validators=[Length(max=200)])


class InvoiceView(SecureModelView):
    """Invoices: issued from the invoicing view, corrected only by credit notes; paid,
    delivered and credited on their own page, never edited."""

    details_template = "mentoring/invoice_details.html"

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        """Invoices are issued from the month's approved hours in the invoicing view."""
        return redirect(url_for("invoicing.index"))

    def get_list_row_actions(self) -> list[Any]:
        """No edit pencil: an issued invoice is never edited."""
        return [a for a in super().get_list_row_actions() if not isinstance(a, EditRowAction)]

    @expose("/credit/", methods=("POST",))
    @needs(access.CREDIT)
    def credit_view(self) -> Any:
        invoice = self.get_one(request.form.get("id", ""))
        outcome = perform(
            lambda: invoicing.credit_note(db.session(), invoice, actor=current_actor(),
                                          issued_on=today()),
            done=lambda note: _("Credit note %(number)s issued; the hours can be billed "
                                "again.", number=note.number))
        shown = outcome.value.id if outcome.value is not None else invoice.id
        return redirect(url_for(".details_view", id=shown))

    def _issued(self) -> Invoice:
        """The invoice of ``?id=`` within the user's scope; a draft has no documents yet."""
        invoice = self.get_one(request.args.get("id", ""))
        if invoice.number is None or invoice.document is None:
            abort(404)
        return invoice

    def details_context(self, model: Invoice) -> dict[str, Any]:
        actor = current_actor()
        return {
            "can_record_payment": self.allowed("paid_view") and model.kind == InvoiceKind.invoice
            and model.status == InvoiceStatus.issued,
            "can_credit": self.allowed("credit_view") and model.kind == InvoiceKind.invoice
            and model.status == InvoiceStatus.issued,
            "can_deliver": self.allowed("delivery_view") and model.number is not None,
            "credit_note": invoicing.credit_note_of(db.session(), model),
            "supplementary": db.session.scalars(select(Invoice).where(
                Invoice.supplements_id == model.id,
                access.row_filter(actor, Invoice)).order_by(Invoice.id)).all(),
            "delivery_form": DeliveryForm(formdata=None),
            "today": today(),
        }

    @expose("/paid/", methods=("POST",))
    @needs(access.RECORD_PAYMENT)
    def paid_view(self) -> Any:
        """The recipient records the payment of an issued invoice: date and amount."""
        invoice = self.get_one(request.form.get("id", ""))
        try:
            paid_on = dt.date.fromisoformat(request.form.get("paid_on", ""))
            amount = parse_money(request.form.get("paid_amount", ""))
        except ValueError:
            flash(_("Enter the payment date and the amount paid."), "error")
            return redirect(url_for(".details_view", id=invoice.id))
        perform(lambda: invoicing.mark_paid(db.session(), invoice, paid_on=paid_on,
                                            amount=amount, actor=current_actor()),
                done=_("Invoice %(number)s marked paid on %(date)s.", number=invoice.number,
                       date=date_filter(paid_on)))
        return redirect(url_for(".details_view", id=invoice.id))

    @expose("/delivery/", methods=("POST",))
    @needs(access.ISSUE)
    def delivery_view(self) -> Any:
        """The provider records how and when the invoice reached the municipality."""
        invoice = self.get_one(request.form.get("id", ""))
        form = DeliveryForm()
        if not form.validate():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
            return redirect(url_for(".details_view", id=invoice.id))
        perform(lambda: invoicing.record_delivery(
            db.session(), invoice, channel=DeliveryChannel(form.channel.data),
            delivered_on=form.delivered_on.data, reference=form.reference.data or "",
            actor=current_actor()), done=_("The delivery is recorded."))
        return redirect(url_for(".details_view", id=invoice.id))

    @expose("/pdf/")
    @needs(access.VIEW)
    def pdf_view(self) -> Any:
        """The PDF as issued: produced once from the frozen document, then kept and served
        byte for byte."""
        invoice = self._issued()
        pdf = invoice.pdf_file
        if pdf is None:
            produced = documents.pdf_from_html(self._pdf_html(invoice))
            pdf = perform(lambda: invoicing.keep_file(db.session(), invoice, "pdf_file",
                                                      produced)).value
        return download(pdf or b"", f"{invoice_files.file_stem(invoice)}.pdf",
                        "application/pdf", inline=True)

    @staticmethod
    def _pdf_html(invoice: Invoice) -> str:
        credit = invoice.kind == InvoiceKind.credit_note
        frozen = invoice.document or {}
        with force_locale("lv"):
            title = (_("Credit note No. %(number)s", number=invoice.number) if credit
                     else _("Invoice No. %(number)s", number=invoice.number))
            return render_template(
                "mentoring/invoice_pdf.html", invoice=invoice, doc=frozen, credit=credit,
                title=title, lines=sorted(invoice.lines, key=lambda line: line.id),
                css=documents.BASE_CSS, issued=invoice.issued_on,
                period_start=dt.date.fromisoformat(frozen["period"]["start"]),
                period_end=dt.date.fromisoformat(frozen["period"]["end"]),
                vat_rate=Decimal(frozen["vat"]["rate"]),
                vat_note=frozen["vat"]["reason"] if frozen["vat"]["category"] != "S" else "")

    @expose("/xml/")
    @needs(access.VIEW)
    def xml_view(self) -> Any:
        """The e-invoice as issued, byte for byte."""
        invoice = self._issued()
        xml = invoice.xml_file  # produced at issue; kept at first download if issued before
        if xml is None:
            produced = einvoice.ubl_xml(invoice)
            xml = perform(lambda: invoicing.keep_file(db.session(), invoice, "xml_file",
                                                      produced)).value
        return download(xml or b"", f"{invoice_files.file_stem(invoice)}.xml",
                        "application/xml")

    @expose("/csv/")
    @needs(access.VIEW)
    def csv_view(self) -> Any:
        invoice = self._issued()
        return download(invoice_files.lines_csv(invoice),
                        f"{invoice_files.file_stem(invoice)}.csv", "text/csv; charset=utf-8")

    column_list = (
        "number", "kind", "provider", "municipality", "month", "issued_on", "due_on",
        "total_amount", "status", "paid_on", "files",
    )
    column_labels = {"files": _l("Files"), "month": _l("Service month")}
    column_formatters = {"month": lambda v, c, m, n: f"{m.month:02d}.{m.year:04d}",
                         "files": lambda v, c, m, n: Markup(
        '<a href="{}">PDF</a> · <a href="{}">XML</a> · <a href="{}">CSV</a>').format(
            url_for(".pdf_view", id=m.id), url_for(".xml_view", id=m.id),
            url_for(".csv_view", id=m.id)) if m.number else ""}
    column_formatters_export = {"files": lambda v, c, m, n: ""}
    column_details_list = (
        "number", "kind", "provider", "municipality", "contract", "credited_invoice",
        "supplements", "month", "issued_on", "due_on", "net_amount", "vat_amount",
        "total_amount", "status", "paid_on", "paid_amount", "early_issue_reason",
    )
    column_formatters_detail = {"month": lambda v, c, m, n: f"{m.month:02d}.{m.year:04d}"}
    column_export_list = ("number", "kind", "provider", "municipality", "contract", "year",
                          "month", "issued_on", "due_on", "net_amount", "vat_amount",
                          "total_amount", "status", "paid_on", "paid_amount")
    form_columns = (
        "provider", "municipality", "contract", "year", "month", "due_on", "status", "paid_on",
    )
    column_searchable_list = ("number",)
    column_filters = ("status", "kind", "year", "month", "issued_on", "provider.name")
    column_default_sort = [("issued_on", True)]
    query_options = (
        joinedload(Invoice.provider), joinedload(Invoice.municipality),
        joinedload(Invoice.contract), joinedload(Invoice.credited_invoice),
    )


class InvoiceLineView(SecureModelView):
    # Millions of rows: the pager offers the next page without counting them all.
    simple_list_pager = True
    column_list = ("invoice", "description", "minutes", "rate", "vat_rate", "amount")
    column_default_sort = "id"
    query_options = (
        joinedload(InvoiceLine.invoice),
        joinedload(InvoiceLine.pair).joinedload(Pair.youth),
        joinedload(InvoiceLine.pair).joinedload(Pair.mentor),
    )


class InvoicingView(SecureView):
    """A month's billable hours per contract, the budget they draw on, and issuing."""

    model = Invoice

    def _context(self) -> tuple[list[Provider], Provider, int, int]:
        providers, provider = self.chosen_provider()
        year, month = self.chosen_month(today().replace(day=1) - dt.timedelta(days=1))
        return providers, provider, year, month

    @expose("/")
    @needs(access.ISSUE)
    def index(self) -> Any:
        providers, provider, year, month = self._context()
        contracts = [c for c in db.session.scalars(
            select(Contract).where(Contract.provider_id == provider.id).order_by(Contract.number)
            .options(joinedload(Contract.municipality)))
            if invoicing.contract_covers(c, year, month)]
        municipalities = sorted({c.municipality for c in contracts}, key=lambda m: m.name)
        municipality_id = arg_id("municipality")
        if municipality_id:
            contracts = [c for c in contracts if c.municipality_id == municipality_id]
        blocks = []
        for contract in contracts:
            preview = invoicing.preview(db.session(), contract, year, month)
            blocks.append((preview, invoicing.budget_use(db.session(), contract, year,
                                                          preview.total)))
        return self.render("mentoring/invoicing.html", providers=providers, provider=provider,
                           year=year, month=month, blocks=blocks, municipalities=municipalities,
                           municipality_id=municipality_id)

    def _contract(self, provider: Provider) -> Contract:
        contract = db.session.scalar(select(Contract).where(
            Contract.id == arg_id("contract"), Contract.provider_id == provider.id))
        if contract is None:
            abort(404)
        return contract

    @expose("/confirm/")
    @needs(access.ISSUE)
    def confirm(self) -> Any:
        """Issuing cannot be undone: the exact lines and total first, and what keeps the
        month from being closed (then a reason is asked for)."""
        providers, provider, year, month = self._context()
        contract = self._contract(provider)
        preview = invoicing.preview(db.session(), contract, year, month)
        if not preview.lines:
            flash(_("There are no approved billable hours to invoice for that month."), "error")
            return redirect(url_for(".index", provider=provider.id,
                                    month=f"{year:04d}-{month:02d}"))
        return self.render("mentoring/invoicing_confirm.html", provider=provider, year=year,
                           month=month, preview=preview,
                           budget=invoicing.budget_use(db.session(), contract, year,
                                                       preview.total))

    @expose("/issue/", methods=("POST",))
    @needs(access.ISSUE)
    def issue(self) -> Any:
        _providers, provider, year, month = self._context()
        contract = self._contract(provider)
        outcome = perform(
            lambda: invoicing.issue_invoice(db.session(), contract=contract, year=year,
                                            month=month, actor=current_actor(),
                                            issued_on=today(),
                                            expected=request.form.get("fingerprint", ""),
                                            early_reason=request.form.get("early_reason", "")),
            done=lambda invoice: _("Invoice %(number)s issued.", number=invoice.number))
        if outcome.value is None:
            return redirect(url_for(".confirm", provider=provider.id, contract=contract.id,
                                    month=f"{year:04d}-{month:02d}"))
        return redirect(url_for("invoice.details_view", id=outcome.value.id))


class BudgetOverviewView(SecureView):
    """Per municipality, programme and year: budget, invoiced, paid, not yet invoiced,
    committed by active pairs, and the forecast against the budget."""

    model = Budget

    @expose("/")
    @needs(access.LIST)
    def index(self) -> Any:
        year = record_id(request.args.get("year")) or today().year
        if not 2000 <= year <= 2100:
            year = today().year
        lines = budgets.overview(db.session(), year, access.row_filter(current_actor(), Programme),
                                 today())
        return self.render("mentoring/budget.html", year=year, lines=lines)
