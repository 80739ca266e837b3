"""The mentor's page shows their way through selection, training and pairs (issue 22)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from common.enums import PairStatus
from models import Pair
from tests.admin_views.test_hours_views import signed_in


def test_the_mentors_way_as_the_coordinator_sees_it(app: Flask, db: Any, demo_users: Any) -> None:
    pair = db.session.scalar(select(Pair).where(Pair.status == PairStatus.active)
                             .order_by(Pair.id))
    url = f"/admin/mentor/details/?id={pair.mentor_id}"
    page = signed_in(app, "you@mentori.lv").get(url).get_data(as_text=True)
    for heading in ("Intervijas", "Apmeklētās apmācības", "Sertifikāti", "Sadarbības līgumi",
                    "Supervīzija", "Mentorpāri"):
        assert heading in page, heading
    assert f"/admin/pair/details/?id={pair.id}" in page
    # A social worker sees the mentor's name and pairs in their scope, not the selection.
    social = signed_in(app, "liepaja@mentori.lv").get(url)
    if social.status_code == 200:
        text = social.get_data(as_text=True)
        assert "Intervijas" not in text and "Apmeklētās apmācības" not in text
    assert signed_in(app, "hoh@mentori.lv").get(url).status_code == 404
