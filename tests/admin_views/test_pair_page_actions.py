"""Only the actions that fit a pair's state, named as actions (issue 22)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from common.enums import PairStatus
from models import Pair
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import today


def test_an_active_pair_far_from_its_end(app: Flask, db: Any, demo_users: Any) -> None:
    pair = db.session.scalar(select(Pair).where(
        Pair.status == PairStatus.active,
        Pair.planned_end_on > today() + dt.timedelta(days=31)).order_by(Pair.id))
    page = signed_in(app, "you@mentori.lv").get(
        f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert "Apturēt pāra sadarbību" in page and ">Apturēts</button>" not in page
    # The evaluation is folded away, the empty closure fields are not listed.
    assert re.search(r'<details class="card card-body mb-3" >\s*<summary class="h6">Izvērtēšana', page)
    for label in ("Mentora noslēguma piezīme", "Slēgšanas iemesls"):
        assert f"<th scope=\"row\" class=\"w-25\">{label}" not in page


def test_the_pairing_form_without_a_mentor_says_so(app: Flask, db: Any, demo_users: Any) -> None:
    browser = signed_in(app, "you@mentori.lv")
    page = browser.get("/admin/pairing/").get_data(as_text=True)
    referral = re.search(r"/admin/pairing/\?provider=\d+&amp;referral=(\d+)", page).group(1)
    url = f"/admin/pairing/?referral={referral}"
    form = browser.get(url).get_data(as_text=True)
    answer = browser.post(url, data={"starts_on": today().isoformat(),
                                     "planned_end_on": (today() + dt.timedelta(days=120))
                                     .isoformat(), "goal_area": "education"})
    text = answer.get_data(as_text=True)
    assert "Izvēlieties mentoru no saraksta." in text and "Nederīga izvēle" not in text
    assert "Nevar veidot pāri" not in form or not re.search(
        r"Nevar veidot pāri[^<]*</td>\s*<td class=\"text-right\">\d", form)
