"""The referral workflow: intake, review transitions and the provider offer.

``new → in_review → accepted | rejected | withdrawn``; a new referral may also be withdrawn.
Functions take a session and an explicit actor, flush and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session, object_session

from common.actor import Actor
from common.clock import age_on, today
from common.enums import (
    ChosenBy,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    PairStatus,
    ReferralSource,
    ReferralStatus,
)
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from common.identifiers import normalise_personal_code
from mentoring import audit, consents, rules
from mentoring.aggregates import days_between
from models import (
    Contract,
    Municipality,
    Pair,
    Programme,
    Provider,
    Referral,
    ReferralStatusChange,
    RiskFactor,
    Youth,
)

S = ReferralStatus
TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.new: frozenset({S.in_review, S.withdrawn}),
    S.in_review: frozenset({S.accepted, S.rejected, S.withdrawn}),
    S.accepted: frozenset(),
    S.rejected: frozenset(),
    S.withdrawn: frozenset(),
}
OPEN = (S.new, S.in_review)
ADULT_AGE = 18


def step_refusal(current: ReferralStatus, to: ReferralStatus) -> RuleViolation | None:
    """Why a referral cannot go from ``current`` to ``to`` at all (None: the step exists)."""
    if to in TRANSITIONS[current]:
        return None
    return RuleViolation(_l("A referral cannot go from “%(current)s” to “%(target)s”.",
                            current=current.label, target=to.label))


def open_referral_clause() -> Any:
    """Referrals still open for their programme: waiting for a decision, or accepted and not
    yet finished (no pair that has completed or ended)."""
    finished = exists().where(
        Pair.referral_id == Referral.id,
        Pair.status.in_([PairStatus.completed, PairStatus.ended_early]),
    )
    return or_(Referral.status.in_(OPEN), and_(Referral.status == S.accepted, not_(finished)))


def offered_providers(db: Session, municipality_id: int, programme_id: int,
                      day: dt.date) -> list[Provider]:
    """Providers the family may choose: a contract with that municipality for that programme,
    valid on ``day`` (rule 4)."""
    return list(db.scalars(
        select(Provider)
        .where(Provider.id.in_(select(Contract.provider_id).where(
            Contract.municipality_id == municipality_id,
            Contract.programme_id == programme_id,
            Contract.valid_from <= day,
            Contract.valid_to >= day,
        )))
        .order_by(Provider.name)
    ))


def check_youth_for_programme(programme: Programme, birth_date: dt.date, day: dt.date,
                              source: Any) -> list[RuleViolation]:
    """Rule 1: age within the programme's range on the referral date; self-referral only from
    the programme's self-referral age."""
    problems = []
    age = age_on(birth_date, day)
    if not programme.min_youth_age <= age <= programme.max_youth_age:
        problems.append(RuleViolation(_l(
            "On the referral date the youth is %(age)d; this programme serves ages "
            "%(low)d–%(high)d.", age=age, low=programme.min_youth_age,
            high=programme.max_youth_age), "birth_date"))
    if source == ReferralSource.self_referral:
        if programme.self_referral_min_age is None:
            problems.append(RuleViolation(
                _l("This programme does not accept self-referrals."), "source"))
        elif age < programme.self_referral_min_age:
            problems.append(RuleViolation(_l(
                "A youth may refer themselves from the age of %(age)d.",
                age=programme.self_referral_min_age), "source"))
    return problems


def check_consent(youth: Youth, day: dt.date, guardian: bool = True) -> list[RuleViolation]:
    """The youth's consent, and for a minor a parent's (unless ``guardian`` is False: a
    youth's own request from the web form waits for it until the referral is accepted)."""
    problems = []
    if not youth.consent_youth:
        problems.append(RuleViolation(_l("The youth's consent is required."), "consent_youth"))
    if guardian and youth.birth_date and age_on(youth.birth_date, day) < ADULT_AGE \
            and not youth.consent_guardian:
        problems.append(RuleViolation(
            _l("For a minor the consent of a parent or guardian is required."),
            "consent_guardian"))
    return problems


def check_no_other_open_referral(db: Session, referral: Referral) -> list[RuleViolation]:
    if referral.youth is None or referral.youth.id is None:
        return []
    query = select(Referral.id).where(
        Referral.youth_id == referral.youth.id,
        Referral.programme_id == (referral.programme_id or referral.programme.id),
        open_referral_clause(),
    )
    if referral.id is not None:
        query = query.where(Referral.id != referral.id)
    with db.no_autoflush:
        if db.scalar(query.limit(1)) is not None:
            return [RuleViolation(
                _l("This youth already has an open referral to this programme."), "youth")]
    return []


