"""Import of a month's service entries from a spreadsheet (XLSX or CSV).

Columns (first row, names as below; Latvian names accepted too):
``case_number`` (lietas_numurs), ``date`` (datums: DD.MM.YYYY or YYYY-MM-DD), ``minutes``
(minūtes), ``activity`` (aktivitāte: a code such as ``study``), ``mode`` (veids: ``in_person`` or
``remote``), ``billable`` (apmaksājams: yes/no, jā/nē; default yes), ``note`` (piezīme).

Every row goes through the same rules as a form (cap, period, invoiced months); all rows are
checked, and nothing is imported unless every row is valid.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import Activity, Mode, PairStatus
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from mentoring import access, hours
from models import Pair, Youth

ALIASES = {
    "case_number": "case_number", "lietas_numurs": "case_number",
    "date": "date", "datums": "date",
    "minutes": "minutes", "minūtes": "minutes", "minutes_": "minutes",
    "activity": "activity", "aktivitāte": "activity",
    "mode": "mode", "veids": "mode",
    "billable": "billable", "apmaksājams": "billable",
    "note": "note", "piezīme": "note",
}
REQUIRED = ("case_number", "date", "minutes", "activity")
YES = {"", "1", "yes", "y", "true", "jā", "ja"}
NO = {"0", "no", "n", "false", "nē", "ne"}


@dataclass
class Result:
    rows: int = 0
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows as dicts keyed by canonical column names; raises RuleViolation on a bad file."""
    kind = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    try:
        if kind == "xlsx":
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        else:
            text = data.decode("utf-8-sig")
            delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
            dataset = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except Exception as exc:  # the library's own errors vary by format
        raise RuleViolation(_l("The file could not be read as XLSX or CSV."), "file") from exc
    headers = [ALIASES.get(str(h or "").strip().lower()) for h in dataset.headers or []]
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise RuleViolation(_l("Missing columns: %(names)s.", names=", ".join(missing)), "file")
    rows = []
    for raw in dataset:
        row = {name: "" if value is None else value for name, value in zip(headers, raw, strict=False) if name}
        rows.append({k: (v if isinstance(v, (dt.date, dt.datetime)) else str(v).strip())
                     for k, v in row.items()})
    return rows


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _minutes(value: Any) -> int | None:
    """Whole minutes from a cell ("90", "90,0", 90.0); None for anything else, however
    large or strange ("inf", "1e309", "9" × 30): a day has at most 1440 minutes."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value() or abs(number) > 10_000:
        return None
    return int(number)


def run(db: Session, rows: list[dict[str, Any]], *, actor: Actor, dry_run: bool) -> Result:
    """Check (and unless ``dry_run``, add) every row in the caller's transaction.

    Rows are added one by one, so later rows see earlier ones (the cap counts them). When any
    row fails, or on a dry run, the caller must roll back; this function never commits.
    """
    result = Result(rows=len(rows))
    for number, row in enumerate(rows, start=2):  # line 1 holds the column names
        try:
            day = _date(row.get("date", ""))
        except ValueError:
            result.errors.append((number, str(_l("Not a valid date value."))))
            continue
        minutes = _minutes(row.get("minutes", ""))
        if minutes is None:
            result.errors.append((number, str(_l("Enter the duration in whole minutes."))))
            continue
        try:
            activity = Activity(str(row.get("activity", "")).strip())
            mode = Mode(str(row.get("mode") or "in_person").strip())
        except ValueError:
            result.errors.append((number, str(_l("Unknown activity or mode."))))
            continue
        billable_text = str(row.get("billable", "")).strip().lower()
        if billable_text not in YES | NO:
            result.errors.append((number, str(_l("Billable must be yes or no."))))
            continue
        pair = db.scalar(
            select(Pair).join(Youth, Youth.id == Pair.youth_id)
            .where(Youth.case_number == str(row.get("case_number", "")).strip(),
                   access.row_filter(actor, Pair), Pair.starts_on <= day,
                   Pair.status.in_([PairStatus.active, PairStatus.paused,
                                    PairStatus.completed, PairStatus.ended_early]))
            .order_by(Pair.starts_on.desc()).limit(1))
        if pair is None:
            result.errors.append((number, str(_l("No pair of yours for this case number."))))
            continue
        pending = set(db.new)
        try:
            hours.log_entry(db, pair=pair, actor=actor, day=day, minutes=minutes,
                            activity=activity, mode=mode, note=str(row.get("note", "")),
                            billable=billable_text in YES)
            result.imported += 1
        except RuleViolation as exc:
            # The rules refuse before any SQL is sent: taking the refused entry back out of
            # the session leaves the earlier rows in place for the next rows' checks.
            for obj in set(db.new) - pending:
                db.expunge(obj)
            violations = exc.violations if isinstance(exc, RuleViolations) else [exc]
            result.errors.append((number, " ".join(str(v.message) for v in violations)))
    if dry_run or result.errors:
        result.imported = 0
    return result
