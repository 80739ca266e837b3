"""Invoices and their lines."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView
from models import Invoice, InvoiceLine, Pair


class InvoiceView(SecureModelView):
    column_list = (
        "number", "kind", "provider", "municipality", "year", "month", "issued_on", "due_on",
        "total_amount", "status", "paid_on",
    )
    column_details_list = (
        "number", "kind", "provider", "municipality", "contract", "credited_invoice", "year",
        "month", "issued_on", "due_on", "net_amount", "vat_amount", "total_amount", "status",
        "paid_on", "lines",
    )
    column_export_list = column_details_list[:-1]
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
    column_list = ("invoice", "description", "minutes", "rate", "vat_rate", "amount")
    column_default_sort = "id"
    query_options = (
        joinedload(InvoiceLine.invoice),
        joinedload(InvoiceLine.pair).joinedload(Pair.youth),
        joinedload(InvoiceLine.pair).joinedload(Pair.mentor),
    )
