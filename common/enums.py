"""Enumerations with translated labels, shared by models, rules and views."""

from __future__ import annotations

import enum
from typing import Any

from common.i18n import _l


class LabeledEnum(str, enum.Enum):  # noqa: UP042 - StrEnum would stringify to the value, not the label
    """A string enum whose members carry a lazy, translatable label.

    The value is the stable code stored in the database; ``label`` is what people read.
    """

    label: Any

    def __new__(cls, value: str, label: Any = None) -> LabeledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    def __str__(self) -> str:
        return str(self.label)

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        return [(m.value, m.label) for m in cls]


class Role(LabeledEnum):
    admin = "admin", _l("Administrator")
    municipality = "municipality", _l("Social service staff")
    provider = "provider", _l("Provider coordinator")
    mentor = "mentor", _l("Mentor")


class Language(LabeledEnum):
    lv = "lv", _l("Latvian")
    en = "en", _l("English")


class Gender(LabeledEnum):
    female = "female", _l("Female")
    male = "male", _l("Male")
    other = "other", _l("Other")
    unspecified = "unspecified", _l("Not specified")


class RiskFactorCode(LabeledEnum):
    learning = "learning", _l("Learning difficulties")
    geographic = "geographic", _l("Geographic or economic obstacles")
    social_skills = "social_skills", _l("Limited social skills")
    risky_behaviour = "risky_behaviour", _l("Antisocial or risky behaviour")
    insecure = "insecure", _l("Insecure situation")
    addiction = "addiction", _l("Addictions")
    orphan = "orphan", _l("Orphan or without parental care")
    exclusion = "exclusion", _l("Discrimination or exclusion risk")


class ReferralSource(LabeledEnum):
    school = "school", _l("School")
    social_worker = "social_worker", _l("Social worker")
    self_referral = "self_referral", _l("Self-referral")
    family = "family", _l("Parent or family")
    institution = "institution", _l("Other institution (probation, police…)")


class ChosenBy(LabeledEnum):
    youth = "youth", _l("The youth")
    parent = "parent", _l("Parent or guardian")
    social_worker = "social_worker", _l("Social worker")


class ReferralStatus(LabeledEnum):
    new = "new", _l("New")
    in_review = "in_review", _l("In review")
    accepted = "accepted", _l("Accepted")
    rejected = "rejected", _l("Rejected")
    withdrawn = "withdrawn", _l("Withdrawn")


class Education(LabeledEnum):
    basic = "basic", _l("Basic")
    secondary = "secondary", _l("Secondary")
    vocational = "vocational", _l("Vocational secondary")
    higher = "higher", _l("Higher")


class MentorStatus(LabeledEnum):
    applicant = "applicant", _l("Applicant")
    screened = "screened", _l("Screened")
    interviewed = "interviewed", _l("Interviewed")
    in_training = "in_training", _l("In training")
    certified = "certified", _l("Certified")
    active = "active", _l("Active")
    inactive = "inactive", _l("Inactive")
    rejected = "rejected", _l("Rejected")


class InterviewMode(LabeledEnum):
    phone = "phone", _l("By phone")
    in_person = "in_person", _l("In person")
    online = "online", _l("Online")


class Decision(LabeledEnum):
    pending = "pending", _l("Pending")
    passed = "passed", _l("Passed")
    failed = "failed", _l("Not passed")


class CheckResult(LabeledEnum):
    clear = "clear", _l("No record")
    record_found = "record_found", _l("Record found")


class PairStatus(LabeledEnum):
    proposed = "proposed", _l("Proposed")
    active = "active", _l("Active")
    paused = "paused", _l("Paused")
    completed = "completed", _l("Completed")
    ended_early = "ended_early", _l("Ended early")


class GoalArea(LabeledEnum):
    education = "education", _l("Education")
    employment = "employment", _l("Work and career")
    social = "social", _l("Social skills and relationships")
    health = "health", _l("Health and well-being")
    daily_life = "daily_life", _l("Daily-life skills")
    leisure = "leisure", _l("Leisure and interests")
    family = "family", _l("Family")
    risk = "risk", _l("Risk reduction")


class Achievement(LabeledEnum):
    not_achieved = "not_achieved", _l("Not achieved")
    partly = "partly", _l("Partly achieved")
    achieved = "achieved", _l("Achieved")
    exceeded = "exceeded", _l("Exceeded")


class SupportKind(LabeledEnum):
    psychologist = "psychologist", _l("Psychologist")
    career = "career", _l("Career counselling")
    coaching = "coaching", _l("Coaching")
    nutritionist = "nutritionist", _l("Nutritionist")
    trainer = "trainer", _l("Sports trainer")
    addiction = "addiction", _l("Addiction prevention centre")
    probation = "probation", _l("Probation service")
    crisis = "crisis", _l("Crisis centre")
    other = "other", _l("Other")


