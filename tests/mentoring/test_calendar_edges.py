"""The days where date arithmetic breaks: month ends, the 1st, a leap day, New Year.

The suite runs on a frozen mid-month day; these tests move the clock to the edges
themselves (``clock.frozen``), so none of them depends on when the suite runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from common import clock
from common.actor import Actor
from common.clock import age_on
from common.enums import Activity, EntryStatus, Mode, Role
from common.errors import RuleViolations
from common.months import add_months, month_bounds, month_start
from mentoring import demo, hours, invoicing
from models import Contract, Programme, ServiceEntry
from tests.conftest import Browser

D = dt.date
EDGES = [
    pytest.param(D(2026, 12, 31), id="new-years-eve"),
    pytest.param(D(2027, 1, 1), id="new-year"),
    pytest.param(D(2028, 2, 29), id="leap-day"),
    pytest.param(D(2026, 3, 1), id="first-after-february"),
    pytest.param(D(2026, 4, 30), id="month-end"),
]


@pytest.mark.parametrize(("birth", "day", "age"), [
    (D(2012, 2, 29), D(2025, 2, 28), 12),  # a leap-day birthday counts from 1 March
    (D(2012, 2, 29), D(2025, 3, 1), 13),
    (D(2012, 2, 29), D(2028, 2, 29), 16),
    (D(2013, 1, 1), D(2026, 1, 1), 13),
    (D(2013, 1, 1), D(2025, 12, 31), 12),
])
def test_age_on_edges(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(("day", "first", "after", "previous"), [
    (D(2026, 12, 31), D(2026, 12, 1), D(2027, 1, 1), D(2026, 11, 1)),
    (D(2027, 1, 1), D(2027, 1, 1), D(2027, 2, 1), D(2026, 12, 1)),
    (D(2028, 2, 29), D(2028, 2, 1), D(2028, 3, 1), D(2028, 1, 1)),
    (D(2026, 3, 31), D(2026, 3, 1), D(2026, 4, 1), D(2026, 2, 1)),
])
def test_month_bounds_on_edges(day: dt.date, first: dt.date, after: dt.date,
                               previous: dt.date) -> None:
    assert month_bounds(day) == (first, after)
    assert month_start(day, 1) == previous
    assert add_months(day, 12).month == day.month  # a year on: same month, end kept


@pytest.mark.parametrize("day", EDGES)
def test_an_entry_today_is_taken_and_tomorrow_refused(db: Any, create_pair: Any,
                                                      day: dt.date) -> None:
    with clock.frozen(day):
        pair = create_pair()  # started 40 days before ``day``
        entry = hours.log_entry(db.session, pair=pair, actor=Actor.system(), day=day, minutes=60,
                                activity=Activity.study, mode=Mode.in_person)
        assert entry.day == day
        with pytest.raises(RuleViolations) as caught:
            hours.log_entry(db.session, pair=pair, actor=Actor.system(), day=day + dt.timedelta(days=1),
                            minutes=60, activity=Activity.study, mode=Mode.in_person)
        assert {v.field for v in caught.value.violations} == {"day"}


@pytest.mark.parametrize("day", [p for p in EDGES if p.values[0].day == 1])
def test_the_cap_starts_again_on_the_first(db: Any, create_pair: Any, day: dt.date) -> None:
    with clock.frozen(day):
        pair = create_pair()
        eve = day - dt.timedelta(days=1)
        for _ in range(5):  # the whole 20 h on the last day of the month before
            hours.log_entry(db.session, pair=pair, actor=Actor.system(), day=eve, minutes=240,
                            activity=Activity.study, mode=Mode.in_person)
        db.session.commit()
        with pytest.raises(RuleViolations):
            hours.log_entry(db.session, pair=pair, actor=Actor.system(), day=eve, minutes=15,
                            activity=Activity.study, mode=Mode.in_person)
        db.session.rollback()  # the refused entry goes; the month before stays full
        hours.log_entry(db.session, pair=pair, actor=Actor.system(), day=day, minutes=240,
                        activity=Activity.study, mode=Mode.in_person)
        assert hours.remaining_minutes(db.session, pair, day) == 20 * 60 - 240


@pytest.mark.parametrize("day", EDGES)
def test_demo_world_holds_on_the_edges(app: Any, db: Any, day: dt.date) -> None:
    """The whole demo, loaded on each edge day, because what it promises — a current month
    with hours to approve, last month to invoice, earlier months invoiced — is date
    arithmetic over every pair; then the coordinator's screens on that day."""
    with clock.frozen(day):
        users = {u.email: u for u in demo.load(db.session)}
        db.session.commit()
        future = db.session.scalar(select(func.count()).select_from(ServiceEntry).where(
            ServiceEntry.day > day))
        assert future == 0
        last_month = month_start(day, 1)
        paid = db.session.scalars(select(Contract).join(Programme).where(Programme.paid)).all()
        waiting = [invoicing.preview(db.session, c, last_month.year, last_month.month)
                   for c in paid]
        assert any(p.lines for p in waiting), "last month should be left to invoice"
        invoiced = db.session.scalar(select(func.count()).select_from(ServiceEntry).where(
            ServiceEntry.status == EntryStatus.invoiced, ServiceEntry.day >= last_month))
        assert invoiced == 0
        coordinator = next(u for u in users.values() if u.role == Role.provider
                           and u.email == "you@mentori.lv")
        browser = Browser(app.test_client())
        assert browser.sign_in(coordinator.email).status_code == 302
        assert browser.get("/admin/").status_code == 200
        page = browser.get("/admin/invoicing/").get_data(as_text=True)
        assert f'value="{last_month:%Y-%m}"' in page
