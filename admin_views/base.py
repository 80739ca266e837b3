"""The one secure base view every generated screen inherits.

Deny by default: a view answers only to signed-in users whose role may use its model
(``mentoring.access``), and every way to reach a row — list, count, get by id, edit,
delete, export, bulk actions, relationship drop-downs — starts from the same scoped query.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import operator
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, Generic, TypeVar

from flask import (
    Response,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    has_request_context,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla import tools as sqla_tools
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy import Integer, Numeric, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.utils import secure_filename
from wtforms.fields import HiddenField

from admin_views.formatting import EXPORT_FORMATTERS, LIST_FORMATTERS, locale
from admin_views.forms import AdminForm, ModelConverter, show_violations
from common.actor import Actor
from common.errors import RuleViolation
from common.formatting import format_date, format_minutes, spreadsheet_safe
from common.i18n import _
from mentoring import access, archive, attachments, audit, documents
from models import Provider, db
from models.base import CheckedSession, Model
from models.search import matching


def current_actor() -> Actor:
    """The signed-in user and the address they came from, built once per request; every
    access question and domain call of a screen goes with it (nobody outside a request,
    e.g. while Flask-Admin builds its views at start-up)."""
    if not has_request_context():
        return Actor.of(None)
    if "actor" not in g:
        user = current_user if current_user.is_authenticated else None
        g.actor = Actor.of(user, ip=request.remote_addr or "")
    return g.actor


F = TypeVar("F", bound=Callable[..., Any])


def needs(action: str, model: type | None = None) -> Callable[[F], F]:
    """Declare what an endpoint (or a bulk action) needs: ``action`` on the view's model, or
    on ``model``. Put it next to ``@expose``; an endpoint without one answers 403."""
    def mark(fn: F) -> F:
        fn.needs = (action, model)  # type: ignore[attr-defined]
        return fn
    return mark


class DeclaredPermissions:
    """Mixin of every view: each endpoint is allowed only by its own declaration."""

    #: The model whose rights the view's declarations refer to by default.
    model: type = object
    #: Flask-Admin's own endpoints, declared here because they are defined there.
    builtin_needs: dict[str, str] = {}

    def declared(self, endpoint: str) -> tuple[str, type] | None:
        """The (action, model) endpoint ``endpoint`` needs; None when it declares nothing."""
        found = getattr(getattr(type(self), endpoint, None), "needs", None)
        if found is None and endpoint in self.builtin_needs:
            found = (self.builtin_needs[endpoint], None)
        if found is None:
            return None
        action, model = found
        return action, model or self.model

    def allowed(self, endpoint: str) -> bool:
        declared = self.declared(endpoint)
        if declared is None:
            return False
        action, model = declared
        actor = current_actor()
        if action == access.SIGNED_IN:
            return actor.signed_in
        return access.can(actor, model, action)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        response = super()._handle_view(name, **kwargs)  # type: ignore[misc]
        if response is not None:
            return response
        if not self.allowed(name):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            abort(403)
        if self.reads_personal_data(name):
            after_this_request(partial(_audit_read, name, self.declared(name)[1]))  # type: ignore[index]
        return None

    def reads_personal_data(self, endpoint: str, method: str | None = None) -> bool:
        """Whether a GET of ``endpoint`` shows personal data and is audited: every page of
        a record, document, export or look-up of a model in ``access.PERSONAL_DATA`` (lists
        are not: what they show is opened from them)."""
        declared = self.declared(endpoint)
        return ((method or request.method) == "GET" and declared is not None
                and declared[1] in access.PERSONAL_DATA and endpoint not in UNAUDITED)


# Endpoints that show no record of their own (lists, empty forms, bulk actions), or that
# record their reads themselves (the data subject export, with its format).
@dataclass
class _Export:
    """What one export works out once: its columns and each value's formatted cell."""

    by_row: set[str]
    locale: str
    columns: list[tuple[Any, Any]] | None = None
    cell_of: dict[str, Callable[[Any], Any]] = dataclass_field(default_factory=dict)


_EXPORT: ContextVar[_Export | None] = ContextVar("export", default=None)


def _plain(value: Any) -> Any:
    return spreadsheet_safe(value.striptags() if isinstance(value, Markup) else value)


