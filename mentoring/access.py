"""The one access policy: which role may do what to which model, within which rows and columns.

Every admin view asks this module, never a template: ``can`` for actions, ``scope`` for
rows (list, count, get by id, drop-downs, lookups, export, bulk actions all start from it),
``hidden_columns`` for special-category fields a role may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from common.actor import Actor
from common.enums import ClaimStatus, EntryStatus, InvoiceStatus, Role
from models import (
    AdditionalSupport,
    Agreement,
    Answer,
    AuditLog,
    BackgroundCheck,
    Budget,
    Certificate,
    CheckIn,
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
    QuestionnaireLink,
    RecruitmentRound,
    Referral,
    ReferralStatusChange,
    RiskFactor,
    SafetyConcern,
    ServiceEntry,
    Supervision,
    TimesheetSignoff,
    TrainingCourse,
    TrainingSession,
    TrainingTopic,
    Youth,
)

LIST, VIEW, CREATE, EDIT, DELETE, EXPORT = "list", "view", "create", "edit", "delete", "export"
# What the domain does beyond editing a record, each a right of its own.
APPROVE = "approve"  # service hours
DECIDE = "decide"  # a referral: accept, reject, withdraw
ISSUE = "issue"  # an invoice
CREDIT = "credit"  # a credit note for an issued invoice
RECORD_PAYMENT = "record_payment"  # of an issued invoice, by its recipient
WITHDRAW = "withdraw"  # a consent
SIGN_OFF = "sign_off"  # a month's timesheet
SUBJECT_EXPORT = "subject_export"  # everything about one person (administrators)
OWN_RECORD = "own_record"  # a mentor's own training, supervision, agreement and statement
NAMED_ACTIONS = (APPROVE, DECIDE, ISSUE, CREDIT, RECORD_PAYMENT, WITHDRAW, SIGN_OFF,
                 SUBJECT_EXPORT, OWN_RECORD)
# Needs no right on a model, only a signed-in user (the home and task pages).
SIGNED_IN = "signed_in"
READ = frozenset({LIST, VIEW, EXPORT})
ALL = frozenset({LIST, VIEW, CREATE, EDIT, DELETE, EXPORT})
WRITE = frozenset({LIST, VIEW, CREATE, EDIT, EXPORT})  # no delete: records are archived

# role -> model -> actions. A model missing for a role is invisible to it.
PERMISSIONS: dict[Role, dict[type, frozenset[str]]] = {
    Role.municipality: {
        Municipality: READ, Locality: READ, Programme: READ, Budget: WRITE, Contract: READ,
        Provider: READ, RiskFactor: READ, Youth: WRITE, Referral: WRITE | {DECIDE},
        ReferralStatusChange: READ, Pair: READ, Goal: READ, AdditionalSupport: READ,
        CheckIn: READ, SafetyConcern: READ | {EDIT}, Consent: WRITE | {WITHDRAW},
        ServiceEntry: READ, Invoice: READ | {RECORD_PAYMENT}, InvoiceLine: READ,
        Mentor: READ, Questionnaire: READ, Question: READ, QuestionnaireLink: READ,
        Answer: READ, DocumentKind: READ,
    },
    Role.provider: {
        Municipality: READ, Locality: READ, Programme: READ, Contract: READ, Provider: READ,
        RiskFactor: READ, TrainingTopic: READ, Youth: READ, Referral: READ,
        ReferralStatusChange: READ, Mentor: WRITE, MentorStatusChange: READ, Interview: ALL,
        TrainingCourse: ALL, TrainingSession: ALL, Certificate: WRITE, Agreement: WRITE,
        BackgroundCheck: WRITE, Supervision: ALL, Pair: WRITE, Goal: ALL, CheckIn: WRITE,
        AdditionalSupport: ALL, ServiceEntry: ALL | {APPROVE},
        Invoice: READ | {ISSUE, CREDIT}, InvoiceLine: READ, SafetyConcern: WRITE, Consent: READ,
        TimesheetSignoff: frozenset({LIST, VIEW, SIGN_OFF}),
        RecruitmentRound: WRITE, Questionnaire: READ, Question: READ,
        QuestionnaireLink: READ | {CREATE}, Answer: READ, DocumentKind: READ,
        FundingSource: WRITE, ExpenseClaim: READ | {APPROVE},
    },
    Role.mentor: {
        Pair: frozenset({LIST, VIEW}), Goal: frozenset({LIST, VIEW}),
        ServiceEntry: frozenset({LIST, VIEW, CREATE, EDIT, DELETE}),
        SafetyConcern: frozenset({LIST, VIEW, CREATE}),
        # Their own record only, on their own page ("Mani dati"): no register of mentors.
        Mentor: frozenset({OWN_RECORD}),
        ExpenseClaim: frozenset({LIST, VIEW, CREATE, EDIT}),
    },
}

# Special-category columns, shown only to the roles listed.
SENSITIVE_FOR: dict[type, dict[str, frozenset[Role]]] = {
    Youth: {
        name: frozenset({Role.admin, Role.municipality})
        for name in ("personal_code", "guardian_name", "guardian_phone", "guardian_email",
                     "risk_factors", "notes", "phone", "email")
    },
    Referral: {"needs": frozenset({Role.admin, Role.municipality, Role.provider})},
    Mentor: {
        name: frozenset({Role.admin, Role.provider})
        for name in ("birth_date", "email", "phone", "motivation", "questionnaire_score",
                     "rejection_reason", "locality", "education", "experience_years",
                     "languages", "interests", "meetings_per_month", "hours_per_month",
                     "gender", "status", "archived")
    },
    ServiceEntry: {"note": frozenset({Role.admin, Role.provider, Role.mentor})},
    CheckIn: {"notes": frozenset({Role.admin, Role.provider})},
    # The respondents are told their words are read by the coordinator and the social service.
    Answer: {"text": frozenset({Role.admin, Role.provider, Role.municipality})},
}


# Who sees special-category documents (consents, statements…) kept with a record of each
# model: those who see the record's sensitive data; mentors never.
SPECIAL_DOCUMENTS_FOR: dict[type, frozenset[Role]] = {
    Youth: frozenset({Role.admin, Role.municipality}),
    Referral: frozenset({Role.admin, Role.municipality, Role.provider}),
    Mentor: frozenset({Role.admin, Role.provider}),
    Pair: frozenset({Role.admin, Role.municipality, Role.provider}),
    SafetyConcern: frozenset({Role.admin, Role.municipality, Role.provider}),
    Invoice: frozenset({Role.admin}),
    ExpenseClaim: frozenset({Role.admin, Role.provider}),
}


def sees_special_documents(actor: Actor | None, model: type) -> bool:
    return role_of(actor) in SPECIAL_DOCUMENTS_FOR.get(model, frozenset({Role.admin}))


# Where a role may edit only some fields of a model it can edit.
EDITABLE_FIELDS: dict[Role, dict[type, frozenset[str]]] = {
    Role.municipality: {SafetyConcern: frozenset({"actions_taken"})},
    # Mentors log billable time; recording extra time as non-billable is the coordinator's.
    Role.mentor: {ServiceEntry: frozenset({"pair", "day", "minutes", "activity", "mode", "note"})},
}

# Models whose records hold personal data: opening one or exporting them is audited.
PERSONAL_DATA = frozenset({Youth, Referral, ReferralStatusChange, Mentor, MentorStatusChange,
                           Invoice, TimesheetSignoff,  # their documents name youths
                           Pair, Goal, CheckIn, ServiceEntry, Interview, BackgroundCheck,
                           AdditionalSupport, InvoiceLine, Agreement, Certificate,
                           TrainingSession, Supervision, SafetyConcern, Consent,
                           QuestionnaireLink, Answer, ExpenseClaim})


def role_of(actor: Actor | None) -> Role | None:
    return actor.role if actor is not None else None


def can(actor: Actor | None, model: type, action: str) -> bool:
    role = role_of(actor)
    if role is None:
        return False
    if role == Role.admin:
        return model is not AuditLog or action in READ
    return action in PERMISSIONS.get(role, {}).get(model, frozenset())


def editable_fields(actor: Actor | None, model: type) -> frozenset[str] | None:
    """The only fields ``actor`` may change on ``model``; ``None`` means every form field."""
    role = role_of(actor)
    return EDITABLE_FIELDS.get(role, {}).get(model) if role else None


def can_change(actor: Actor | None, obj: Any) -> bool:
    """Whether ``actor`` may still edit or delete this particular record, given its state."""
    role = role_of(actor)
    if isinstance(obj, ServiceEntry):
        if obj.status == EntryStatus.invoiced:
            return False  # billed hours are locked for everyone
        if role == Role.mentor:
            # Mentors until approved; a rejected entry is corrected and sent back.
            return obj.status in (EntryStatus.logged, EntryStatus.rejected)
    if isinstance(obj, ExpenseClaim) and role == Role.mentor:
        return obj.status == ClaimStatus.submitted  # a decided claim is the coordinator's
    if isinstance(obj, SafetyConcern) and obj.closed_on is not None:
        return False  # a closed concern is history; a new one is raised if needed
    if isinstance(obj, Consent) and obj.withdrawn_on is not None:
        return False  # a withdrawal stands; consent given again is a new record
    if isinstance(obj, Invoice) and obj.status != InvoiceStatus.draft:
        return False  # issued means frozen: paid, delivered or credited on its page only
    return True


def hidden_columns(actor: Actor | None, model: type) -> set[str]:
    role = role_of(actor)
    return {
        name for name, roles in SENSITIVE_FOR.get(model, {}).items() if role not in roles
    }


def _provider_youth_ids(provider_id: int) -> Any:
    return select(Referral.youth_id).where(Referral.provider_id == provider_id)


def _municipality_pairs(municipality_id: int) -> Any:
    return select(Pair.id).join(Youth, Pair.youth_id == Youth.id).where(
        Youth.municipality_id == municipality_id
    )


def _contracted_providers(municipality_id: int) -> Any:
    return select(Contract.provider_id).where(Contract.municipality_id == municipality_id)


def _contracted_municipalities(provider_id: int) -> Any:
    return select(Contract.municipality_id).where(Contract.provider_id == provider_id)


def _provider_mentors(provider_id: int) -> Any:
    return select(Mentor.id).where(Mentor.provider_id == provider_id)


def _provider_programmes(provider_id: int) -> Any:
    return select(Contract.programme_id).where(Contract.provider_id == provider_id)


def _provider_pairs(provider_id: int) -> Any:
    return select(Pair.id).where(Pair.provider_id == provider_id)


def _mentor_pairs(mentor_id: int | None) -> Any:
    return select(Pair.id).where(Pair.mentor_id == mentor_id)


def row_filter(actor: Actor | None, model: type) -> ColumnElement[bool]:
    """The WHERE clause limiting ``model`` to the rows ``actor`` may reach at all."""
    role = role_of(actor)
    if actor is None or role is None:
        return false()
    if role == Role.admin:
        return true()
    if not can(actor, model, LIST) and not can(actor, model, VIEW):
        return false()
    m, p = actor.municipality_id, actor.provider_id
    if role == Role.municipality:
        return _MUNICIPALITY_SCOPES.get(model, lambda _m: false())(m)
    if role == Role.provider:
        return _PROVIDER_SCOPES.get(model, lambda _p: false())(p)
    if role == Role.mentor:
        return _MENTOR_SCOPES.get(model, lambda _a: false())(actor)
    return false()


_MUNICIPALITY_SCOPES: dict[type, Callable[[Any], ColumnElement[bool]]] = {
    DocumentKind: lambda m: true(),
    Questionnaire: lambda m: Questionnaire.programme_id.in_(
        select(Programme.id).where(Programme.municipality_id == m)),
    Question: lambda m: Question.questionnaire_id.in_(select(Questionnaire.id).join(
        Programme, Programme.id == Questionnaire.programme_id).where(
        Programme.municipality_id == m)),
    QuestionnaireLink: lambda m: QuestionnaireLink.municipality_id == m,
    Answer: lambda m: Answer.link_id.in_(
        select(QuestionnaireLink.id).where(QuestionnaireLink.municipality_id == m)),
    Municipality: lambda m: Municipality.id == m,
    Locality: lambda m: Locality.municipality_id == m,
    Programme: lambda m: Programme.municipality_id == m,
    Budget: lambda m: Budget.municipality_id == m,
    Contract: lambda m: Contract.municipality_id == m,
    Provider: lambda m: Provider.id.in_(_contracted_providers(m)),
    RiskFactor: lambda m: true(),
    Youth: lambda m: Youth.municipality_id == m,
    Referral: lambda m: Referral.municipality_id == m,
    ReferralStatusChange: lambda m: ReferralStatusChange.referral_id.in_(
        select(Referral.id).where(Referral.municipality_id == m)
    ),
    Pair: lambda m: Pair.id.in_(_municipality_pairs(m)),
    Goal: lambda m: Goal.pair_id.in_(_municipality_pairs(m)),
    CheckIn: lambda m: CheckIn.pair_id.in_(_municipality_pairs(m)),
    SafetyConcern: lambda m: SafetyConcern.pair_id.in_(_municipality_pairs(m)),
    Consent: lambda m: Consent.youth_id.in_(select(Youth.id).where(Youth.municipality_id == m)),
    AdditionalSupport: lambda m: AdditionalSupport.pair_id.in_(_municipality_pairs(m)),
    ServiceEntry: lambda m: ServiceEntry.pair_id.in_(_municipality_pairs(m)),
    Invoice: lambda m: Invoice.municipality_id == m,
    InvoiceLine: lambda m: InvoiceLine.invoice_id.in_(
        select(Invoice.id).where(Invoice.municipality_id == m)
    ),
    Mentor: lambda m: Mentor.id.in_(
        select(Pair.mentor_id).where(Pair.id.in_(_municipality_pairs(m)))
    ),
}

_PROVIDER_SCOPES: dict[type, Callable[[Any], ColumnElement[bool]]] = {
    Municipality: lambda p: Municipality.id.in_(_contracted_municipalities(p)),
    Locality: lambda p: Locality.municipality_id.in_(_contracted_municipalities(p)),
    Programme: lambda p: or_(
        Programme.id.in_(select(Contract.programme_id).where(Contract.provider_id == p)),
        Programme.id.in_(select(TrainingCourse.programme_id).where(TrainingCourse.provider_id == p)),
    ),
    Contract: lambda p: Contract.provider_id == p,
    Provider: lambda p: Provider.id == p,
    RiskFactor: lambda p: true(),
    TrainingTopic: lambda p: true(),
    Youth: lambda p: Youth.id.in_(_provider_youth_ids(p)),
    Referral: lambda p: Referral.provider_id == p,
    ReferralStatusChange: lambda p: ReferralStatusChange.referral_id.in_(
        select(Referral.id).where(Referral.provider_id == p)
    ),
    Mentor: lambda p: Mentor.provider_id == p,
    MentorStatusChange: lambda p: MentorStatusChange.mentor_id.in_(_provider_mentors(p)),
    Interview: lambda p: Interview.mentor_id.in_(_provider_mentors(p)),
    TrainingCourse: lambda p: TrainingCourse.provider_id == p,
    TrainingSession: lambda p: TrainingSession.course_id.in_(
        select(TrainingCourse.id).where(TrainingCourse.provider_id == p)
    ),
    Certificate: lambda p: Certificate.provider_id == p,
    Agreement: lambda p: Agreement.mentor_id.in_(_provider_mentors(p)),
    BackgroundCheck: lambda p: BackgroundCheck.mentor_id.in_(_provider_mentors(p)),
    Supervision: lambda p: Supervision.provider_id == p,
    Pair: lambda p: Pair.provider_id == p,
    Goal: lambda p: Goal.pair_id.in_(_provider_pairs(p)),
    CheckIn: lambda p: CheckIn.pair_id.in_(_provider_pairs(p)),
    SafetyConcern: lambda p: SafetyConcern.pair_id.in_(_provider_pairs(p)),
    Consent: lambda p: Consent.youth_id.in_(_provider_youth_ids(p)),
    AdditionalSupport: lambda p: AdditionalSupport.pair_id.in_(_provider_pairs(p)),
    ServiceEntry: lambda p: ServiceEntry.pair_id.in_(_provider_pairs(p)),
    Invoice: lambda p: Invoice.provider_id == p,
    InvoiceLine: lambda p: InvoiceLine.invoice_id.in_(
        select(Invoice.id).where(Invoice.provider_id == p)
    ),
    TimesheetSignoff: lambda p: TimesheetSignoff.provider_id == p,
    RecruitmentRound: lambda p: RecruitmentRound.provider_id == p,
    DocumentKind: lambda p: true(),
    FundingSource: lambda p: FundingSource.provider_id == p,
    ExpenseClaim: lambda p: ExpenseClaim.mentor_id.in_(_provider_mentors(p)),
    Questionnaire: lambda p: Questionnaire.programme_id.in_(_provider_programmes(p)),
    Question: lambda p: Question.questionnaire_id.in_(select(Questionnaire.id).where(
        Questionnaire.programme_id.in_(_provider_programmes(p)))),
    QuestionnaireLink: lambda p: QuestionnaireLink.provider_id == p,
    Answer: lambda p: Answer.link_id.in_(
        select(QuestionnaireLink.id).where(QuestionnaireLink.provider_id == p)),
}

_MENTOR_SCOPES: dict[type, Callable[[Any], ColumnElement[bool]]] = {
    ExpenseClaim: lambda u: ExpenseClaim.mentor_id == u.mentor_id,
    Pair: lambda u: Pair.mentor_id == u.mentor_id,
    Goal: lambda u: Goal.pair_id.in_(_mentor_pairs(u.mentor_id)),
    ServiceEntry: lambda u: ServiceEntry.pair_id.in_(_mentor_pairs(u.mentor_id)),
    # Only what they raised themselves: a concern may be about the mentor's own conduct.
    SafetyConcern: lambda u: and_(SafetyConcern.pair_id.in_(_mentor_pairs(u.mentor_id)),
                                  SafetyConcern.raised_by_id == u.user_id),
}


def known_youths(actor: Actor | None) -> ColumnElement[bool]:
    """Youths whose identity ``actor`` may see anywhere, directly or as a pair's youth.

    Mentors have no youth register, yet know the youths of their own pairs.
    """
    if actor is not None and role_of(actor) == Role.mentor:
        return Youth.id.in_(select(Pair.youth_id).where(Pair.mentor_id == actor.mentor_id))
    return row_filter(actor, Youth)


SCOPE_WORDS = {
    Role.admin: "all",
    Role.municipality: "own municipality",
    Role.provider: "own provider",
    Role.mentor: "own pairs",
}


def matrix_markdown() -> str:
    """The roles matrix as a Markdown table, for the README (a test keeps the two equal)."""
    from models import SignInAttempt, User

    models = sorted({m for perms in PERMISSIONS.values() for m in perms} | {User, AuditLog},
                    key=lambda m: m.__name__)
    letters = [(LIST, "L"), (VIEW, "V"), (CREATE, "C"), (EDIT, "E"), (DELETE, "D"), (EXPORT, "X")]

    lines = ["| model | " + " | ".join(r.value for r in Role) + " |",
             "|---|" + "---|" * len(Role)]
    for model in models:
        if model is SignInAttempt:
            continue
        cells = []
        for role in Role:
            actor = Actor(user_id=None, role=role)
            rights = "".join(letter for action, letter in letters if can(actor, model, action))
            named = [action for action in NAMED_ACTIONS if can(actor, model, action)]
            if named and role != Role.admin:
                rights = f"{rights} +" if rights else "+"
                rights += ", +".join(named)
            hidden = sorted(name for name, roles in SENSITIVE_FOR.get(model, {}).items()
                            if role not in roles)
            cell = rights or "—"
            if rights == f"+{OWN_RECORD}":
                cell += " (own record)"
            elif rights and role != Role.admin:
                cell += f" ({SCOPE_WORDS[role]})"
            if rights and hidden and (can(actor, model, LIST) or can(actor, model, VIEW)):
                cell += "; hidden: " + ", ".join(hidden)
            cells.append(cell)
        lines.append(f"| {model.__name__} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
