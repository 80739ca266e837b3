"""All models, importable from one place; the import order registers every table."""

from models.audit import AuditLog
from models.base import Base, db
from models.document import Document, DocumentKind
from models.entry_month import EntryMonth
from models.expense import ExpenseClaim, FundingSource
from models.invoice import Invoice, InvoiceDelivery, InvoiceLine, InvoiceSequence
from models.kept import MeetingMonth
from models.mentor import (
    Agreement,
    BackgroundCheck,
    Certificate,
    Interview,
    Mentor,
    MentorStatusChange,
    Supervision,
    TrainingCourse,
    TrainingSession,
    TrainingTopic,
)
from models.organisation import Budget, Contract, Locality, Municipality, Programme, Provider
from models.outcome import Answer, Question, Questionnaire, QuestionnaireLink
from models.pair import AdditionalSupport, CheckIn, ClosureReason, Goal, Pair, PairStatusChange
from models.recruitment import CalendarDay, PublicSubmission, RecruitmentRound
from models.referral import Referral, ReferralStatusChange
from models.reminder import ReminderSent
from models.safety import SafetyConcern, SafetyConcernEvent
from models.search import INDEXED as SEARCH_INDEXED  # noqa: F401  (its triggers)
from models.security import SignInAttempt
from models.service_entry import ServiceEntry, TimesheetSignoff
from models.user import User
from models.youth import RiskFactor, Youth, youth_risk_factor

# isort: split
# Last: consents add a relationship and a withdrawal date to Youth once all are mapped.
from models.consent import Consent

__all__ = [
    "AdditionalSupport", "Agreement", "Answer", "AuditLog", "BackgroundCheck", "Base", "Budget",
    "CalendarDay", "Certificate", "Document", "DocumentKind", "ExpenseClaim",
    "FundingSource", "CheckIn", "ClosureReason", "Consent", "Contract", "EntryMonth", "Goal", "MeetingMonth", "Interview", "Invoice", "InvoiceDelivery", "InvoiceLine", "InvoiceSequence",
    "Locality", "Mentor", "MentorStatusChange", "Municipality", "Pair", "PairStatusChange", "Programme", "Provider",
    "PublicSubmission", "Question", "Questionnaire", "QuestionnaireLink", "RecruitmentRound",
    "Referral", "ReferralStatusChange", "ReminderSent", "RiskFactor", "SafetyConcern",
    "SafetyConcernEvent", "ServiceEntry", "SignInAttempt", "Supervision",
    "TimesheetSignoff", "TrainingCourse", "TrainingSession", "TrainingTopic", "User", "Youth", "db",
    "youth_risk_factor",
]
