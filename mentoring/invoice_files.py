"""The files an accountant downloads for one invoice or credit note, besides the PDF and XML:
the lines as CSV, and the names the files are saved under."""

from __future__ import annotations

from typing import Any

import tablib

from common.formatting import spreadsheet_safe
from common.i18n import _


def file_stem(invoice: Any) -> str:
    """``rekins-YOU-2026-0007`` / ``kreditrekins-YOU-2026-0008``: ASCII, safe in a header."""
    kind = "kreditrekins" if invoice.kind.value == "credit_note" else "rekins"
    return f"{kind}-{invoice.number or invoice.id}".replace("/", "-")


def clock_hours(minutes: int) -> str:
    """``2:45``: the CSV's hours column, read by accounting systems; kept as it always was,
    so a CSV of an issued invoice never changes."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def lines_csv(invoice: Any) -> str:
    """One row per line, machine-readable: ISO dates, decimal points, minutes and hours."""
    data = tablib.Dataset(headers=[
        _("Invoice"), _("Issue date"), _("Period"), _("Contract"), _("Line"), _("Description"),
        _("Minutes"), _("Hours"), _("Rate"), _("VAT rate (%)"), _("Amount"),
    ])
    period = f"{invoice.year:04d}-{invoice.month:02d}"
    issued = invoice.issued_on.isoformat() if invoice.issued_on else ""
    for number, line in enumerate(sorted(invoice.lines, key=lambda item: item.id), 1):
        data.append([spreadsheet_safe(cell) for cell in (
            invoice.number or "", issued, period, (invoice.document or {})["contract"]["number"], number,
            line.description, line.minutes, clock_hours(line.minutes),
            f"{line.rate:.2f}", f"{line.vat_rate:.2f}", f"{line.amount:.2f}")])
    return str(data.export("csv"))
