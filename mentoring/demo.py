"""Realistic, deterministic demo data drawn from the seed documents.

Dates are relative to the day it runs (so there is always a live month to approve and
invoice); everything else is fixed by a seeded random generator.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.lv import pvn

from common.actor import Actor
from common.clock import age_on, today
from common.enums import (
    Achievement,
    Activity,
    CheckResult,
    ChosenBy,
    ClaimStatus,
    ClosureKind,
    ConcernCategory,
    ConcernEvent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Decision,
    DeliveryChannel,
    Education,
    EntryStatus,
    ExpenseKind,
    Gender,
    GoalArea,
    InterviewMode,
    Language,
    MentorStatus,
    Mode,
    Moment,
    PairStatus,
    ReferralSource,
    ReferralStatus,
    Respondent,
    RiskFactorCode,
    Role,
    Severity,
    SupportKind,
)
from common.months import add_months, month_start
from mentoring import hours, invoicing, pairs, timesheets
from mentoring.passwords import hash_password
from models import (
    AdditionalSupport,
    Agreement,
    BackgroundCheck,
    Budget,
    CalendarDay,
    Certificate,
    CheckIn,
    ClosureReason,
    Consent,
    Contract,
    ExpenseClaim,
    FundingSource,
    Goal,
    Interview,
    Locality,
    Mentor,
    MentorStatusChange,
    Municipality,
    Pair,
    PairStatusChange,
    Programme,
    Provider,
    RecruitmentRound,
    Referral,
    ReferralStatusChange,
    RiskFactor,
    SafetyConcern,
    SafetyConcernEvent,
    ServiceEntry,
    Supervision,
    TrainingCourse,
    TrainingSession,
    TrainingTopic,
    User,
    Youth,
)

DEMO_PASSWORD = "Mentors-demo-2026"
SEED = 20240214

TOPICS = [
    "Kontaktu un uzticības veidošana", "Izvērtēšana un sarkanie karogi", "Sociālās prasmes",
    "Attiecības", "Ikdienas dzīves prasmes", "Seksualitāte un dzimtes identitāte",
    "Emocionālā inteliģence", "Atkarības", "Trauksme un depresija",
    "Disciplīna un mikrorutīnas",
]
FIRST_F = ["Anna", "Laura", "Elīza", "Sofija", "Marta", "Katrīna", "Paula", "Alise", "Estere",
           "Linda", "Agate", "Nora", "Keita", "Viktorija"]
FIRST_M = ["Roberts", "Markuss", "Kristers", "Daniels", "Ralfs", "Artūrs", "Emīls", "Niks",
           "Gustavs", "Toms", "Rihards", "Kārlis", "Edgars", "Jānis"]
LAST_F = ["Bērziņa", "Kalniņa", "Ozola", "Liepiņa", "Jansone", "Krūmiņa", "Zariņa", "Vītola",
          "Kļaviņa", "Eglīte", "Strazdiņa", "Pētersone"]
LAST_M = ["Bērziņš", "Kalniņš", "Ozols", "Liepiņš", "Jansons", "Krūmiņš", "Zariņš", "Vītols",
          "Kļaviņš", "Eglītis", "Strazdiņš", "Pētersons"]
# Adults (guardians, referrers) come from other name pools than youths, so no name is shared.
ADULT_FIRST = ["Inese", "Ilze", "Sandra", "Ingrīda", "Aiga", "Dace", "Gunta", "Ieva", "Vija",
               "Rasma"]
REFERRER_LAST = ["Ābele", "Grīnberga", "Sproģe", "Balode", "Rozīte", "Upeniece", "Siliņa"]
SCHOOLS_LIEPAJA = ["Liepājas Valsts 1. ģimnāzija", "Liepājas 5. vidusskola",
                   "Liepājas Raiņa 6. vidusskola", "Liepājas Valsts tehnikums"]
SCHOOLS_OGRE = ["Ogres 1. vidusskola", "Ogres Valsts ģimnāzija", "Ķeipenes pamatskola",
                "Suntažu vidusskola", "Taurupes pamatskola"]

T = TypeVar("T")


def legal_number(prefix: str) -> str:
    """A valid 11-digit legal-entity number beginning with ``prefix`` (checksum chosen)."""
    for last in range(10):
        for filler in range(100):
            number = f"{prefix}{filler:0{10 - len(prefix)}d}{last}"
            if len(number) == 11 and pvn.is_valid(number):
                return number
    raise ValueError(prefix)


def personal_code(birth: dt.date, serial: int) -> str:
    """An old-format personal code (DDMMYY-CNNNN) valid for ``birth``."""
    century = {18: "0", 19: "1", 20: "2"}[birth.year // 100]
    body = f"{birth:%d%m%y}{century}{serial:03d}"
    return f"{body[:6]}-{body[6:]}{pvn.calc_check_digit_pers(body)}"


def new_personal_code(serial: int) -> str:
    body = f"32{serial:08d}"
    return f"{body[:6]}-{body[6:]}{pvn.calc_check_digit_pers(body)}"


def is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(Municipality))


def load(db: Session, *, on: dt.date | None = None) -> list[User]:
    """Fill an empty database with the demo set and return the demo users. Flushes only."""
    return _Demo(db, on or today()).run()


class _Demo:
    def __init__(self, db: Session, on: dt.date) -> None:
        self.db = db
        self.today = on
        self.rnd = random.Random(SEED)
        self.serial = 100
        self.pairs_made = 0
        self.course_sessions: dict[int, list[TrainingSession]] = {}
        self.users: list[User] = []

    def add(self, obj: T) -> T:
        self.db.add(obj)
        return obj

    def run(self) -> list[User]:
        self.admin = self.user("admin@mentori.lv", "Ilze Administratore", Role.admin)
        self.risk = {code: self.add(RiskFactor(code=code)) for code in RiskFactorCode}
        self.topics = [self.add(TrainingTopic(name=name)) for name in TOPICS]
        pairs.ensure_closure_reasons(self.db)
        from mentoring import attachments

        attachments.ensure_kinds(self.db)
        self.planned_reason = self.db.scalar(select(ClosureReason).where(
            ClosureReason.kind == ClosureKind.planned).order_by(ClosureReason.id).limit(1))
        self.db.flush()
        self.liepaja()
        self.ogre()
        self.outcomes()
        self.invoice_past_months()
        self.check_ins()
        self.concerns()
        self.rematch_and_withdrawal()
        self.db.flush()
        return self.users

    def rematch_and_withdrawal(self) -> None:
        """A pair ended today with a rematch accepted (its referral waits in pairing again),
        and a waiting youth whose parent withdrew consent two days ago (flagged)."""
        coordinator = next(u for u in self.users if u.email == "you@mentori.lv")
        pair = self.db.scalars(select(Pair).where(
            Pair.status == PairStatus.active, Pair.provider_id == coordinator.provider_id)
            .order_by(Pair.id.desc()).limit(1)).first()
        reason = self.db.scalar(select(ClosureReason).where(
            ClosureReason.kind == ClosureKind.unplanned,
            ClosureReason.name_lv == "Mentors nevar turpināt"))
        if pair is not None and reason is not None:
            pair.status, pair.ended_on = PairStatus.ended_early, self.today
            pair.closure_kind, pair.closure_reason = ClosureKind.unplanned, reason
            pair.end_reason = reason.name_lv
            pair.exit_note_mentor = "Mainīju darbu un pārceļos uz Rīgu."
            pair.exit_note_youth = "Gribu turpināt ar citu mentoru."
            pair.rematch_offered = pair.rematch_accepted = True
            self.add(PairStatusChange(pair=pair, from_status=PairStatus.active,
                                      to_status=PairStatus.ended_early,
                                      changed_by=coordinator, comment=reason.name_lv))
        consent = self.db.scalar(
            select(Consent).join(Referral, Referral.youth_id == Consent.youth_id)
            .where(Referral.status == ReferralStatus.in_review,
                   Consent.given_by == ConsentGiver.parent)
            .order_by(Consent.id).limit(1))
        if consent is not None:
            consent.withdrawn_on = max(consent.given_on, self.today - dt.timedelta(days=2))
            consent.note = "Vecāki rakstiski atsauca piekrišanu."

    def concerns(self) -> None:
        """One open concern the Liepāja social service sees on its tasks, one closed."""
        coordinator = next(u for u in self.users if u.email == "you@mentori.lv")
        active = self.db.scalars(select(Pair).where(
            Pair.status == PairStatus.active, Pair.provider_id == coordinator.provider_id)
            .order_by(Pair.id).limit(2)).all()
        for pair, closed in zip(active, (False, True), strict=False):
            raised = max(pair.starts_on, self.today - dt.timedelta(days=9 if closed else 2))
            concern = self.add(SafetyConcern(
                pair=pair, raised_on=raised, raised_by_id=coordinator.id,
                category=ConcernCategory.boundaries if closed else ConcernCategory.substances,
                severity=Severity.medium if closed else Severity.high,
                description=("Jaunietis lūdza mentoram aizdot naudu." if closed else
                             "Jaunietis uz tikšanos ieradās alkohola reibumā."),
                actions_taken="Mentors pārtrauca tikšanos, informēja koordinatoru."))
            self.add(SafetyConcernEvent(concern=concern, kind=ConcernEvent.raised,
                                        text=concern.description, actor_id=coordinator.id))
            if closed:
                concern.closed_on = min(raised + dt.timedelta(days=3), self.today)
                concern.resolution = "Pārrunāts ar jaunieti un ģimeni; robežas vienotas."
                concern.closed_by_id = coordinator.id
                self.add(SafetyConcernEvent(concern=concern, kind=ConcernEvent.closed,
                                            text=concern.resolution, actor_id=coordinator.id))

    def check_ins(self) -> None:
        """The coordinators' first monitoring contacts; recent pairs still have theirs to do."""
        from mentoring.checkins import due_dates

        self.db.flush()
        pairs = self.db.scalars(select(Pair).where(Pair.status == PairStatus.active)
                                .order_by(Pair.id)).all()
        for pair in pairs:
            held = [day for day in due_dates(pair.starts_on, 2, 1, 4) if day < self.today][:3]
            for day, contact in zip(held, ("mentor", "youth", "parent"), strict=False):
                self.add(CheckIn(pair=pair, held_on=day, contact=contact,
                                 channel=self.rnd.choice(("in_person", "phone")),
                                 relationship_quality=self.rnd.choice((3, 4, 4, 5)),
                                 goal_progress="Virzās uz priekšu pēc plāna."))

    def outcomes(self) -> None:
        """Each programme's questionnaires; start answers for most pairs, end answers for
        the completed ones (a generator of its own, so the rest of the demo stays as it was)."""
        from mentoring import outcomes

        rnd = random.Random(SEED + 25)
        self.db.flush()
        for programme in self.db.scalars(select(Programme).order_by(Programme.id)):
            outcomes.ensure_questionnaires(self.db, programme)
        system = Actor.system()
        pairs = self.db.scalars(select(Pair).where(Pair.status.in_(
            (PairStatus.active, PairStatus.completed))).order_by(Pair.id)).all()
        for index, pair in enumerate(pairs):
            moments = [Moment.start] + ([Moment.end] if pair.status == PairStatus.completed
                                        else [])
            for moment in moments:
                for respondent in (Respondent.youth, Respondent.parent, Respondent.mentor):
                    if moment == Moment.start and respondent == Respondent.mentor:
                        continue
                    if index % 4 == 3 and respondent == Respondent.parent:
                        continue  # not every parent answers
                    sent = pair.starts_on if moment == Moment.start else (
                        pair.ended_on or self.today)
                    link, _token = outcomes.issue_link(self.db, pair, moment, respondent,
                                                       actor=system, today=sent)
                    raw = {q.id: str(rnd.choice((2, 3, 3, 4)) + (1 if moment == Moment.end
                                                                and rnd.random() < 0.6 else 0))
                           if q.kind.value == "scale" else "Tikšanās palīdzēja."
                           for q in link.questionnaire.questions}
                    outcomes.answer(self.db, link, raw, actor=system)

    # -- people ------------------------------------------------------------------------
    def user(self, email: str, name: str, role: Role, **scope: Any) -> User:
        user = self.add(User(
            email=email, name=name, role=role, password_hash=hash_password(DEMO_PASSWORD),
            language=Language.lv, active=True, **scope,
        ))
        self.users.append(user)
        return user

    def person(self, female: bool) -> tuple[str, str]:
        if female:
            return self.rnd.choice(FIRST_F), self.rnd.choice(LAST_F)
        return self.rnd.choice(FIRST_M), self.rnd.choice(LAST_M)

    # -- Liepāja: paid service, three providers chosen by procurement --------------------
    def liepaja(self) -> None:
        t = self.today
        city = self.add(Municipality(
            name="Liepājas valstspilsēta", reg_number="90000031048",
            social_service="Liepājas pilsētas Domes Sociālais dienests", case_prefix="LIE",
            address="Klaipēdas iela 104C, Liepāja, LV-3416", email="socd@liepaja.lv",
            phone="63489674",
        ))
        places = [self.add(Locality(municipality=city, name=n, remote=r))
                  for n, r in (("Liepāja", False), ("Karosta", True), ("Ezerkrasts", False))]
        programme = self.add(Programme(
            name="Liepājas mentora pakalpojums", municipality=city, paid=True,
            min_youth_age=13, max_youth_age=25, self_referral_min_age=15, min_mentor_age=20,
            request_slug="liepaja", mentor_older_than_youth=True, min_months=3, max_months=5,
            monthly_cap_minutes=20 * 60, mentor_capacity=3, training_attendance_percent=80,
        ))
        self.add(Budget(municipality=city, programme=programme, year=t.year,
                        amount=Decimal("45000.00"), note="Sociālā dienesta budžets"))
        self.add(Budget(municipality=city, programme=programme, year=t.year - 1,
                        amount=Decimal("45000.00"), note="Izlietota aptuveni puse"))
        exempt = "Neapliekams ar PVN (PVN likuma 52. panta pirmās daļas 12. punkts)"
        specs = [
            ("Attīstības platforma YOU+", "YOU", "4000", Decimal("14.50"), "you@mentori.lv",
             "Kristīne Koordinatore", True),
            ("Kurzemes ģimeņu atbalsta centrs", "KGAC", "4000", Decimal("15.00"),
             "kgac@mentori.lv", "Dace Koordinatore", False),
            ("House of Hope", "HOH", "5000", Decimal("13.80"), "hoh@mentori.lv",
             "Māris Koordinators", True),
        ]
        contracts = []
        for i, (name, prefix, reg, rate, email, coordinator, vat) in enumerate(specs):
            reg_number = legal_number(reg + str(3 + i))
            provider = self.add(Provider(
                name=name, invoice_prefix=prefix, reg_number=reg_number,
                vat_number=f"LV{reg_number}" if vat else None,
                iban=["LV87HABA0551012345678", "LV04UNLA0050012345678",
                      "LV85RIKO0002930123456"][i],
                address=f"{['Peldu iela 5', 'Graudu iela 36', 'Zivju iela 3'][i]}, Liepāja",
                email=f"info@{prefix.lower()}.lv",
            ))
            contract = self.add(Contract(
                number=f"SD-2025/{17 + i}", procurement="LPSD 2025/3 Mentora pakalpojums",
                municipality=city, provider=provider, programme=programme,
                valid_from=dt.date(t.year - 1, 7, 1), valid_to=dt.date(t.year + 1, 6, 30),
                hourly_rate=rate, vat_rate=Decimal("0"), vat_exemption_note=exempt,
                ceiling=Decimal("20000.00"),
            ))
            contracts.append(contract)
            self.user(email, coordinator, Role.provider, provider=provider)
        self.user("liepaja@mentori.lv", "Gunta Sociālā", Role.municipality, municipality=city)
        self.db.flush()
        mentors: list[Mentor] = []
        for contract, count in zip(contracts, (4, 3, 2), strict=True):
            course = self.add(TrainingCourse(
                provider=contract.provider, programme=programme, title="Mentoru pamatkurss",
                starts_on=t - dt.timedelta(days=400), ends_on=t - dt.timedelta(days=397),
                venue="Liepāja", trainers="Andris Kāposts, Inga Laugale", sessions=6,
                topics=self.topics,
            ))
            self.sessions(course)
            for _ in range(count):
                mentors.append(self.mentor(contract.provider, course, places[0],
                                           MentorStatus.active, experienced=True))
        you_mentors = [m for m in mentors if m.provider is contracts[0].provider]
        self.mentor_user(you_mentors[0], "mentors@mentori.lv")
        self.mentor_user(you_mentors[1], "mentore@mentori.lv")
        self.youths_and_pairs(city, programme, places, contracts, mentors, "LIE", SCHOOLS_LIEPAJA,
                              count=16)
        self.waiting_for_a_mentor(city, programme, places, contracts[0], "LIE", first=17)

    def waiting_for_a_mentor(self, municipality: Municipality, programme: Programme,
                             places: list[Locality], contract: Contract, prefix: str,
                             first: int) -> None:
        """Two youths accepted for ``contract``'s provider and not yet paired, whatever the
        date the demo is loaded on: pairing always has someone to pair."""
        for n, (first_name, last_name, days) in enumerate(
                (("Markuss", "Ozoliņš", 12), ("Elza", "Kalniņa", 9))):
            received = self.today - dt.timedelta(days=days)
            youth = self.add(Youth(
                case_number=f"{prefix}-{received.year}-{first + n:03d}", first_name=first_name,
                last_name=last_name, birth_date=received.replace(year=received.year - 16)
                - dt.timedelta(days=40 * (n + 1)),
                gender=Gender.male if n == 0 else Gender.female, municipality=municipality,
                locality=places[n % len(places)], school="Liepājas Valsts 1. ģimnāzija",
                guardian_name=f"Anna {last_name}", guardian_phone=f"2900{n:04d}",
                consent_youth=True, consent_guardian=True, consent_date=received,
                interests="sports, mūzika", languages="latviešu"))
            for giver in (ConsentGiver.youth, ConsentGiver.parent):
                self.add(Consent(youth=youth, given_by=giver, purpose=ConsentPurpose.service,
                                 method=ConsentMethod.written, given_on=received))
            referral = self.add(Referral(
                youth=youth, programme=programme, municipality=municipality,
                source=ReferralSource.school, referrer_institution=youth.school,
                referrer_name="Ilze Skolotāja", received_on=received,
                needs="Atbalsts mācībās un brīvā laika pavadīšanā.",
                status=ReferralStatus.accepted, provider=contract.provider,
                chosen_by=ChosenBy.parent, decided_on=received + dt.timedelta(days=3)))
            self.history(referral, ReferralStatus.accepted, received)

    # -- Ogre: volunteer mentor network of Talantu kalve ---------------------------------
    def ogre(self) -> None:
        t = self.today
        county = self.add(Municipality(
            name="Ogres novads", reg_number="90000024455",
            social_service="Ogres novada Sociālais dienests", case_prefix="OGR",
            address="Brīvības iela 33, Ogre, LV-5001", email="socialais.dienests@ogresnovads.lv",
            phone="65071160",
        ))
        places = [self.add(Locality(municipality=county, name=n, remote=r)) for n, r in (
            ("Ogre", False), ("Ķeipene", True), ("Taurupe", True), ("Menģele", True),
            ("Suntaži", True), ("Lauberi", True), ("Mazozoli", True),
        )]
        programme = self.add(Programme(
            name="Ogres novada mentoru tīkls", municipality=county, paid=False,
            min_youth_age=13, max_youth_age=25, self_referral_min_age=None, min_mentor_age=20,
            mentor_older_than_youth=True, min_months=6, max_months=None,
            monthly_cap_minutes=None, min_meetings_per_month=2, min_meeting_minutes=60,
            supervision_per_month=1, mentor_capacity=1, training_attendance_percent=80,
        ))
        self.add(Budget(municipality=county, programme=programme, year=t.year,
                        amount=Decimal("0.00"), note="Projekts “IEDVESMA LĪDZDALĪBAI”"))
        provider = self.add(Provider(
            name="Biedrība “Talantu kalve”", invoice_prefix="TK",
            reg_number=legal_number("40008"), vat_number=None, iban="LV71HABA0551034567890",
            address="Brīvības iela 8, Ogre", email="info@talantukalve.lv",
        ))
        contract = self.add(Contract(
            number="ON-2024/5", procurement="Projekts “IEDVESMA LĪDZDALĪBAI”",
            municipality=county, provider=provider, programme=programme,
            valid_from=dt.date(t.year - 1, 1, 1), valid_to=dt.date(t.year + 1, 9, 30),
            hourly_rate=Decimal("0.00"), vat_rate=Decimal("0"),
            vat_exemption_note="Brīvprātīgo darbs; izdevumi tiek atlīdzināti",
        ))
        self.user("talanti@mentori.lv", "Līga Koordinatore", Role.provider, provider=provider)
        self.user("ogre@mentori.lv", "Anita Sociālā", Role.municipality, municipality=county)
        self.db.flush()
        course = self.add(TrainingCourse(
            provider=provider, programme=programme, title="Mentoru kandidātu intensīvās mācības",
            starts_on=t - dt.timedelta(days=300), ends_on=t - dt.timedelta(days=298),
            venue="Viesu nams “Bāliņi”", trainers="Andris Kāposts, Inga Laugale", sessions=6,
            topics=self.topics,
        ))
        self.sessions(course)
        # Fourteen mentors, as the call planned, spread over the whole lifecycle.
        stages = ([MentorStatus.active] * 6 + [MentorStatus.certified] * 2
                  + [MentorStatus.in_training, MentorStatus.interviewed, MentorStatus.screened,
                     MentorStatus.applicant, MentorStatus.rejected, MentorStatus.inactive])
        mentors = [self.mentor(provider, course, places[i % len(places)], stage,
                               experienced=i % 3 != 0) for i, stage in enumerate(stages)]
        self.mentor_user(mentors[0], "mentors.ogre@mentori.lv")
        self.rounds(provider, programme, course, mentors[8:12])
        for month in range(1, 7):
            held = month_start(t, month) + dt.timedelta(days=14)
            self.add(Supervision(
                provider=provider, held_on=held, supervisor="Sigita Batraga",
                topic="Grupas supervīzija", attendees=[m for m in mentors[:6] if month % 4 or m is not mentors[5]],
            ))
        self.youths_and_pairs(county, programme, places, [contract],
                              [m for m in mentors if m.status == MentorStatus.active], "OGR",
                              SCHOOLS_OGRE, count=10)
        self.expenses(provider, programme)

    def rounds(self, provider: Provider, programme: Programme, course: TrainingCourse,
               candidates: list[Mentor]) -> None:
        """Talantu kalve's autumn round, its candidates still in selection (a decision now
        overdue), and the next round, open for applications at /pieteikums/talantu-kalve."""
        t = self.today
        day = dt.timedelta(days=1)
        contact = "Līga Koordinatore, tālr. 26 123 456, info@talantukalve.lv"
        controller = "Biedrība “Talantu kalve”, Brīvības iela 8, Ogre, info@talantukalve.lv"
        earlier = self.add(RecruitmentRound(
            provider=provider, programme=programme, title="Mentoru atlase (rudens)",
            slug="talantu-kalve-rudens", applications_until=t - 60 * day,
            interviews_from=t - 60 * day, interviews_until=t - 54 * day,
            training_course=course, training_from=t - 51 * day, training_until=t - 49 * day,
            pairing_month=(t - 30 * day).replace(day=1), mentoring_starts_on=t - 30 * day,
            supervision_until=t + 150 * day, contact=contact, data_controller=controller))
        for mentor in candidates:
            mentor.recruitment_round = earlier
        # The working-day calendar's moved days, as an administrator records a government
        # order (an example: a Monday given off, the Saturday after it worked instead).
        monday = t + dt.timedelta(days=(7 - t.weekday()) % 7 + 35)
        self.add(CalendarDay(day=monday, working=False, note="Pārceltā brīvdiena (piemērs)"))
        self.add(CalendarDay(day=monday + 5 * day, working=True,
                             note="Pārceltā darba sestdiena (piemērs)"))
        self.add(RecruitmentRound(
            provider=provider, programme=programme, title="Mentoru atlase (pavasaris)",
            slug="talantu-kalve", applications_until=t + 30 * day,
            interviews_from=t + 30 * day, interviews_until=t + 36 * day,
            training_from=t + 39 * day, training_until=t + 41 * day,
            pairing_month=(t + 45 * day).replace(day=1), mentoring_starts_on=t + 60 * day,
            supervision_until=t + 240 * day, contact=contact, data_controller=controller))

    def expenses(self, provider: Provider, programme: Programme) -> None:
        """Talantu kalve's funding sources (donations, the Society Integration Foundation's
        project) and its volunteers' claims: approved ones and one waiting."""
        t = self.today
        programme.km_rate = Decimal("0.10")
        donations = self.add(FundingSource(provider=provider, name="Ziedojumu budžets",
                                           year=t.year, amount=Decimal("600.00")))
        self.add(FundingSource(
            provider=provider, name="Projekts “IEDVESMA LĪDZDALĪBAI”",
            funder="Sabiedrības integrācijas fonds", project_number="2024.LV/NVOF/MIC/036/10",
            year=t.year, amount=Decimal("1500.00")))
        self.db.flush()
        pairs = self.db.scalars(select(Pair).where(Pair.programme_id == programme.id,
                                                   Pair.status == PairStatus.active)
                                .order_by(Pair.id).limit(3)).all()
        for index, pair in enumerate(pairs):
            day = t - dt.timedelta(days=20 - index * 5)
            travel = Decimal(24 + 6 * index)
            self.add(ExpenseClaim(
                mentor_id=pair.mentor_id, pair_id=pair.id, day=day, kind=ExpenseKind.travel,
                distance_km=travel, amount=(travel * programme.km_rate).quantize(Decimal("0.01")),
                purpose="Brauciens uz tikšanos Ķeipenē", status=ClaimStatus.approved
                if index < 2 else ClaimStatus.submitted,
                funding_source=donations if index < 2 else None))
            if index == 0:
                self.add(ExpenseClaim(
                    mentor_id=pair.mentor_id, pair_id=pair.id, day=day, kind=ExpenseKind.fee,
                    amount=Decimal("7.50"), purpose="Ieejas biļetes baseinā",
                    status=ClaimStatus.approved, funding_source=donations))

    def sessions(self, course: TrainingCourse) -> None:
        """The course's sessions, two a day, one topic each."""
        days = (course.ends_on - course.starts_on).days + 1
        self.course_sessions[id(course)] = [
            self.add(TrainingSession(course=course, topic=self.topics[i % len(self.topics)],
                                     held_on=course.starts_on + dt.timedelta(days=(i // 2) % days)))
            for i in range(course.sessions)
        ]

    def mentor(self, provider: Provider, course: TrainingCourse, place: Locality,
               stage: MentorStatus, experienced: bool) -> Mentor:
        t = self.today
        female = self.rnd.random() < 0.6
        first, last = self.person(female)
        birth = dt.date(t.year - self.rnd.randint(24, 58), self.rnd.randint(1, 12),
                        self.rnd.randint(1, 28))
        mentor = self.add(Mentor(
            provider=provider, programme=course.programme, first_name=first, last_name=last,
            birth_date=birth,
            gender=Gender.female if female else Gender.male,
            email=f"{first.lower()}.{self.serial}@example.lv", phone=f"2{self.serial:07d}",
            locality=place, education=Education.basic if stage == MentorStatus.applicant
            else self.rnd.choice([Education.secondary, Education.vocational, Education.higher]),
            experience_years=self.rnd.randint(2, 12) if experienced else self.rnd.randint(0, 1),
            motivation="Vēlos būt droša un atbalstoša pieaugušā persona jaunietim.",
            meetings_per_month=self.rnd.choice([2, 3, 4]),
            hours_per_month=self.rnd.choice([8, 12, 20]),
            languages=self.rnd.choice(["latviešu", "latviešu, krievu", "latviešu, angļu"]),
            interests=self.rnd.choice(["sports, mūzika", "datorspēles, kino", "daba, pārgājieni",
                                       "māksla, foto", "basketbols, mācības"]),
            status=MentorStatus.applicant,  # moved to its stage once its papers exist
        ))
        self.serial += 1
        order = list(MentorStatus)
        reached = order.index(stage) if stage != MentorStatus.rejected else 2
        previous = None
        for step in order[: reached + 1]:
            self.add(MentorStatusChange(mentor=mentor, from_status=previous, to_status=step,
                                        changed_by=self.admin))
            previous = step
        if stage == MentorStatus.rejected:
            self.add(MentorStatusChange(mentor=mentor, from_status=previous, to_status=stage,
                                        comment="Neatbilst prasībām par pieredzi",
                                        changed_by=self.admin))
        if stage != MentorStatus.applicant:
            mentor.questionnaire_score = self.rnd.randint(55, 95)
        if reached >= order.index(MentorStatus.interviewed):
            self.add(Interview(
                mentor=mentor, held_on=course.starts_on - dt.timedelta(days=7),
                mode=self.rnd.choice(list(InterviewMode)), interviewer="Līga Koordinatore",
                notes="Motivēts, pieredze darbā ar jauniešiem.", decision=Decision.passed,
            ))
        if reached >= order.index(MentorStatus.in_training):
            sessions = self.course_sessions[id(course)]
            attended = len(sessions) if stage != MentorStatus.in_training else len(sessions) - 3
            for session in sessions[:attended]:
                session.attendees.append(mentor)
            self.db.flush()  # the certificate rule counts attendance in the database
        if reached >= order.index(MentorStatus.certified):
            self.add(Certificate(provider=provider, mentor=mentor, course=course,
                                 number=f"{provider.invoice_prefix}-C-{self.serial:03d}",
                                 issued_on=course.ends_on))
            checked = self.today - dt.timedelta(days=self.rnd.randint(20, 200))
            self.add(BackgroundCheck(mentor=mentor, checked_on=checked,
                                     valid_until=checked + dt.timedelta(days=365),
                                     result=CheckResult.clear))
        if reached >= order.index(MentorStatus.active):
            start = course.ends_on + dt.timedelta(days=5)
            self.add(Agreement(mentor=mentor, signed=True, signed_on=start, starts_on=start,
                               ends_on=start + dt.timedelta(days=730)))
        if stage == MentorStatus.rejected:
            mentor.rejection_reason = "Neatbilst prasībām par pieredzi"
        mentor.status = stage
        return mentor

    def mentor_user(self, mentor: Mentor, email: str) -> None:
        self.user(email, mentor.full_name, Role.mentor, provider=mentor.provider, mentor=mentor)

    # -- youths, referrals, pairs, hours -------------------------------------------------
    def youths_and_pairs(self, municipality: Municipality, programme: Programme,
                         places: list[Locality], contracts: list[Contract],
                         mentors: list[Mentor], prefix: str, schools: list[str],
                         count: int) -> None:
        t = self.today
        statuses = ([ReferralStatus.accepted] * (count // 2)
                    + [ReferralStatus.new, ReferralStatus.new, ReferralStatus.in_review,
                       ReferralStatus.in_review, ReferralStatus.rejected,
                       ReferralStatus.withdrawn])
        statuses += [ReferralStatus.accepted] * (count - len(statuses))
        mentor_load: dict[int, int] = {}
        for i, status in enumerate(statuses):
            female = self.rnd.random() < 0.5
            first, last = self.person(female)
            received = t - dt.timedelta(days=self.rnd.randint(3, 20) if status in (
                ReferralStatus.new, ReferralStatus.in_review) else self.rnd.randint(40, 150))
            age = self.rnd.randint(14, 19)
            birth = dt.date(received.year - age, self.rnd.randint(1, 12), self.rnd.randint(1, 28))
            if age_on(birth, received) < programme.min_youth_age:
                birth = birth.replace(year=birth.year - 1)
            source = self.rnd.choice(list(ReferralSource))
            if source == ReferralSource.self_referral and (
                programme.self_referral_min_age is None
                or age_on(birth, received) < programme.self_referral_min_age
            ):
                source = ReferralSource.school
            self.serial += 1
            youth = self.add(Youth(
                case_number=f"{prefix}-{received.year}-{i + 1:03d}", first_name=first,
                last_name=last, birth_date=birth,
                personal_code=personal_code(birth, self.serial % 1000) if i % 5 else new_personal_code(self.serial),
                gender=Gender.female if female else Gender.male, municipality=municipality,
                locality=places[i % len(places)], school=self.rnd.choice(schools),
                guardian_name=f"{self.rnd.choice(ADULT_FIRST)} {last}",
                guardian_phone=f"29{self.serial:06d}", consent_youth=True,
                consent_guardian=True, consent_date=received,
                risk_factors=self.rnd.sample(list(self.risk.values()), k=self.rnd.randint(1, 3)),
                interests=self.rnd.choice(["sports, mūzika", "datorspēles, kino", "daba",
                                           "basketbols, foto", "māksla"]),
                languages=self.rnd.choice(["latviešu", "latviešu, krievu", "latviešu, angļu"]),
                mentor_gender=self.rnd.choice([None, None, Gender.female, Gender.male]),
            ))
            for giver in (ConsentGiver.youth, ConsentGiver.parent):
                self.add(Consent(youth=youth, given_by=giver, purpose=ConsentPurpose.service,
                                 method=ConsentMethod.written, given_on=received))
            referral = self.add(Referral(
                youth=youth, programme=programme, municipality=municipality, source=source,
                referrer_institution={
                    ReferralSource.school: youth.school,
                    ReferralSource.social_worker: municipality.social_service,
                    ReferralSource.self_referral: "",
                    ReferralSource.family: "",
                    ReferralSource.institution: "Valsts probācijas dienests",
                }[source],
                referrer_name="" if source == ReferralSource.self_referral else f"{self.rnd.choice(ADULT_FIRST)} {self.rnd.choice(REFERRER_LAST)}",
                received_on=received, needs="Atbalsts mācībās un brīvā laika pavadīšanā.",
                status=status,
            ))
            self.history(referral, status, received)
            if status == ReferralStatus.rejected:
                referral.rejection_reason = "Jaunietim jau tiek sniegts cits atbalsta pakalpojums."
                referral.decided_on = received + dt.timedelta(days=6)
            if status == ReferralStatus.withdrawn:
                referral.decided_on = received + dt.timedelta(days=4)
            if status != ReferralStatus.accepted:
                continue
            contract = contracts[i % len(contracts)]
            referral.provider = contract.provider
            referral.chosen_by = self.rnd.choice(list(ChosenBy))
            referral.decided_on = received + dt.timedelta(days=self.rnd.randint(3, 10))
            free = [m for m in mentors if m.provider is contract.provider
                    and mentor_load.get(id(m), 0) < programme.mentor_capacity
                    and m.birth_date < birth]
            if not free or i % 7 == 6:
                continue  # accepted, waiting to be paired
            mentor = min(free, key=lambda m: mentor_load.get(id(m), 0))
            mentor_load[id(mentor)] = mentor_load.get(id(mentor), 0) + 1
            self.pair(youth, mentor, contract, referral, programme)

    def history(self, referral: Referral, status: ReferralStatus, received: dt.date) -> None:
        path = {
            ReferralStatus.new: [ReferralStatus.new],
            ReferralStatus.in_review: [ReferralStatus.new, ReferralStatus.in_review],
            ReferralStatus.accepted: [ReferralStatus.new, ReferralStatus.in_review,
                                      ReferralStatus.accepted],
            ReferralStatus.rejected: [ReferralStatus.new, ReferralStatus.in_review,
                                      ReferralStatus.rejected],
            ReferralStatus.withdrawn: [ReferralStatus.new, ReferralStatus.withdrawn],
        }[status]
        previous = None
        for step in path:
            self.add(ReferralStatusChange(referral=referral, from_status=previous, to_status=step,
                                          changed_by=self.admin, comment=""))
            previous = step

    def pair(self, youth: Youth, mentor: Mentor, contract: Contract, referral: Referral,
             programme: Programme) -> None:
        t = self.today
        start = max(referral.decided_on or referral.received_on, referral.received_on) + dt.timedelta(days=7)
        if start > t:
            start = t
        months = programme.max_months or programme.min_months + 3
        planned_end = add_months(start, months)
        status = PairStatus.active
        ended = None
        if planned_end < t:
            status = PairStatus.completed
            ended = planned_end
        pair = self.add(Pair(
            youth=youth, mentor=mentor, provider=contract.provider, programme=programme,
            contract=contract, referral=referral,
            starts_on=start, planned_end_on=planned_end, ended_on=ended, status=status,
        ))
        previous = None
        for step in ([PairStatus.proposed, PairStatus.active]
                     + ([PairStatus.completed] if status == PairStatus.completed else [])):
            self.add(PairStatusChange(pair=pair, from_status=previous, to_status=step,
                                      changed_by=self.admin))
            previous = step
        areas = self.rnd.sample([GoalArea.education, GoalArea.social, GoalArea.leisure,
                                 GoalArea.daily_life, GoalArea.risk], k=2)
        for area in areas:
            self.add(Goal(
                pair=pair, area=area, description="Kopīgi izvirzīts sadarbības mērķis.",
                target={GoalArea.education: "Uzlabot vērtējumus matemātikā",
                        GoalArea.social: "Piedalīties vienā pulciņā",
                        GoalArea.leisure: "Atrast sporta aktivitāti",
                        GoalArea.daily_life: "Patstāvīgi kārtot ikdienas lietas",
                        GoalArea.risk: "Mazināt smēķēšanu"}[area],
                achievement=Achievement.achieved if status == PairStatus.completed else None,
            ))
        if status == PairStatus.completed:
            pair.evaluation_summary = "Mērķi lielā mērā sasniegti; jaunietis motivēts turpināt."
            pair.youth_feedback = "Man patika, ka varēju runāt atklāti."
            pair.closure_kind = ClosureKind.planned
            pair.closure_reason = self.planned_reason
            pair.exit_note_mentor = "Paldies par kopīgo laiku; turpināsim sazināties svētkos."
        self.pairs_made += 1
        if self.pairs_made % 2:
            self.add(AdditionalSupport(
                pair=pair, kind=self.rnd.choice(list(SupportKind)),
                institution=self.rnd.choice(["Centrs Marta", "Atkarību profilakses centrs",
                                             "Piejūras slimnīca", "Valsts probācijas dienests"]),
                arranged_on=start + dt.timedelta(days=20), outcome="Jaunietis apmeklēja konsultāciju.",
            ))
        self.entries(pair, programme)

    def entries(self, pair: Pair, programme: Programme) -> None:
        t = self.today
        last_day = min(pair.ended_on or t, t)
        cap = programme.monthly_cap_minutes or 10 * 60
        day = pair.starts_on
        used: dict[tuple[int, int], int] = {}
        this_month = month_start(t)
        logged_by = self.admin
        while day <= last_day:
            key = (day.year, day.month)
            minutes = self.rnd.choice([60, 90, 120, 150])
            if day.weekday() < 6 and self.rnd.random() < 0.35 and used.get(key, 0) + minutes <= cap:
                used[key] = used.get(key, 0) + minutes
                if day >= this_month:
                    status = EntryStatus.logged if self.rnd.random() < 0.6 else EntryStatus.approved
                else:
                    status = EntryStatus.approved
                self.add(ServiceEntry(
                    pair=pair, day=day, minutes=minutes,
                    activity=self.rnd.choice(list(Activity)),
                    mode=Mode.in_person if self.rnd.random() < 0.8 else Mode.remote,
                    note="", billable=programme.paid, status=status, logged_by=logged_by,
                    approved_by=self.admin if status == EntryStatus.approved else None,
                ))
            day += dt.timedelta(days=1)

    def invoice_past_months(self) -> None:
        """Close every past month (timesheets signed off once the logging deadline passed),
        issue and deliver every month before last month and mark the older ones paid, so
        last month is left to invoice."""
        t = self.today
        self.db.flush()
        last_month = month_start(t, 1)
        contracts = self.db.scalars(select(Contract).join(Programme).where(Programme.paid)).all()
        actor = Actor.of(self.admin)
        for provider_id in sorted({c.provider_id for c in contracts}):
            for back in range(6, 0, -1):
                start = month_start(t, back)
                closes = hours.logging_deadline(start, 5)
                if closes < t and not timesheets.build(
                        self.db, provider_id, start.year, start.month).waiting:
                    timesheets.sign_off(self.db, provider_id=provider_id, year=start.year,
                                        month=start.month, actor=actor)
        for contract in contracts:
            for back in range(6, 1, -1):
                start = month_start(t, back)
                if start >= last_month:
                    continue
                if not invoicing.billable_entries(self.db, contract, start.year, start.month):
                    continue
                issued = month_start(t, back - 1) + dt.timedelta(days=7)  # after the 5th
                invoice = invoicing.issue_invoice(
                    self.db, contract=contract, year=start.year, month=start.month,
                    actor=actor, issued_on=issued,
                )
                invoicing.record_delivery(self.db, invoice, channel=DeliveryChannel.e_address,
                                          delivered_on=issued, reference="",
                                          actor=actor)
                if back > 2:
                    invoicing.mark_paid(self.db, invoice, paid_on=issued + dt.timedelta(days=20),
                                        amount=invoice.total_amount, actor=actor)