UNAUDITED = frozenset({"index_view", "create_view", "action_view", "ajax_update",
                       "subject_view"})


def _audit_read(endpoint: str, model: type, response: Any) -> Any:
    """Record a read of personal data once it was answered (200), in its own short
    transaction: a read changes nothing else, and a streamed export still renders from the
    request's session. Names of parameters are kept, never their values (a search term can
    be a person's name)."""
    if response.status_code != 200:
        return response
    action = {"export": "export", "ajax_lookup": "lookup"}.get(endpoint, "read")
    found = next((record_id(request.args[k]) for k in ("id", "referral", "pair", "mentor",
                                                       "youth") if request.args.get(k)), None)
    found = found or next((record_id(v) for k, v in (request.view_args or {}).items()
                           if k.endswith("id")), None)
    changes: dict[str, Any] = {"page": request.path, "parameters": sorted(request.args)}
    if endpoint == "export":
        changes["format"] = (request.view_args or {}).get("export_type", "")
    try:
        with CheckedSession(db.engine) as session:
            audit.record(session, current_actor(), action, model=model.__name__,
                         record_id=str(found or ""), changes=changes)
            session.commit()
    except OperationalError:
        current_app.logger.exception("audited read of %s not recorded", request.path)
        if action == "export":  # a file of personal data leaves only with its record
            return make_response(_("The export could not be recorded just now. Try again "
                                   "in a moment."), 503)
        # A page was read: a busy database must not undo the answer (the log has it).
    return response


