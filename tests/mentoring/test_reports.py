"""Every report's rows and totals against values computed by hand on the small world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mentoring import reports
from tests import small_world
from tests.mentoring.test_dashboard import world  # noqa: F401  (fixture)

PERIOD = reports.Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))


def run(db: Any, world: dict[str, int], email: str, key: str,  # noqa: F811
        filters: reports.Filters = PERIOD) -> reports.Table:
    actor = small_world.actor(db.session, world, email)
    return reports.REPORTS[key].build(db.session, actor, filters)


# Served in the first half of 2026: y1 (pairs pa and pd; 15 on 1 January, female, Alfciems,
# referred by a school), y2 (pb; 17, male, Alfciems, self-referral) — both Alfa, provider
# Pirmais — and y5 (pc; 21, female, Betciems, social worker) — Beta, provider Otrais.
YOUTHS = {
    "admin@w.lv": ({"13–15": 1, "16–18": 1, "19–21": 1, "22–25": 0},
                   {"Sieviete": 2, "Vīrietis": 1}, {"Alfciems": 2, "Betciems": 1}, 3),
    "alfa@w.lv": ({"13–15": 1, "16–18": 1, "19–21": 0, "22–25": 0},
                  {"Sieviete": 1, "Vīrietis": 1}, {"Alfciems": 2}, 2),
    "v2@w.lv": ({"13–15": 0, "16–18": 0, "19–21": 1, "22–25": 0},
                {"Sieviete": 1}, {"Betciems": 1}, 1),
}


@pytest.mark.parametrize("email", YOUTHS)
def test_youths_served(db: Any, world: dict[str, int], email: str) -> None:  # noqa: F811
    table = run(db, world, email, "youths")
    ages, genders, places, total = YOUTHS[email]
    groups: dict[str, dict[str, int]] = {}
    for breakdown, group, n in table.rows:
        groups.setdefault(breakdown, {})[group] = n
    assert groups["Vecums"] == ages
    assert groups["Dzimums"] == genders
    assert groups["Apdzīvotā vieta"] == places
    assert sum(groups["Nosūtījuma avots"].values()) == total
    assert table.total[2] == total


def test_youths_served_by_source_and_filters(db: Any, world: dict[str, int]) -> None:  # noqa: F811
    table = run(db, world, "admin@w.lv", "youths")
    sources = {group: n for breakdown, group, n in table.rows if breakdown == "Nosūtījuma avots"}
    assert sources == {"Skola": 1, "Pašnosūtījums": 1, "Sociālais darbinieks": 1}
    only_beta = reports.Filters(start=PERIOD.start, end=PERIOD.end,
                                municipality_id=world["beta"])
    assert run(db, world, "admin@w.lv", "youths", only_beta).total[2] == 1
    # Alfa's staff cannot widen their scope by asking for Beta.
    assert run(db, world, "alfa@w.lv", "youths", only_beta).total[2] == 0
    before = reports.Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 9, 30))
    assert run(db, world, "admin@w.lv", "youths", before).total[2] == 0


@pytest.mark.parametrize(("email", "rows"), [
    # pd ended on 31 January with two goals: education achieved, social skills partly.
    ("admin@w.lv", [["Izglītība", 0, 0, 1, 0, 0, 1],
                    ["Sociālās prasmes un attiecības", 0, 1, 0, 0, 0, 1]]),
    ("v1@w.lv", [["Izglītība", 0, 0, 1, 0, 0, 1],
                 ["Sociālās prasmes un attiecības", 0, 1, 0, 0, 0, 1]]),
    ("beta@w.lv", []),
])
def test_outcomes(db: Any, world: dict[str, int], email: str, rows: list) -> None:  # noqa: F811
    table = run(db, world, email, "outcomes")
    assert table.rows == rows
    assert table.total[-1] == sum(row[-1] for row in rows)


def test_hours_and_amounts(db: Any, world: dict[str, int]) -> None:  # noqa: F811
    table = run(db, world, "admin@w.lv", "hours")
    # Pirmais: March invoice 100 €; April 120 min approved, 200 € less a 50 € credit note;
    # May 90 + 30 + 60 + 75 min approved (45 rejected left out); June 60 min only logged.
    # Otrais: May 120 min approved, nothing invoiced.
    assert table.rows == [
        ["Otrais", "05.2026", 120, 120, Decimal("0.00")],
        ["Pirmais", "03.2026", 0, 0, Decimal("100.00")],
        ["Pirmais", "04.2026", 120, 120, Decimal("150.00")],
        ["Pirmais", "05.2026", 255, 255, Decimal("0.00")],
        ["Pirmais", "06.2026", 60, 0, Decimal("0.00")],
    ]
    assert table.total == ["Kopā", "", 555, 495, Decimal("250.00")]
    beta = run(db, world, "beta@w.lv", "hours")
    assert beta.rows == [["Otrais", "05.2026", 120, 120, Decimal("0.00")]]
    v1 = run(db, world, "v1@w.lv", "hours")
    assert [row[0] for row in v1.rows] == ["Pirmais"] * 4


@pytest.mark.parametrize(("email", "rows"), [
    # Pirmais: mn4 and mn5 trained in February, mn5 certified in March, mn1 and mn2 mentoring;
    # Otrais: mn3 mentoring.
    ("admin@w.lv", [["Otrais", 0, 0, 0, 1], ["Pirmais", 0, 2, 1, 2]]),
    ("v1@w.lv", [["Pirmais", 0, 2, 1, 2]]),
    # Alfa's staff see only the mentors working with Alfa's youths.
    ("alfa@w.lv", [["Pirmais", 0, 0, 0, 2]]),
])
def test_mentors(db: Any, world: dict[str, int], email: str, rows: list) -> None:  # noqa: F811
    table = run(db, world, email, "mentors")
    assert table.rows == rows
    assert table.total[1:] == [sum(row[i] for row in rows) for i in (1, 2, 3, 4)]


def test_mentors_recruited_by_their_first_signed_agreement(db: Any,  # noqa: F811
                                                           world: dict[str, int]) -> None:
    import datetime as dt

    from models import Agreement

    db.session.add_all([
        Agreement(mentor_id=world["mn4"], signed=True, signed_on=dt.date(2026, 2, 27),
                  starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2028, 2, 28)),
        Agreement(mentor_id=world["mn4"], signed=True, signed_on=dt.date(2026, 4, 28),
                  starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2028, 4, 30)),  # a second one is no new recruit
        Agreement(mentor_id=world["mn5"], signed=False, starts_on=dt.date(2026, 3, 1),
                  ends_on=dt.date(2028, 2, 28)),  # not signed yet
    ])
    db.session.flush()
    rows = run(db, world, "admin@w.lv", "mentors").rows
    assert next(r for r in rows if r[0] == "Pirmais")[1] == 1


def test_supervision(db: Any, world: dict[str, int]) -> None:  # noqa: F811
    # Pirmais: 12 May with mn1; 5 June with mn1 and mn2.
    table = run(db, world, "v1@w.lv", "supervision")
    assert table.rows == [["Pirmais", "05.2026", 1, 1], ["Pirmais", "06.2026", 1, 2]]
    assert table.total == ["Kopā", "", 2, 3]
    assert run(db, world, "v2@w.lv", "supervision").rows == []


def test_reports_each_role_may_see(db: Any, world: dict[str, int]) -> None:  # noqa: F811
    def keys(email: str) -> list[str]:
        return [r.key for r in reports.available(small_world.actor(db.session, world, email))]

    everything = ["youths", "pairs", "outcomes", "change", "responses", "satisfaction", "hours",
                  "mentors", "supervision"]
    assert keys("admin@w.lv") == everything
    assert keys("v1@w.lv") == everything
    assert keys("alfa@w.lv") == ["youths", "pairs", "outcomes", "change", "responses",
                                 "satisfaction", "hours", "mentors"]
