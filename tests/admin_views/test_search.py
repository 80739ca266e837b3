"""The list search finds substrings of names and case numbers through an index (FTS5 trigrams
on SQLite, pg_trgm on PostgreSQL), folds Latvian capitals, stays within the reader's scope and
follows every change of a name."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update

from models import Provider, Referral, Youth
from tests.admin_views.test_hours_views import signed_in


def found(browser: Any, term: str) -> set[int]:
    page = browser.get(f"/admin/youth/?search={term}&page_size=100")
    assert page.status_code == 200
    return {int(i) for i in re.findall(r"/admin/youth/details/\?id=(\d+)",
                                       page.get_data(as_text=True))}


def test_search_by_substring_case_and_scope(app: Any, db: Any, demo_users: Any) -> None:
    ours, theirs = db.session.scalars(
        select(Youth).join(Referral, Referral.youth_id == Youth.id)
        .join(Provider, Provider.id == Referral.provider_id)
        .where(Provider.invoice_prefix == "YOU").order_by(Youth.id).limit(2)).all()
    other = db.session.scalar(
        select(Youth).where(~Youth.id.in_(
            select(Referral.youth_id).join(Provider, Provider.id == Referral.provider_id)
            .where(Provider.invoice_prefix == "YOU"))).order_by(Youth.id))
    db.session.execute(update(Youth).where(Youth.id == ours.id).values(last_name="Ābolkalne"))
    db.session.execute(update(Youth).where(Youth.id == other.id).values(last_name="Ābolkalniņa"))
    db.session.commit()
    admin = signed_in(app, "admin@mentori.lv")
    # A substring, in any case (Ā and ā alike), of both youths; a case number's tail.
    assert {ours.id, other.id} <= found(admin, "bolkaln")
    assert {ours.id, other.id} <= found(admin, "āBOLKALN")
    assert found(admin, "bolkalniņ") == {other.id}
    assert ours.id in found(admin, ours.case_number[-4:])
    assert found(admin, "bolkaln ņa") == {other.id}  # every word must match
    assert other.id in found(admin, "ņa")  # too short for trigrams: searched as before
    # The coordinator's search stays within the youths referred to their organisation.
    coordinator = signed_in(app, "you@mentori.lv")
    assert found(coordinator, "bolkaln") == {ours.id}
    # A changed name is found at once, the old one no more.
    db.session.execute(update(Youth).where(Youth.id == ours.id).values(last_name="Bērziņa"))
    db.session.commit()
    assert ours.id not in found(admin, "Ābolkalne") and ours.id in found(admin, "ērziņ")
    assert theirs.id not in found(admin, "ērziņ")
