"""Invoicing: which entries a month's invoice takes, the amounts, and gap-free numbering."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only
from sqlalchemy.orm.attributes import set_committed_value

from common.actor import Actor
from common.clock import today
from common.enums import DeliveryChannel, EntryStatus, InvoiceKind, InvoiceStatus
from common.errors import RuleViolation, RuleViolations
from common.formatting import format_money, round_money
from common.i18n import _l
from common.months import month_bounds
from mentoring import audit, einvoice, rules, workdays
from mentoring.hours import logging_deadline
from models import (
    Budget,
    Contract,
    Invoice,
    InvoiceDelivery,
    InvoiceLine,
    InvoiceSequence,
    Pair,
    ServiceEntry,
    TimesheetSignoff,
    Youth,
)
from models.consent import withdrawal_in_force
from models.entry_month import move_invoiced
from models.service_entry import waiting as waiting_for_approval

PAYMENT_DAYS = 30
# EN 16931 (BR-O-10): an invoice outside the scope of VAT states why.
NOT_A_VAT_PAYER = "Pakalpojuma sniedzējs nav PVN maksātājs"


def vat_category(rate: Decimal, provider_vat_number: str | None,
                 exemption_note: str) -> tuple[str, str]:
    """The EN 16931 VAT category (UNCL5305) and its exemption reason. A positive rate is
    standard-rated (``S``); at 0 % a VAT-registered provider's service is exempt (``E``) with
    the contract's note; a provider that is not a VAT payer is outside the scope of VAT
    (``O``) and needs no note of its own."""
    if rate > 0:
        return "S", ""
    if provider_vat_number:
        return "E", exemption_note
    return "O", exemption_note or NOT_A_VAT_PAYER


def document(contract: Contract, *, year: int, month: int, credited: Invoice | None = None,
             supplements: Invoice | None = None) -> dict[str, Any]:
    """Everything an invoice's documents show besides its lines and totals, as of now —
    stored on the invoice at issue, so later changes to the contract, the provider or the
    municipality never reach it."""
    provider, municipality = contract.provider, contract.municipality
    first, after = month_bounds(dt.date(year, month, 1))
    code, reason = vat_category(contract.vat_rate, provider.vat_number,
                                contract.vat_exemption_note or "")
    return {
        "supplier": {"name": provider.name, "reg_number": provider.reg_number,
                     "vat_number": provider.vat_number if code != "O" else None,
                     "address": provider.address, "iban": provider.iban,
                     "email": provider.email, "phone": provider.phone},
        "customer": {"name": municipality.name, "social_service": municipality.social_service,
                     "reg_number": municipality.reg_number, "address": municipality.address,
                     "email": municipality.email, "phone": municipality.phone},
        "contract": {"number": contract.number, "procurement": contract.procurement},
        "vat": {"category": code, "rate": f"{contract.vat_rate:.2f}", "reason": reason},
        "hourly_rate": f"{contract.hourly_rate:.2f}",
        "payment_days": PAYMENT_DAYS,
        "period": {"start": first.isoformat(), "end": (after - dt.timedelta(days=1)).isoformat()},
        "credited": _reference(credited),
        "supplements": _reference(supplements),
    }


def _reference(invoice: Invoice | None) -> dict[str, str] | None:
    if invoice is None or invoice.issued_on is None:
        return None
    return {"number": invoice.number or "", "issued_on": invoice.issued_on.isoformat()}


def category_vat(net: Decimal, rate: Decimal) -> Decimal:
    """VAT on the category's taxable amount, rounded once (EN 16931 BR-CO-17)."""
    return round_money(net * rate / Decimal(100))


def billable(contract: Contract, year: int, month: int) -> Any:
    """The entries rule 8 bills: approved, billable, not yet invoiced, of ``contract``'s pairs,
    in that month, and not dated after a withdrawal of the youth's consent."""
    first, after = month_bounds(dt.date(year, month, 1))
    return and_(
        ServiceEntry.pair_id.in_(select(Pair.id).where(Pair.contract_id == contract.id)),
        ServiceEntry.status == EntryStatus.approved, ServiceEntry.billable.is_(True),
        ServiceEntry.invoice_id.is_(None), ServiceEntry.day >= first, ServiceEntry.day < after,
        ~select(Pair.id).where(Pair.id == ServiceEntry.pair_id,
                               withdrawal_in_force(Pair.youth_id, ServiceEntry.day)).exists(),
    )


