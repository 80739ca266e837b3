"""The home page's charts and the task lists: the dashboard's figures drawn as SVG in the
reader's language, and each task line's link to where it is resolved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.dates import format_date
from flask import url_for
from flask_admin import expose
from flask_login import current_user

from admin_views.base import SecureView, current_actor, needs
from admin_views.formatting import locale, money_filter
from common.clock import today
from common.i18n import _
from mentoring import access, charts, tasks
from mentoring.dashboard import Dashboard

# Where each task group's line is resolved, from the id of the record it is about.
TASK_LINKS = {
    "concerns": lambda task: url_for("safety_concern.details_view", id=task.record_id),
    "check_ins": lambda task: url_for("check_in.create_view", pair=task.record_id),
    "entries": lambda task: url_for("service_entry.index_view", pair=task.record_id,
                                    waiting=1),
    "pairing": lambda task: url_for("pairing.index", referral=task.record_id),
    "ending": lambda task: url_for("pair.details_view", id=task.record_id),
    "idle": lambda task: url_for("pair.details_view", id=task.record_id),
    "supervision": lambda task: url_for("mentor.details_view", id=task.record_id),
    "checks": lambda task: url_for("background_check.create_view", mentor=task.record_id),
    "agreements": lambda task: url_for("agreement.create_view", mentor=task.record_id),
    "referrals": lambda task: url_for("review.referral", referral_id=task.record_id),
    "undelivered": lambda task: url_for("invoice.details_view", id=task.record_id),
    "questionnaires": lambda task: url_for("pair.details_view", id=task.record_id),
    "recruitment": lambda task: url_for("recruitment_round.details_view", id=task.record_id),
}


def task_url(group: tasks.TaskGroup, task: tasks.Task) -> str:
    return TASK_LINKS[group.key](task)


def month_label(day: Any) -> str:
    return format_date(day, "LLL", locale=locale())


def home_charts(board: Dashboard) -> dict[str, Any]:
    """``hours`` and one chart per budget line, each with the rows of its table."""
    result: dict[str, Any] = {}
    if board.hours_by_month:
        result["hours"] = charts.bar_chart(
            _("Service hours per month, last 12 months"),
            [(month_label(month), minutes / 60) for month, minutes in board.hours_by_month],
            lambda value: f"{value:.0f}")
    result["budgets"] = [
        (chart, charts.bar_chart(
            _("%(programme)s: invoiced by month's end against the budget",
              programme=chart.programme),
            [(month_label(board.today.replace(month=m, day=1)), amount)
             for m, amount in enumerate(chart.cumulative, 1)],
            lambda value: money_filter(Decimal(round(value))).replace(",00", ""), line=chart.budget,
            line_label=_("Budget %(amount)s", amount=money_filter(chart.budget))))
        for chart in board.budgets or []
    ]
    return result


class TasksView(SecureView):
    """My tasks: every list the user acts on, whole (the home page shows the first lines)."""

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated) and bool(
            tasks.has_tasks(current_actor()))

    @expose("/")
    @needs(access.SIGNED_IN)
    def index(self) -> Any:
        from models import db

        day = today()
        return self.render("mentoring/tasks.html", today=day,
                           task_groups=tasks.build(db.session(), current_actor(), day))
