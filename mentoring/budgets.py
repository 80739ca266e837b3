"""A municipality's annual budget per programme: what is invoiced, paid, worked but not yet
invoiced, and committed by active pairs — and the forecast against the budget line."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from common.enums import EntryStatus, InvoiceStatus, PairStatus
from common.formatting import round_money
from common.months import month_bounds
from mentoring.aggregates import as_dict
from mentoring.invoicing import line_amount
from models import Budget, Contract, EntryMonth, Invoice, Municipality, Pair, Programme

WARNING_PERCENT = 80
ZERO = Decimal("0.00")


@dataclass
class BudgetLine:
    municipality: str
    programme: str
    programme_id: int
    year: int
    budget: Decimal | None
    invoiced: Decimal  # issued invoices less credit notes
    paid: Decimal
    unbilled: Decimal  # logged or approved billable hours not yet invoiced
    committed: Decimal  # the rest of the monthly cap of every active pair, to its planned end

    @property
    def outstanding(self) -> Decimal:
        return self.invoiced - self.paid

    @property
    def forecast(self) -> Decimal:
        return self.invoiced + self.unbilled + self.committed

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.forecast

    def percent(self, amount: Decimal) -> Decimal | None:
        if not self.budget:
            return None
        return round_money(amount * 100 / self.budget)

    @property
    def level(self) -> str:
        """``ok``, ``warning`` past 80 % of the budget or ``over`` past 100 %, by forecast."""
        percent = self.percent(self.forecast)
        if percent is None:
            return "ok"
        return "over" if percent > 100 else "warning" if percent > WARNING_PERCENT else "ok"


def overview(db: Session, year: int, scope: Any, today: dt.date) -> list[BudgetLine]:
    """One line per programme within ``scope`` (a filter on ``Programme``) for ``year``.

    Five queries whatever the number of programmes, contracts or pairs: the budget lines,
    the invoice sums, the unbilled minutes per contract, the active pairs and their minutes
    this month. Committed counts, for each active pair of a capped programme, the months
    from the current one to its planned end within the year at the cap, less what is already
    logged this month — the most its contract can still bill, since planned hours are not
    recorded per pair.
    """
    programmes = db.execute(
        select(Programme.id, Programme.name, Municipality.name, Budget.amount)
        .join(Municipality, Municipality.id == Programme.municipality_id)
        .outerjoin(Budget, and_(Budget.programme_id == Programme.id,
                                Budget.municipality_id == Programme.municipality_id,
                                Budget.year == year))
        .where(scope).order_by(Municipality.name, Programme.name)
    ).all()
    ids = [row[0] for row in programmes]
    invoiced: dict[int, tuple[Decimal, Decimal]] = {
        programme_id: (Decimal(total), Decimal(paid)) for programme_id, total, paid in db.execute(
            select(Contract.programme_id,
                   func.coalesce(func.sum(Invoice.total_amount), 0),
                   func.coalesce(func.sum(case((Invoice.status == InvoiceStatus.paid,
                                                Invoice.paid_amount), else_=0)), 0))
            .join(Contract, Contract.id == Invoice.contract_id)
            .where(Contract.programme_id.in_(ids), Invoice.year == year,
                   Invoice.status != InvoiceStatus.draft)
            .group_by(Contract.programme_id))
    }
    unbilled: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for programme_id, rate, minutes in db.execute(
        select(Contract.programme_id, Contract.hourly_rate, func.sum(EntryMonth.minutes))
        .join(Pair, Pair.contract_id == Contract.id)
        .join(EntryMonth, EntryMonth.pair_id == Pair.id)
        .where(Contract.programme_id.in_(ids), EntryMonth.billable.is_(True),
               EntryMonth.status.in_([EntryStatus.logged, EntryStatus.approved]),
               EntryMonth.month >= dt.date(year, 1, 1), EntryMonth.month <= dt.date(year, 12, 1))
        .group_by(Contract.id, Contract.programme_id, Contract.hourly_rate)
    ):
        unbilled[programme_id] += line_amount(int(minutes), rate)
    committed = _committed(db, ids, year, today)
    return [
        BudgetLine(municipality=municipality, programme=name, programme_id=programme_id,
                   year=year, budget=budget,
                   invoiced=invoiced.get(programme_id, (ZERO, ZERO))[0],
                   paid=invoiced.get(programme_id, (ZERO, ZERO))[1],
                   unbilled=unbilled[programme_id], committed=committed[programme_id])
        for programme_id, name, municipality, budget in programmes
    ]


def _months_left(today: dt.date, planned_end: dt.date, year: int) -> list[dt.date]:
    """First days of the months from today's to the planned end, within ``year``."""
    start = max(today.replace(day=1), dt.date(year, 1, 1))
    end = min(planned_end, dt.date(year, 12, 31))
    months = []
    while start <= end:
        months.append(start)
        start = month_bounds(start)[1]
    return months


def _committed(db: Session, programme_ids: list[int], year: int,
               today: dt.date) -> dict[int, Decimal]:
    committed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if year < today.year:
        return committed
    first = month_bounds(today)[0]
    capped = and_(Pair.programme_id.in_(programme_ids), Pair.status == PairStatus.active,
                  Programme.monthly_cap_minutes.is_not(None), Contract.hourly_rate > 0)
    # Pairs grouped by what decides their commitment: hundreds of groups, not every pair.
    groups = db.execute(
        select(Pair.programme_id, Contract.id, Contract.hourly_rate,
               Programme.monthly_cap_minutes, Pair.planned_end_on, func.count())
        .join(Contract, Contract.id == Pair.contract_id)
        .join(Programme, Programme.id == Pair.programme_id).where(capped)
        .group_by(Pair.programme_id, Contract.id, Contract.hourly_rate,
                  Programme.monthly_cap_minutes, Pair.planned_end_on)
    ).all()
    # What those pairs already logged this month (rule 6 keeps it within the cap).
    logged = as_dict(db.execute(
        select(Contract.id, func.sum(EntryMonth.minutes))
        .select_from(EntryMonth).join(Pair, Pair.id == EntryMonth.pair_id)
        .join(Contract, Contract.id == Pair.contract_id)
        .join(Programme, Programme.id == Pair.programme_id)
        .where(capped, Pair.planned_end_on >= first, EntryMonth.month == first,
               EntryMonth.billable.is_(True), EntryMonth.status != EntryStatus.rejected)
        .group_by(Contract.id)
    ).all()) if year == today.year else {}
    minutes: dict[tuple[int, int, Decimal], int] = defaultdict(int)
    for programme_id, contract_id, rate, cap, planned_end, pairs in groups:
        months = len(_months_left(today, planned_end, year))
        minutes[(programme_id, contract_id, rate)] += cap * months * pairs
    for (programme_id, contract_id, rate), total in minutes.items():
        remaining = max(total - int(logged.get(contract_id, 0)), 0)
        if remaining:
            committed[programme_id] += line_amount(remaining, rate)
    return committed
