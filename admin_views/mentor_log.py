"""The mentor's phone screens: log a meeting in a few taps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DecimalField, IntegerField, RadioField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation

from admin_views.base import SecureView, current_actor, needs, perform
from admin_views.formatting import date_filter
from admin_views.forms import TranslatedForm
from common.clock import today
from common.enums import Activity, EntryStatus, ExpenseKind, Mode, Role
from common.formatting import format_minutes
from common.i18n import _, _l
from mentoring import access, hours, mentor_home
from mentoring import expenses as expense_claims
from models import ExpenseClaim, Mentor, Pair, ServiceEntry, Youth, db

DURATIONS = (30, 45, 60, 90, 120, 150, 180)
PAGE = 30
OTHER = 0


def youth_label(youth: Youth) -> str:
    """What a mentor's screens call a youth: first name and initial."""
    return f"{youth.first_name} {youth.last_name[:1]}."


class LogForm(TranslatedForm):
    pair = RadioField(_l("Who with"), coerce=int,
                      validators=[DataRequired(_l("Choose the youth you met."))])
    day = DateField(_l("Date"), validators=[DataRequired()])
    minutes = RadioField(_l("How long"), coerce=int,
                         validators=[Optional()])
    other_minutes = IntegerField(_l("Other length (minutes, in 15-minute steps)"),
                                 validators=[Optional(), NumberRange(min=15, max=24 * 60)])
    activity = RadioField(_l("What you did"), choices=Activity.choices(),
                          validators=[DataRequired(_l("Choose what you did."))])
    mode = RadioField(_l("Where"), choices=Mode.choices(), default=Mode.in_person.value)
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])

    def fill(self, entry: ServiceEntry) -> None:
        """The form as the entry was saved."""
        if entry.minutes in DURATIONS:
            self.minutes.data = entry.minutes
        else:
            self.minutes.data, self.other_minutes.data = OTHER, entry.minutes
        self.activity.data, self.mode.data = entry.activity.value, entry.mode.value
        self.note.data = entry.note

    def duration(self) -> int | None:
        if self.minutes.data and self.minutes.data != OTHER:
            return int(self.minutes.data)
        return self.other_minutes.data


