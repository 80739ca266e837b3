"""Reports through the screen and their exports, per role and scope."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from flask import Flask

from tests.conftest import Browser
from tests.mentoring.test_dashboard import world  # noqa: F401  (fixture)

PERIOD = "start=2026-01-01&end=2026-06-30"


def signed(app: Flask, email: str) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


def test_report_page_and_exports(app: Flask, world: dict) -> None:  # noqa: F811
    browser = signed(app, "admin@w.lv")
    page = browser.get(f"/admin/reports/?report=hours&{PERIOD}").get_data(as_text=True)
    assert "<td class=\"\">Pirmais</td>" in page and "9 h 15 min" in page and "250,00" in page
    response = browser.get(f"/admin/reports/?report=hours&{PERIOD}&export=csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Pakalpojuma sniedzējs", "Mēnesis", "Stundas", "Apstiprinātās stundas",
                       "Izrakstīts rēķinos"]
    assert rows[-1] == ["Kopā", "", "9.25", "8.25", "250.0"]
    xlsx = browser.get(f"/admin/reports/?report=youths&{PERIOD}&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[sheet.max_row]] == ["Kopā", None, 3]


def test_scope_cannot_be_widened_by_filters(app: Flask, world: dict) -> None:  # noqa: F811
    browser = signed(app, "beta@w.lv")
    page = browser.get(
        f"/admin/reports/?report=hours&{PERIOD}&municipality={world['alfa']}"
        f"&provider={world['v1']}").get_data(as_text=True)
    assert "<td class=\"\">Pirmais</td>" not in page and "Šajā periodā nekā nav." in page
    assert browser.get("/admin/reports/?report=supervision").status_code == 404
    assert signed(app, "alfa@w.lv").get(
        f"/admin/reports/?report=youths&{PERIOD}&export=csv").status_code == 200


@pytest.mark.parametrize("query", ["start=nonsense&end=2026-13-45", "start=2026-06-30&end=2026-01-01",
                                   "provider=abc"])
def test_bad_filters_fall_back(app: Flask, world: dict, query: str) -> None:  # noqa: F811
    response = signed(app, "v1@w.lv").get(f"/admin/reports/?report=mentors&{query}")
    assert response.status_code == 200


def test_mentors_and_unknown_reports(app: Flask, world: dict) -> None:  # noqa: F811
    assert signed(app, "mn1@w.lv").get("/admin/reports/").status_code == 403
    assert signed(app, "admin@w.lv").get("/admin/reports/?report=nope").status_code == 404
