"""A small fixed data set for figures checked by hand: two municipalities, two providers,
five youths, six mentors, four pairs, known entries, supervisions, training and invoices.

Written with plain inserts (no domain rules run): the rows describe a state, some of it
deliberately non-compliant, on the fixed day ``TODAY``. The hand-computed figures live in
the tests next to their reasoning.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import (
    Achievement,
    Activity,
    EntryStatus,
    Gender,
    GoalArea,
    InvoiceKind,
    InvoiceStatus,
    Language,
    MentorStatus,
    Mode,
    PairStatus,
    ReferralSource,
    ReferralStatus,
    Role,
)
from mentoring.demo import DEMO_PASSWORD
from mentoring.passwords import hash_password
from models import (
    Budget,
    Certificate,
    Contract,
    Goal,
    Invoice,
    Locality,
    Mentor,
    Municipality,
    Pair,
    Programme,
    Provider,
    Referral,
    ServiceEntry,
    Supervision,
    TrainingCourse,
    TrainingSession,
    User,
    Youth,
)
from models.mentor import session_attendee, supervision_attendee

TODAY = dt.date(2026, 6, 15)
D = dt.date


def _add(db: Session, model: Any, **values: Any) -> int:
    return db.execute(insert(model).values(**values)).inserted_primary_key[0]


def build(db: Session) -> dict[str, int]:
    """Insert the world; returns the ids by name (``alfa``, ``v1``, ``pa``, ``mn1`` …)."""
    ids: dict[str, int] = {}
    ids["alfa"] = _add(db, Municipality, name="Alfas novads", reg_number="90000000001",
                       social_service="Alfas sociālais dienests", case_prefix="ALF")
    ids["beta"] = _add(db, Municipality, name="Betas novads", reg_number="90000000002",
                       social_service="Betas sociālais dienests", case_prefix="BET")
    ids["l1"] = _add(db, Locality, municipality_id=ids["alfa"], name="Alfciems")
    ids["l2"] = _add(db, Locality, municipality_id=ids["beta"], name="Betciems", remote=True)
    ids["p1"] = _add(db, Programme, name="Alfas mentori", municipality_id=ids["alfa"],
                     monthly_cap_minutes=1200, min_meetings_per_month=2, min_meeting_minutes=60,
                     supervision_per_month=1)
    ids["p2"] = _add(db, Programme, name="Betas mentori", municipality_id=ids["beta"],
                     monthly_cap_minutes=1200)
    ids["v1"] = _add(db, Provider, name="Pirmais", invoice_prefix="PIR", reg_number="40000000001",
                     iban="LV80BANK0000435195001", address="Iela 1, Alfciems")
    ids["v2"] = _add(db, Provider, name="Otrais", invoice_prefix="OTR", reg_number="40000000002",
                     iban="LV80BANK0000435195002", address="Iela 2, Betciems")
    contract = {"valid_from": D(2025, 1, 1), "valid_to": D(2027, 12, 31)}
    ids["c1"] = _add(db, Contract, number="A-1", municipality_id=ids["alfa"],
                     provider_id=ids["v1"], programme_id=ids["p1"],
                     hourly_rate=Decimal("10.00"), **contract)
    ids["c2"] = _add(db, Contract, number="B-1", municipality_id=ids["beta"],
                     provider_id=ids["v1"], programme_id=ids["p2"],
                     hourly_rate=Decimal("12.00"), **contract)
    ids["c3"] = _add(db, Contract, number="B-2", municipality_id=ids["beta"],
                     provider_id=ids["v2"], programme_id=ids["p2"],
                     hourly_rate=Decimal("12.00"), **contract)
    _add(db, Budget, municipality_id=ids["alfa"], programme_id=ids["p1"], year=2026,
         amount=Decimal("1000.00"))

    youths = [  # name, municipality, locality, birth date, gender
        ("y1", "alfa", "l1", D(2010, 5, 1), Gender.female),
        ("y2", "alfa", "l1", D(2008, 1, 10), Gender.male),
        ("y3", "alfa", "l1", D(2011, 2, 2), Gender.male),
        ("y4", "beta", "l2", D(2009, 9, 9), Gender.female),
        ("y5", "beta", "l2", D(2004, 7, 1), Gender.female),
    ]
    for n, (name, municipality, locality, born, gender) in enumerate(youths, 1):
        ids[name] = _add(db, Youth, case_number=f"C-{n}", first_name=f"Vārds{n}",
                         last_name=f"Uzvārds{n}", birth_date=born, gender=gender,
                         municipality_id=ids[municipality], locality_id=ids[locality])
    referrals = [  # name, youth, programme, source, received, status, decided, provider
        ("r1", "y1", "p1", ReferralSource.school, D(2026, 3, 1), ReferralStatus.accepted,
         D(2026, 3, 11), "v1"),
        ("r2", "y2", "p1", ReferralSource.self_referral, D(2026, 4, 1),
         ReferralStatus.accepted, D(2026, 4, 5), "v1"),
        ("r3", "y3", "p1", ReferralSource.school, D(2026, 6, 1), ReferralStatus.new, None, None),
        ("r4", "y4", "p2", ReferralSource.family, D(2026, 5, 1), ReferralStatus.in_review,
         None, None),
        ("r5", "y5", "p2", ReferralSource.social_worker, D(2026, 2, 1),
         ReferralStatus.accepted, D(2026, 2, 21), "v2"),
    ]
    for name, youth, programme, source, received, status, decided, provider in referrals:
        municipality = "alfa" if programme == "p1" else "beta"
        ids[name] = _add(db, Referral, youth_id=ids[youth], programme_id=ids[programme],
                         municipality_id=ids[municipality], source=source,
                         received_on=received, status=status, decided_on=decided,
                         provider_id=ids[provider] if provider else None)
    mentors = [  # name, provider, programme, status
        ("mn1", "v1", "p1", MentorStatus.active), ("mn2", "v1", "p1", MentorStatus.active),
        ("mn3", "v2", "p2", MentorStatus.active), ("mn4", "v1", "p1", MentorStatus.applicant),
        ("mn5", "v1", "p1", MentorStatus.certified),
        ("mn6", "v2", "p2", MentorStatus.in_training),
    ]
    for n, (name, provider, programme, status) in enumerate(mentors, 1):
        ids[name] = _add(db, Mentor, provider_id=ids[provider], programme_id=ids[programme],
                         first_name=f"Mentors{n}", last_name=f"M{n}", birth_date=D(1990, 1, n),
                         education="higher", status=status)
    pairs = [  # name, youth, mentor, provider, contract, programme, referral, start, end, status
        ("pa", "y1", "mn1", "v1", "c1", "p1", "r1", D(2026, 3, 21), D(2026, 6, 30),
         PairStatus.active),
        ("pb", "y2", "mn2", "v1", "c1", "p1", "r2", D(2026, 4, 15), D(2026, 9, 15),
         PairStatus.active),
        ("pc", "y5", "mn3", "v2", "c3", "p2", "r5", D(2026, 3, 1), D(2026, 8, 31),
         PairStatus.active),
        ("pd", "y1", "mn1", "v1", "c1", "p1", None, D(2025, 10, 1), D(2026, 1, 31),
         PairStatus.completed),
    ]
    for name, youth, mentor, provider, contract_, programme, referral, start, end, status in pairs:
        ids[name] = _add(db, Pair, youth_id=ids[youth], mentor_id=ids[mentor],
                         provider_id=ids[provider], contract_id=ids[contract_],
                         programme_id=ids[programme],
                         referral_id=ids[referral] if referral else None, starts_on=start,
                         planned_end_on=end, status=status,
                         ended_on=end if status == PairStatus.completed else None,
                         evaluation_summary="Labi" if status == PairStatus.completed else "")
    goals = [  # pair, area, achievement
        ("pa", GoalArea.education, None), ("pb", GoalArea.social, None),
        ("pd", GoalArea.education, Achievement.achieved),
        ("pd", GoalArea.social, Achievement.partly),
    ]
    for pair, area, achievement in goals:
        _add(db, Goal, pair_id=ids[pair], area=area, description="Mērķis",
             achievement=achievement)
    entries = [  # pair, day, minutes, mode, status
        ("pa", D(2026, 4, 10), 120, Mode.in_person, EntryStatus.approved),
        ("pa", D(2026, 5, 5), 90, Mode.in_person, EntryStatus.approved),
        ("pa", D(2026, 5, 20), 30, Mode.in_person, EntryStatus.approved),  # too short to meet
        ("pa", D(2026, 6, 2), 60, Mode.remote, EntryStatus.logged),
        ("pb", D(2026, 5, 3), 60, Mode.in_person, EntryStatus.approved),
        ("pb", D(2026, 5, 17), 75, Mode.in_person, EntryStatus.approved),
        ("pb", D(2026, 5, 25), 45, Mode.remote, EntryStatus.rejected),
        ("pc", D(2026, 5, 10), 120, Mode.in_person, EntryStatus.approved),
    ]
    for pair, day, minutes, mode, status in entries:
        _add(db, ServiceEntry, pair_id=ids[pair], day=day, minutes=minutes, mode=mode,
             activity=Activity.study, status=status,
             rejection_reason="dubults" if status == EntryStatus.rejected else "")
    for name, day, attendees in (("s1", D(2026, 5, 12), ["mn1"]),
                                 ("s2", D(2026, 6, 5), ["mn1", "mn2"])):
        ids[name] = _add(db, Supervision, provider_id=ids["v1"], held_on=day, supervisor="S")
        for mentor in attendees:
            db.execute(insert(supervision_attendee).values(supervision_id=ids[name],
                                                           mentor_id=ids[mentor]))
    ids["tc"] = _add(db, TrainingCourse, provider_id=ids["v1"], programme_id=ids["p1"],
                     title="Kurss", starts_on=D(2026, 2, 10), ends_on=D(2026, 2, 10))
    ids["ts"] = _add(db, TrainingSession, course_id=ids["tc"], held_on=D(2026, 2, 10))
    for mentor in ("mn4", "mn5"):
        db.execute(insert(session_attendee).values(session_id=ids["ts"], mentor_id=ids[mentor]))
    _add(db, Certificate, provider_id=ids["v1"], mentor_id=ids["mn5"], course_id=ids["tc"],
         number="CERT-1", issued_on=D(2026, 3, 1))
    invoice = {"provider_id": ids["v1"], "municipality_id": ids["alfa"],
               "contract_id": ids["c1"], "year": 2026, "vat_amount": Decimal("0.00")}
    invoices = [  # name, number, kind, month, status, total, credited
        ("i1", "PIR-2026-0001", InvoiceKind.invoice, 3, InvoiceStatus.issued, "100.00", None),
        ("i2", "PIR-2026-0002", InvoiceKind.invoice, 4, InvoiceStatus.paid, "200.00", None),
        ("i3", "PIR-2026-0003", InvoiceKind.credit_note, 4, InvoiceStatus.issued, "-50.00",
         "i2"),
    ]
    for name, number, kind, month, status, total, credited in invoices:
        ids[name] = _add(db, Invoice, **invoice, number=number, kind=kind, month=month,
                         status=status, issued_on=D(2026, month + 1, 3),
                         paid_on=D(2026, month + 1, 20) if status == InvoiceStatus.paid else None,
                         paid_amount=Decimal(total) if status == InvoiceStatus.paid else None,
                         net_amount=Decimal(total), total_amount=Decimal(total),
                         credited_invoice_id=ids[credited] if credited else None)
    password = hash_password(DEMO_PASSWORD)
    users = [  # email, role, scope
        ("admin@w.lv", Role.admin, {}),
        ("alfa@w.lv", Role.municipality, {"municipality_id": ids["alfa"]}),
        ("beta@w.lv", Role.municipality, {"municipality_id": ids["beta"]}),
        ("v1@w.lv", Role.provider, {"provider_id": ids["v1"]}),
        ("v2@w.lv", Role.provider, {"provider_id": ids["v2"]}),
        ("mn1@w.lv", Role.mentor, {"mentor_id": ids["mn1"], "provider_id": ids["v1"]}),
    ]
    for email, role, scope in users:
        ids[email] = _add(db, User, email=email, name=email, role=role, password_hash=password,
                          language=Language.lv, **scope)
    db.commit()
    return ids


def actor(db: Session, ids: dict[str, int], email: str) -> Actor:
    return Actor.of(db.get(User, ids[email]))