def billable_entries(db: Session, contract: Contract, year: int,
                     month: int) -> list[tuple[int, int, int]]:
    """(id, pair id, minutes) of the entries to bill, locked until the transaction ends."""
    return [tuple(row) for row in db.execute(
        select(ServiceEntry.id, ServiceEntry.pair_id, ServiceEntry.minutes)
        .where(billable(contract, year, month))
        .order_by(ServiceEntry.pair_id, ServiceEntry.day, ServiceEntry.id)
        .with_for_update(of=ServiceEntry))]


def fingerprint(entry_ids: list[int]) -> str:
    """What the issuer saw in the preview, in 32 characters however many entries it held."""
    return hashlib.sha256(",".join(map(str, sorted(entry_ids))).encode()).hexdigest()[:32]


def line_amount(minutes: int, rate: Decimal) -> Decimal:
    """Hours × rate, rounded half-up to cents, computed in Decimal from integer minutes."""
    return round_money(Decimal(minutes) * rate / Decimal(60))


def next_number(db: Session, provider: Any, year: int) -> str:
    """Allocate the next number of the provider's yearly sequence, e.g. ``YOU-2026-0007``.

    The year's row is created if missing (``ON CONFLICT DO NOTHING``, so two first issues of a
    year cannot collide), then locked (``SELECT … FOR UPDATE``) until the issuing transaction
    ends: concurrent issues queue, and a rolled-back issue gives its number back.
    """
    dialect = db.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.execute(insert(InvoiceSequence).values(provider_id=provider.id, year=year, last_number=0)
               .on_conflict_do_nothing())
    sequence = db.scalars(
        select(InvoiceSequence)
        .where(InvoiceSequence.provider_id == provider.id, InvoiceSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    sequence.last_number += 1
    db.flush()
    return f"{provider.invoice_prefix}-{year}-{sequence.last_number:04d}"


def contract_covers(contract: Contract, year: int, month: int) -> bool:
    """Whether the contract is valid on some day of that month."""
    first, after = month_bounds(dt.date(year, month, 1))
    return contract.valid_from < after and contract.valid_to >= first


@dataclass
class PreviewLine:
    pair_id: int
    youth: Youth
    minutes: int
    amount: Decimal
    entry_ids: list[int]


@dataclass
class WaitingEntry:
    id: int
    day: dt.date
    minutes: int
    case_number: str


@dataclass
class Preview:
    contract: Contract
    year: int
    month: int
    lines: list[PreviewLine]
    waiting_entries: list[WaitingEntry]
    net: Decimal
    vat: Decimal
    contract_invoiced: Decimal  # under this contract so far, all years, credit notes netted
    # Why the month is not closed yet (deadline, sign-off): issuing then needs a reason.
    not_closed: list[RuleViolation]
    # The month's invoice this one would supplement (hours logged after it was issued).
    supplements: Invoice | None

    @property
    def waiting(self) -> int:
        return len(self.waiting_entries)

    @property
    def over_ceiling(self) -> bool:
        ceiling = self.contract.ceiling
        return ceiling is not None and self.contract_invoiced + self.total > ceiling

    @property
    def total(self) -> Decimal:
        return self.net + self.vat

    @property
    def entry_ids(self) -> list[int]:
        return sorted(i for line in self.lines for i in line.entry_ids)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.entry_ids)


def line_youths(db: Session, pair_ids: list[int]) -> dict[int, Youth]:
    """The youth of each pair, by pair, with only what an invoice line shows of them (case
    number, initials, a withdrawn consent): a thousand lines load nothing else."""
    return {pair_id: youth for pair_id, youth in db.execute(
        select(Pair.id, Youth).join(Youth, Youth.id == Pair.youth_id)
        .where(Pair.id.in_(pair_ids))
        .options(load_only(Youth.case_number, Youth.first_name, Youth.last_name,
                           Youth.consent_withdrawn_on)))}  # type: ignore[arg-type]


def preview(db: Session, contract: Contract, year: int, month: int,
            on: dt.date | None = None) -> Preview:
    """What issuing on ``on`` (today) would bill, how many entries of the month still wait,
    and what keeps the month from being closed."""
    first, after = month_bounds(dt.date(year, month, 1))
    rows = db.execute(
        select(ServiceEntry.pair_id, ServiceEntry.id, ServiceEntry.minutes)
        .where(billable(contract, year, month))
        .order_by(ServiceEntry.pair_id, ServiceEntry.id)
    ).all()
    grouped: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair_id, entry_id, minutes in rows:
        grouped[pair_id].append((entry_id, minutes))
    youths = line_youths(db, list(grouped))
    lines = []
    for pair_id, items in grouped.items():
        minutes = sum(m for _, m in items)
        lines.append(PreviewLine(pair_id=pair_id, youth=youths[pair_id], minutes=minutes,
                                 amount=line_amount(minutes, contract.hourly_rate),
                                 entry_ids=[i for i, _ in items]))
    waiting = [WaitingEntry(*row) for row in db.execute(
        select(ServiceEntry.id, ServiceEntry.day, ServiceEntry.minutes, Youth.case_number)
        .join(Pair, ServiceEntry.pair_id == Pair.id).join(Youth, Youth.id == Pair.youth_id)
        .where(Pair.contract_id == contract.id, waiting_for_approval(),
               ServiceEntry.day >= first, ServiceEntry.day < after)
        .order_by(ServiceEntry.day, ServiceEntry.id))]
    contract_invoiced = db.scalar(
        select(func.coalesce(func.sum(Invoice.total_amount), 0))
        .where(Invoice.contract_id == contract.id, Invoice.status != InvoiceStatus.draft)) or 0
    net = sum((line.amount for line in lines), Decimal("0.00"))
    vat = category_vat(net, contract.vat_rate)
    return Preview(contract=contract, year=year, month=month, lines=lines,
                   waiting_entries=waiting, net=net, vat=vat,
                   contract_invoiced=Decimal(contract_invoiced),
                   not_closed=close_problems(db, contract, year, month, on or today()),
                   supplements=invoice_of_month(db, contract, year, month) if lines else None)


def close_problems(db: Session, contract: Contract, year: int, month: int,
                   on: dt.date) -> list[RuleViolation]:
    """What keeps the month from being closed for invoicing on ``on``: the mentors' logging
    deadline not yet passed, the coordinator's timesheet not signed off."""
    first = dt.date(year, month, 1)
    problems = []
    nominal = logging_deadline(first, contract.programme.hours_deadline_day)
    deadline = logging_deadline(first, contract.programme.hours_deadline_day,
                                workdays.calendar(db, nominal, nominal))
    if on <= deadline:
        problems.append(RuleViolation(_l(
            "Mentors may still log this month's hours until %(date)s.",
            date=deadline.strftime("%d.%m.%Y")), "early_reason"))
    signed = db.scalar(select(TimesheetSignoff.id).where(
        TimesheetSignoff.provider_id == contract.provider_id, TimesheetSignoff.year == year,
        TimesheetSignoff.month == month).limit(1))
    if signed is None:
        problems.append(RuleViolation(_l("The month's timesheet is not signed off yet."),
                                      "early_reason"))
    return problems


def invoice_of_month(db: Session, contract: Contract, year: int, month: int) -> Invoice | None:
    """The month's first invoice for ``contract`` still standing (not credited), if any:
    hours billed after it go on a supplementary invoice to it."""
    return db.scalar(select(Invoice).where(
        Invoice.contract_id == contract.id, Invoice.year == year, Invoice.month == month,
        Invoice.kind == InvoiceKind.invoice, Invoice.supplements_id.is_(None),
        Invoice.status.in_([InvoiceStatus.issued, InvoiceStatus.paid]))
        .order_by(Invoice.id).limit(1))


def issue_invoice(
    db: Session, *, contract: Contract, year: int, month: int, actor: Actor, issued_on: dt.date,
    expected: str | None = None, early_reason: str = "",
) -> Invoice:
    """Create and issue the month's invoice for ``contract`` in the caller's transaction —
    a supplementary one when the month is already invoiced (late hours).

    The month must be closed (``close_problems``) unless ``early_reason`` says why not; it
    is recorded. ``expected``, the fingerprint of the entries the issuer saw, must still match
    what would be billed. Everything the documents show is frozen on the invoice, and its
    e-invoice produced, here. Raises ``RuleViolation(s)``; a fixed number of queries however
    many entries it bills. Flushes; never commits.
    """
    if not contract_covers(contract, year, month):
        raise RuleViolation(_l("The contract is not valid in that month."))
    problems = close_problems(db, contract, year, month, issued_on)
    if problems and not early_reason.strip():
        raise RuleViolations([*problems, RuleViolation(_l(
            "To issue before the month is closed, give the reason."), "early_reason")])
    entries = billable_entries(db, contract, year, month)
    if not entries:
        raise RuleViolation(_l("There are no approved billable hours to invoice for that month."))
    if expected is not None and fingerprint([e[0] for e in entries]) != expected:
        raise RuleViolation(_l("The hours to bill changed since the preview: check them again."))
    minutes_by_pair: dict[int, int] = defaultdict(int)
    for _id, pair_id, minutes in entries:
        minutes_by_pair[pair_id] += minutes
    youths = line_youths(db, list(minutes_by_pair))
    original = invoice_of_month(db, contract, year, month)
    number = next_number(db, contract.provider, year)
    lines = []
    net = Decimal("0.00")
    for pair_id, minutes in minutes_by_pair.items():
        youth = youths[pair_id]
        amount = line_amount(minutes, contract.hourly_rate)
        lines.append({
            "pair_id": pair_id, "description": f"{youth.case_number} {youth.initials}",
            "minutes": minutes, "rate": contract.hourly_rate, "vat_rate": contract.vat_rate,
            "amount": amount,
        })
        net += amount
    vat = category_vat(net, contract.vat_rate)
    # Complete with its totals at insert: an issued invoice may not change afterwards; its
    # lines follow in one statement within the same transaction.
    invoice = Invoice(
        number=number,
        kind=InvoiceKind.invoice,
        provider_id=contract.provider_id,
        municipality_id=contract.municipality_id,
        contract=contract,
        year=year,
        month=month,
        status=InvoiceStatus.issued,
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=PAYMENT_DAYS),
        net_amount=net,
        vat_amount=vat,
        total_amount=net + vat,
        supplements_id=original.id if original is not None else None,
        early_issue_reason=early_reason.strip() if problems else "",
        document=document(contract, year=year, month=month, supplements=original),
    )
    db.add(invoice)
    db.flush()
    _add_lines(db, invoice, lines)
    invoice.xml_file = einvoice.ubl_xml(invoice)
    # One statement for all the locked entries; the rules they passed when approved hold.
    marked = cast(CursorResult[Any], db.execute(
        update(ServiceEntry).where(billable(contract, year, month))
        .values(invoice_id=invoice.id, status=EntryStatus.invoiced)
        .execution_options(synchronize_session=False))).rowcount
    if marked != len(entries):
        raise RuleViolation(_l("The hours to bill changed since the preview: check them again."))
    move_invoiced(db, invoice.id, EntryStatus.approved, EntryStatus.invoiced)
    _expire_entries(db)
    audit.record(db, actor, "invoice.issued", invoice, changes={
        "number": invoice.number, **({"early_reason": invoice.early_issue_reason}
                                     if invoice.early_issue_reason else {})})
    return invoice


