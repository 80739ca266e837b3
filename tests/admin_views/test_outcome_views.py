"""Questionnaires on the pair's page and by link, and the funder pack (issue 25)."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from common.enums import PairStatus, Role
from models import Pair, QuestionnaireLink, User
from tests.admin_views.test_hours_views import signed_in
from tests.mentoring.test_reminders import Inbox, inbox  # noqa: F401  (the SMTP fixture)


def coordinator_and_pair(db: Any) -> tuple[str, Pair]:
    pair = db.session.scalar(select(Pair).where(Pair.status == PairStatus.active)
                             .order_by(Pair.id))
    email = db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id == pair.provider_id).order_by(User.id))
    return email, pair


def test_a_link_by_e_mail_is_answered_once_and_shows_on_the_case(
        app: Flask, db: Any, demo_users: Any, inbox: Inbox) -> None:  # noqa: F811
    email, pair = coordinator_and_pair(db)
    pair.youth.email = "jaunietis@example.lv"
    db.session.commit()
    coordinator = signed_in(app, email)
    sent = coordinator.post("/admin/pair/questionnaire/", data={
        "id": pair.id, "moment": "end", "respondent": "youth", "channel": "email"})
    assert sent.status_code == 302
    (message,) = inbox.to("jaunietis@example.lv")
    url = re.search(r"https?://\S+/aptauja/\S+", message.get_content()).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    public = app.test_client()
    page = public.get("/" + path).get_data(as_text=True)
    assert pair.youth.first_name in page and pair.youth.last_name not in page
    link = db.session.scalars(select(QuestionnaireLink).where(
        QuestionnaireLink.pair_id == pair.id).order_by(QuestionnaireLink.id.desc())).first()
    answers = {f"q{q.id}": "4" for q in link.questionnaire.questions
               if q.kind.value == "scale"}
    done = public.post("/" + path, data=answers)
    assert done.status_code == 200 and "Paldies" in done.get_data(as_text=True)
    again = public.get("/" + path)
    wrong = public.get("/aptauja/" + "x" * 43)
    assert again.status_code == wrong.status_code == 404
    def shown(response: Any) -> str:  # the page, without its own address (language switch)
        return re.sub(r"/aptauja/[\w-]+", "", response.get_data(as_text=True))

    assert shown(again) == shown(wrong)
    case = coordinator.get(f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert "atbildēta" in case and "Noslēgumā" in case
    town = db.session.scalar(select(User.email).where(
        User.role == Role.municipality,
        User.municipality_id == pair.youth.municipality_id).order_by(User.id))
    assert "atbildēta" in signed_in(app, town).get(
        f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)


def test_another_provider_can_neither_send_nor_read(app: Flask, db: Any,
                                                    demo_users: Any) -> None:
    _email, pair = coordinator_and_pair(db)
    other = db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id != pair.provider_id).order_by(User.id))
    browser = signed_in(app, other)
    before = db.session.scalar(select(QuestionnaireLink.id).order_by(
        QuestionnaireLink.id.desc()).limit(1))
    assert browser.post("/admin/pair/questionnaire/", data={
        "id": pair.id, "moment": "start", "respondent": "youth",
        "channel": "print"}).status_code == 404
    assert browser.get(f"/admin/pair/details/?id={pair.id}").status_code == 404
    assert db.session.scalar(select(QuestionnaireLink.id).order_by(
        QuestionnaireLink.id.desc()).limit(1)) == before
    mentor = signed_in(app, "mentors@mentori.lv")
    assert mentor.post("/admin/pair/questionnaire/", data={
        "id": pair.id, "moment": "start", "respondent": "youth",
        "channel": "print"}).status_code == 403


def test_the_printed_handout_carries_the_link_and_a_qr_code(app: Flask, db: Any,
                                                            demo_users: Any) -> None:
    email, pair = coordinator_and_pair(db)
    handout = signed_in(app, email).post("/admin/pair/questionnaire/", data={
        "id": pair.id, "moment": "start", "respondent": "parent", "channel": "print"})
    assert handout.status_code == 200 and handout.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handout.data)).pages)
    assert "/aptauja/" in text.replace("\n", "") and pair.youth.last_name not in text


def test_the_funder_pack_states_the_rule_and_hides_small_cells(admin_browser: Any) -> None:
    book = admin_browser.get("/admin/reports/pack/xlsx?start=2025-01-01&end=2026-10-14")
    assert book.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(book.data))
    cells = [str(c.value) for ws in sheets.worksheets for row in ws.iter_rows() for c in row]
    assert "<5" in cells and any("mazāk nekā 5" in c for c in cells)
    assert len(sheets.worksheets) >= 8
    pdf = admin_browser.get("/admin/reports/pack/pdf?start=2025-01-01&end=2026-10-14")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert pdf.mimetype == "application/pdf" and "<5" in text and "mazāk nekā 5" in text
    assert admin_browser.get("/admin/reports/pack/doc").status_code == 404


def test_the_youths_page_shows_start_and_end_answers(app: Flask, db: Any,
                                                     demo_users: Any) -> None:
    answered = db.session.scalar(select(QuestionnaireLink).where(
        QuestionnaireLink.answered_at.is_not(None), QuestionnaireLink.pair_id.is_not(None))
        .order_by(QuestionnaireLink.id))
    youth = answered.pair.youth
    town = db.session.scalar(select(User.email).where(
        User.role == Role.municipality, User.municipality_id == youth.municipality_id))
    page = signed_in(app, town).get(f"/admin/youth/details/?id={youth.id}").get_data(
        as_text=True)
    assert "Aptaujas" in page and "atbildēta" in page and "Sākumā" in page
    assert "Sūtīt pa e-pastu" not in page  # sending is the coordinator's, on the pair


def test_the_outcome_report_prints_in_latvian(admin_browser: Any) -> None:
    pdf = admin_browser.get("/admin/reports/?report=change&start=2025-01-01&end=2026-10-14"
                            "&export=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Rezultāti: pārmaiņas" in text and "Vidēji sākumā" in text
