"""Questionnaires as data: administrators edit them, providers and social services read."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView
from models import Question, Questionnaire


class QuestionnaireView(SecureModelView):
    column_list = ("programme", "moment", "respondent", "title_lv", "active")
    column_details_list = ("programme", "moment", "respondent", "title_lv", "title_en",
                           "active", "questions")
    form_columns = ("programme", "moment", "respondent", "title_lv", "title_en", "active")
    column_filters = ("moment", "respondent", "active")
    query_options = (joinedload(Questionnaire.programme),)


class QuestionView(SecureModelView):
    column_list = ("questionnaire", "position", "kind", "text_lv", "area", "topic")
    form_columns = ("questionnaire", "position", "kind", "text_lv", "text_en", "low_lv",
                    "high_lv", "low_en", "high_en", "options_lv", "options_en", "area", "topic")
    column_details_list = form_columns
    column_filters = ("kind", "area", "topic")
    column_default_sort = [("questionnaire_id", False), ("position", False)]
    query_options = (joinedload(Question.questionnaire),)


class DocumentKindView(SecureModelView):
    """The managed list of document kinds (administrators)."""

    column_list = ("name_lv", "special_category", "active")
    column_details_list = column_list
    form_columns = ("name_lv", "name_en", "special_category", "active")