T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What ``perform`` did: whether the domain accepted the call, and what it returned."""

    ok: bool
    value: T | None = None


def perform(action: Callable[[], T], *, done: Any = None, form: Any = None,
            aliases: dict[str, str] | None = None,
            keep: Callable[[T], bool] | None = None) -> Outcome[T]:
    """The one edge between a screen and the domain (after Indico's ``RH.process``): run
    ``action``, commit once and say ``done`` (a message, or a function of the result); on a
    refusal roll back and show each violation at its field of ``form`` or as a message.
    ``keep`` may decide from the result not to keep it (a check-only run is rolled back).
    Any other error rolls back and propagates."""
    try:
        value = action()
    except RuleViolation as exc:
        db.session.rollback()
        show_violations(exc, form, aliases)
        return Outcome(False)
    except BaseException:
        db.session.rollback()
        raise
    if keep is not None and not keep(value):
        db.session.rollback()
        return Outcome(True, value)
    db.session.commit()
    if done is not None:
        flash(str(done(value) if callable(done) else done), "success")
    return Outcome(True, value)


def endpoint_of(model: type) -> str | None:
    """The endpoint of the model's screen, if it has one."""
    for view in getattr(current_app.extensions.get("admin", [None])[0], "_views", []):
        if isinstance(view, ModelView) and view.model is model:
            return str(view.endpoint)
    return None


def record_link(record: Any, text: str | None = None) -> Any:
    """``record`` as a link to its page if the signed-in user may open it (the policy and
    their scope, one query), else as text."""
    label = text if text is not None else str(record)
    model = type(record)
    endpoint = endpoint_of(model)
    actor = current_actor()
    if endpoint is None or not hasattr(model, "id") or not access.can(actor, model, access.VIEW):
        return label
    if db.session.scalar(select(model.id).where(
            model.id == record.id, access.row_filter(actor, model))) is None:
        return label
    return Markup('<a href="{}">{}</a>').format(
        url_for(f"{endpoint}.details_view", id=record.id), label)


def download(body: bytes | str, filename: str, mimetype: str, inline: bool = False) -> Any:
    """A file response; ``inline`` lets the browser show a PDF instead of saving it."""
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def pdf_download(html: str, filename: str) -> Any:
    return download(documents.pdf_from_html(html), filename, "application/pdf", inline=True)


class FormRejected(Exception):
    """Raised after rule violations were put on the form's fields; nothing is stored."""


def duration_columns(model: type) -> dict[str, Any]:
    """Columns of minutes, with the label they read under when shown as hours."""
    mapper: Any = sa_inspect(model)
    return {prop.key: prop.columns[0].info.get("shown", prop.key)
            for prop in mapper.column_attrs
            if prop.key == "minutes" or prop.key.endswith("_minutes")}


def model_labels(model: type) -> dict[str, Any]:
    """Translated labels of every column and relationship, from their ``info``."""
    mapper: Any = sa_inspect(model)
    labels: dict[str, Any] = {}
    for prop in [*mapper.column_attrs, *mapper.relationships]:
        info = prop.info or (getattr(prop.columns[0], "info", {}) if hasattr(prop, "columns") else {})
        if "label" in info:
            labels[prop.key] = info["label"]
    return labels


# The largest id a table here can hold (and SQLite can bind): anything larger is no record.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


def record_id(value: Any) -> int | None:
    """A record id from a request value, or None when it cannot be one (not a whole number,
    below 1, or beyond what the database holds — 2^63 would overflow SQLite)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def arg_id(name: str) -> int | None:
    """``record_id`` of a query-string or form value."""
    return record_id(request.values.get(name))


def domain_only(model: type) -> set[str]:
    """Columns that only the domain's own steps set (archiving, anonymising…)."""
    mapper: Any = sa_inspect(model)
    return {column.key for column in mapper.column_attrs
            if (getattr(column.columns[0], "info", None) or {}).get("domain_only")}


def _numbers_in_range(validate: Callable[[Any], bool], value: Any) -> bool:
    """A number filter takes numbers a column can hold (2^63 would overflow SQLite)."""
    for part in str(value).split(","):
        try:
            number = Decimal(part.strip())
        except InvalidOperation:
            continue  # the filter's own validation refuses it
        if not number.is_finite() or abs(number) > MAX_ID:
            return False
    return bool(validate(value))


def _known_codes(codes: set[str], validate: Callable[[Any], bool], value: Any) -> bool:
    parts = str(value).split(",")
    return all(part in codes for part in parts) and bool(validate(value))


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Ajax look-ups (``form_ajax_refs``) return and accept only rows in the user's scope."""

    def get_query(self) -> Any:
        return super().get_query().filter(access.row_filter(current_actor(), self.model))

    def get_one(self, pk: Any) -> Any:
        column = getattr(self.model, sqla_tools.get_primary_key(self.model))
        try:
            value = column.type.python_type(pk)
        except (TypeError, ValueError):
            return None
        if isinstance(value, int) and record_id(value) is None:
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(column == value).one_or_none()


class SecureView(DeclaredPermissions, BaseView):
    """Base of the custom (non-generated) views: the same policy, endpoint by endpoint."""

    def is_accessible(self) -> bool:
        """Open (and in the menu) when the view's index page is allowed."""
        return bool(current_user.is_authenticated) and self.allowed("index")

    def is_visible(self) -> bool:
        return self.is_accessible()

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def chosen_provider(self, default: int | None = None) -> tuple[list[Provider], Provider]:
        """The providers this user may pick from, and the one asked for (``?provider=``),
        else ``default``, else their own, else the first; one outside the user's scope
        answers 404."""
        providers = list(db.session.scalars(select(Provider).where(
            access.row_filter(current_actor(), Provider)).order_by(Provider.name)))
        chosen = arg_id("provider") or default or (
            current_user.provider_id or (providers[0].id if providers else None))
        provider = next((p for p in providers if p.id == chosen), None)
        if provider is None:
            abort(404)
        return providers, provider

    def chosen_month(self, default: dt.date) -> tuple[int, int]:
        """``?month=YYYY-MM`` as (year, month); ``default``'s month when absent, invalid or
        outside the years the service can hold records for (2000–2100)."""
        try:
            year, month = (int(x) for x in request.values.get("month", "").split("-"))
            dt.date(year, month, 1)
        except ValueError:
            return default.year, default.month
        if not 2000 <= year <= 2100:
            return default.year, default.month
        return year, month


class SecureModelView(DeclaredPermissions, ModelView):
    list_template = "mentoring/list.html"
    builtin_needs = {
        "index_view": access.LIST,
        "details_view": access.VIEW,
        "create_view": access.CREATE,
        "edit_view": access.EDIT,
        "delete_view": access.DELETE,
        "export": access.EXPORT,
        "action_view": access.LIST,  # and each action its own, in ``is_action_allowed``
        "ajax_lookup": access.LIST,
        "ajax_update": access.EDIT,
    }
    page_size = 20
    can_set_page_size = True
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 50_000
    fast_mass_delete = False
    column_display_pk = False
    column_display_actions = True
    form_base_class = AdminForm
    model_form_converter = ModelConverter
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = LIST_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    create_modal = False
    edit_modal = False

    # -- links between records ---------------------------------------------------------
    @pass_context
    def get_detail_value(self, context: Any, model: Any, name: str) -> Any:
        """A related record shows as a link to its page when the reader may open it."""
        if name not in self.column_formatters and "." not in name:
            value = getattr(model, name, None)
            if isinstance(value, Model):
                return record_link(value)
        if name in self._durations:
            return format_minutes(getattr(model, name, None))
        return super().get_detail_value(context, model, name)

    @pass_context
    def get_list_value(self, context: Any, model: Any, name: str) -> Any:
        if name in self._durations and name not in self.column_formatters:
            return format_minutes(getattr(model, name, None))
        return super().get_list_value(context, model, name)

    def get_column_name(self, field: str) -> Any:
        """Lists and records' pages show minutes as hours, under the label that says so
        (forms keep the label in minutes, which is what they take). Lazy: translated when
        shown."""
        if field in self._durations:
            return self._durations[field]
        return super().get_column_name(field)

    #: Loader options added to every query, so related labels load in the same query.
    query_options: tuple[Any, ...] = ()
    #: The loader options of an export, when it needs fewer columns than the pages do.
    export_query_options: tuple[Any, ...] | None = None

    def __init__(self, model: type, **kwargs: Any) -> None:
        self._durations = duration_columns(model)
        labels = model_labels(model)
        # A path such as "provider.name" reads as the relationship it goes through.
        for name in [*(self.column_filters or ()), *(self.column_list or ()),
                     *(self.column_searchable_list or ())]:
            if isinstance(name, str) and "." in name and name not in labels:
                labels[name] = labels.get(name.split(".")[0], name)
        labels.update(getattr(self, "column_labels", None) or {})
        self.column_labels = labels
        super().__init__(model, db, **kwargs)

    def scaffold_filters(self, name: Any) -> Any:
        """Enum filters offer translated labels, evaluated per request in its language."""
        found = super().scaffold_filters(name)
        for flt in found or ():
            flt.spec_root = name.split(".")[0] if isinstance(name, str) else name.key
        attr, _joins = sqla_tools.get_field_with_path(self.model, name)
        columns = getattr(getattr(attr, "property", None), "columns", None)
        enum_class = getattr(columns[0].type, "enum_class", None) if columns else None
        column_type = columns[0].type if columns else None
        if found and isinstance(column_type, Integer | Numeric):
            for flt in found:
                flt.validate = partial(_numbers_in_range, flt.validate)
        if found and enum_class is not None and hasattr(enum_class, "choices"):
            codes = {member.value for member in enum_class}
            for flt in found:
                if flt.options and not isinstance(flt, sqla_filters.FilterEmpty):
                    flt.options = enum_class.choices()  # lazy labels, rendered per request
                    # An unknown code is refused like any bad filter value (a message, the
                    # filter left out), never sent to the database.
                    flt.validate = partial(_known_codes, codes, flt.validate)
        return found

    # -- permissions -------------------------------------------------------------------
    def _can(self, action: str) -> bool:
        return access.can(current_actor(), self.model, action)

    @property
    def can_create(self) -> bool:
        return self._can(access.CREATE)

    @can_create.setter
    def can_create(self, value: bool) -> None:
        pass

    @property
    def can_edit(self) -> bool:
        return self._can(access.EDIT)

    @can_edit.setter
    def can_edit(self, value: bool) -> None:
        pass

    @property
    def can_delete(self) -> bool:
        return self._can(access.DELETE)

    @can_delete.setter
    def can_delete(self, value: bool) -> None:
        pass

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated) and (
            self._can(access.LIST) or self._can(access.VIEW)
        )

    def is_visible(self) -> bool:
        return self.is_accessible()

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        response = super()._handle_view(name, **kwargs)
        if response is not None:
            return response
        if name == "action_view" and not self.is_action_allowed(request.form.get("action", "")):
            abort(403)
        return None

    def _get_list_extra_args(self) -> Any:
        """Page numbers, sizes and sort columns within what a list can have (a huge page
        number would overflow the query's OFFSET)."""
        args = super()._get_list_extra_args()
        if not 0 <= (args.page or 0) <= MAX_PAGE:
            args.page = 0
        if args.page_size not in (None, 0, *self.page_size_options):
            args.page_size = 0
        if args.sort is not None and not 0 <= args.sort < 1000:
            args.sort = None
        return args

    def is_action_allowed(self, name: str) -> bool:
        """A bulk action runs only with the right its method declares (``@needs``)."""
        found = self._actions_data.get(name)
        declared = getattr(found[0], "needs", None) if found else None
        return declared is not None and self._can(declared[0]) and \
            super().is_action_allowed(name)

    # -- rows --------------------------------------------------------------------------
    def scoped(self, query: Any) -> Any:
        return query.filter(access.row_filter(current_actor(), self.model))

    def get_query(self) -> Any:
        running = _EXPORT.get()
        options = self.query_options if running is None or self.export_query_options is None \
            else self.export_query_options
        return self._unarchived(self.scoped(super().get_query())).options(*options)

    def get_count_query(self) -> Any:
        return self._unarchived(self.scoped(super().get_count_query()))

    def showing_archived(self) -> bool | None:
        """None for models without an archive; else whether the list asks for archived rows."""
        if "archived" not in sa_inspect(self.model).columns:
            return None
        return request.args.get("archived") == "1"

    def _unarchived(self, query: Any) -> Any:
        """Lists and exports leave archived records out unless asked (``?archived=1``);
        a record opened by its id is still found."""
        if (has_request_context() and self.showing_archived() is False
                and request.endpoint in (f"{self.endpoint}.index_view",
                                         f"{self.endpoint}.export")):
            return query.filter(sa_inspect(self.model).columns["archived"].is_(False))
        return query

    def get_one(self, id: Any) -> Any:
        """Load by id through the scoped query; outside the scope it does not exist (404)."""
        column = getattr(self.model, sqla_tools.get_primary_key(self.model))
        try:
            (raw,) = sqla_tools.iterdecode(id)
            value = column.type.python_type(raw)
        except (ValueError, TypeError):
            abort(404)
        if isinstance(value, int) and record_id(value) is None:
            abort(404)
        obj = self.get_query().filter(column == value).one_or_none()
        if obj is None:
            abort(404)
        return obj

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> Any:
        remote = getattr(self.model, name).prop.mapper.class_
        return ScopedAjaxLoader(name, db, remote, **options)

    # -- columns -----------------------------------------------------------------------
    def _visible(self, columns: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        hidden = access.hidden_columns(current_actor(), self.model)
        return [(name, label) for name, label in columns if str(name).split(".")[0] not in hidden]

    @property
    def _list_columns(self) -> list[tuple[Any, Any]]:
        return self._visible(self.__dict__.get("_all_list_columns", []))

    @_list_columns.setter
    def _list_columns(self, value: list[tuple[Any, Any]]) -> None:
        self.__dict__["_all_list_columns"] = value

    @property
    def _details_columns(self) -> list[tuple[Any, Any]]:
        return self._visible(self.__dict__.get("_all_details_columns", []))

    @_details_columns.setter
    def _details_columns(self, value: list[tuple[Any, Any]]) -> None:
        self.__dict__["_all_details_columns"] = value

    @property
    def _export_columns(self) -> list[tuple[Any, Any]]:
        running = _EXPORT.get()
        if running is not None and running.columns is not None:
            return running.columns  # read once per row by the export: worked out once
        return self._visible(self.__dict__.get("_all_export_columns", []))

    @_export_columns.setter
    def _export_columns(self, value: list[tuple[Any, Any]]) -> None:
        self.__dict__["_all_export_columns"] = value

    @needs(access.DELETE)
    @action(
        "delete",
        admin_lazy_gettext("Delete"),
        admin_lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids: Any) -> None:
        """Bulk delete with ids typed like the key: PostgreSQL refuses integer = varchar."""
        column = getattr(self.model, sqla_tools.get_primary_key(self.model))
        typed = []
        for raw in ids:
            try:
                value = column.type.python_type(raw)
            except (TypeError, ValueError):
                continue
            if not isinstance(value, int) or record_id(value) is not None:
                typed.append(value)
        ModelView.action_delete(self, typed)

    def get_export_value(self, model: Any, name: Any) -> Any:
        """A cell of an export: plain text (a list's badges and links lose their markup) and
        safe for spreadsheets."""
        running = _EXPORT.get()
        if running is None:
            return _plain(super().get_export_value(model, name))
        cell = running.cell_of.get(name)
        if cell is None:
            cell = running.cell_of[name] = self._export_cell(running, name)
        return cell(model)

    def _export_cell(self, running: _Export, name: str) -> Callable[[Any], Any]:
        """How one column's cells are made in this export. A value formatted by its type
        alone is formatted once per export, not once per row (50,000 rows repeat a few
        hundred values); times, mostly each their own, directly."""
        formatted = super().get_export_value
        if name in running.by_row:
            return lambda model: _plain(formatted(model, name))
        get = operator.attrgetter(name)
        cells: dict[Any, Any] = {}

        def cell(model: Any) -> Any:
            try:
                raw = get(model)
            except AttributeError:
                raw = None
            if isinstance(raw, dt.datetime):
                return format_date(raw, running.locale)
            try:
                return cells[raw]
            except KeyError:
                value = cells[raw] = _plain(formatted(model, name))
            except TypeError:  # not hashable: formatted every time
                value = _plain(formatted(model, name))
            return value

        return cell

    def _export_csv(self, return_url: Any) -> Any:
        """Flask-Admin's CSV, written in one pass while the request's session is open."""
        _count, rows = self._export_data()
        columns = self._export_columns
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([str(label) for _, label in columns])
        running = _EXPORT.get()
        assert running is not None  # set by ``export``
        cells = [running.cell_of.setdefault(name, self._export_cell(running, name))
                 for name, _ in columns]
        for row in rows:
            writer.writerow([cell(row) for cell in cells])
        filename = secure_filename(self.get_export_name(export_type="csv"))
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment;filename={filename}"})

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Any:
        running = _Export(by_row=set(self.column_formatters_export or {}), locale=locale())
        token = _EXPORT.set(running)
        # 50,000 rows make some 200,000 objects and no reference cycles: the cyclic collector
        # would walk them over and over (a third of the export's time) for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            # An export keeps durations in minutes (a spreadsheet sums them): the heading says so.
            minutes = {name: model_labels(self.model).get(name, label)
                       for name, label in duration_columns(self.model).items()}
            running.columns = [(name, minutes.get(name, label))
                               for name, label in self._export_columns]
            response = super().export(export_type)
        finally:
            _EXPORT.reset(token)
            if collecting:
                gc.enable()
        return response

    # Filters and search on a hidden column would let a user probe its values.
    def _filter_visible(self, flt: Any) -> bool:
        return getattr(flt, "spec_root", None) not in access.hidden_columns(
            current_actor(), self.model
        )

    @property
    def _filter_groups(self) -> Any:
        groups = self.__dict__.get("_all_filter_groups")
        if not groups or not has_request_context():  # Flask-Admin fills it in at start-up
            return groups
        return type(groups)(
            (key, group) for key, group in groups.items()
            if any(self._filter_visible(self._filters[item["index"]]) for item in group.filters)
        )

    @_filter_groups.setter
    def _filter_groups(self, value: Any) -> None:
        self.__dict__["_all_filter_groups"] = value

    @property
    def _filter_args(self) -> Any:
        args = self.__dict__.get("_all_filter_args")
        if not args or not has_request_context():
            return args
        return {key: (i, flt) for key, (i, flt) in args.items() if self._filter_visible(flt)}

    @_filter_args.setter
    def _filter_args(self, value: Any) -> None:
        self.__dict__["_all_filter_args"] = value

    @property
    def _search_fields(self) -> Any:
        fields = self.__dict__.get("_all_search_fields")
        if not fields or not has_request_context():
            return fields
        hidden = access.hidden_columns(current_actor(), self.model)
        return [(column, joins) for column, joins in fields
                if joins or getattr(column, "key", None) not in hidden]

    @_search_fields.setter
    def _search_fields(self, value: Any) -> None:
        self.__dict__["_all_search_fields"] = value

    def _apply_search(self, query: Any, count_query: Any, joins: Any, count_joins: Any,
                      search: str) -> Any:
        """On SQLite, each term of three characters or more is looked up in the table's FTS5
        trigram index (models/search.py), within the columns the reader may see; the rest
        (short terms, ``^``/``=`` forms, searches through related tables) as Flask-Admin
        does."""
        if db.engine.dialect.name != "sqlite":
            return super()._apply_search(query, count_query, joins, count_joins, search)
        fields = self._search_fields or []
        columns = [getattr(c, "key", "") for c, path in fields if not path]
        model: Any = self.model
        table = model.__tablename__
        rest = []
        for term in search.split(" "):
            ids = None if len(columns) < len(fields) or term[:1] in "^=" \
                else matching(table, columns, term)
            if ids is None:
                rest.append(term)
                continue
            query = query.filter(model.id.in_(ids))
            if count_query is not None:
                count_query = count_query.filter(model.id.in_(ids))
        return super()._apply_search(query, count_query, joins, count_joins, " ".join(rest))

    def search_placeholder(self) -> str | None:
        hidden = access.hidden_columns(current_actor(), self.model)
        names = [n for n in self.column_searchable_list or () if n not in hidden]
        return ", ".join(str(self.column_labels.get(n, n)) for n in names) or None

    # -- forms -------------------------------------------------------------------------
    def _secure_form(self, form: Any) -> Any:
        """Drop hidden fields and those only the domain sets (``domain_only`` in the column's
        info); limit every relationship picker to rows in the user's scope."""
        for name in access.hidden_columns(current_actor(), self.model) | domain_only(self.model):
            if name in form:
                del form[name]
        editable = access.editable_fields(current_actor(), self.model)
        if editable is not None:
            for name in [field.name for field in form if field.name not in editable
                         and field.name != "csrf_token"]:
                del form[name]
        for field in form:
            factory = getattr(field, "query_factory", None)
            if factory is None:
                continue
            remote = factory().column_descriptions[0]["entity"]
            field.query = db.session.query(remote).filter(access.row_filter(current_actor(), remote))
        return form

    def scaffold_form(self) -> Any:
        form_class = super().scaffold_form()
        if "version" in sa_inspect(self.model).columns:
            form_class.version = HiddenField()  # the save count the editor saw
        return form_class

    def create_form(self, obj: Any = None) -> Any:
        form = self._secure_form(super().create_form(obj))
        if "version" in form:
            del form["version"]
        self._prefill(form)
        return form

    def _prefill(self, form: Any) -> None:
        """``?pair=7`` (any relationship field by name) opens the create form with that
        record chosen, if the user may reach it: task and page links land ready to fill."""
        if request.method != "GET":
            return
        for field in form:
            wanted = record_id(request.args.get(field.name))
            if wanted is None or field.type.endswith("MultipleField"):
                continue
            if getattr(field, "query", None) is not None:
                remote = field.query.column_descriptions[0]["entity"]
                field.data = field.query.filter(remote.id == wanted).one_or_none()
            elif getattr(field, "loader", None) is not None:
                field.data = field.loader.get_one(wanted)

    #: Fields set when the record is created and kept as they were from then on.
    form_fixed_once_created: tuple[str, ...] = ()

    def edit_form(self, obj: Any = None) -> Any:
        if obj is not None and not access.can_change(current_actor(), obj):
            abort(403)
        form = self._secure_form(super().edit_form(obj))
        for name in self.form_fixed_once_created:
            if name in form:
                del form[name]
        return form

    def act_on_posted(self, action: Callable[[Any], Any], done: Any = None) -> Any:
        """Load the record named by the form's ``id`` (scoped: 404 outside), run the domain
        ``action`` on it through ``perform``; back to the record's page either way."""
        obj = self.get_one(request.form.get("id", ""))
        perform(lambda: action(obj), done=done or _("Saved."))
        return redirect(url_for(".details_view", id=obj.id))

    # -- pages -------------------------------------------------------------------------
    @expose("/archive/", methods=("POST",))
    @needs(access.EDIT)
    def archive_view(self) -> Any:
        """Archive a youth or mentor (out of lists and pickers), or bring them back."""
        if domain_only(self.model).isdisjoint({"archived"}):
            abort(404)
        archived = request.form.get("archived") == "1"
        return self.act_on_posted(
            lambda record: archive.set_archived(db.session(), record, archived,
                                                actor=current_actor()),
            _("Archived: left out of lists and choices, kept with its history.") if archived
            else _("Back in the lists."))

    def can_edit_record(self, model: Any) -> bool:
        """Whether the edit form is offered for this record (the policy and its state)."""
        return bool(self.can_edit) and access.can_change(current_actor(), model)

    def can_archive(self, model: Any) -> bool:
        return "archived" in domain_only(self.model) and self.allowed("archive_view") \
            and access.can_change(current_actor(), model)

    def work_list(self, rows: Any) -> dict[str, Any] | None:
        """On a list opened as a work list, the bulk action at hand for its ``rows``:
        ``action``, ``ids``, ``title``, ``button`` and ``confirm`` (override)."""
        return None

    def details_context(self, model: Any) -> dict[str, Any]:
        """What the details template shows beside the record's columns (override)."""
        return {}

    def create_context(self) -> dict[str, Any]:
        """What the create template shows beside the form (override)."""
        return {}

    #: Columns a record's page leaves out while they are empty (e.g. a pair's closure).
    details_hidden_when_empty: tuple[str, ...] = ()

    def details_hidden(self, model: Any) -> set[str]:
        """Columns that mean nothing for this record and are left off its page (override)."""
        return set()

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.details_template and kwargs.get("model") is not None:
            model = kwargs["model"]
            if "details_columns" in kwargs:
                hidden = self.details_hidden(model)
                kwargs["details_columns"] = [
                    (c, name) for c, name in kwargs["details_columns"]
                    if c not in hidden and (c not in self.details_hidden_when_empty
                                            or getattr(model, c, None) not in (None, "", False))]
            kwargs.update(self.details_context(model))
        elif template == self.create_template:
            kwargs.update(self.create_context())
        return super().render(template, **kwargs)

    def update_model(self, form: Any, model: Any) -> Any:
        """Refuse to overwrite a save made since the editor opened the form; their input stays
        on the form, and saving it again then replaces the other save knowingly."""
        if "version" in form:
            seen = form.version.data
            del form["version"]  # the mapper counts versions; never taken from the form
            if str(seen) != str(model.version):
                flash(_("Someone else saved this record while you were editing it. Your input "
                        "is kept below: open the record in another tab to see their changes, "
                        "then save again to replace them, or cancel."), "error")
                return False
        return super().update_model(form, model)

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        """Flush, which runs the record rules once; put violations on their fields and
        refuse the save. The audit keeps the changes as they were before the flush."""
        changes = None if is_created else audit.changes(model)
        try:
            db.session.flush()
        except RuleViolation as exc:
            show_violations(exc, form)
            raise FormRejected() from exc
        audit.record(db.session(), current_actor(), "create" if is_created else "update", model,
                     changes=audit.snapshot(model) if is_created else changes)

    def on_model_delete(self, model: Any) -> None:
        if not access.can_change(current_actor(), model):
            flash(_("This record can no longer be changed or deleted."), "error")
            raise FormRejected()
        if type(model) in attachments.TYPE_OF and attachments.of_records(
                db.session(), attachments.TYPE_OF[type(model)], [model.id]):
            flash(_("This record still has documents: delete them first."), "error")
            raise FormRejected()
        audit.record(
            db.session(), current_actor(), "delete", model, changes=audit.snapshot(model),
        )

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, FormRejected):
            return True
        if isinstance(exc, RuleViolation):
            show_violations(exc)
            return True
        if isinstance(exc, IntegrityError):
            db.session.rollback()
            flash(
                _("The record was not saved: it conflicts with existing records "
                  "(a duplicate value, or it is still referred to by other records)."),
                "error",
            )
            return True
        return super().handle_view_exception(exc)