def next_case_number(db: Session, municipality: Municipality, year: int) -> str:
    prefix = f"{municipality.case_prefix or 'J'}-{year}-"
    with db.no_autoflush:
        taken = db.scalar(select(func.count()).where(Youth.case_number.like(f"{prefix}%"))) or 0
    number = taken + 1
    while db.scalar(select(Youth.id).where(Youth.case_number == f"{prefix}{number:03d}")):
        number += 1
    return f"{prefix}{number:03d}"


def find_youth(db: Session, municipality_id: int, personal_code: str) -> Youth | None:
    """The youth with this personal code in this municipality, if registered."""
    try:
        code = normalise_personal_code(personal_code)
    except Exception:
        return None
    return db.scalar(select(Youth).where(
        Youth.personal_code == code, Youth.municipality_id == municipality_id))


@dataclass
class Intake:
    """What the intake form collects: the youth (new or found) and the referral."""

    municipality: Municipality
    programme: Programme
    source: ReferralSource
    received_on: dt.date
    first_name: str = ""
    last_name: str = ""
    birth_date: dt.date | None = None
    personal_code: str = ""
    gender: Any = None
    locality: Any = None
    school: str = ""
    phone: str = ""
    email: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    consent_youth: bool = False
    consent_guardian: bool = False
    referrer_institution: str = ""
    referrer_name: str = ""
    referrer_contact: str = ""
    needs: str = ""
    risk_factors: list[RiskFactor] = field(default_factory=list)
    consent_method: ConsentMethod = ConsentMethod.written
    via_web_form: bool = False  # the youth's own request with the public form


def register(db: Session, intake: Intake, *, actor: Actor) -> Referral:
    """Register the youth (or reuse the one with that personal code) and the referral.

    Raises ``RuleViolations`` listing every problem with the field it concerns; stores
    nothing then. Flushes; the caller commits.
    """
    problems: list[RuleViolation] = []
    if intake.programme.municipality_id != intake.municipality.id:
        problems.append(RuleViolation(_l("The programme belongs to another municipality."),
                                      "programme"))
    if intake.received_on > today():
        problems.append(RuleViolation(_l("The date cannot be in the future."), "received_on"))
    youth = None
    if intake.personal_code:
        # Only this municipality's records are looked at: whether another social service
        # knows the person is not this one's to learn.
        youth = find_youth(db, intake.municipality.id, intake.personal_code)
    created = youth is None
    if youth is None:
        # Ids, not relationships: a refused intake must leave no half-built youth behind
        # in the municipality's collections.
        youth = Youth(
            municipality_id=intake.municipality.id, first_name=intake.first_name.strip(),
            last_name=intake.last_name.strip(), birth_date=intake.birth_date,
            personal_code=intake.personal_code or None, gender=intake.gender,
            locality_id=intake.locality.id if intake.locality else None,
            school=intake.school, phone=intake.phone,
            email=intake.email, guardian_name=intake.guardian_name,
            guardian_phone=intake.guardian_phone, guardian_email=intake.guardian_email,
        )
        for name in ("first_name", "last_name"):
            if not getattr(youth, name):
                problems.append(RuleViolation(_l("This field is required."), name))
        if youth.birth_date is None:
            problems.append(RuleViolation(_l("This field is required."), "birth_date"))
        if intake.locality is not None and intake.locality.municipality_id != intake.municipality.id:
            problems.append(RuleViolation(_l("The locality belongs to another municipality."),
                                          "locality"))
    # Consent is given per referral; it is kept on the youth's record with its date.
    youth.consent_youth = intake.consent_youth
    youth.consent_guardian = intake.consent_guardian
    youth.consent_date = intake.received_on
    youth.risk_factors = sorted(set(youth.risk_factors) | set(intake.risk_factors),
                                key=lambda r: r.id)
    if youth.birth_date is not None:
        problems += check_youth_for_programme(intake.programme, youth.birth_date,
                                              intake.received_on, intake.source)
        problems += check_consent(youth, intake.received_on, guardian=not intake.via_web_form)
    referral = Referral(
        youth=youth, programme_id=intake.programme.id, municipality_id=intake.municipality.id,
        source=intake.source, referrer_institution=intake.referrer_institution,
        referrer_name=intake.referrer_name, referrer_contact=intake.referrer_contact,
        received_on=intake.received_on, needs=intake.needs, status=S.new,
        via_web_form=intake.via_web_form,
    )
    if not created:
        problems += check_no_other_open_referral(db, referral)
    elif youth.birth_date is not None and youth.first_name and youth.last_name:
        # The youth's own rules (personal code against the birth date…) together with the
        # rest, so a form shows every error at once.
        with db.no_autoflush:
            rules.normalise(youth)
            known = {(v.field, str(v.message)) for v in problems}
            problems += [v for v in rules.record_problems(youth)
                         if (v.field, str(v.message)) not in known]
    if problems:
        _discard(db, referral, youth if created else None)
        raise RuleViolations(problems)
    if created:
        youth.case_number = next_case_number(db, intake.municipality, intake.received_on.year)
        try:
            rules.prepare(youth)
        except RuleViolations:
            _discard(db, referral, youth)
            raise
    db.add(referral)
    db.flush()
    db.add(ReferralStatusChange(referral=referral, from_status=None, to_status=S.new,
                                changed_by_id=actor.user_id))
    # A public form's content stays out of the audit: it keeps that a request came.
    content = (lambda obj: {"via": "web_form"}) if intake.via_web_form else audit.snapshot
    if created:
        audit.record(db, actor, "create", youth, changes=content(youth))
    audit.record(db, actor, "create", referral, changes=content(referral))
    for ticked, giver in ((intake.consent_youth, ConsentGiver.youth),
                          (intake.consent_guardian, ConsentGiver.parent)):
        if ticked:
            consents.record(db, youth, given_by=giver, purpose=ConsentPurpose.service,
                            method=intake.consent_method, given_on=intake.received_on,
                            actor=actor)
    db.flush()
    return referral


