"""Records that hours or invoices rest on are never deleted, by any path."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from common.errors import RuleViolations
from models import Contract, Mentor, Pair, ServiceEntry, Youth
from tests.admin_views.test_hours_views import signed_in


def with_hours(db: Any, model: type) -> Any:
    column = {Youth: Pair.youth_id, Mentor: Pair.mentor_id, Pair: Pair.id,
              Contract: Pair.contract_id}[model]
    return db.session.scalar(select(model).where(model.id.in_(
        select(column).join(ServiceEntry, ServiceEntry.pair_id == Pair.id))).limit(1))


@pytest.mark.parametrize("model", [Youth, Mentor, Pair, Contract])
def test_the_session_refuses_the_delete(db: Any, demo_users: Any, model: type) -> None:
    record = with_hours(db, model)
    db.session.delete(record)
    with pytest.raises(RuleViolations):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(model, record.id) is not None


@pytest.mark.parametrize(("model", "endpoint"), [(Youth, "youth"), (Mentor, "mentor"),
                                                  (Pair, "pair"), (Contract, "contract")])
def test_the_screen_explains_and_keeps_the_record(app: Any, db: Any, demo_users: Any,
                                                 model: type, endpoint: str) -> None:
    record = with_hours(db, model)
    before = db.session.scalar(select(func.count()).select_from(model))
    response = signed_in(app, "admin@mentori.lv").post(
        f"/admin/{endpoint}/delete/", data={"id": record.id}, follow_redirects=True)
    assert "tiek saglabāts" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(model)) == before
