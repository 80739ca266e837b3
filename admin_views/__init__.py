"""Flask-Admin: a new ``Admin`` per app, every view registered in one place."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme

from admin_views import (
    attachments,
    expenses,
    hours,
    invoices,
    mentor_log,
    mentors,
    organisations,
    outcomes,
    pairs,
    people,
    recruitment,
    safety,
    youths,
)
from admin_views import referrals as referral_views
from admin_views import reports as report_views
from admin_views.base import DeclaredPermissions, current_actor, needs
from admin_views.dashboard import TasksView, home_charts, task_url
from admin_views.security import csp_nonce
from common.clock import today
from common.enums import Role
from common.i18n import _l
from config import ROOT
from mentoring import access, dashboard, mentor_home, reminders, tasks
from models import (
    AdditionalSupport,
    Agreement,
    AuditLog,
    BackgroundCheck,
    Budget,
    CalendarDay,
    Certificate,
    CheckIn,
    ClosureReason,
    Consent,
    Contract,
    DocumentKind,
    ExpenseClaim,
    FundingSource,
    Goal,
    Interview,
    Invoice,
    InvoiceLine,
    Locality,
    Mentor,
    MentorStatusChange,
    Municipality,
    Pair,
    Programme,
    Provider,
    Question,
    Questionnaire,
    RecruitmentRound,
    Referral,
    ReferralStatusChange,
    RiskFactor,
    SafetyConcern,
    ServiceEntry,
    Supervision,
    TrainingCourse,
    TrainingSession,
    TrainingTopic,
    User,
    Youth,
    db,
)


class HomeView(DeclaredPermissions, AdminIndexView):
    """The admin home: the dashboard of the signed-in user's scope."""

    @expose("/")
    @needs(access.SIGNED_IN)
    def index(self) -> Any:
        actor = current_actor()
        if access.role_of(actor) == Role.mentor:
            own = mentor_home.home(db.session(), actor, today())
            # Volunteers' expenses are covered; paid mentors' are in their hourly rate.
            return self.render("mentoring/mentor_home.html", board=own,
                               can_claim=any(not c.pair.programme.paid for c in own.cards))
        board = dashboard.build(db.session(), actor, today())
        return self.render("mentoring/home.html", board=board, charts=home_charts(board),
                           task_groups=tasks.build(db.session(), actor, today(),
                                                   limit=HOME_TASKS),
                           can_find_youth=access.can(actor, Youth, access.LIST)
                           and access.role_of(actor) != Role.mentor)


def reminder_links(app_url: str) -> reminders.Links:
    """Where reminder e-mails send people, as absolute addresses under ``app_url``."""
    with current_app.test_request_context(base_url=app_url):
        return reminders.Links(home=url_for("admin.index", _external=True),
                               log_hours=url_for("service_entry.create_view", _external=True),
                               tasks=url_for("tasks.index", _external=True))


HOME_TASKS = 5  # lines per task list on the home page; the tasks page has them all