def too_young_to_ask(programme: Programme, birth_date: dt.date, day: dt.date) -> bool:
    """Whether a youth born on ``birth_date`` is under the programme's self-referral age
    (or the programme takes no self-referrals): someone else refers them."""
    minimum = programme.self_referral_min_age
    return minimum is None or age_on(birth_date, day) < minimum


def request_support(db: Session, programme: Programme, *, first_name: str, last_name: str,
                    birth_date: dt.date, phone: str, email: str, help_with: str,
                    parent_name: str, parent_contact: str, actor: Actor,
                    today: dt.date) -> Referral:
    """A youth's own request with the public form: a *new* self-referral in the
    programme's municipality's queue, marked as coming from the web form. Every rule of
    an intake holds; the caller has checked ``too_young_to_ask``. Flushes."""
    parent_email = parent_contact.strip() if "@" in parent_contact else ""
    return register(db, Intake(
        municipality=programme.municipality, programme=programme,
        source=ReferralSource.self_referral, received_on=today,
        first_name=first_name, last_name=last_name, birth_date=birth_date, phone=phone.strip(),
        email=email.strip(), guardian_name=parent_name.strip(),
        guardian_phone="" if parent_email else parent_contact.strip(),
        guardian_email=parent_email, consent_youth=True, needs=help_with.strip(),
        consent_method=ConsentMethod.electronic, via_web_form=True), actor=actor)


def _discard(db: Session, referral: Referral, youth: Youth | None) -> None:
    """Take objects the refused intake created back out of the session."""
    for obj in (referral, youth):
        if obj is not None and obj in db:
            db.expunge(obj)