def _finite(form: Any, field: Any) -> None:
    """NaN, infinities and signalling NaNs are not amounts."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_("Enter a number."))  # the range check cannot compare it


class ClaimForm(TranslatedForm):
    pair = RadioField(_l("Which pair"), coerce=int,
                      validators=[DataRequired(_l("Choose the youth it was for."))])
    day = DateField(_l("Date"), validators=[DataRequired()])
    kind = RadioField(_l("Kind"), choices=ExpenseKind.choices(),
                      validators=[DataRequired(_l("Choose the kind of expense."))])
    distance_km = DecimalField(_l("Distance (km), for travel"), places=1,
                               validators=[Optional(), _finite,
                                           NumberRange(min=0.1, max=5000)])
    amount = DecimalField(_l("Amount (EUR), for other expenses"), places=2,
                          validators=[Optional(), _finite, NumberRange(min=0.01, max=10000)])
    purpose = TextAreaField(_l("What it was for"), validators=[Length(max=1000)])


class MentorLogView(SecureView):
    """*Reģistrēt tikšanos*: the pair preselected, today's date, durations as buttons."""

    model = ServiceEntry

    def is_visible(self) -> bool:
        """In the menu of mentors; coordinators log through the hours list."""
        return access.role_of(current_actor()) == Role.mentor

    @expose("/", methods=("GET", "POST"))
    @needs(access.CREATE)
    def index(self) -> Any:
        return self._log_form(None)

    @expose("/<int:entry_id>/", methods=("GET", "POST"))
    @needs(access.EDIT)
    def edit(self, entry_id: int) -> Any:
        """An own entry on the same form, while it waits for approval or after a rejection
        (corrected, it goes back to the coordinator)."""
        entry = self._own_entry(entry_id)
        if not access.can_change(current_actor(), entry):
            flash(_("This entry can no longer be changed: it is approved or invoiced."), "error")
            return redirect(url_for(".entries"))
        return self._log_form(entry)

    @expose("/<int:entry_id>/delete", methods=("POST",))
    @needs(access.DELETE)
    def delete(self, entry_id: int) -> Any:
        entry = self._own_entry(entry_id)
        perform(lambda: hours.delete_entry(db.session(), entry, actor=current_actor()),
                done=_("The entry was deleted."))
        return redirect(url_for(".entries"))

    def _own_entry(self, entry_id: int) -> ServiceEntry:
        entry = db.session.scalar(select(ServiceEntry).where(
            ServiceEntry.id == entry_id, access.row_filter(current_actor(), ServiceEntry)))
        if entry is None:
            abort(404)
        return entry

    def _log_form(self, entry: ServiceEntry | None) -> Any:
        actor = current_actor()
        pairs = mentor_home.own_active_pairs(db.session(), actor)
        if entry is not None and entry.pair not in pairs:
            pairs.append(entry.pair)
        form = LogForm()
        form.pair.choices = [(p.id, youth_label(p.youth)) for p in pairs]
        form.minutes.choices = [(m, format_minutes(m)) for m in DURATIONS] + [
            (OTHER, str(_("Other")))]
        if request.method == "GET":
            wanted = request.args.get("pair", type=int)
            default = entry.pair_id if entry is not None else (
                pairs[0].id if len(pairs) == 1 else None)
            form.pair.data = wanted if wanted in {p.id for p in pairs} else default
            try:
                asked = dt.date.fromisoformat(request.args.get("day", ""))
            except ValueError:
                asked = entry.day if entry is not None else today()
            # A day a meeting can have been on: not ahead, not before the service's years.
            form.day.data = asked if dt.date(2000, 1, 1) <= asked <= today() else today()
            if entry is not None:
                form.fill(entry)
        chosen = next((p for p in pairs if p.id == form.pair.data), None)
        day = form.day.data if isinstance(form.day.data, dt.date) \
            and dt.date(2000, 1, 1) <= form.day.data <= dt.date(2100, 12, 1) else today()
        if request.method == "POST" and form.validate():
            minutes = form.duration()
            if not minutes:
                form.minutes.errors = [*form.minutes.errors, str(_("Choose how long it was."))]
            elif chosen is not None:
                values = {"pair": chosen, "day": form.day.data, "minutes": minutes,
                          "activity": Activity(form.activity.data),
                          "mode": Mode(form.mode.data), "note": form.note.data or ""}
                rejected = entry is not None and entry.status == EntryStatus.rejected
                outcome = perform(
                    (lambda: hours.log_entry(db.session(), actor=actor, **values))
                    if entry is None else
                    (lambda: hours.change_entry(db.session(), entry, actor=actor, **values)),
                    done=_("Corrected and sent back to your coordinator for approval.")
                    if rejected else
                    _("Logged: %(minutes)s on %(date)s.", minutes=format_minutes(minutes),
                      date=date_filter(form.day.data)) if entry is None else _("Saved."),
                    form=form)
                if outcome.ok:
                    return redirect(url_for("admin.index") if entry is None
                                    else url_for(".entries"))
        if request.method == "POST" and form.errors:
            flash(_("Check the marked fields."), "error")
        here = {"entry_id": entry.id} if entry is not None else {}
        return self.render("mentoring/mentor_log.html", form=form, pairs=pairs, day=day,
                           entry=entry, here=here, today=today(),
                           yesterday=today() - dt.timedelta(days=1), chosen=chosen,
                           left=mentor_home.left_in_month(db.session(), chosen, day,
                                                          without=entry)
                           if chosen is not None else None)

    @expose("/expenses/", methods=("GET", "POST"))
    @needs(access.CREATE, ExpenseClaim)
    def expenses(self) -> Any:
        """A volunteer's expense claims: file one for an own pair (travel by the km), and
        see each claim's status; the receipt is added on the claim's page."""
        actor = current_actor()
        pairs = mentor_home.own_active_pairs(db.session(), actor)
        form = ClaimForm()
        form.pair.choices = [(p.id, youth_label(p.youth)) for p in pairs]
        if request.method == "GET":
            form.day.data = today()
            form.pair.data = pairs[0].id if len(pairs) == 1 else None
        if request.method == "POST" and form.validate():
            chosen = next((p for p in pairs if p.id == form.pair.data), None)
            if chosen is not None:
                outcome = perform(lambda: expense_claims.file_claim(
                    db.session(), actor=actor, pair=chosen, day=form.day.data,
                    kind=ExpenseKind(form.kind.data), amount=form.amount.data,
                    distance_km=form.distance_km.data, purpose=form.purpose.data or "",
                    today=today()), form=form,
                    done=_("The claim was sent to your coordinator. Add the receipt on its "
                           "page."))
                if outcome.ok and outcome.value is not None:
                    return redirect(url_for("expense_claim.details_view",
                                            id=outcome.value.id))
        elif request.method == "POST":
            flash(_("Check the marked fields."), "error")
        claims = db.session.scalars(select(ExpenseClaim).where(
            access.row_filter(actor, ExpenseClaim))
            .order_by(ExpenseClaim.day.desc(), ExpenseClaim.id.desc()).limit(50)).all()
        return self.render("mentoring/mentor_expenses.html", form=form, pairs=pairs,
                           claims=claims)

    @expose("/me/")
    @needs(access.OWN_RECORD, Mentor)
    def me(self) -> Any:
        """*Mani dati*: own training, certificates, agreement and statement validity, and
        supervision — read from the mentor's own record only."""
        record = mentor_home.own_record(db.session(), current_actor(), today())
        if record is None:
            abort(404)
        return self.render("mentoring/mentor_me.html", record=record, today=today())

    @expose("/entries/")
    @needs(access.LIST)
    def entries(self) -> Any:
        """Own entries as cards, newest first: status, a rejection's reason, and the change
        still possible while an entry waits for approval."""
        actor = current_actor()
        page = max(min(request.args.get("page", 0, type=int), 10_000), 0)
        rows = list(db.session.scalars(
            select(ServiceEntry).where(access.row_filter(actor, ServiceEntry))
            .options(joinedload(ServiceEntry.pair).joinedload(Pair.youth))
            .order_by(ServiceEntry.day.desc(), ServiceEntry.id.desc())
            .offset(page * PAGE).limit(PAGE + 1)))
        return self.render("mentoring/mentor_entries.html", entries=rows[:PAGE], page=page,
                           more=len(rows) > PAGE,
                           changeable={e.id for e in rows[:PAGE]
                                       if access.can_change(actor, e)
                                       and access.can(actor, ServiceEntry, access.EDIT)})
