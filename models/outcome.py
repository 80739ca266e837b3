"""Questionnaires as data (per programme, moment and respondent), the one-time links a
respondent answers them by, and the answers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import GoalArea, Moment, QuestionKind, QuestionTopic, Respondent
from common.i18n import _l
from models.base import CreatedAt, Model, enum_column, label

RIGA = ZoneInfo("Europe/Riga")

if TYPE_CHECKING:
    from models.organisation import Programme
    from models.pair import Pair


class Questionnaire(Model):
    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("programme_id", "moment", "respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True,
        info=label(_l("Programme")))
    moment: Mapped[Moment] = mapped_column(enum_column(Moment, "moment"),
                                           info=label(_l("When")))
    respondent: Mapped[Respondent] = mapped_column(enum_column(Respondent, "respondent"),
                                                   info=label(_l("Who answers")))
    title_lv: Mapped[str] = mapped_column(String(200), info=label(_l("Title in Latvian")))
    title_en: Mapped[str] = mapped_column(String(200), info=label(_l("Title in English")))
    active: Mapped[bool] = mapped_column(default=True, info=label(_l("In use")))

    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))
    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", order_by="Question.position",
        cascade="all, delete-orphan", info=label(_l("Questions")))

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_lv

    def __str__(self) -> str:
        return f"{self.title_lv} ({self.respondent.label}, {self.moment.label})"


class Question(Model):
    __tablename__ = "question"
    __table_args__ = (CheckConstraint("position >= 0", name="position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True,
        info=label(_l("Questionnaire")))
    position: Mapped[int] = mapped_column(default=0, info=label(_l("Order")))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "kind"),
                                               info=label(_l("Kind")))
    text_lv: Mapped[str] = mapped_column(String(300), info=label(_l("Question in Latvian")))
    text_en: Mapped[str] = mapped_column(String(300), default="",
                                         info=label(_l("Question in English")))
    low_lv: Mapped[str] = mapped_column(String(80), default="", info=label(_l("1 means (Latvian)")))
    low_en: Mapped[str] = mapped_column(String(80), default="", info=label(_l("1 means (English)")))
    high_lv: Mapped[str] = mapped_column(String(80), default="", info=label(_l("5 means (Latvian)")))
    high_en: Mapped[str] = mapped_column(String(80), default="", info=label(_l("5 means (English)")))
    options_lv: Mapped[str] = mapped_column(Text, default="", info=label(
        _l("Choices in Latvian (one a line)")))
    options_en: Mapped[str] = mapped_column(Text, default="", info=label(
        _l("Choices in English (one a line)")))
    area: Mapped[GoalArea | None] = mapped_column(enum_column(GoalArea, "area"),
                                                  info=label(_l("Goal area")))
    topic: Mapped[QuestionTopic] = mapped_column(
        enum_column(QuestionTopic, "topic"), default=QuestionTopic.other,
        info=label(_l("Measures")))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions",
                                                        info=label(_l("Questionnaire")))

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_lv

    def ends(self, language: str) -> tuple[str, str]:
        if language == "en" and (self.low_en or self.high_en):
            return self.low_en, self.high_en
        return self.low_lv, self.high_lv

    def options(self, language: str) -> list[str]:
        text = self.options_en if language == "en" and self.options_en else self.options_lv
        return [line.strip() for line in text.splitlines() if line.strip()]

    def __str__(self) -> str:
        return self.text_lv


class QuestionnaireLink(CreatedAt, Model):
    """A personal link: one questionnaire for one pair's respondent, answered once before it
    expires. Only the token's hash is kept. The programme, municipality and provider stay
    when the pair is anonymised, so answers count in reports without naming anyone."""

    __tablename__ = "questionnaire_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int | None] = mapped_column(
        ForeignKey("pair.id", ondelete="SET NULL"), index=True, info=label(_l("Pair")))
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Questionnaire")))
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Programme")))
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")))
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider")))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=label(_l("Token")))
    sent_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Sent on")))
    expires_on: Mapped[dt.date] = mapped_column(info=label(_l("Valid until")))
    sent_to: Mapped[str] = mapped_column(String(120), default="", info=label(_l("Sent to")))
    answered_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), info=label(_l("Answered")))
    withdrawn: Mapped[bool] = mapped_column(default=False, info=label(_l("Replaced")))
    reminded_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Reminded")))

    pair: Mapped[Pair | None] = relationship(info=label(_l("Pair")))
    questionnaire: Mapped[Questionnaire] = relationship(info=label(_l("Questionnaire")))

    @property
    def answered_on(self) -> dt.date | None:
        """The day it was answered, in Riga (SQLite hands the time back without a zone)."""
        if self.answered_at is None:
            return None
        at = self.answered_at if self.answered_at.tzinfo else self.answered_at.replace(
            tzinfo=dt.UTC)
        return at.astimezone(RIGA).date()

    answers: Mapped[list[Answer]] = relationship(back_populates="link",
                                                 cascade="all, delete-orphan",
                                                 info=label(_l("Answers")))


class Answer(Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("link_id", "question_id"),
                      CheckConstraint("number IS NULL OR number BETWEEN 0 AND 50",
                                      name="number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_link.id", ondelete="CASCADE"), index=True,
        info=label(_l("Link")))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="RESTRICT"), index=True, info=label(_l("Question")))
    number: Mapped[int | None] = mapped_column(info=label(_l("Answer (number)")))
    text: Mapped[str] = mapped_column(String(500), default="", info=label(
        _l("Answer (text)"), sensitive=True))

    link: Mapped[QuestionnaireLink] = relationship(back_populates="answers",
                                                   info=label(_l("Link")))
    question: Mapped[Question] = relationship(info=label(_l("Question")))
