"""Reports with filters, shown as tables and exported as XLSX or CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import tablib
from flask import abort, request
from flask_admin import expose
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from admin_views.base import SecureView, arg_id, current_actor, download, needs
from common.clock import today
from common.formatting import spreadsheet_safe
from mentoring import access, reports
from models import Municipality, Pair, Programme, Provider, db

EXPORTS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _date(name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


def _cell(value: Any, kind: str) -> Any:
    """Spreadsheet values: hours as decimal hours, money as numbers."""
    if kind == "minutes" and isinstance(value, int):
        return round(value / 60, 2)
    return float(value) if isinstance(value, Decimal) else value


class ReportView(SecureView):
    """Reports are aggregates over pairs: open to the roles that may export pairs."""

    model = Pair

    def _choices(self, model: type) -> list[Any]:
        return list(db.session.scalars(select(model).where(
            access.row_filter(current_actor(), model)).order_by(sa_inspect(model).columns["name"])))

    def _filters(self) -> reports.Filters:
        start = _date("start", today().replace(month=1, day=1))
        end = _date("end", today())
        if end < start:
            start, end = end, start
        return reports.Filters(
            start=start, end=end,
            municipality_id=arg_id("municipality"),
            provider_id=arg_id("provider"),
            programme_id=arg_id("programme"))

    @expose("/")
    @needs(access.EXPORT)
    def index(self) -> Any:
        available = reports.available(current_actor())
        key = request.args.get("report") or (available[0].key if available else "")
        report = next((r for r in available if r.key == key), None)
        if report is None:
            abort(404)
        filters = self._filters()
        table = report.build(db.session(), current_actor(), filters)
        export = request.args.get("export")
        if export in EXPORTS:
            data = tablib.Dataset(headers=table.headers, title=str(report.title)[:31])
            for row in [*table.rows, *([table.total] if table.total else [])]:
                data.append([spreadsheet_safe(_cell(v, k))
                             for v, k in zip(row, table.kinds, strict=True)])
            name = f"parskats-{report.key}-{filters.start}-{filters.end}.{export}"
            return download(data.export(export), name, EXPORTS[export])
        return self.render(
            "mentoring/reports.html", reports=available, report=report, table=table,
            filters=filters, municipalities=self._choices(Municipality),
            providers=self._choices(Provider), programmes=self._choices(Programme))
