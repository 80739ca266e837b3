"""The form bases, field conversion and form helpers shared by every screen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import flash
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.form import BaseForm, Select2Field
from flask_admin.model.form import converts
from flask_babel import Domain
from flask_wtf import FlaskForm
from wtforms.fields import DateField
from wtforms.validators import NumberRange
from wtforms.widgets import DateInput

from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from config import ROOT

# WTForms ships no Latvian messages; ours live beside the app's catalogs.
_wtforms_domain = Domain(str(ROOT / "translations"), domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("This field is required.") in the request's language."""

    def gettext(self, string: str) -> str:
        return _wtforms_domain.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_domain.get_translations().ungettext(singular, plural, n)


class AdminForm(BaseForm, FlaskForm):
    """Flask-Admin's form with Flask-WTF's CSRF token and translated messages."""

    class Meta(BaseForm.Meta, FlaskForm.Meta):
        _translations = WTFormsTranslations()

        def get_translations(self, form: Any) -> Any:
            return self._translations


INTEGER_LIMIT = 2**31 - 1


class _KnownCodesOnly:
    """Run a validator that asks the database (Flask-Admin's Unique) only for one of the
    enum's codes: an unknown one is left to the field's own "not a valid choice"."""

    def __init__(self, validator: Any, codes: set[str]) -> None:
        self.validator, self.codes = validator, codes

    def __call__(self, form: Any, field: Any) -> None:
        if getattr(field.data, "value", field.data) in self.codes:
            self.validator(form, field)


BLANK = "__None"  # what Flask-Admin's fields take for "nothing chosen"; never shown


def _blank_as_empty(choices: Any) -> Any:
    for choice in choices:
        if choice[0] == BLANK:
            yield ("", _l("— choose —"), *choice[2:])
        else:
            yield choice


def _empty_as_blank(valuelist: Any) -> Any:
    return [BLANK if v == "" else v for v in valuelist] if valuelist else valuelist


class ChoiceField(Select2Field):
    """A drop-down whose empty choice is an empty value labelled "— choose —"."""

    def iter_choices(self) -> Any:
        return _blank_as_empty(super().iter_choices())

    def process_formdata(self, valuelist: Any) -> None:
        super().process_formdata(_empty_as_blank(valuelist))


class RecordField(QuerySelectField):
    """A related record's drop-down, with the same empty choice."""

    def iter_choices(self) -> Any:
        return _blank_as_empty(super().iter_choices())

    def process_formdata(self, valuelist: Any) -> None:
        super().process_formdata(_empty_as_blank(valuelist))


class ModelConverter(AdminModelConverter):
    """Enum drop-downs show translated labels and store the stable code; no field shows
    Flask-Admin's internal "__None"."""

    def _model_select_field(self, prop: Any, multiple: Any, remote_model: Any,
                            **kwargs: Any) -> Any:
        field = super()._model_select_field(prop, multiple, remote_model, **kwargs)
        if getattr(field, "field_class", None) is QuerySelectField:
            field.field_class = RecordField
        return field

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column: Any, field_args: Any, **extra: Any) -> Any:
        field = super().convert_enum(column, field_args, **extra)
        if field.field_class is Select2Field:
            field.field_class = ChoiceField
        enum_class = getattr(column.type, "enum_class", None)
        if enum_class is not None and hasattr(enum_class, "choices"):
            field.kwargs["choices"] = enum_class.choices()
            codes = {member.value for member in enum_class}
            field.kwargs["validators"] = [
                _KnownCodesOnly(v, codes) if isinstance(v, Unique) else v
                for v in field.kwargs.get("validators", [])]
        return field

    @converts("Integer")
    def convert_integer(self, column: Any, field_args: Any, **extra: Any) -> Any:
        """Whole numbers within what a database column holds; beyond it, a field error
        instead of an overflow (2^63 in SQLite, 2^31 in PostgreSQL's INTEGER)."""
        field_args["validators"].append(NumberRange(min=-INTEGER_LIMIT, max=INTEGER_LIMIT))
        return super().handle_integer_types(column, field_args, **extra)

    @converts("Numeric")
    def convert_numeric(self, column: Any, field_args: Any, **extra: Any) -> Any:
        """Amounts within the column's precision (Numeric(12, 2): below 10 000 000 000)."""
        precision, scale = getattr(column.type, "precision", None), getattr(
            column.type, "scale", None) or 0
        if precision:
            limit = Decimal(10) ** (precision - scale) - 1
            field_args["validators"].append(NumberRange(min=-limit, max=limit))
        return super().handle_decimal_types(column, field_args, **extra)

    @converts("Date")
    def convert_date(self, field_args: Any, **extra: Any) -> Any:
        """The browser's own date input: typed and changed by keyboard, announced by screen
        readers, unlike the JavaScript date picker, which rewrites the text while one types."""
        field_args.setdefault("widget", DateInput())
        return DateField(**field_args)


class TranslatedForm(FlaskForm):
    """A hand-written form (not generated) with WTForms' messages in the request's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return WTFormsTranslations()


def show_violations(exc: RuleViolation, form: Any = None,
                    aliases: dict[str, str] | None = None) -> None:
    """Put each violation at its field of ``form`` (a domain field name may be shown by
    another form field: ``aliases``), or show it as a message when no field fits."""
    violations = exc.violations if isinstance(exc, RuleViolations) else [exc]
    for violation in violations:
        name = (aliases or {}).get(violation.field or "", violation.field or "")
        if form is not None and name and name in form:
            form[name].errors = [*form[name].errors, str(violation.message)]
        else:
            flash(str(violation.message), "error")


# The youth picker of every form that names a youth (ajax, scoped by ``ScopedAjaxLoader``).
YOUTH_LOOKUP = {
    "fields": ("case_number", "last_name", "first_name"), "page_size": 10,
    "placeholder": _l("Case number or name"), "minimum_input_length": 0,
}
