"""The home page as each role sees it: its figures, its scope, and a fixed query cost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from common import clock
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import Browser
from tests.mentoring.test_dashboard import world  # noqa: F401  (fixture)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("email", ["admin@mentori.lv", "liepaja@mentori.lv", "ogre@mentori.lv",
                                   "you@mentori.lv", "talanti@mentori.lv", "mentors@mentori.lv"])
def test_every_role_gets_its_dashboard(app: Flask, demo_users: Any, email: str) -> None:
    response = signed_in(app, email).get("/admin/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if email.startswith("mentors"):  # a mentor's home is made for logging, not figures
        assert "Reģistrēt tikšanos" in page and 'role="img"' not in page
        assert "Nosūtījumi pēc statusa" not in page and "Mentoru atlases gaita" not in page
        return
    assert 'role="img"' in page and "Aktīvie mentorpāri" in page
    if email.startswith("ogre") or email.startswith("talanti"):
        assert "LIE-" not in page  # nothing of Liepāja's youths reaches Ogre


def test_figures_on_the_page_for_a_municipality(app: Flask, db: Any, world: dict) -> None:  # noqa: F811
    browser = Browser(app.test_client())
    browser.sign_in("alfa@w.lv")
    page = text_of(browser.get("/admin/").get_data(as_text=True))
    # Alfa's figures from the small world: 1 waiting (r3), median 7 and 17 days, 2 active pairs.
    assert re.search(r"1 Nosūtījumi, kas gaida lēmumu", page)
    assert "7 Dienu mediāna no nosūtījuma līdz lēmumam" in page
    assert "17 Dienu mediāna no nosūtījuma līdz mentorpāra sākumam" in page
    assert "2 Aktīvie mentorpāri" in page
    assert "C-3" in page and "C-4" not in page and "C-5" not in page
    assert "Budžets 1 000,00 €" in page.replace("\xa0", " ")


def test_home_page_cost_does_not_grow_with_data(app: Flask, db: Any, world: dict,  # noqa: F811
                                                count_queries: Any) -> None:
    import datetime as dt

    from sqlalchemy import insert

    from common.enums import Activity, PairStatus, ReferralSource
    from models import Pair, Referral, ServiceEntry

    browser = Browser(app.test_client())
    browser.sign_in("admin@w.lv")
    browser.get("/admin/")
    with count_queries() as small:
        assert browser.get("/admin/").status_code == 200
    start = clock.today() - dt.timedelta(days=60)

    def grow(referrals: int, pairs: int) -> None:
        db.session.execute(insert(Referral), [
            {"youth_id": world["y3"], "programme_id": world["p1"],
             "municipality_id": world["alfa"], "source": ReferralSource.school,
             "received_on": start} for _ in range(referrals)])
        new = [db.session.execute(insert(Pair).values(
            youth_id=world["y3"], mentor_id=world["mn2"], provider_id=world["v1"],
            contract_id=world["c1"], programme_id=world["p1"], starts_on=start,
            planned_end_on=start + dt.timedelta(days=70), status=PairStatus.active))
            .inserted_primary_key[0] for _ in range(pairs)]
        db.session.execute(insert(ServiceEntry), [
            {"pair_id": pair, "day": start + dt.timedelta(days=i), "minutes": 60,
             "activity": Activity.study} for pair in new for i in range(4)])
        db.session.commit()

    grow(25, 15)
    with count_queries() as large:
        page = browser.get("/admin/")
    assert page.status_code == 200 and "un vēl" in page.get_data(as_text=True)
    # A list counts its rows apart only once it has more than it shows: at most one more
    # query per list, and then no more however many rows there are.
    assert small.count <= large.count <= small.count + 13
    grow(100, 60)
    with count_queries() as larger:
        assert browser.get("/admin/").status_code == 200
    assert larger.count == large.count