def _expire_entries(db: Session) -> None:
    """Entries already loaded in the session read their new status after a bulk update (the
    update itself does not fetch the thousands of ids it touched)."""
    for obj in list(db.identity_map.values()):
        if isinstance(obj, ServiceEntry):
            db.expire(obj)


def _add_lines(db: Session, invoice: Invoice, lines: list[dict[str, Any]]) -> None:
    """All lines in one statement (the ORM would insert them one by one to read back ids)."""
    db.execute(insert(InvoiceLine), [{**line, "invoice_id": invoice.id} for line in lines])
    db.expire(invoice, ["lines"])


def credit_note(db: Session, invoice: Invoice, *, actor: Actor, issued_on: dt.date) -> Invoice:
    """Reverse an issued, unpaid invoice with a credit note (negative lines, type 381) that
    copies what it credits from the invoice as issued, and release its entries so the month
    can be billed again. The invoice becomes *credited* in one statement that only one of
    any number of parallel requests can make (and the database holds one credit note per
    invoice). Flushes; never commits."""
    if invoice.kind != InvoiceKind.invoice or invoice.status == InvoiceStatus.draft:
        raise RuleViolation(_l("Only an issued invoice can be credited."))
    claimed = cast(CursorResult[Any], db.execute(
        update(Invoice).where(Invoice.id == invoice.id, Invoice.status == InvoiceStatus.issued)
        .values(status=InvoiceStatus.credited).execution_options(synchronize_session=False)))
    if claimed.rowcount != 1:
        db.refresh(invoice)
        if invoice.status == InvoiceStatus.paid:
            raise RuleViolation(_l("A paid invoice cannot be credited."))
        raise RuleViolation(_l("This invoice has already been credited."))
    set_committed_value(invoice, "status", InvoiceStatus.credited)
    number = next_number(db, invoice.provider, issued_on.year)
    lines = [{"pair_id": line.pair_id, "description": line.description,
              "minutes": -line.minutes, "rate": line.rate, "vat_rate": line.vat_rate,
              "amount": -line.amount} for line in invoice.lines]
    frozen = dict(invoice.document or {})
    frozen.update(credited=_reference(invoice), supplements=None)
    note = Invoice(
        number=number, kind=InvoiceKind.credit_note, provider_id=invoice.provider_id,
        municipality_id=invoice.municipality_id, contract_id=invoice.contract_id,
        credited_invoice_id=invoice.id, year=invoice.year, month=invoice.month,
        status=InvoiceStatus.issued, issued_on=issued_on, due_on=issued_on,
        net_amount=-invoice.net_amount, vat_amount=-invoice.vat_amount,
        total_amount=-invoice.total_amount, document=frozen,
    )
    db.add(note)
    db.flush()
    _add_lines(db, note, lines)
    note.xml_file = einvoice.ubl_xml(note)
    move_invoiced(db, invoice.id, EntryStatus.invoiced, EntryStatus.approved)
    db.execute(update(ServiceEntry).where(ServiceEntry.invoice_id == invoice.id)
               .values(invoice_id=None, status=EntryStatus.approved)
               .execution_options(synchronize_session=False))
    _expire_entries(db)
    db.flush()
    audit.record(db, actor, "invoice.credited", invoice,
                 changes={"credit_note": note.number})
    return note


