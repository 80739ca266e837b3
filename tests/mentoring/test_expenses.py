"""Volunteer mentors' expenses (issue 26): travel by the km to the cent, funding sources
not overspent without a warning, a mentor's own claims only, the bookkeeper's totals."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import func, select

from common.actor import Actor
from common.enums import ClaimStatus, ExpenseKind, PairStatus, Role
from common.errors import RuleViolation
from mentoring import expenses
from models import ExpenseClaim, FundingSource, Pair, Programme, User
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import today


@pytest.mark.parametrize(("km", "rate", "amount"), [
    (Decimal("12.5"), Decimal("0.10"), Decimal("1.25")),
    (Decimal("33.3"), Decimal("0.125"), Decimal("4.16")),  # 4.1625
    (Decimal("1"), Decimal("0.125"), Decimal("0.13")),  # half up
    (Decimal("0.1"), Decimal("0.125"), Decimal("0.01")),
    (Decimal("250"), Decimal("0.212"), Decimal("53.00")),
])
def test_travel_is_distance_times_the_rate_to_the_cent(km: Decimal, rate: Decimal,
                                                       amount: Decimal) -> None:
    assert expenses.travel_amount(km, rate) == amount


def volunteer(db: Any) -> tuple[User, Pair]:
    user = db.session.scalar(select(User).where(User.email == "mentors.ogre@mentori.lv"))
    pair = db.session.scalar(select(Pair).where(Pair.mentor_id == user.mentor_id,
                                                Pair.status == PairStatus.active))
    return user, pair


def test_a_claim_is_computed_and_a_source_not_overspent_without_a_warning(
        db: Any, demo_users: Any) -> None:
    user, pair = volunteer(db)
    mentor = Actor.of(user)
    claim = expenses.file_claim(db.session, actor=mentor, pair=pair, day=today(),
                                kind=ExpenseKind.travel, amount=None,
                                distance_km=Decimal("42.5"), purpose="Brauciens uz Taurupi",
                                today=today())
    assert claim.amount == (Decimal("42.5") * pair.programme.km_rate).quantize(Decimal("0.01"))
    coordinator = Actor.of(db.session.scalar(select(User).where(
        User.role == Role.provider, User.provider_id == pair.provider_id)))
    small = FundingSource(provider_id=pair.provider_id, name="Maza kase", year=today().year,
                          amount=claim.amount - Decimal("0.01"))
    db.session.add(small)
    db.session.flush()
    with pytest.raises(RuleViolation, match="tik un tā|even so"):
        expenses.approve(db.session, claim, small, actor=coordinator)
    assert claim.status == ClaimStatus.submitted
    expenses.approve(db.session, claim, small, actor=coordinator, overspend=True)
    assert claim.status == ClaimStatus.approved
    figures = {f.source.id: f for f in expenses.figures(db.session, FundingSource.id == small.id)}
    assert figures[small.id].left == Decimal("-0.01")
    with pytest.raises(RuleViolation):
        expenses.reject(db.session, claim, actor=coordinator, reason="vēlāk")  # decided
    # Another mentor's pair is not theirs to claim for.
    other = db.session.scalar(select(Pair).where(Pair.mentor_id != user.mentor_id,
                                                 Pair.status == PairStatus.active))
    with pytest.raises(RuleViolation):
        expenses.file_claim(db.session, actor=mentor, pair=other, day=today(),
                            kind=ExpenseKind.fee, amount=Decimal("5"), distance_km=None,
                            purpose="x", today=today())


def test_a_mentor_sees_and_files_only_their_own_claims(app: Flask, db: Any,
                                                      demo_users: Any) -> None:
    user, pair = volunteer(db)
    others = db.session.scalars(select(ExpenseClaim).where(
        ExpenseClaim.mentor_id != user.mentor_id)).all()
    mine = db.session.scalars(select(ExpenseClaim).where(
        ExpenseClaim.mentor_id == user.mentor_id)).all()
    assert others and mine
    browser = signed_in(app, "mentors.ogre@mentori.lv")
    page = browser.get("/admin/log/expenses/").get_data(as_text=True)
    assert all(f"/admin/expense_claim/details/?id={c.id}\"" in page for c in mine)
    assert not any(f"/admin/expense_claim/details/?id={c.id}\"" in page for c in others)
    assert browser.get(f"/admin/expense_claim/details/?id={others[0].id}").status_code == 404
    before = db.session.scalar(select(func.count()).select_from(ExpenseClaim))
    other_pair = db.session.scalar(select(Pair).where(Pair.mentor_id != user.mentor_id,
                                                      Pair.status == PairStatus.active))
    refused = browser.post("/admin/log/expenses/", data={
        "pair": other_pair.id, "day": today().isoformat(), "kind": "fee", "amount": "5",
        "purpose": "Biļetes"})
    assert refused.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == before
    sent = browser.post("/admin/log/expenses/", data={
        "pair": pair.id, "day": today().isoformat(), "kind": "travel", "distance_km": "18.4",
        "purpose": "Uz tikšanos Menģelē"})
    assert sent.status_code == 302
    claim = db.session.scalars(select(ExpenseClaim).order_by(ExpenseClaim.id.desc())).first()
    rate = db.session.get(Programme, pair.programme_id).km_rate
    assert claim.amount == expenses.travel_amount(Decimal("18.4"), rate)
    page = browser.get(sent.location).get_data(as_text=True)
    assert "18,4\u00a0km" in page and "18.4" not in page
    assert signed_in(app, "liepaja@mentori.lv").get("/admin/log/expenses/").status_code == 403


def test_the_bookkeepers_totals_equal_the_approved_claims(app: Flask, db: Any,
                                                          demo_users: Any) -> None:
    _user, pair = volunteer(db)
    email = db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id == pair.provider_id))
    year = today().year
    book = signed_in(app, email).get(f"/admin/expenses/xlsx?year={year}")
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    total = rows[-1]
    approved = db.session.scalar(select(func.sum(ExpenseClaim.amount)).where(
        ExpenseClaim.status == ClaimStatus.approved,
        ExpenseClaim.day >= dt.date(year, 1, 1), ExpenseClaim.day <= dt.date(year, 12, 31)))
    assert Decimal(str(total[3])) == approved and total[2] == sum(r[2] for r in rows[1:-1])
    other = db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id != pair.provider_id))
    foreign = openpyxl.load_workbook(io.BytesIO(signed_in(app, other).get(
        f"/admin/expenses/xlsx?year={year}").data)).active
    assert list(foreign.iter_rows(values_only=True))[-1][3] == 0


def test_the_receipt_goes_with_the_mentors_own_waiting_claim(app: Flask, db: Any,
                                                             demo_users: Any) -> None:
    from models import Document, DocumentKind
    from tests.admin_views.test_documents import PDF, upload

    user, _pair = volunteer(db)
    mine = db.session.scalar(select(ExpenseClaim).where(
        ExpenseClaim.mentor_id == user.mentor_id, ExpenseClaim.status == ClaimStatus.submitted))
    decided = db.session.scalar(select(ExpenseClaim).where(
        ExpenseClaim.mentor_id == user.mentor_id, ExpenseClaim.status == ClaimStatus.approved))
    foreign = db.session.scalar(select(ExpenseClaim).where(
        ExpenseClaim.mentor_id != user.mentor_id))
    receipt = db.session.scalar(select(DocumentKind.id).where(DocumentKind.name_lv == "Čeks"))
    browser = signed_in(app, "mentors.ogre@mentori.lv")
    before = db.session.scalar(select(func.count()).select_from(Document))
    if mine is None:  # the demo's waiting claim belongs to another volunteer
        mine = expenses.file_claim(db.session, actor=Actor.of(user), pair=_pair, day=today(),
                                   kind=ExpenseKind.fee, amount=Decimal("3.00"),
                                   distance_km=None, purpose="Biļete", today=today())
        db.session.commit()
    assert upload(browser, "expense_claim", mine.id, receipt, "cheks.pdf", PDF).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Document)) == before + 1
    assert "cheks.pdf" in browser.get(
        f"/admin/expense_claim/details/?id={mine.id}").get_data(as_text=True)
    assert upload(browser, "expense_claim", foreign.id, receipt, "x.pdf",
                  PDF).status_code == 404
    if decided is not None:
        upload(browser, "expense_claim", decided.id, receipt, "y.pdf", PDF)
    assert db.session.scalar(select(func.count()).select_from(Document)) == before + 1


def test_odd_numbers_and_paid_mentors_get_messages_not_errors(app: Flask, db: Any,
                                                              demo_users: Any) -> None:
    user, pair = volunteer(db)
    browser = signed_in(app, "mentors.ogre@mentori.lv")
    before = db.session.scalar(select(func.count()).select_from(ExpenseClaim))
    for bad in ({"kind": "travel", "distance_km": "sNaN"}, {"kind": "fee", "amount": "NaN"},
                {"kind": "fee", "amount": "1e30"}, {"kind": "fee", "amount": "-4"}):
        answer = browser.post("/admin/log/expenses/", data={
            "pair": pair.id, "day": today().isoformat(), "purpose": "x", **bad})
        assert answer.status_code == 200, bad
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == before
    claim = db.session.scalar(select(ExpenseClaim).where(
        ExpenseClaim.mentor_id == user.mentor_id))
    edit = browser.get(f"/admin/expense_claim/edit/?id={claim.id}").get_data(as_text=True)
    assert 'name="purpose"' in edit or claim.status != ClaimStatus.submitted
    assert 'name="amount"' not in edit and 'name="status"' not in edit
    paid = db.session.scalar(select(User).where(User.email == "mentors@mentori.lv"))
    paid_pair = db.session.scalar(select(Pair).where(Pair.mentor_id == paid.mentor_id,
                                                     Pair.status == PairStatus.active))
    with pytest.raises(RuleViolation):
        expenses.file_claim(db.session, actor=Actor.of(paid), pair=paid_pair, day=today(),
                            kind=ExpenseKind.fee, amount=Decimal("5"), distance_km=None,
                            purpose="Biļetes", today=today())
