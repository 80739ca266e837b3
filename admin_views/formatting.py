"""Locale-aware display of dates, money, enums and booleans in lists, details and templates."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask import Flask
from flask_admin.model import typefmt
from flask_babel import get_locale
from markupsafe import Markup

from common import formatting
from common.i18n import _


def locale() -> str:
    current = get_locale()
    return current.language if current else "lv"


def date_filter(value: dt.date | None) -> str:
    return formatting.format_date(value, locale())


def money_filter(value: Decimal | None) -> str:
    return formatting.format_money(value, locale())


def number_filter(value: Decimal | float | None) -> str:
    return formatting.format_number(value, locale())


def percent_filter(value: Decimal | None) -> str:
    return formatting.format_percent(value, locale())


def _date(view: Any, value: dt.date, name: str) -> str:
    return date_filter(value)


# The Decimals that are not euros: a percentage, a distance, a rate per km.
UNITS = {"vat_rate": "%", "distance_km": "km", "km_rate": "€/km"}


def _money(view: Any, value: Decimal, name: str) -> str:
    unit = UNITS.get(name.rsplit(".", 1)[-1])
    if unit is not None:
        return f"{format_decimal(value, '#,##0.###', locale=locale())}\u00a0{unit}"
    return money_filter(value)


def _enum(view: Any, value: enum.Enum, name: str) -> str:
    return str(getattr(value, "label", value.name))


# How a status reads at a glance: what waits for someone stands out.
STATUS_STYLES = {"logged": "warning", "new": "warning", "in_review": "warning",
                 "approved": "success", "accepted": "success", "active": "success",
                 "paid": "success", "rejected": "danger", "ended_early": "danger",
                 "invoiced": "secondary", "credited": "secondary", "withdrawn": "secondary"}


def status_badge(value: enum.Enum) -> Markup:
    code = str(getattr(value, "value", value))
    return Markup('<span class="badge badge-{}">{}</span>').format(
        STATUS_STYLES.get(code, "light"), getattr(value, "label", code))


def yes_no(value: bool) -> Markup:
    text = _("Yes") if value else _("No")
    return Markup('<span class="badge badge-{}">{}</span>').format(
        "success" if value else "secondary", text
    )


def _bool(view: Any, value: bool, name: str) -> Markup:
    return yes_no(value)


def _bool_export(view: Any, value: bool, name: str) -> str:
    return _("Yes") if value else _("No")


def _list(view: Any, values: Any, name: str) -> str:
    return ", ".join(str(v) for v in values)


# Order matters: Flask-Admin applies the last matching type, so datetime follows date.
LIST_FORMATTERS: dict[type, Any] = {
    **typefmt.BASE_FORMATTERS,
    list: _list,
    bool: _bool,
    Decimal: _money,
    enum.Enum: _enum,
    dt.date: _date,
    dt.datetime: _date,
}
EXPORT_FORMATTERS: dict[type, Any] = {
    **typefmt.EXPORT_FORMATTERS,
    list: _list,
    bool: _bool_export,
    enum.Enum: _enum,
    dt.date: _date,
    dt.datetime: _date,
}


def register_template_filters(app: Flask) -> None:
    app.add_template_filter(date_filter, "date")
    app.add_template_filter(lambda text: date_filter(dt.date.fromisoformat(text)), "isodate")
    app.add_template_filter(money_filter, "money")
    app.add_template_filter(lambda d: formatting.format_month(d, locale()), "month")
    app.add_template_filter(lambda d: formatting.format_month(d, locale(), long=True),
                            "month_name")
    app.add_template_filter(percent_filter, "percent")
    app.add_template_filter(number_filter, "number")
    app.add_template_filter(formatting.format_minutes, "hours")
    app.add_template_filter(lambda m: formatting.format_decimal_hours(m, locale()), "h")
