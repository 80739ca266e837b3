"""Record rules hold on every path — here the plain session, as the CLI and imports use it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from mentoring.errors import RuleViolations
from models import Contract, Pair, Provider, ServiceEntry, Youth


def fields_of(exc: RuleViolations) -> set[str | None]:
    return {v.field for v in exc.violations}


@pytest.mark.parametrize(("minutes", "ok"), [(15, True), (1440, True), (0, False), (-15, False),
                                             (20, False), (1455, False)])
def test_service_entry_minutes(db: Any, demo_users: Any, minutes: int, ok: bool) -> None:
    pair = db.session.scalar(select(Pair).limit(1))
    entry = ServiceEntry(pair=pair, day=pair.starts_on, minutes=minutes, activity="study")
    db.session.add(entry)
    if ok:
        db.session.flush()
        assert entry.id is not None
    else:
        with pytest.raises(RuleViolations) as caught:
            db.session.flush()
        assert fields_of(caught.value) == {"minutes"}


def test_contract_dates_and_exemption_note(db: Any, demo_users: Any) -> None:
    contract = db.session.scalar(select(Contract).limit(1))
    contract.valid_to = contract.valid_from - dt.timedelta(days=1)
    contract.vat_exemption_note = ""
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert fields_of(caught.value) == {"valid_to", "vat_exemption_note"}


def test_provider_vat_number_is_lv_plus_registration(db: Any, demo_users: Any) -> None:
    provider = db.session.scalar(select(Provider).where(Provider.vat_number.is_not(None)))
    provider.vat_number = "LV40003521600"
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert fields_of(caught.value) == {"vat_number"}


def test_youth_personal_code_is_normalised(db: Any, demo_users: Any) -> None:
    youth = db.session.scalar(select(Youth).limit(1))
    youth.birth_date = dt.date(1975, 11, 16)
    youth.personal_code = "16117519997"
    db.session.flush()
    assert youth.personal_code == "161175-19997"


def test_database_constraints_back_the_rules(db: Any, demo_users: Any) -> None:
    """Even a raw UPDATE that skips the ORM cannot store a negative rate."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(update(Contract).values(hourly_rate=Decimal("-1")))
    db.session.rollback()
