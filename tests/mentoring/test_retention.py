"""Retention of closed cases: the boundaries, the refusals, and that nothing identifying is left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select, text, update

from common.actor import Actor
from common.enums import PairStatus, ReferralStatus
from mentoring import retention
from models import (
    AdditionalSupport,
    AuditLog,
    CheckIn,
    Consent,
    Goal,
    InvoiceLine,
    Pair,
    Programme,
    Referral,
    RiskFactor,
    SafetyConcern,
    SafetyConcernEvent,
    ServiceEntry,
    Youth,
)
from models.youth import youth_risk_factor
from tests import small_world

TODAY = dt.date(2026, 6, 15)  # with 60 months kept, cases closed before 15.06.2021 are due


@pytest.fixture()
def world(db: Any) -> dict[str, int]:
    """On the small world: y4's referral was rejected on 14.06.2021 (one day past keeping);
    y2's pair ended on 15.06.2021 (kept to the day); y5's pair ended in 2020 but an unpaid
    invoice bills it; y1 has a running pair and y3 an open referral."""
    ids = small_world.build(db.session)
    s = db.session
    s.execute(update(Programme).values(retention_months=60))
    s.execute(update(Referral).where(Referral.id == ids["r4"]).values(
        status=ReferralStatus.rejected, decided_on=dt.date(2021, 6, 14),
        rejection_reason="Neatbilst programmai", needs="Slepenas vajadzības"))
    s.execute(update(Referral).where(Referral.id == ids["r2"]).values(
        decided_on=dt.date(2021, 1, 5)))
    s.execute(update(Pair).where(Pair.id == ids["pb"]).values(
        status=PairStatus.completed, starts_on=dt.date(2021, 1, 10),
        planned_end_on=dt.date(2021, 6, 15), ended_on=dt.date(2021, 6, 15)))
    s.execute(update(Referral).where(Referral.id == ids["r5"]).values(
        decided_on=dt.date(2019, 12, 1)))
    s.execute(update(Pair).where(Pair.id == ids["pc"]).values(
        status=PairStatus.ended_early, starts_on=dt.date(2019, 12, 10),
        planned_end_on=dt.date(2020, 4, 10), ended_on=dt.date(2020, 1, 10),
        end_reason="Ģimene pārcēlās"))
    s.execute(insert(InvoiceLine).values(invoice_id=ids["i1"], pair_id=ids["pc"],
                                         description="C-5 V. U.", minutes=60,
                                         rate=Decimal("10.00"), amount=Decimal("10.00")))
    s.commit()
    return ids


def test_due_at_the_boundaries(db: Any, world: dict[str, int]) -> None:
    due = {c.case_number: c for c in retention.due(db.session, TODAY)}
    assert set(due) == {"C-4", "C-5"}  # C-2 is kept to the day; C-1 and C-3 are open
    assert due["C-4"].keep_until == dt.date(2026, 6, 14) and not due["C-4"].unpaid_invoice
    assert due["C-5"].unpaid_invoice
    assert {c.case_number for c in retention.due(db.session, TODAY + dt.timedelta(days=1))} \
        == {"C-2", "C-4", "C-5"}


def test_apply_anonymises_irreversibly_and_refuses_unpaid(db: Any,
                                                          world: dict[str, int]) -> None:
    done, refused = retention.apply(db.session, actor=Actor.system(), today=TODAY)
    db.session.commit()
    assert [c.case_number for c in done] == ["C-4"]
    assert [c.case_number for c in refused] == ["C-5"]
    youth = db.session.get(Youth, world["y4"])
    assert (youth.first_name, youth.last_name, youth.personal_code) == (
        "Anonimizēts", "Jaunietis", None)
    assert youth.anonymised_on == TODAY and youth.case_number == "C-4"
    # Nothing identifying is left anywhere in the database, the audit log included.
    for secret in ("Vārds4", "Uzvārds4", "Slepenas vajadzības", "Neatbilst programmai"):
        assert not anywhere(db, secret), secret
    assert db.session.get(Youth, world["y5"]).first_name == "Vārds5"  # refused: untouched
    # Statistics still count the youth; a second run finds nothing more to do.
    assert db.session.scalar(select(Referral.status).where(Referral.id == world["r4"])) \
        == ReferralStatus.rejected
    assert [c.case_number for c in retention.due(db.session, TODAY)] == ["C-5"]


def test_every_record_of_the_youth_is_erased(db: Any, world: dict[str, int]) -> None:
    """Check-in notes, goals and the audit entries about any of the youth's records go too."""
    goal = db.session.scalar(select(Goal.id).where(Goal.pair_id == world["pb"]))
    db.session.execute(insert(CheckIn).values(
        pair_id=world["pb"], held_on=dt.date(2021, 2, 1), channel="phone", contact="parent",
        relationship_quality=3, goal_progress="Slepena virzība", notes="Slepena piezīme"))
    db.session.execute(insert(AuditLog).values(
        action="update", model="Goal", record_id=str(goal),
        changes={"description": ["", "Slepens mērķis"]}))
    db.session.execute(update(Pair).where(Pair.id == world["pb"]).values(
        exit_note_mentor="Slepena mentora piezīme", exit_note_parent="Slepena vecāku piezīme"))
    concern = db.session.execute(insert(SafetyConcern).values(
        pair_id=world["pb"], raised_on=dt.date(2021, 3, 1), category="other", severity="low",
        description="Slepens notikums", actions_taken="Slepena rīcība",
        closed_on=dt.date(2021, 3, 2), resolution="Slepens risinājums")).inserted_primary_key[0]
    db.session.execute(insert(SafetyConcernEvent).values(
        concern_id=concern, kind="raised", text="Slepens notikums", at=dt.datetime(2021, 3, 1)))
    db.session.execute(insert(Consent).values(
        youth_id=world["y2"], given_by="parent", purpose="service", method="written",
        given_on=dt.date(2021, 1, 1), note="Slepena piekrišanas piezīme",
        recorded_at=dt.datetime(2021, 1, 1)))
    db.session.commit()
    done, _refused = retention.apply(db.session, actor=Actor.system(), today=TODAY + dt.timedelta(days=1))
    db.session.commit()
    assert "C-2" in [c.case_number for c in done]
    for secret in ("Slepena virzība", "Slepena piezīme", "Slepens mērķis", "Vārds2",
                   "Slepena mentora piezīme", "Slepena vecāku piezīme", "Slepens notikums",
                   "Slepena rīcība", "Slepens risinājums", "Slepena piekrišanas piezīme"):
        assert not anywhere(db, secret), secret