class CheckInChannel(LabeledEnum):
    in_person = "in_person", _l("In person")
    phone = "phone", _l("By phone")
    online = "online", _l("Online")


class CheckInContact(LabeledEnum):
    mentor = "mentor", _l("Mentor")
    youth = "youth", _l("Youth")
    parent = "parent", _l("Parent or guardian")


class ConcernCategory(LabeledEnum):
    abuse = "abuse", _l("Abuse or neglect")
    self_harm = "self_harm", _l("Self-harm or suicide risk")
    substances = "substances", _l("Alcohol or drugs")
    violence = "violence", _l("Violence or threats")
    boundaries = "boundaries", _l("Boundaries in the relationship")
    offence = "offence", _l("Offence or police involvement")
    other = "other", _l("Other")


class Severity(LabeledEnum):
    low = "low", _l("Low")
    medium = "medium", _l("Medium")
    high = "high", _l("High")
    critical = "critical", _l("Critical: immediate danger")


class ConcernEvent(LabeledEnum):
    raised = "raised", _l("Raised")
    update = "update", _l("Update")
    closed = "closed", _l("Closed")


class ClosureKind(LabeledEnum):
    planned = "planned", _l("Planned")
    unplanned = "unplanned", _l("Unplanned")


class ConsentGiver(LabeledEnum):
    youth = "youth", _l("Youth")
    parent = "parent", _l("Parent (guardian)")


class ConsentPurpose(LabeledEnum):
    service = "service", _l("Taking part in the mentor service")
    data = "data", _l("Processing of personal data")
    sharing = "sharing", _l("Sharing information with the school or institutions")
    photos = "photos", _l("Photos and publicity")


# Without these the service cannot go on: their withdrawal stops pairing and billing.
CONSENT_REQUIRED = (ConsentPurpose.service, ConsentPurpose.data)


class ConsentMethod(LabeledEnum):
    written = "written", _l("Signed on paper")
    electronic = "electronic", _l("Electronically")
    oral = "oral", _l("Orally, recorded by staff")


class Activity(LabeledEnum):
    study = "study", _l("Study support")
    sports = "sports", _l("Sports")
    addiction_risk = "addiction_risk", _l("Addiction-risk reduction")
    family = "family", _l("Family involvement")
    leisure = "leisure", _l("Leisure")
    consultation = "consultation", _l("Consultation")
    support = "support", _l("Arranging additional support")


class Mode(LabeledEnum):
    in_person = "in_person", _l("In person")
    remote = "remote", _l("Remote")


class EntryStatus(LabeledEnum):
    logged = "logged", _l("Logged")
    approved = "approved", _l("Approved")
    invoiced = "invoiced", _l("Invoiced")
    rejected = "rejected", _l("Rejected")


class InvoiceKind(LabeledEnum):
    invoice = "invoice", _l("Invoice")
    credit_note = "credit_note", _l("Credit note")


class InvoiceStatus(LabeledEnum):
    draft = "draft", _l("Draft")
    issued = "issued", _l("Issued")
    paid = "paid", _l("Paid")
    credited = "credited", _l("Credited")


class DeliveryChannel(LabeledEnum):
    """How an issued invoice reached the municipality."""

    e_address = "e_address", _l("Official e-address (e-adrese)")
    peppol = "peppol", _l("Peppol access point")
    email = "email", _l("E-mail")
    paper = "paper", _l("On paper")


class Moment(LabeledEnum):
    """When a questionnaire is answered in a pair's life."""

    start = "start", _l("At the start")
    mid = "mid", _l("Mid-way")
    end = "end", _l("At the end")


class Respondent(LabeledEnum):
    youth = "youth", _l("Youth")
    parent = "parent", _l("Parent")
    mentor = "mentor", _l("Mentor")


class QuestionKind(LabeledEnum):
    scale = "scale", _l("Scale 1–5")
    choice = "choice", _l("Choice")
    text = "text", _l("Short text")


class QuestionTopic(LabeledEnum):
    """What a question measures, for the outcome report (besides a goal area)."""

    other = "other", _l("Other")
    satisfaction_mentor = "satisfaction_mentor", _l("Satisfaction with the mentor")
    satisfaction_service = "satisfaction_service", _l("Satisfaction with the service")
    relationship = "relationship", _l("Relationship quality")


class ExpenseKind(LabeledEnum):
    travel = "travel", _l("Travel")
    fee = "fee", _l("Entrance or activity fee")
    materials = "materials", _l("Materials")
    other = "other", _l("Other")


class ClaimStatus(LabeledEnum):
    submitted = "submitted", _l("Waiting for approval")
    approved = "approved", _l("Approved")
    rejected = "rejected", _l("Rejected")
