"""Service entries."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import force_locale
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.base import (
    SecureModelView,
    SecureView,
    arg_id,
    current_actor,
    needs,
    pdf_download,
    perform,
)
from admin_views.formatting import status_badge, yes_no
from admin_views.forms import TranslatedForm
from common.clock import today
from common.enums import EntryStatus, PairStatus, Role
from common.i18n import _, _l, ngettext
from mentoring import access, audit, documents, hours, hours_import, timesheets
from models import (
    Invoice,
    Mentor,
    Pair,
    Programme,
    Provider,
    ServiceEntry,
    TimesheetSignoff,
    User,
    Youth,
    db,
)
from models.service_entry import waiting


class ServiceEntryView(SecureModelView):
    """Service hours: logged by mentors and coordinators, approved or rejected by coordinators."""

    # Millions of rows: the pager offers the next page without counting them all.
    simple_list_pager = True

    create_template = "mentoring/entry_create.html"
    details_template = "mentoring/entry_details.html"
    column_list = ("pair", "day", "minutes", "activity", "mode", "billable", "status", "invoice")
    column_details_list = (
        "pair", "day", "minutes", "activity", "mode", "note", "billable", "status",
        "rejection_reason", "logged_by", "approved_by", "approved_at", "invoice", "created_at",
    )
    column_export_list = column_details_list
    form_columns = ("pair", "day", "minutes", "activity", "mode", "note", "billable")
    column_filters = ("day", "status", "activity", "mode", "billable")
    column_default_sort = [("day", True)]
    form_args = {"minutes": {"description": "15, 30, 45, 60 …"}}
    # The page's rows first, their labels in one query per kind after: joined in the list
    # query, PostgreSQL would join every entry it passes over before the scope drops it.
    query_options = (
        selectinload(ServiceEntry.pair).selectinload(Pair.youth),
        selectinload(ServiceEntry.pair).selectinload(Pair.mentor),
        selectinload(ServiceEntry.pair).selectinload(Pair.programme),
        selectinload(ServiceEntry.invoice),
        selectinload(ServiceEntry.logged_by),
        selectinload(ServiceEntry.approved_by),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._auto_joins: list[Any] = []  # Flask-Admin would join the listed relations: loaded as above

    # An export of 50,000 entries loads only what its cells show.
    export_query_options = (
        joinedload(ServiceEntry.pair).load_only(Pair.youth_id, Pair.mentor_id, Pair.programme_id)
        .joinedload(Pair.youth).load_only(
            Youth.case_number, Youth.first_name, Youth.last_name,
            Youth.consent_withdrawn_on),  # type: ignore[arg-type]  # a column property
        joinedload(ServiceEntry.pair).joinedload(Pair.mentor)
        .load_only(Mentor.first_name, Mentor.last_name),
        joinedload(ServiceEntry.pair).joinedload(Pair.programme).load_only(Programme.paid),
        joinedload(ServiceEntry.invoice).load_only(Invoice.number, Invoice.status),
        joinedload(ServiceEntry.logged_by).load_only(User.name),
        joinedload(ServiceEntry.approved_by).load_only(User.name),
    )

    column_formatters = {
        "status": lambda v, c, m, n: status_badge(m.status),
        # A volunteer programme bills nothing: its hours are not labelled billable.
        "billable": lambda v, c, m, n: (yes_no(m.billable) if m.pair.programme.paid else ""),
    }
    # Exports read the status by its label; billable stays blank for a volunteer programme.
    column_formatters_export = {
        "billable": lambda v, c, m, n: ((_("Yes") if m.billable else _("No"))
                                        if m.pair.programme.paid else ""),
    }

    def details_hidden(self, model: ServiceEntry) -> set[str]:
        return set() if model.pair.programme.paid else {"billable"}

    def scoped(self, query: Any) -> Any:
        """The work list a task opens: ``?pair=`` one pair's entries, ``?waiting=1`` only
        those waiting for approval (the task's count is the list's rows)."""
        query = super().scoped(query)
        pair_id = arg_id("pair") if request.endpoint == "service_entry.index_view" else None
        if pair_id:
            query = query.filter(ServiceEntry.pair_id == pair_id)
        if request.args.get("waiting") == "1":
            query = query.filter(waiting())
        return query

    def work_list(self, rows: Any) -> dict[str, Any] | None:
        """The waiting entries a task opened: approve them all in one step."""
        waiting = [row.id for row in rows or [] if row.status == EntryStatus.logged]
        if request.args.get("waiting") != "1" or not waiting \
                or not access.can(current_actor(), ServiceEntry, access.APPROVE):
            return None
        return {"action": "approve", "ids": waiting,
                "title": ngettext("%(num)d entry waits for your approval.",
                                  "%(num)d entries wait for your approval.", len(waiting)),
                "button": ngettext("Approve this entry", "Approve these %(num)d entries",
                                   len(waiting)),
                "confirm": _("Approve the selected entries?")}

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        wanted = arg_id("pair")
        if wanted and "pair" in form and request.method == "GET":
            form.pair.data = db.session.scalar(
                select(Pair).where(Pair.id == wanted, access.row_filter(current_actor(), Pair)))
        return form

    def on_model_change(self, form: Any, model: ServiceEntry, is_created: bool) -> None:
        if is_created:
            model.logged_by_id = current_user.id
            if access.editable_fields(current_actor(), ServiceEntry) is not None:
                model.billable = True
        reason = model.rejection_reason
        resubmitted = not is_created and hours.send_back_if_rejected(model)
        super().on_model_change(form, model, is_created)
        if resubmitted:
            audit.record(db.session(), current_actor(), "entry.resubmitted", model,
                         changes={"reason": reason})

    def create_context(self) -> dict[str, Any]:
        open_pairs = db.session.scalars(
            select(Pair).where(access.row_filter(current_actor(), Pair),
                               Pair.status == PairStatus.active)
            .options(joinedload(Pair.youth), joinedload(Pair.mentor), joinedload(Pair.programme))
            .order_by(Pair.id)).all()
        day = today()
        return {"remaining": [(p, hours.remaining_minutes(db.session(), p, day))
                              for p in open_pairs]}

    def details_context(self, model: ServiceEntry) -> dict[str, Any]:
        return {"can_decide": self.allowed("decide_view")}

    @needs(access.APPROVE)
    @action("approve", _l("Approve"), _l("Approve the selected entries?"))
    def action_approve(self, ids: Any) -> None:
        typed = [int(i) for i in ids if str(i).isdigit()]
        entries = self.get_query().filter(ServiceEntry.id.in_(typed)).all()
        perform(lambda: hours.approve(db.session(), entries, actor=current_actor()),
                done=lambda count: ngettext("%(num)d entry approved.",
                                            "%(num)d entries approved.", count))

    @expose("/decide/", methods=("POST",))
    @needs(access.APPROVE)
    def decide_view(self) -> Any:

        def decide(entry: ServiceEntry) -> None:
            if request.form.get("decision") == "approve":
                hours.approve(db.session(), [entry], actor=current_actor())
            else:
                hours.reject(db.session(), entry, actor=current_actor(),
                             reason=request.form.get("reason", ""))

        return self.act_on_posted(decide)


class ImportForm(TranslatedForm):
    file = FileField(_l("Spreadsheet (XLSX or CSV)"), validators=[FileRequired()])


class HoursImportView(SecureView):
    """Import a month's entries from a spreadsheet: check first, import only if all rows pass."""

    model = ServiceEntry

    def is_visible(self) -> bool:
        """In the coordinators' menu; a mentor logs a meeting on the phone form instead."""
        return self.is_accessible() and access.role_of(current_actor()) != Role.mentor

    @expose("/", methods=("GET", "POST"))
    @needs(access.CREATE)
    def index(self) -> Any:
        form = ImportForm()
        result = None
        if form.validate_on_submit():
            upload = form.file.data
            dry_run = request.form.get("mode") != "import"
            result = perform(
                lambda: hours_import.run(
                    db.session(), hours_import.read_rows(upload.read(), upload.filename or ""),
                    actor=current_actor(), dry_run=dry_run),
                form=form, aliases={"": "file"}, keep=lambda found: bool(found.imported),
                done=lambda found: ngettext("%(num)d entry imported.",
                                            "%(num)d entries imported.", found.imported),
            ).value
        return self.render("mentoring/hours_import.html", form=form, result=result)


