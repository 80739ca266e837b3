"""Municipalities, localities, providers, programmes, budgets and contracts."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView
from models import Budget, Contract, Programme


class MunicipalityView(SecureModelView):
    column_list = ("name", "reg_number", "social_service", "email", "phone")
    column_searchable_list = ("name", "reg_number", "social_service")
    column_default_sort = "name"
    form_excluded_columns = ("youths", "created_at")
    column_details_exclude_list = ("youths",)


class LocalityView(SecureModelView):
    column_list = ("name", "municipality", "remote")
    column_searchable_list = ("name",)
    column_filters = ("municipality.name", "remote")
    column_default_sort = "name"


class ProviderView(SecureModelView):
    column_list = ("name", "invoice_prefix", "reg_number", "vat_number", "iban", "email")
    column_searchable_list = ("name", "reg_number", "vat_number")
    column_default_sort = "name"
    form_excluded_columns = ("contracts", "created_at")
    column_details_exclude_list = ("contracts",)


class ProgrammeView(SecureModelView):
    column_list = (
        "name", "municipality", "paid", "min_youth_age", "max_youth_age", "min_months",
        "max_months", "monthly_cap_minutes", "mentor_capacity",
    )
    column_searchable_list = ("name",)
    column_filters = ("paid",)
    column_default_sort = "name"
    query_options = (joinedload(Programme.municipality),)


class BudgetView(SecureModelView):
    column_list = ("municipality", "programme", "year", "amount", "note")
    column_filters = ("year", "municipality.name")
    column_default_sort = [("year", True)]
    query_options = (joinedload(Budget.municipality), joinedload(Budget.programme))


class ContractView(SecureModelView):
    column_list = (
        "number", "municipality", "provider", "programme", "valid_from", "valid_to",
        "hourly_rate", "vat_rate", "ceiling",
    )
    column_searchable_list = ("number", "procurement")
    column_filters = ("valid_from", "valid_to", "provider.name", "municipality.name")
    column_default_sort = [("valid_from", True)]
    form_excluded_columns = ("created_at",)
    query_options = (
        joinedload(Contract.municipality), joinedload(Contract.provider),
        joinedload(Contract.programme),
    )
