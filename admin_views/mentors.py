"""Mentors, selection, training, certificates, agreements, background checks, supervision."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView
from models import (
    Agreement,
    BackgroundCheck,
    Certificate,
    Interview,
    Mentor,
    MentorStatusChange,
    Supervision,
    TrainingAttendance,
    TrainingCourse,
)


class MentorView(SecureModelView):
    column_list = (
        "first_name", "last_name", "provider", "locality", "education", "experience_years",
        "questionnaire_score", "status", "archived",
    )
    column_details_list = (
        "first_name", "last_name", "provider", "birth_date", "gender", "email", "phone",
        "locality", "education", "experience_years", "motivation", "meetings_per_month",
        "hours_per_month", "languages", "interests", "questionnaire_score", "status",
        "rejection_reason", "archived", "created_at",
    )
    column_export_list = column_details_list
    form_columns = column_details_list[:-1]
    column_searchable_list = ("first_name", "last_name", "interests", "languages")
    column_filters = ("status", "education", "locality.name", "provider.name", "archived")
    column_default_sort = "last_name"
    query_options = (joinedload(Mentor.provider), joinedload(Mentor.locality))


class InterviewView(SecureModelView):
    column_list = ("mentor", "held_on", "mode", "interviewer", "decision")
    form_columns = ("mentor", "held_on", "mode", "interviewer", "notes", "decision")
    column_filters = ("mode", "decision", "held_on")
    column_default_sort = [("held_on", True)]
    query_options = (joinedload(Interview.mentor),)


class MentorStatusChangeView(SecureModelView):
    column_list = ("mentor", "from_status", "to_status", "comment", "changed_at")
    column_filters = ("to_status", "changed_at")
    column_default_sort = [("changed_at", True)]
    query_options = (joinedload(MentorStatusChange.mentor),)


class TrainingTopicView(SecureModelView):
    column_list = ("name",)
    column_searchable_list = ("name",)
    column_default_sort = "name"


class TrainingCourseView(SecureModelView):
    column_list = ("title", "provider", "programme", "starts_on", "ends_on", "venue", "trainers",
                   "sessions")
    form_columns = ("title", "provider", "programme", "starts_on", "ends_on", "venue",
                    "trainers", "sessions", "topics")
    column_details_list = form_columns
    column_searchable_list = ("title", "venue", "trainers")
    column_filters = ("starts_on",)
    column_default_sort = [("starts_on", True)]
    query_options = (
        joinedload(TrainingCourse.provider), joinedload(TrainingCourse.programme),
    )


class TrainingAttendanceView(SecureModelView):
    column_list = ("course", "mentor", "sessions_attended")
    column_default_sort = "id"
    query_options = (joinedload(TrainingAttendance.course), joinedload(TrainingAttendance.mentor))


class CertificateView(SecureModelView):
    column_list = ("number", "mentor", "course", "provider", "issued_on")
    column_searchable_list = ("number",)
    column_filters = ("issued_on",)
    column_default_sort = [("issued_on", True)]
    query_options = (
        joinedload(Certificate.mentor), joinedload(Certificate.course),
        joinedload(Certificate.provider),
    )


class AgreementView(SecureModelView):
    column_list = ("mentor", "signed_on", "starts_on", "ends_on")
    column_filters = ("ends_on",)
    column_default_sort = [("ends_on", True)]
    query_options = (joinedload(Agreement.mentor),)


class BackgroundCheckView(SecureModelView):
    column_list = ("mentor", "checked_on", "valid_until", "result")
    column_filters = ("result", "valid_until")
    column_default_sort = [("valid_until", True)]
    query_options = (joinedload(BackgroundCheck.mentor),)


class SupervisionView(SecureModelView):
    column_list = ("held_on", "provider", "supervisor", "topic", "attendees")
    column_searchable_list = ("supervisor", "topic")
    column_filters = ("held_on",)
    column_default_sort = [("held_on", True)]
    query_options = (joinedload(Supervision.provider),)
