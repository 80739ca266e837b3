"""Reminder e-mails through a real SMTP server on 127.0.0.1 (aiosmtpd), via the CLI command."""

from __future__ import annotations

import datetime as dt
import email
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import insert, select

from common.enums import Language, Role
from mentoring import reminders
from models import ReminderSent, User
from tests import small_world
from tests.net import free_port
from tests.small_world import TODAY


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()  # recipients the server turns away

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: Any) -> str:
        if address in self.refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture()
def inbox(app: Flask) -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "APP_URL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      APP_URL="https://mentori.example.lv")
    try:
        yield box
    finally:
        controller.stop()
        app.config.update(saved)


@pytest.fixture()
def world(db: Any) -> dict[str, int]:
    ids = small_world.build(db.session)
    # mn2 reads English; pb's last session (17.05.) is 29 days before TODAY.
    ids["mn2@w.lv"] = db.session.execute(insert(User).values(
        email="mn2@w.lv", name="Mentor Two", role=Role.mentor, mentor_id=ids["mn2"],
        provider_id=ids["v1"], language=Language.en, password_hash="")).inserted_primary_key[0]
    db.session.commit()
    return ids


def run(app: Flask, on: dt.date = TODAY) -> Any:
    result = app.test_cli_runner().invoke(args=["reminders", "--on", on.isoformat()])
    assert result.exit_code == 0, result.output
    return result


def test_reminders_go_out_once_a_day_in_each_recipients_language(
        app: Flask, world: Any, inbox: Inbox, db: Any) -> None:
    first = run(app)
    assert "Sent 4 reminder(s) (idle: 2, tasks: 2)" in first.output
    (latvian,) = inbox.to("mn1@w.lv")  # pa: last session 02.06., 13 days ago (≥ 10)
    assert latvian["Subject"] == "Pēdējā laikā nav reģistrēta neviena tikšanās"
    assert latvian["Content-Language"] == "lv"
    body = latvian.get_content()
    assert "C-1" in body and "02.06.2026" in body and "13" in body
    assert "https://mentori.example.lv/admin/service_entry/new/" in body
    (english,) = inbox.to("mn2@w.lv")
    assert english["Subject"] == "No session logged lately" and "C-2" in english.get_content()
    (coordinator,) = inbox.to("v1@w.lv")
    assert "https://mentori.example.lv/admin/tasks" in coordinator.get_content()
    assert inbox.to("v2@w.lv") and not inbox.to("alfa@w.lv")  # social workers: tasks page

    again = run(app)  # the same day: nothing twice
    assert "Sent 0 reminder(s) (none); 4 already sent earlier." in again.output
    assert len(inbox.messages) == 4
    assert db.session.scalar(select(ReminderSent.id).where(
        ReminderSent.kind == "idle").limit(1)) is not None

    # Next day: the coordinators' daily list again; a mentor only after another stretch of
    # 10 idle days — mn2 reaches 30 (17.05. + 30), mn1 is at 14.
    run(app, TODAY + dt.timedelta(days=1))
    assert len(inbox.to("v1@w.lv")) == 2 and len(inbox.to("mn2@w.lv")) == 2
    assert len(inbox.to("mn1@w.lv")) == 1
    # mn1: 02.06. + 20 days is the next stretch of 10 idle days.
    run(app, dt.date(2026, 6, 22))
    assert len(inbox.to("mn1@w.lv")) == 2


def test_idle_threshold_is_the_programmes(app: Flask, world: Any, inbox: Inbox,
                                          db: Any) -> None:
    # pa's last session 02.06.: 9 days on 11.06. (below the default 10), 10 on 12.06.
    mentors = {u.mentor_id: u for u in db.session.scalars(select(User).where(
        User.role == Role.mentor))}
    assert "mn1@w.lv" not in [r.user.email for r in reminders.idle(
        db.session, dt.date(2026, 6, 11), mentors)]
    assert "mn1@w.lv" in [r.user.email for r in reminders.idle(
        db.session, dt.date(2026, 6, 12), mentors)]


def test_before_the_logging_deadline_once_a_month(app: Flask, world: Any, inbox: Inbox) -> None:
    # May's hours are due by 05.06. (programme default): reminded from 02.06. to 05.06.
    run(app, dt.date(2026, 6, 1))
    assert not [m for m in inbox.to("mn1@w.lv") if "05.06.2026" in m["Subject"]]
    run(app, dt.date(2026, 6, 2))
    run(app, dt.date(2026, 6, 3))
    deadline = [m for m in inbox.to("mn1@w.lv") if "05.06.2026" in m["Subject"]]
    assert len(deadline) == 1 and "05.2026" in deadline[0]["Subject"]
    english = [m for m in inbox.to("mn2@w.lv") if "05.06.2026" in m["Subject"]]
    assert english[0]["Subject"] == "Log 05.2026 hours by 05.06.2026"


def test_a_refused_reminder_is_sent_on_the_next_run_and_the_others_are_not_repeated(
        app: Flask, world: Any, inbox: Inbox) -> None:
    inbox.refuse = {"mn1@w.lv"}
    failed = app.test_cli_runner().invoke(args=["reminders", "--on", TODAY.isoformat()])
    assert failed.exit_code == 1 and "mn1@w.lv" in failed.output
    assert len(inbox.messages) == 3 and not inbox.to("mn1@w.lv")
    inbox.refuse = set()
    again = run(app)
    assert "Sent 1 reminder(s) (idle: 1); 3 already sent earlier." in again.output
    assert len(inbox.to("mn1@w.lv")) == 1 and len(inbox.messages) == 4
