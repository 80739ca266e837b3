"""Reports with filters, shown as tables and exported as XLSX or CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import tablib
from flask import abort, render_template, request
from flask_admin import expose
from flask_babel import force_locale
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from admin_views.base import SecureView, arg_id, current_actor, download, needs, pdf_download
from common.clock import today
from common.formatting import spreadsheet_safe
from common.i18n import _
from mentoring import access, funder_pack, reports
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
        if export == "pdf":
            with force_locale("lv"):
                return pdf_download(render_template(
                    "mentoring/funder_pack_pdf.html", title=report.title, filters=filters,
                    sections=[funder_pack.Section(report.title, table)], rule=None,
                    scope=self._scope_names(filters)),
                    f"parskats-{report.key}-{filters.start}-{filters.end}.pdf")
        if export in EXPORTS:
            data = tablib.Dataset(headers=table.headers, title=str(report.title)[:31])
            for row in [*table.rows, *([table.total] if table.total else [])]:
                data.append([spreadsheet_safe(_cell(v, k))
                             for v, k in zip(row, table.kinds, strict=True)])
            name = f"parskats-{report.key}-{filters.start}-{filters.end}.{export}"
            return download(data.export(export), name, EXPORTS[export])
        return self.render(
            "mentoring/reports.html", reports=available, report=report, table=table,
            pack_args={k: v for k, v in request.args.items()
                       if k in ("start", "end", "municipality", "provider", "programme")},
            filters=filters, municipalities=self._choices(Municipality),
            providers=self._choices(Provider), programmes=self._choices(Programme))

    @expose("/pack/<export>")
    @needs(access.EXPORT)
    def pack(self, export: str) -> Any:
        """The funder report pack for the filters: XLSX (a sheet per table) or a Latvian
        PDF, small cells suppressed and the rule stated on it."""
        if export not in ("xlsx", "pdf"):
            abort(404)
        filters = self._filters()
        with force_locale("lv"):
            sections = funder_pack.build(db.session(), current_actor(), filters)
            name = f"finansetaja-parskats-{filters.start}-{filters.end}.{export}"
            if export == "pdf":
                return pdf_download(render_template(
                    "mentoring/funder_pack_pdf.html", title=_("Funder report pack"),
                    sections=sections, filters=filters,
                    rule=funder_pack.RULE, scope=self._scope_names(filters)), name)
            book = tablib.Databook()
            about = tablib.Dataset(title="Par pārskatu")
            about.headers = [str(_("Funder report pack")), ""]
            about.append([str(_("Period")), f"{filters.start:%d.%m.%Y}–{filters.end:%d.%m.%Y}"])
            for label, value in self._scope_names(filters):
                about.append([label, value])
            about.append([str(_("Small numbers")), str(funder_pack.RULE)])
            book.add_sheet(about)
            for index, section in enumerate(sections, 1):
                sheet = tablib.Dataset(headers=section.table.headers,
                                       title=f"{index}. {section.title}"[:31])
                for row in [*section.table.rows,
                            *([section.table.total] if section.table.total else [])]:
                    sheet.append([spreadsheet_safe(_cell(v, k)) for v, k in
                                  zip(row, section.table.kinds, strict=True)])
                book.add_sheet(sheet)
            return download(book.export("xlsx"), name, EXPORTS["xlsx"])

    def _scope_names(self, filters: reports.Filters) -> list[tuple[str, str]]:
        found = []
        for label, model, chosen in ((_("Municipality"), Municipality, filters.municipality_id),
                                     (_("Provider"), Provider, filters.provider_id),
                                     (_("Programme"), Programme, filters.programme_id)):
            record = db.session.scalar(select(model).where(
                model.id == chosen, access.row_filter(current_actor(), model))) \
                if chosen else None
            name = str(getattr(record, "name", "")) if record is not None else str(_("all"))
            found.append((str(label), name))
        return found