# (view class, model, menu name, menu category, endpoint)
VIEWS: list[tuple[Any, type, Any, Any, str]] = [
    (youths.YouthView, Youth, _l("Youths"), _l("Referrals"), "youth"),
    (youths.ReferralView, Referral, _l("Referrals"), _l("Referrals"), "referral"),
    (youths.ReferralStatusChangeView, ReferralStatusChange, _l("Referral history"),
     _l("Referrals"), "referral_history"),
    (youths.ConsentView, Consent, _l("Consents"), _l("Referrals"), "consent"),
    (pairs.PairView, Pair, _l("Pairs"), _l("Pairs"), "pair"),
    (pairs.GoalView, Goal, _l("Goals"), _l("Pairs"), "goal"),
    (pairs.CheckInView, CheckIn, _l("Check-ins"), _l("Pairs"), "check_in"),
    (safety.SafetyConcernView, SafetyConcern, _l("Safety concerns"), _l("Pairs"),
     "safety_concern"),
    (pairs.AdditionalSupportView, AdditionalSupport, _l("Additional support"), _l("Pairs"),
     "support"),
    (hours.ServiceEntryView, ServiceEntry, _l("Service hours"), _l("Pairs"), "service_entry"),
    (mentors.MentorView, Mentor, _l("Mentors"), _l("Mentors"), "mentor"),
    (mentors.InterviewView, Interview, _l("Interviews"), _l("Mentors"), "interview"),
    (mentors.MentorStatusChangeView, MentorStatusChange, _l("Mentor history"), _l("Mentors"),
     "mentor_history"),
    (mentors.TrainingCourseView, TrainingCourse, _l("Training courses"), _l("Mentors"),
     "training_course"),
    (mentors.TrainingSessionView, TrainingSession, _l("Training sessions"),
     _l("Mentors"), "training_session"),
    (mentors.CertificateView, Certificate, _l("Certificates"), _l("Mentors"), "certificate"),
    (mentors.AgreementView, Agreement, _l("Cooperation agreements"), _l("Mentors"),
     "agreement"),
    (mentors.BackgroundCheckView, BackgroundCheck, _l("Background checks"), _l("Mentors"),
     "background_check"),
    (mentors.SupervisionView, Supervision, _l("Supervision"), _l("Mentors"), "supervision"),
    (expenses.ExpenseClaimView, ExpenseClaim, _l("Expense claims"), _l("Mentors"),
     "expense_claim"),
    (expenses.FundingSourceView, FundingSource, _l("Funding sources"), _l("Mentors"),
     "funding_source"),
    (recruitment.RecruitmentRoundView, RecruitmentRound, _l("Recruitment rounds"),
     _l("Mentors"), "recruitment_round"),
    (invoices.InvoiceView, Invoice, _l("Invoices"), _l("Invoicing"), "invoice"),
    (invoices.InvoiceLineView, InvoiceLine, _l("Invoice lines"), _l("Invoicing"),
     "invoice_line"),
    (organisations.BudgetView, Budget, _l("Budgets"), _l("Invoicing"), "budget"),
    (organisations.ContractView, Contract, _l("Contracts"), _l("Organisations"), "contract"),
    (organisations.ProviderView, Provider, _l("Providers"), _l("Organisations"), "provider"),
    (organisations.MunicipalityView, Municipality, _l("Municipalities"), _l("Organisations"),
     "municipality"),
    (organisations.LocalityView, Locality, _l("Localities"), _l("Organisations"), "locality"),
    (organisations.ProgrammeView, Programme, _l("Programmes"), _l("Organisations"),
     "programme"),
    (youths.RiskFactorView, RiskFactor, _l("Risk factors"), _l("Settings"), "risk_factor"),
    (pairs.ClosureReasonView, ClosureReason, _l("Reasons for closing pairs"), _l("Settings"),
     "closure_reason"),
    (mentors.TrainingTopicView, TrainingTopic, _l("Training topics"), _l("Settings"),
     "training_topic"),
    (outcomes.QuestionnaireView, Questionnaire, _l("Questionnaires"), _l("Settings"),
     "questionnaire"),
    (outcomes.QuestionView, Question, _l("Questions"), _l("Settings"), "question"),
    (outcomes.DocumentKindView, DocumentKind, _l("Document kinds"), _l("Settings"),
     "document_kind"),
    (recruitment.CalendarDayView, CalendarDay, _l("Moved working days"), _l("Settings"),
     "calendar_day"),
    (people.UserView, User, _l("Users"), _l("Settings"), "user"),
    (people.AuditLogView, AuditLog, _l("Audit log"), _l("Settings"), "audit_log"),
]


people.VIEW_NAMES.update({model.__name__: name for _view, model, name, *_ in VIEWS})


def init_admin(app: Flask) -> Admin:
    app.add_template_global(attachments.page_context, "documents_of")
    app.add_template_global(task_url, "task_url")
    admin = Admin(
        app,
        name=_l("Mentor service"),
        theme=Bootstrap4Theme(base_template="mentoring/base.html", fluid=True),
        index_view=HomeView(name=_l("Home"), url="/admin"),
        translations_path=str(ROOT / "translations"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(TasksView(name=_l("My tasks"), endpoint="tasks", url="/admin/tasks"))
    admin.add_view(expenses.ExpensesView(name=_l("Expenses by funding source"),
                                         category=_l("Mentors"), endpoint="expenses",
                                         url="/admin/expenses"))
    admin.add_view(attachments.DocumentsView(name=_l("Documents"), endpoint="documents",
                                             url="/admin/documents"))
    admin.add_view(mentor_log.MentorLogView(name=_l("Log a meeting"), endpoint="mentor_log",
                                            url="/admin/log"))
    admin.add_view(referral_views.IntakeView(
        name=_l("New referral"), category=_l("Referrals"), endpoint="intake",
        url="/admin/intake"))
    admin.add_view(referral_views.ReviewView(
        name=_l("Review queue"), category=_l("Referrals"), endpoint="review",
        url="/admin/review"))
    admin.add_view(pairs.PairingView(
        name=_l("Pairing"), category=_l("Pairs"), endpoint="pairing", url="/admin/pairing"))
    admin.add_view(invoices.InvoicingView(
        name=_l("Issue invoices"), category=_l("Invoicing"), endpoint="invoicing",
        url="/admin/invoicing"))
    admin.add_view(invoices.BudgetOverviewView(
        name=_l("Budget use"), category=_l("Invoicing"), endpoint="budget_overview",
        url="/admin/budget-overview"))
    admin.add_view(report_views.ReportView(
        name=_l("Reports"), endpoint="reports", url="/admin/reports"))
    admin.add_view(hours.TimesheetView(
        name=_l("Timesheet"), category=_l("Pairs"), endpoint="timesheet",
        url="/admin/timesheet"))
    admin.add_view(hours.HoursImportView(
        name=_l("Import hours"), category=_l("Pairs"), endpoint="hours_import",
        url="/admin/hours-import"))
    admin.add_view(mentors.SupervisionMonthView(
        name=_l("Supervision by month"), category=_l("Mentors"), endpoint="supervision_month",
        url="/admin/supervision-month"))
    for view_cls, model, name, category, endpoint in VIEWS:
        admin.add_view(view_cls(model, name=name, category=category, endpoint=endpoint))
    return admin