class TimesheetView(SecureView):
    """A provider's month: pairs × days, totals against the cap, sign-off and print."""

    model = TimesheetSignoff

    def _sheet(self) -> tuple[list[Provider], Provider, Any]:
        providers, provider = self.chosen_provider()
        year, month = self.chosen_month(timesheets.month_to_sign(db.session(), provider.id,
                                                                 today()))
        return providers, provider, timesheets.build(db.session(), provider.id, year, month)

    @expose("/")
    @needs(access.LIST)
    def index(self) -> Any:
        providers, provider, sheet = self._sheet()
        return self.render("mentoring/timesheet.html", providers=providers, provider=provider,
                           sheet=sheet, can_sign=self.allowed("sign"))

    @expose("/sign/", methods=("POST",))
    @needs(access.SIGN_OFF)
    def sign(self) -> Any:
        _providers, provider, sheet = self._sheet()
        perform(lambda: timesheets.sign_off(db.session(), provider_id=provider.id,
                                            year=sheet.year, month=sheet.month,
                                            actor=current_actor()),
                done=_("The timesheet is signed off."))
        return redirect(url_for(".index", provider=provider.id,
                                month=f"{sheet.year:04d}-{sheet.month:02d}"))

    @expose("/pdf/")
    @needs(access.LIST)
    def pdf(self) -> Any:
        _providers, provider, sheet = self._sheet()
        with force_locale("lv"):
            html = render_template("mentoring/timesheet_pdf.html", provider=provider,
                                   sheet=sheet, css=documents.BASE_CSS)
        return pdf_download(html, f"stundu-uzskaite-{sheet.year}-{sheet.month:02d}.pdf")