def credit_note_of(db: Session, invoice: Invoice) -> Invoice | None:
    return db.scalar(select(Invoice).where(Invoice.credited_invoice_id == invoice.id))


def mark_paid(db: Session, invoice: Invoice, *, paid_on: dt.date, amount: Decimal,
              actor: Actor) -> None:
    """Record the municipality's payment of an issued invoice: its date and amount, which
    must be the invoice's total (a credited invoice is never paid). Flushes; never commits."""
    if invoice.kind != InvoiceKind.invoice or invoice.status != InvoiceStatus.issued:
        raise RuleViolation(_l("Only an issued, unpaid invoice can be marked paid."), "paid_on")
    if amount != invoice.total_amount:
        raise RuleViolation(_l("The payment does not match the invoice's total, %(total)s.",
                               total=format_money(invoice.total_amount)), "paid_amount")
    invoice.status = InvoiceStatus.paid
    invoice.paid_on = paid_on
    invoice.paid_amount = amount
    db.flush()  # the invoice rules check the date
    audit.record(db, actor, "invoice.paid", invoice, changes={
        "status": ["issued", "paid"], "paid_on": [None, paid_on.isoformat()],
        "paid_amount": [None, f"{amount:.2f}"]})


def record_delivery(db: Session, invoice: Invoice, *, channel: DeliveryChannel,
                    delivered_on: dt.date, reference: str, actor: Actor) -> InvoiceDelivery:
    """Record how and when an issued invoice or credit note reached the municipality."""
    if invoice.status == InvoiceStatus.draft:
        raise RuleViolation(_l("Only an issued invoice can be delivered."))
    if invoice.issued_on is not None and delivered_on < invoice.issued_on:
        raise RuleViolation(_l("It cannot be delivered before it was issued."), "delivered_on")
    delivery = InvoiceDelivery(invoice_id=invoice.id, channel=channel,
                               delivered_on=delivered_on, reference=reference.strip()[:200],
                               recorded_by_id=actor.user_id)
    db.add(delivery)
    db.flush()
    audit.record(db, actor, "invoice.delivered", invoice, changes={
        "channel": channel.value, "delivered_on": delivered_on.isoformat(),
        "reference": delivery.reference})
    return delivery