def transition(
    db: Session,
    referral: Referral,
    to: ReferralStatus,
    *,
    actor: Actor,
    comment: str,
    on: dt.date | None = None,
    provider: Provider | None = None,
    chosen_by: ChosenBy | None = None,
    reason: str = "",
) -> ReferralStatusChange:
    """Move ``referral`` to ``to`` along an allowed transition, with who, when and why.

    Accepting needs the provider the family chose among ``offered_providers`` on the decision
    date and who chose it; rejecting needs a reason. Raises ``RuleViolations``; flushes.
    """
    on = on or today()
    current = ReferralStatus(referral.status)
    problems: list[RuleViolation] = []
    refusal = step_refusal(current, to)
    if refusal is not None:
        problems.append(refusal)
    if not comment.strip():
        problems.append(RuleViolation(_l("A comment is required."), "comment"))
    if to == S.rejected and not reason.strip():
        problems.append(RuleViolation(_l("Give the reason for rejecting the referral."),
                                      "reason"))
    if to == S.accepted:
        offered = offered_providers(db, referral.municipality_id, referral.programme_id, on)
        if provider is None or provider.id not in {p.id for p in offered}:
            problems.append(RuleViolation(_l(
                "Choose a provider with a contract for this programme valid on the decision "
                "date."), "provider"))
        if chosen_by is None:
            problems.append(RuleViolation(_l("Record who chose the provider."), "chosen_by"))
    if on < referral.received_on:
        problems.append(RuleViolation(
            _l("The decision cannot be dated before the referral was received.")))
    if problems:
        raise RuleViolations(problems)
    before = audit.snapshot(referral)
    referral.status = to
    if to == S.accepted:
        referral.provider = provider
        referral.chosen_by = chosen_by
    if to == S.rejected:
        referral.rejection_reason = reason.strip()
    if to in (S.accepted, S.rejected, S.withdrawn):
        referral.decided_on = on
    change = ReferralStatusChange(referral=referral, from_status=current, to_status=to,
                                  comment=comment.strip(), changed_by_id=actor.user_id)
    db.add(change)
    db.flush()
    after = audit.snapshot(referral)
    audit.record(db, actor, f"referral.{to.value}", referral,
                 changes={k: [before[k], after[k]] for k in after if before.get(k) != after[k]})
    return change


def waiting_days(referral: Referral, on: dt.date | None = None) -> int:
    """Days from receipt to decision, or until ``on`` while still open."""
    end = referral.decided_on or on or today()
    return (end - referral.received_on).days


def waiting_figures(db: Session, where: Any) -> list[dict[str, Any]]:
    """Average days to decision and from decision to pair start, per municipality and
    provider, computed in SQL over the referrals matching ``where``."""
    first_start = (
        select(Pair.referral_id, func.min(Pair.starts_on).label("started"))
        .group_by(Pair.referral_id).subquery()
    )
    days_to_decision = days_between(db, Referral.received_on, Referral.decided_on)
    days_to_start = days_between(db, Referral.decided_on, first_start.c.started)
    rows = db.execute(
        select(
            Municipality.name, Provider.name,
            func.count(Referral.id),
            func.avg(days_to_decision),
            func.count(first_start.c.started),
            func.avg(days_to_start),
        )
        .select_from(Referral)
        .join(Municipality, Municipality.id == Referral.municipality_id)
        .outerjoin(Provider, Provider.id == Referral.provider_id)
        .outerjoin(first_start, first_start.c.referral_id == Referral.id)
        .where(where, Referral.decided_on.is_not(None))
        .group_by(Municipality.name, Provider.name)
        .order_by(Municipality.name, Provider.name)
    )
    return [
        {"municipality": m, "provider": p, "decided": n,
         "days_to_decision": _round(d), "paired": k, "days_to_start": _round(s)}
        for m, p, n, d, k, s in rows
    ]


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(Referral)
def _referral(r: Referral) -> Iterator[RuleViolation]:
    yield from rules.not_in_future(r.received_on, "received_on")
    if r.status == "rejected" and not (r.rejection_reason or "").strip():
        yield RuleViolation(_l("Give the reason for rejecting the referral."), "rejection_reason")
    if r.status == "accepted" and r.provider_id is None and r.provider is None:
        yield RuleViolation(_l("Record the provider the family chose."), "provider")
    youth, programme = r.youth, r.programme
    if youth is not None and programme is not None and youth.birth_date and r.received_on:
        yield from check_youth_for_programme(
            programme, youth.birth_date, r.received_on, r.source)
        if rules.municipality_id_of(youth) is not None and rules.municipality_id_of(youth) != rules.municipality_id_of(r):
            yield RuleViolation(_l("The youth belongs to another municipality."), "youth")
        if rules.municipality_id_of(programme) != rules.municipality_id_of(r):
            yield RuleViolation(_l("The programme belongs to another municipality."), "programme")
        if r.status == "new":
            yield from check_consent(youth, r.received_on, guardian=not r.via_web_form)
        elif r.status == "accepted" and r.via_web_form:
            yield from check_consent(youth, r.decided_on or r.received_on)
    session = object_session(r)
    if session is not None and youth is not None and programme is not None:
        yield from check_no_other_open_referral(session, r)
        provider = r.provider
        if r.status == "accepted" and provider is not None and r.decided_on:
            offered = offered_providers(
                session, r.municipality_id or r.municipality.id, programme.id, r.decided_on)
            if provider.id not in {p.id for p in offered}:
                yield RuleViolation(_l(
                    "Choose a provider with a contract for this programme valid on the "
                    "decision date."), "provider")
