"""Record-level rules that hold on every path: forms, actions, imports, CLI.

``check_record`` runs the checks registered for an object's class and raises one
``RuleViolations`` listing every problem with the field it concerns. ``install``
hooks the same checks into every flush, so no path can store a record that breaks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session

from common import identifiers
from common.clock import today
from common.enums import Role
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from models import (
    Agreement,
    BackgroundCheck,
    Budget,
    Certificate,
    CheckIn,
    Consent,
    Contract,
    Invoice,
    Mentor,
    Municipality,
    Pair,
    Programme,
    Provider,
    Referral,
    SafetyConcern,
    ServiceEntry,
    TrainingCourse,
    User,
    Youth,
)

Checker = Callable[[Any], Iterator[RuleViolation]]
_CHECKERS: dict[type, list[Checker]] = {}

MINUTE_STEP = 15


def checks(model: type) -> Callable[[Checker], Checker]:
    def register(fn: Checker) -> Checker:
        _CHECKERS.setdefault(model, []).append(fn)
        return fn

    return register


def check_record(obj: Any) -> None:
    """Raise ``RuleViolations`` when ``obj`` breaks any record rule; return quietly otherwise."""
    problems = [v for fn in _CHECKERS.get(type(obj), []) for v in fn(obj)]
    if problems:
        raise RuleViolations(problems)


def install(session_cls: Any) -> None:
    """Run ``check_record`` on every new or changed object before it is flushed."""
    if event.contains(session_cls, "before_flush", _before_flush):
        return
    event.listen(session_cls, "before_flush", _before_flush)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        if type(obj) in _CHECKERS and (obj in session.new or session.is_modified(obj)):
            check_record(obj)
    for obj in list(session.deleted):
        problem = deletion_refused(session, obj)
        if problem is not None:
            raise RuleViolations([problem])


def deletion_refused(session: Session, obj: Any) -> RuleViolation | None:
    """Records that service hours or invoices rest on are kept: archived or ended, never
    deleted (a youth, a mentor, a pair, a contract)."""
    pairs = {Youth: Pair.youth_id, Mentor: Pair.mentor_id, Pair: Pair.id,
             Contract: Pair.contract_id}.get(type(obj))
    if pairs is None:
        return None
    used = select(Pair.id).where(pairs == obj.id)
    hours = session.scalar(select(ServiceEntry.id).where(ServiceEntry.pair_id.in_(used)).limit(1))
    billed = session.scalar(select(Invoice.id).where(Invoice.contract_id == obj.id).limit(1)) \
        if isinstance(obj, Contract) else None
    if hours is None and billed is None:
        return None
    if isinstance(obj, Youth | Mentor):
        return RuleViolation(_l("Service hours or invoices rest on this record, so it is kept: "
                                "archive it instead of deleting it."))
    if isinstance(obj, Pair):
        return RuleViolation(_l("Service hours rest on this pair, so it is kept: end it "
                                "instead of deleting it."))
    return RuleViolation(_l("Service hours or invoices rest on this contract, so it is kept."))


def _municipality_id(obj: Any) -> Any:
    """The municipality id of ``obj``, also before its first flush."""
    if obj is None:
        return None
    if getattr(obj, "municipality_id", None) is not None:
        return obj.municipality_id
    municipality = getattr(obj, "municipality", None)
    return municipality.id if municipality is not None else None


def _dates_in_order(start: Any, end: Any, field: str) -> Iterator[RuleViolation]:
    if start and end and end < start:
        yield RuleViolation(_l("The end date cannot be before the start date."), field)


def _not_in_future(day: Any, field: str) -> Iterator[RuleViolation]:
    if day and day > today():
        yield RuleViolation(_l("The date cannot be in the future."), field)


@checks(CheckIn)
def _check_in(c: CheckIn) -> Iterator[RuleViolation]:
    """A check-in happened: not in the future, not before the pair began."""
    yield from _not_in_future(c.held_on, "held_on")
    pair = c.pair
    if pair is not None and c.held_on and c.held_on < pair.starts_on:
        yield RuleViolation(_l("The check-in cannot be before the pair's start."), "held_on")


@checks(Consent)
def _consent(c: Consent) -> Iterator[RuleViolation]:
    from mentoring import consents

    yield from consents.problems(c)


@checks(SafetyConcern)
def _safety_concern(c: SafetyConcern) -> Iterator[RuleViolation]:
    yield from _not_in_future(c.raised_on, "raised_on")
    if not (c.description or "").strip():
        yield RuleViolation(_l("Describe what happened."), "description")
    if c.closed_on is not None and not (c.resolution or "").strip():
        yield RuleViolation(_l("Describe the resolution."), "resolution")


@checks(Municipality)
def _municipality(m: Municipality) -> Iterator[RuleViolation]:
    if m.reg_number is not None and not identifiers.is_registration_number(m.reg_number):
        yield RuleViolation(_l("Not a valid Latvian registration number (11 digits)."), "reg_number")


@checks(Provider)
def _provider(p: Provider) -> Iterator[RuleViolation]:
    if p.reg_number is not None and not identifiers.is_registration_number(p.reg_number):
        yield RuleViolation(_l("Not a valid Latvian registration number (11 digits)."), "reg_number")
    if p.vat_number:
        if not identifiers.is_vat_number(p.vat_number):
            yield RuleViolation(_l("Not a valid Latvian VAT number (LV and 11 digits)."), "vat_number")
        elif identifiers.normalise_vat_number(p.vat_number) != f"LV{p.reg_number}":
            yield RuleViolation(
                _l("A Latvian VAT number is LV followed by the registration number."), "vat_number"
            )
    if p.iban is not None and not identifiers.is_iban(p.iban):
        yield RuleViolation(_l("Not a valid IBAN."), "iban")


@checks(Programme)
def _programme(p: Programme) -> Iterator[RuleViolation]:
    if p.min_youth_age is not None and p.max_youth_age is not None:
        if p.min_youth_age > p.max_youth_age:
            yield RuleViolation(_l("The lower age cannot exceed the upper age."), "max_youth_age")
    if p.self_referral_min_age is not None and p.min_youth_age is not None:
        if p.self_referral_min_age < p.min_youth_age:
            yield RuleViolation(
                _l("Self-referral age cannot be below the programme's lowest age."),
                "self_referral_min_age",
            )
    if p.min_mentor_age is not None and p.min_mentor_age < 18:
        yield RuleViolation(_l("A mentor must be an adult (18 or older)."), "min_mentor_age")
    if p.min_months is not None and p.min_months < 1:
        yield RuleViolation(_l("Must be at least 1."), "min_months")
    if p.max_months is not None and p.min_months is not None and p.max_months < p.min_months:
        yield RuleViolation(_l("The upper length cannot be below the lower length."), "max_months")
    cap = p.monthly_cap_minutes
    if cap is not None and (cap <= 0 or cap % MINUTE_STEP):
        yield RuleViolation(
            _l("Enter a positive number of minutes in 15-minute steps."), "monthly_cap_minutes"
        )
    if p.mentor_capacity is not None and p.mentor_capacity < 1:
        yield RuleViolation(_l("Must be at least 1."), "mentor_capacity")
    percent = p.training_attendance_percent
    if percent is not None and not 0 <= percent <= 100:
        yield RuleViolation(_l("Enter a percentage from 0 to 100."), "training_attendance_percent")
    for name in ("decision_target_days", "reminder_idle_days"):
        if getattr(p, name) is not None and getattr(p, name) < 1:
            yield RuleViolation(_l("Must be at least 1."), name)
    if p.hours_deadline_day is not None and not 1 <= p.hours_deadline_day <= 28:
        yield RuleViolation(_l("Enter a day from 1 to 28."), "hours_deadline_day")


@checks(Budget)
def _budget(b: Budget) -> Iterator[RuleViolation]:
    if b.amount is not None and b.amount < 0:
        yield RuleViolation(_l("The amount cannot be negative."), "amount")
    if b.year is not None and not 2000 <= b.year <= 2100:
        yield RuleViolation(_l("Enter a year between 2000 and 2100."), "year")
    if b.programme and b.municipality and _municipality_id(b.programme) != b.municipality.id:
        yield RuleViolation(_l("The programme belongs to another municipality."), "programme")


@checks(Contract)
def _contract(c: Contract) -> Iterator[RuleViolation]:
    yield from _dates_in_order(c.valid_from, c.valid_to, "valid_to")
    if c.hourly_rate is not None and c.hourly_rate < 0:
        yield RuleViolation(_l("The rate cannot be negative."), "hourly_rate")
    if c.vat_rate is not None and not Decimal(0) <= c.vat_rate <= Decimal(100):
        yield RuleViolation(_l("Enter a VAT rate from 0 to 100."), "vat_rate")
    if c.vat_rate == 0 and not (c.vat_exemption_note or "").strip():
        yield RuleViolation(
            _l("A VAT-exempt contract needs the exemption note printed on invoices."),
            "vat_exemption_note",
        )
    if c.ceiling is not None and c.ceiling < 0:
        yield RuleViolation(_l("The amount cannot be negative."), "ceiling")
    if c.programme and c.municipality and _municipality_id(c.programme) != c.municipality.id:
        yield RuleViolation(_l("The programme belongs to another municipality."), "programme")


@checks(Youth)
def _youth(y: Youth) -> Iterator[RuleViolation]:
    yield from _not_in_future(y.birth_date, "birth_date")
    if y.personal_code:
        if not identifiers.is_personal_code(y.personal_code):
            yield RuleViolation(_l("Not a valid Latvian personal code."), "personal_code")
        else:
            y.personal_code = identifiers.normalise_personal_code(y.personal_code)
            born = identifiers.birth_date_from_personal_code(y.personal_code)
            if born and y.birth_date and born != y.birth_date:
                yield RuleViolation(
                    _l("The personal code does not match the date of birth."), "personal_code"
                )
    if y.locality and _municipality_id(y) and _municipality_id(y.locality) != _municipality_id(y):
        yield RuleViolation(_l("The locality belongs to another municipality."), "locality")


@checks(Mentor)
def _mentor(m: Mentor) -> Iterator[RuleViolation]:
    from mentoring import mentors

    yield from _not_in_future(m.birth_date, "birth_date")
    status = str(getattr(m.status, "value", m.status))
    became = sa_inspect(m).attrs["status"].history.added
    if status == "active" and became:
        # Rule 3's first half: nobody is active without a signed agreement and a valid check.
        yield from mentors.activation_problems(m, today())
    if status == "rejected" and not (m.rejection_reason or "").strip():
        yield RuleViolation(_l("Give the reason for rejecting the applicant."), "rejection_reason")

    if m.experience_years is not None and m.experience_years < 0:
        yield RuleViolation(_l("Cannot be negative."), "experience_years")
    if m.questionnaire_score is not None and not 0 <= m.questionnaire_score <= 100:
        yield RuleViolation(_l("Enter a score from 0 to 100."), "questionnaire_score")
    for field in ("meetings_per_month", "hours_per_month"):
        if (getattr(m, field) or 0) < 0:
            yield RuleViolation(_l("Cannot be negative."), field)


@checks(Referral)
def _referral(r: Referral) -> Iterator[RuleViolation]:
    from mentoring import referrals  # the workflow module builds on these rules

    yield from _not_in_future(r.received_on, "received_on")
    if r.status == "rejected" and not (r.rejection_reason or "").strip():
        yield RuleViolation(_l("Give the reason for rejecting the referral."), "rejection_reason")
    if r.status == "accepted" and r.provider_id is None and r.provider is None:
        yield RuleViolation(_l("Record the provider the family chose."), "provider")
    youth, programme = r.youth, r.programme
    if youth is not None and programme is not None and youth.birth_date and r.received_on:
        yield from referrals.check_youth_for_programme(
            programme, youth.birth_date, r.received_on, r.source)
        if _municipality_id(youth) is not None and _municipality_id(youth) != _municipality_id(r):
            yield RuleViolation(_l("The youth belongs to another municipality."), "youth")
        if _municipality_id(programme) != _municipality_id(r):
            yield RuleViolation(_l("The programme belongs to another municipality."), "programme")
        if r.status == "new":
            yield from referrals.check_consent(youth, r.received_on)
    session = object_session(r)
    if session is not None and youth is not None and programme is not None:
        yield from referrals.check_no_other_open_referral(session, r)
        provider = r.provider
        if r.status == "accepted" and provider is not None and r.decided_on:
            offered = referrals.offered_providers(
                session, r.municipality_id or r.municipality.id, programme.id, r.decided_on)
            if provider.id not in {p.id for p in offered}:
                yield RuleViolation(_l(
                    "Choose a provider with a contract for this programme valid on the "
                    "decision date."), "provider")


@checks(TrainingCourse)
def _course(c: TrainingCourse) -> Iterator[RuleViolation]:
    yield from _dates_in_order(c.starts_on, c.ends_on, "ends_on")
    if c.sessions is not None and c.sessions < 1:
        yield RuleViolation(_l("Must be at least 1."), "sessions")


@checks(Agreement)
def _agreement(a: Agreement) -> Iterator[RuleViolation]:
    yield from _dates_in_order(a.starts_on, a.ends_on, "ends_on")
    if a.signed and a.signed_on is None:
        yield RuleViolation(_l("Enter the date the agreement was signed."), "signed_on")
    yield from _not_in_future(a.signed_on, "signed_on")


@checks(BackgroundCheck)
def _background_check(b: BackgroundCheck) -> Iterator[RuleViolation]:
    from mentoring import mentors

    yield from _not_in_future(b.checked_on, "checked_on")
    if b.checked_on is not None and b.valid_until is None and b.mentor is not None:
        b.valid_until = mentors.check_valid_until(b, b.mentor.programme)
    yield from _dates_in_order(b.checked_on, b.valid_until, "valid_until")


@checks(Certificate)
def _certificate(c: Certificate) -> Iterator[RuleViolation]:
    from mentoring import mentors

    session = object_session(c)
    if session is not None:
        yield from mentors.check_certificate(session, c)
    if c.mentor is not None and c.provider_id is None and c.provider is None:
        c.provider_id = c.mentor.provider_id


@checks(Pair)
def _pair(p: Pair) -> Iterator[RuleViolation]:
    from mentoring import pairs

    yield from _dates_in_order(p.starts_on, p.planned_end_on, "planned_end_on")
    yield from pairs.length_problems(p.programme, p.starts_on, p.planned_end_on)
    status = str(getattr(p.status, "value", p.status))
    if status in ("active", "paused", "completed") and not p.goals:
        yield RuleViolation(_l("Agree on at least one goal first."), "status")
    if status == "completed" and (
        not (p.evaluation_summary or "").strip() or any(g.achievement is None for g in p.goals)
    ):
        yield RuleViolation(_l("Complete the evaluation first."), "status")
    yield from _dates_in_order(p.starts_on, p.ended_on, "ended_on")
    if p.status == "ended_early" and not (p.end_reason or "").strip():
        yield RuleViolation(_l("Give the reason for ending early."), "end_reason")
    if p.rematch_accepted and not p.rematch_offered:
        yield RuleViolation(_l("A rematch can be accepted only once it is offered."),
                            "rematch_accepted")
    if p.previous_pair is not None:
        yield from pairs.rematch_problems(p.previous_pair, p.mentor_id, p.starts_on)
    session, state = object_session(p), sa_inspect(p)
    youth_id = p.youth_id if p.youth_id is not None else getattr(p.youth, "id", None)
    moved = state.pending or state.transient or state.attrs["starts_on"].history.has_changes()
    if session is not None and moved and youth_id is not None and p.starts_on is not None \
            and pairs.consent_withdrawn(session, youth_id, p.starts_on):
        yield RuleViolation(_l(
            "The youth's consent was withdrawn: no pair can start after the withdrawal."),
            "starts_on")


@checks(ServiceEntry)
def _service_entry(e: ServiceEntry) -> Iterator[RuleViolation]:
    from mentoring import hours

    session = object_session(e)
    state = sa_inspect(e)
    relevant = ("day", "minutes", "billable", "pair_id", "pair", "status")
    changed = state.pending or state.transient or any(
        state.attrs[name].history.has_changes() for name in relevant)
    if session is not None and changed and e.minutes is not None and e.minutes > 0:
        yield from hours.check_entry(session, e)
    if e.minutes is not None:
        if e.minutes <= 0:
            yield RuleViolation(_l("The duration must be positive."), "minutes")
        elif e.minutes % MINUTE_STEP:
            yield RuleViolation(_l("Enter the duration in 15-minute steps."), "minutes")
        elif e.minutes > 24 * 60:
            yield RuleViolation(_l("A day has no more than 1440 minutes."), "minutes")
    yield from _not_in_future(e.day, "day")


@checks(User)
def _user(u: User) -> Iterator[RuleViolation]:
    role = u.role
    has_m = u.municipality_id is not None or u.municipality is not None
    has_p = u.provider_id is not None or u.provider is not None
    if role == Role.admin and (has_m or has_p):
        yield RuleViolation(_l("An administrator is not tied to an organisation."), "role")
    if role == Role.municipality and (not has_m or has_p):
        yield RuleViolation(_l("Social service staff belong to one municipality."), "municipality")
    if role in (Role.provider, Role.mentor) and (not has_p or has_m):
        yield RuleViolation(_l("Choose the provider organisation."), "provider")
    if role == Role.mentor and u.mentor_id is None and u.mentor is None:
        yield RuleViolation(_l("Link the mentor record this user signs in for."), "mentor")


INVOICE_STEPS = {("draft", "issued"), ("issued", "paid")}
INVOICE_FIXED_ONCE_ISSUED = ("provider_id", "municipality_id", "contract_id", "year", "month",
                             "number", "kind", "net_amount", "vat_amount", "total_amount",
                             "issued_on", "due_on", "credited_invoice_id")


def _old_value(obj: Any, name: str) -> Any:
    history = sa_inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


@checks(Invoice)
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
