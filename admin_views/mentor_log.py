"""The mentor's phone screens: log a meeting in a few taps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from admin_views.base import SecureView, current_actor, needs, perform
from admin_views.formatting import date_filter
from admin_views.forms import TranslatedForm
from common.clock import today
from common.enums import Activity, Mode, Role
from common.formatting import format_minutes
from common.i18n import _, _l
from mentoring import access, hours, mentor_home
from models import Pair, ServiceEntry, db

DURATIONS = (30, 45, 60, 90, 120, 150, 180)
PAGE = 30
OTHER = 0


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

    def duration(self) -> int | None:
        if self.minutes.data and self.minutes.data != OTHER:
            return int(self.minutes.data)
        return self.other_minutes.data


class MentorLogView(SecureView):
    """*Reģistrēt tikšanos*: the pair preselected, today's date, durations as buttons."""

    model = ServiceEntry

    def is_visible(self) -> bool:
        """In the menu of mentors; coordinators log through the hours list."""
        return access.role_of(current_actor()) == Role.mentor

    @expose("/", methods=("GET", "POST"))
    @needs(access.CREATE)
    def index(self) -> Any:
        actor = current_actor()
        pairs = mentor_home.own_active_pairs(db.session(), actor)
        form = LogForm()
        form.pair.choices = [(p.id, f"{p.youth.first_name} {p.youth.last_name[:1]}.")
                             for p in pairs]
        form.minutes.choices = [(m, format_minutes(m)) for m in DURATIONS] + [
            (OTHER, str(_("Other")))]
        if request.method == "GET":
            wanted = request.args.get("pair", type=int)
            form.pair.data = wanted if wanted in {p.id for p in pairs} else (
                pairs[0].id if len(pairs) == 1 else None)
            try:
                asked = dt.date.fromisoformat(request.args.get("day", ""))
            except ValueError:
                asked = today()
            # A day a meeting can have been on: not ahead, not before the service's years.
            form.day.data = asked if dt.date(2000, 1, 1) <= asked <= today() else today()
        chosen = next((p for p in pairs if p.id == form.pair.data), None)
        day = form.day.data if isinstance(form.day.data, dt.date) \
            and dt.date(2000, 1, 1) <= form.day.data <= dt.date(2100, 12, 1) else today()
        if request.method == "POST" and form.validate():
            minutes = form.duration()
            if not minutes:
                form.minutes.errors = [*form.minutes.errors, str(_("Choose how long it was."))]
            elif chosen is not None:
                outcome = perform(
                    lambda: hours.log_entry(
                        db.session(), pair=chosen, actor=actor, day=form.day.data,
                        minutes=minutes, activity=Activity(form.activity.data),
                        mode=Mode(form.mode.data), note=form.note.data or ""),
                    done=_("Logged: %(minutes)s on %(date)s.", minutes=format_minutes(minutes),
                           date=date_filter(form.day.data)),
                    form=form)
                if outcome.ok:
                    return redirect(url_for("admin.index"))
        if request.method == "POST" and form.errors:
            flash(_("Check the marked fields."), "error")
        return self.render("mentoring/mentor_log.html", form=form, pairs=pairs, day=day,
                           today=today(), yesterday=today() - dt.timedelta(days=1), chosen=chosen,
                           left=mentor_home.left_in_month(db.session(), chosen, day)
                           if chosen is not None else None)


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