def keep_file(db: Session, invoice: Invoice, name: str, content: bytes) -> bytes:
    """The invoice's document ``name`` (``pdf_file``, ``xml_file``) as first produced from
    its frozen data: ``content`` is kept only if none is yet — in one statement, so two first
    downloads at once keep one — and what is kept is returned. Flushes."""
    if name not in INVOICE_FILES:
        raise ValueError(name)
    column = getattr(Invoice, name)
    db.execute(update(Invoice).where(Invoice.id == invoice.id, column.is_(None))
               .values({name: content}).execution_options(synchronize_session=False))
    kept = db.scalar(select(column).where(Invoice.id == invoice.id))
    set_committed_value(invoice, name, kept)
    return cast(bytes, kept)


@dataclass
class BudgetUse:
    budget: Decimal | None
    invoiced: Decimal
    adding: Decimal

    @property
    def percent_after(self) -> Decimal | None:
        if not self.budget:
            return None
        return round_money((self.invoiced + self.adding) * 100 / self.budget)

    @property
    def level(self) -> str:
        """``ok``, ``warning`` past 80 % or ``over`` past 100 % once this invoice is added."""
        percent = self.percent_after
        if percent is None:
            return "ok"
        return "over" if percent > 100 else "warning" if percent > 80 else "ok"


