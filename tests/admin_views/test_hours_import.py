"""Importing a month's entries: checked row by row, nothing imported unless every row passes."""

from __future__ import annotations

import io
from typing import Any

import tablib
from flask import Flask
from sqlalchemy import func, select

from common.clock import today
from models import ServiceEntry
from tests.admin_views.test_hours_views import mentors_pair, signed_in


def csv_file(rows: list[list[Any]]) -> tuple[io.BytesIO, str]:
    header = "case_number,date,minutes,activity,mode,billable,note\n"
    body = "".join(",".join(str(v) for v in row) + "\n" for row in rows)
    return io.BytesIO((header + body).encode()), "stundas.csv"


def count(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceEntry))


def test_one_bad_row_imports_nothing_and_names_the_line(app: Flask, db: Any,
                                                        demo_users: Any) -> None:
    pair = mentors_pair(db)
    day = today().replace(day=1).strftime("%d.%m.%Y")
    case = pair.youth.case_number
    rows = [[case, day, 240, "study", "in_person", "jā", ""],
            [case, day, 240, "sports", "in_person", "jā", ""],
            [case, "31.02.2026", 60, "study", "in_person", "jā", ""],
            [case, day, 240, "study", "in_person", "jā", ""],
            [case, day, 240, "study", "in_person", "jā", ""],
            [case, day, 240, "study", "in_person", "jā", ""],
            [case, day, 60, "study", "in_person", "jā", "over the cap"]]
    before = count(db)
    browser = signed_in(app, "you@mentori.lv")
    page = browser.post("/admin/hours-import/", data={"file": csv_file(rows), "mode": "import"},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "<td>4</td>" in page  # the bad date, on line 4
    assert "<td>8</td>" in page and "vēl pieejamas 0 h" in page  # the row past the cap
    assert count(db) == before


def test_valid_file_checks_then_imports(app: Flask, db: Any, demo_users: Any) -> None:
    pair = mentors_pair(db)
    day = today().replace(day=1).strftime("%d.%m.%Y")
    rows = [[pair.youth.case_number, day, 90, "study", "remote", "yes", "Mājasdarbi"],
            [pair.youth.case_number, day, 60, "consultation", "in_person", "no", ""]]
    before = count(db)
    browser = signed_in(app, "you@mentori.lv")
    check = browser.post("/admin/hours-import/", data={"file": csv_file(rows), "mode": "check"},
                         content_type="multipart/form-data")
    assert "Visas 2 rindas ir derīgas" in check.get_data(as_text=True)
    assert count(db) == before
    browser.post("/admin/hours-import/", data={"file": csv_file(rows), "mode": "import"},
                 content_type="multipart/form-data")
    assert count(db) == before + 2


def test_xlsx_and_other_providers_rows(app: Flask, db: Any, demo_users: Any) -> None:
    pair = mentors_pair(db)
    data = tablib.Dataset(headers=["lietas_numurs", "datums", "minūtes", "aktivitāte"])
    data.append([pair.youth.case_number, today().replace(day=1).strftime("%d.%m.%Y"), 60,
                 "study"])
    other = signed_in(app, "hoh@mentori.lv")  # the pair is YOU+'s: not found for them
    page = other.post("/admin/hours-import/",
                      data={"file": (io.BytesIO(data.export("xlsx")), "h.xlsx"), "mode": "import"},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "<td>2</td>" in page and pair.youth.first_name not in page
    mine = signed_in(app, "you@mentori.lv")
    before = count(db)
    mine.post("/admin/hours-import/",
              data={"file": (io.BytesIO(data.export("xlsx")), "h.xlsx"), "mode": "import"},
              content_type="multipart/form-data")
    assert count(db) == before + 1
    assert signed_in(app, "liepaja@mentori.lv").get("/admin/hours-import/").status_code == 403
