"""The monthly timesheet: totals from the entries, sign-off only when nothing waits, print."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from common.clock import today
from common.enums import EntryStatus
from mentoring import timesheets
from models import Pair, Provider, ServiceEntry, TimesheetSignoff
from tests.admin_views.test_hours_views import signed_in


def test_totals_match_the_entries(db: Any, demo_users: Any) -> None:
    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "YOU"))
    sheet = timesheets.build(db.session, provider.id, today().year, today().month)
    assert sheet.rows
    for row in sheet.rows:
        expected = db.session.scalar(select(func.coalesce(func.sum(ServiceEntry.minutes), 0))
                                     .where(ServiceEntry.pair_id == row.pair.id,
                                            ServiceEntry.billable.is_(True),
                                            ServiceEntry.status != EntryStatus.rejected,
                                            ServiceEntry.day >= today().replace(day=1)))
        assert row.billable == expected
        assert sum(row.days.values()) == row.billable + row.other
        assert row.pair.provider_id == provider.id


def test_sign_off_waits_for_approvals_then_prints(app: Flask, db: Any, demo_users: Any) -> None:
    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "YOU"))
    month = f"{today():%Y-%m}"
    coordinator = signed_in(app, "you@mentori.lv")
    page = coordinator.get(f"/admin/timesheet/?month={month}").get_data(as_text=True)
    waiting = db.session.scalar(select(func.count()).select_from(ServiceEntry).join(Pair).where(
        Pair.provider_id == provider.id, ServiceEntry.status == EntryStatus.logged,
        ServiceEntry.day >= today().replace(day=1)))
    assert waiting and f"{waiting} ieraksti gaida apstiprinājumu" in page
    refused = coordinator.post("/admin/timesheet/sign/", data={"month": month})
    assert refused.status_code == 302
    this_month = select(TimesheetSignoff).where(TimesheetSignoff.provider_id == provider.id,
                                                TimesheetSignoff.year == today().year,
                                                TimesheetSignoff.month == today().month)
    assert db.session.scalar(this_month) is None
    ids = db.session.scalars(select(ServiceEntry.id).join(Pair).where(
        Pair.provider_id == provider.id, ServiceEntry.status == EntryStatus.logged)).all()
    coordinator.post("/admin/service_entry/action/", data={"action": "approve", "rowid": ids})
    coordinator.post("/admin/timesheet/sign/", data={"month": month})
    signoff = db.session.scalar(this_month)
    assert signoff.provider_id == provider.id and signoff.signed_by.email == "you@mentori.lv"
    pdf = coordinator.get(f"/admin/timesheet/pdf/?month={month}")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_other_roles_and_providers_are_kept_out(app: Flask, db: Any, demo_users: Any) -> None:
    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "YOU"))
    other = signed_in(app, "hoh@mentori.lv")
    assert other.get(f"/admin/timesheet/?provider={provider.id}").status_code == 404
    assert other.post("/admin/timesheet/sign/",
                      data={"provider": provider.id}).status_code == 404
    assert signed_in(app, "mentors@mentori.lv").get("/admin/timesheet/").status_code == 403
    assert signed_in(app, "liepaja@mentori.lv").get("/admin/timesheet/").status_code == 403


def test_it_opens_on_the_month_waiting_for_sign_off_and_prints_every_column(
        app: Flask, db: Any, demo_users: Any) -> None:
    import io

    from pypdf import PdfReader

    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "YOU"))
    last = today().replace(day=1) - dt.timedelta(days=1)
    coordinator = signed_in(app, "you@mentori.lv")
    signed = db.session.scalar(select(TimesheetSignoff).where(
        TimesheetSignoff.provider_id == provider.id, TimesheetSignoff.year == last.year,
        TimesheetSignoff.month == last.month))
    opened = coordinator.get("/admin/timesheet/").get_data(as_text=True)
    expected = today() if signed else last
    assert f'value="{expected:%Y-%m}"' in opened
    if signed:  # withdrawn by hand: last month waits again, and the page opens on it
        db.session.delete(signed)
        db.session.commit()
        assert f'value="{last:%Y-%m}"' in coordinator.get("/admin/timesheet/").get_data(
            as_text=True)
    pdf = coordinator.get(f"/admin/timesheet/pdf/?month={last:%Y-%m}").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in ("Apmaksājams", "Limits", "Cits", "Tikšanās", "Gaida"):
        assert heading in text, heading  # the last columns are not cut off
    assert f"Stundu uzskaites tabula: {last:%m}" not in text  # the month by its name
    from babel.dates import format_date
    assert format_date(last, "LLLL yyyy", locale="lv") in text