def budget_use(db: Session, contract: Contract, year: int, adding: Decimal) -> BudgetUse:
    """The municipality's budget line for the programme and year, what is invoiced against it
    (credit notes subtract) and what this invoice would add — in SQL."""
    budget = db.scalar(select(Budget.amount).where(
        Budget.municipality_id == contract.municipality_id,
        Budget.programme_id == contract.programme_id, Budget.year == year))
    invoiced = db.scalar(
        select(func.coalesce(func.sum(Invoice.total_amount), 0))
        .join(Contract, Contract.id == Invoice.contract_id)
        .where(Contract.municipality_id == contract.municipality_id,
               Contract.programme_id == contract.programme_id, Invoice.year == year,
               Invoice.status != InvoiceStatus.draft)) or 0
    return BudgetUse(budget=budget, invoiced=Decimal(invoiced), adding=adding)


# -- record rules (checked before every flush) ----------------------------------------
INVOICE_STEPS = {("draft", "issued"), ("issued", "paid"), ("issued", "credited")}
INVOICE_FIXED_ONCE_ISSUED = ("provider_id", "municipality_id", "contract_id", "year", "month",
                             "number", "kind", "net_amount", "vat_amount", "total_amount",
                             "issued_on", "due_on", "credited_invoice_id", "supplements_id",
                             "early_issue_reason", "document")
# The documents as produced: set once (the e-invoice at issue, the PDF at its first
# download), never replaced.
INVOICE_FILES = ("xml_file", "pdf_file")


def _old_value(obj: Any, name: str) -> Any:
    history = sa_inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


@rules.checks(Invoice)
def _invoice(i: Invoice) -> Iterator[RuleViolation]:
    """An issued invoice is immutable but for recording its payment; status only moves on."""
    state = sa_inspect(i)
    if not state.pending and not state.transient:
        old_status = str(getattr(_old_value(i, "status"), "value", _old_value(i, "status")))
        new_status = str(getattr(i.status, "value", i.status))
        if old_status != new_status and (old_status, new_status) not in INVOICE_STEPS:
            yield RuleViolation(_l("An invoice's status cannot go back or skip a step."), "status")
        if old_status != "draft":
            for name in INVOICE_FIXED_ONCE_ISSUED:
                if state.attrs[name].history.has_changes():
                    yield RuleViolation(_l(
                        "An issued invoice cannot be changed; correct it with a credit note."),
                        name.removesuffix("_id"))
                    break
    if i.status == "paid" and i.paid_on is None:
        yield RuleViolation(_l("Enter the payment date."), "paid_on")
    for name in INVOICE_FILES:
        history = state.attrs[name].history
        if not state.pending and not state.transient and history.has_changes() \
                and history.deleted and history.deleted[0] is not None:
            yield RuleViolation(_l(
                "An issued invoice cannot be changed; correct it with a credit note."), name)
    if i.paid_on is not None and i.issued_on is not None and i.paid_on < i.issued_on:
        yield RuleViolation(_l("The payment cannot be dated before the invoice."), "paid_on")
    if i.paid_on is not None and i.paid_on > today() and state.attrs["paid_on"].history.added:
        yield RuleViolation(_l("The payment date cannot be in the future."), "paid_on")
    contract = i.contract
    if contract is not None:
        if i.municipality_id is not None and contract.municipality_id != i.municipality_id:
            yield RuleViolation(_l("The contract is with another municipality."), "contract")
        if i.provider_id is not None and contract.provider_id != i.provider_id:
            yield RuleViolation(_l("The contract is with another provider."), "contract")

