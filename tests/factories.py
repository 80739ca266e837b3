"""Factory fixtures for small, precise worlds (in the style of Indico's test fixtures).

Each fixture returns a callable that inserts one row with sensible defaults and returns the
loaded model; what a row needs (a programme, a provider, a contract…) is made on first use
and shared by the rows after it. Rows go in as plain inserts — they describe a state, like
``tests/small_world.py`` — so the domain rules under test run on what the test does next,
not on the set-up. A rule test builds three rows instead of the demo world.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from common import clock
from common.enums import (
    Activity,
    EntryStatus,
    Gender,
    GoalArea,
    Language,
    MentorStatus,
    Mode,
    PairStatus,
    Role,
)
from common.months import add_months
from mentoring.demo import DEMO_PASSWORD
from mentoring.passwords import hash_password
from models import (
    Contract,
    Goal,
    Locality,
    Mentor,
    Municipality,
    Pair,
    Programme,
    Provider,
    ServiceEntry,
    User,
    Youth,
)

T = TypeVar("T")
_serial = itertools.count(1)


class World:
    """The shared rows of one test's small world, made when first asked for."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self._made: dict[str, Any] = {}

    def add(self, model: type[T], **values: Any) -> T:
        key = self.db.execute(insert(model).values(**values)).inserted_primary_key[0]
        found = self.db.get(model, key)
        assert found is not None
        return found

    def shared(self, name: str, make: Any) -> Any:
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    # -- the organisations a pair needs ------------------------------------------------------
    def municipality(self) -> Municipality:
        return self.shared("municipality", lambda: self.add(
            Municipality, name="Alfas novads", reg_number="90000000001",
            social_service="Alfas sociālais dienests", case_prefix="ALF"))

    def locality(self) -> Locality:
        return self.shared("locality", lambda: self.add(
            Locality, municipality_id=self.municipality().id, name="Alfciems"))

    def programme(self, **values: Any) -> Programme:
        """The paid programme (20 h a month, 3–5 months) unless ``values`` say otherwise;
        with ``values`` a new programme is made."""
        defaults = {"name": f"Programma {next(_serial)}", "municipality_id":
                    self.municipality().id, "monthly_cap_minutes": 1200, "paid": True,
                    "min_months": 3, "max_months": 5}
        if values:
            return self.add(Programme, **{**defaults, **values})
        return self.shared("programme", lambda: self.add(Programme, **defaults))

    def provider(self) -> Provider:
        return self.shared("provider", lambda: self.add(
            Provider, name="Pirmais", invoice_prefix="PIR", reg_number="40000000001",
            iban="LV80BANK0000435195001", address="Iela 1, Alfciems"))

    def contract(self, programme: Programme | None = None) -> Contract:
        programme = programme or self.programme()
        return self.shared(f"contract-{programme.id}", lambda: self.add(
            Contract, number=f"A-{programme.id}", municipality_id=programme.municipality_id,
            provider_id=self.provider().id, programme_id=programme.id,
            hourly_rate=Decimal("10.00"), valid_from=dt.date(2020, 1, 1),
            valid_to=dt.date(2035, 12, 31)))

    def user(self, role: Role, **scope: Any) -> User:
        n = next(_serial)
        return self.add(User, email=f"user{n}@w.lv", name=f"Lietotājs {n}", role=role,
                        password_hash=hash_password(DEMO_PASSWORD), language=Language.lv,
                        **scope)


@pytest.fixture()
def factory_world(db: Any) -> World:
    """The shared rows (municipality, programme, provider, contract) of the test's world."""
    return World(db.session)


@pytest.fixture()
def create_youth(factory_world: World) -> Any:
    def create(birth_date: dt.date = dt.date(2010, 5, 1), **values: Any) -> Youth:
        n = next(_serial)
        return factory_world.add(Youth, **{
            "case_number": f"C-{n}", "first_name": f"Vārds{n}", "last_name": f"Uzvārds{n}",
            "birth_date": birth_date, "gender": Gender.female,
            "municipality_id": factory_world.municipality().id, "locality_id": factory_world.locality().id,
            "consent_youth": True, "consent_guardian": True, **values})
    return create


@pytest.fixture()
def create_mentor(factory_world: World) -> Any:
    def create(status: MentorStatus = MentorStatus.active, **values: Any) -> Mentor:
        n = next(_serial)
        return factory_world.add(Mentor, **{
            "provider_id": factory_world.provider().id, "programme_id": factory_world.programme().id,
            "first_name": f"Mentors{n}", "last_name": f"M{n}",
            "birth_date": dt.date(1990, 1, 1), "education": "higher", "status": status,
            **values})
    return create


@pytest.fixture()
def create_pair(factory_world: World, create_youth: Any, create_mentor: Any) -> Any:
    def create(starts_on: dt.date | None = None, months: int = 4,
               status: PairStatus = PairStatus.active, programme: Programme | None = None,
               youth: Youth | None = None, mentor: Mentor | None = None,
               **values: Any) -> Pair:
        """An active pair with one goal, started 40 days before today unless told."""
        programme = programme or factory_world.programme()
        starts_on = starts_on or clock.today() - dt.timedelta(days=40)
        pair = factory_world.add(Pair, **{
            "youth_id": (youth or create_youth()).id,
            "mentor_id": (mentor or create_mentor(programme_id=programme.id)).id,
            "provider_id": factory_world.provider().id, "contract_id": factory_world.contract(programme).id,
            "programme_id": programme.id, "starts_on": starts_on,
            "planned_end_on": add_months(starts_on, months), "status": status, **values})
        factory_world.add(Goal, pair_id=pair.id, area=GoalArea.education, description="Mērķis")
        return pair
    return create


@pytest.fixture()
def create_entry(factory_world: World) -> Any:
    def create(pair: Pair, day: dt.date, minutes: int = 60,
               status: EntryStatus = EntryStatus.logged, **values: Any) -> ServiceEntry:
        return factory_world.add(ServiceEntry, **{
            "pair_id": pair.id, "day": day, "minutes": minutes, "activity": Activity.study,
            "mode": Mode.in_person, "billable": True, "status": status, **values})
    return create
