"""Every dashboard figure against values computed by hand on the small world, per role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from common.enums import MentorStatus, ReferralStatus
from mentoring import dashboard
from tests import small_world
from tests.small_world import TODAY

D = dt.date


@pytest.fixture()
def world(db: Any) -> dict[str, int]:
    return small_world.build(db.session)


def board_for(db: Any, world: dict[str, int], email: str) -> dashboard.Dashboard:
    return dashboard.build(db.session, small_world.actor(db.session, world, email), TODAY)


def statuses(**counts: int) -> dict[ReferralStatus, int]:
    return {status: counts.get(status.value, 0) for status in ReferralStatus}


# Referrals: r1 (alfa, v1) received 01.03. decided 11.03. = 10 days, started 21.03. = 20 days;
# r2 (alfa, v1) 01.04. → 05.04. = 4, started 15.04. = 14; r5 (beta, v2) 01.02. → 21.02. = 20,
# started 01.03. = 28; r3 (alfa) new since 01.06.; r4 (beta) in review since 01.05.
REFERRALS = {
    "admin@w.lv": (statuses(new=1, in_review=1, accepted=3), ["C-4", "C-3"], 10.0, 20.0),
    "alfa@w.lv": (statuses(new=1, accepted=2), ["C-3"], 7.0, 17.0),
    "beta@w.lv": (statuses(in_review=1, accepted=1), ["C-4"], 20.0, 28.0),
    "v1@w.lv": (statuses(accepted=2), [], 7.0, 17.0),
    "v2@w.lv": (statuses(accepted=1), [], 20.0, 28.0),
}


@pytest.mark.parametrize("email", [*REFERRALS, "mn1@w.lv"])
def test_referral_figures(db: Any, world: dict[str, int], email: str) -> None:
    board = board_for(db, world, email)
    if email not in REFERRALS:  # mentors see no referrals at all
        assert board.referrals_by_status is None and board.oldest_waiting is None
        return
    by_status, oldest, to_decision, to_start = REFERRALS[email]
    assert board.referrals_by_status == by_status
    assert [case for _id, case, _day in board.oldest_waiting] == oldest
    assert board.median_days_to_decision == to_decision
    assert board.median_days_to_start == to_start


# Pairs: pa (y1 alfa, mn1, v1) active, ends 30.06., one meeting of ≥ 60 min in May (90; the
# 30-minute one is too short) against a minimum of 2; pb (y2 alfa, mn2, v1) active, 2 meetings;
# pc (y5 beta, mn3, v2) active since 01.03. without goals; pd (y1, mn1) completed.
PAIRS = {
    "admin@w.lv": (3, ["C-5"], ["C-1"]),
    "alfa@w.lv": (2, [], ["C-1"]),
    "beta@w.lv": (1, ["C-5"], []),
    "v1@w.lv": (2, [], ["C-1"]),
    "v2@w.lv": (1, ["C-5"], []),
    "mn1@w.lv": (1, [], ["C-1"]),
}


@pytest.mark.parametrize("email", PAIRS)
def test_pair_figures_and_compliance(db: Any, world: dict[str, int], email: str) -> None:
    board = board_for(db, world, email)
    active, without_goals, below = PAIRS[email]
    assert board.active_pairs == active
    assert [label for _id, label in board.without_goals.rows] == without_goals
    assert board.without_goals.total == len(without_goals)
    assert [label for _id, label in board.below_meetings.rows] == below
    assert board.compliance_month == D(2026, 5, 1)


# Minutes not rejected: pa 120 in April, 90 + 30 in May, 60 in June; pb 60 + 75 in May (the
# 45 rejected); pc 120 in May.
HOURS = {
    "admin@w.lv": {D(2026, 4, 1): 120, D(2026, 5, 1): 375, D(2026, 6, 1): 60},
    "alfa@w.lv": {D(2026, 4, 1): 120, D(2026, 5, 1): 255, D(2026, 6, 1): 60},
    "beta@w.lv": {D(2026, 5, 1): 120},
    "v1@w.lv": {D(2026, 4, 1): 120, D(2026, 5, 1): 255, D(2026, 6, 1): 60},
    "v2@w.lv": {D(2026, 5, 1): 120},
    "mn1@w.lv": {D(2026, 4, 1): 120, D(2026, 5, 1): 120, D(2026, 6, 1): 60},
}


@pytest.mark.parametrize("email", HOURS)
def test_hours_of_the_last_twelve_months(db: Any, world: dict[str, int], email: str) -> None:
    board = board_for(db, world, email)
    assert [month for month, _ in board.hours_by_month][0] == D(2025, 7, 1)
    assert len(board.hours_by_month) == 12
    assert {month: minutes for month, minutes in board.hours_by_month if minutes} == HOURS[email]


def test_budget_chart(db: Any, world: dict[str, int]) -> None:
    # Alfa's 1 000 € line: 100 € invoiced for March, 200 € for April less a 50 € credit note.
    expected = [Decimal(x) for x in ("0", "0", "100", "250", "250", "250")]
    for email in ("admin@w.lv", "alfa@w.lv"):
        (chart,) = board_for(db, world, email).budgets
        assert chart.budget == Decimal("1000.00") and chart.cumulative == expected
    assert board_for(db, world, "beta@w.lv").budgets == []  # no budget line
    assert board_for(db, world, "v1@w.lv").budgets is None  # not a budget holder
    assert board_for(db, world, "mn1@w.lv").budgets is None


PIPELINE = {
    "admin@w.lv": {"applicant": 1, "in_training": 1, "certified": 1, "active": 3},
    "v1@w.lv": {"applicant": 1, "certified": 1, "active": 2},
    "v2@w.lv": {"in_training": 1, "active": 1},
}


@pytest.mark.parametrize("email", [*PIPELINE, "alfa@w.lv", "mn1@w.lv"])
def test_mentor_pipeline(db: Any, world: dict[str, int], email: str) -> None:
    board = board_for(db, world, email)
    if email not in PIPELINE:  # only those who recruit mentors see the pipeline
        assert board.pipeline is None
        return
    counts = PIPELINE[email]
    assert board.pipeline == {status: counts.get(status.value, 0)
                              for status in dashboard.PIPELINE}
    assert MentorStatus.rejected not in board.pipeline


def test_constant_queries(db: Any, world: dict[str, int], count_queries: Any) -> None:
    actor = small_world.actor(db.session, world, "admin@w.lv")
    with count_queries() as counted:
        dashboard.build(db.session, actor, TODAY)
    assert counted.count <= 14


@pytest.mark.parametrize("data", [[5], [1, 2], [3, 1, 2], [4, 4, 1, 9], [2, 2, 2, 7, 7, 7],
                                  [0, 10, 10, 10, 30, 31, 31, 365], []])
def test_median_from_counts_equals_the_median(data: list[int]) -> None:
    import statistics
    from collections import Counter

    from mentoring.aggregates import median_of_counts

    expected = round(float(statistics.median(data)), 1) if data else None
    assert median_of_counts(sorted(Counter(data).items())) == expected