def test_the_walk_erases_every_text_and_link_of_the_case(db: Any, world: dict[str, int]) -> None:
    """Finding 13: hours' rejection reasons, referring institutions, support institutions and
    the risk-factor links went unerased when the tables were listed by hand."""
    risk = db.session.execute(insert(RiskFactor).values(code="addiction")).inserted_primary_key[0]
    db.session.execute(insert(youth_risk_factor).values(youth_id=world["y2"], risk_factor_id=risk))
    db.session.execute(update(Referral).where(Referral.id == world["r2"]).values(
        referrer_institution="Valsts probācijas dienests, Liepājas nodaļa"))
    db.session.execute(insert(ServiceEntry).values(
        pair_id=world["pb"], day=dt.date(2021, 2, 3), minutes=60, activity="study",
        mode="in_person", status="rejected", rejection_reason="Vārds2 bija slims ar gripu"))
    db.session.execute(insert(AdditionalSupport).values(
        pair_id=world["pb"], kind="psychologist", institution="Centrs Marta",
        arranged_on=dt.date(2021, 2, 1), outcome="Apmeklēja"))
    db.session.commit()
    tables = {t.table.name for t in retention.case_tables(world["y2"])}
    assert {"youth", "referral", "referral_status_change", "pair", "pair_status_change", "goal",
            "service_entry", "check_in", "safety_concern", "safety_concern_event", "consent",
            "additional_support", "invoice_line", "youth_risk_factor"} <= tables
    retention.apply(db.session, actor=Actor.system(), today=TODAY + dt.timedelta(days=1))
    db.session.commit()
    for secret in ("probācijas", "gripu", "Centrs Marta", "Apmeklēja"):
        assert not anywhere(db, secret), secret
    assert db.session.execute(select(youth_risk_factor).where(
        youth_risk_factor.c.youth_id == world["y2"])).first() is None
    # What stays: the case number, counts and dates, the minutes of the hours.
    assert db.session.get(Youth, world["y2"]).case_number == "C-2"
    assert db.session.scalar(select(ServiceEntry.minutes).where(
        ServiceEntry.pair_id == world["pb"], ServiceEntry.day == dt.date(2021, 2, 3))) == 60


def anywhere(db: Any, value: str) -> list[str]:
    """Every text column of every table that holds ``value``."""
    hits = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if _python_type(column) in (str, dict, list):
                found = db.session.execute(text(
                    f'SELECT 1 FROM "{table.name}" WHERE CAST("{column.name}" AS TEXT) '
                    "LIKE :v LIMIT 1"), {"v": f"%{value}%"}).first()
                if found:
                    hits.append(f"{table.name}.{column.name}")
    return hits


def _python_type(column: Any) -> Any:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def test_command_lists_then_applies(app: Any, db: Any, world: dict[str, int]) -> None:
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["retention", "--dry-run"])
    assert listed.exit_code == 0 and "nothing changed" in listed.output
    assert db.session.get(Youth, world["y4"]).first_name == "Vārds4"

