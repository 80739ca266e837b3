"""Every page that shows personal data writes an audit entry (finding 8), generated from
``app.url_map``: a new endpoint of a personal-data model is covered without editing this
test. The audit keeps which parameters were used, never their values (finding 14)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import func, select

from common.actor import Actor
from common.enums import EntryStatus
from mentoring import access
from models import AuditLog, ServiceEntry
from tests.admin_views.test_declared_permissions import admin_routes
from tests.admin_views.test_hours_views import signed_in

MAX_CANDIDATES = 8  # records tried per endpoint until one answers (a draft has no PDF…)


# What shows no record of its own (lists, empty forms, bulk actions), and the subject
# export, audited with its format by its own test (tests/mentoring/test_subject_access.py).
NOT_A_RECORD = {"index_view", "create_view", "action_view", "ajax_update", "subject_view"}


def audited_routes(app: Flask) -> list[tuple[Any, Any, str]]:
    """Every GET route of a personal-data model that opens a record, document, export or
    look-up — by this test's own reckoning, not the code's, so an exemption there fails."""
    found = []
    for rule, view, method in admin_routes(app):
        full = next(r for r in app.url_map.iter_rules() if r.rule == rule)
        declared = view.declared(method)
        if "GET" in (full.methods or ()) and declared and method not in NOT_A_RECORD \
                and declared[1] in access.PERSONAL_DATA:
            found.append((full, view, method))
    return found


def _confirmation(db: Any) -> str:
    """The confirmation before issuing: a contract and a month with hours to bill."""
    entry = db.session.scalar(select(ServiceEntry).where(
        ServiceEntry.status == EntryStatus.approved, ServiceEntry.billable.is_(True),
        ServiceEntry.invoice_id.is_(None)).order_by(ServiceEntry.id))
    pair = entry.pair
    return (f"?provider={pair.provider_id}&contract={pair.contract_id}"
            f"&month={entry.day:%Y-%m}")


# Pages opened with parameters of their own rather than a record's id.
PARAMETERS = {"/admin/invoicing/confirm/": _confirmation}


def candidate_urls(db: Any, rule: Any, view: Any, method: str) -> list[str]:
    """URLs that open the endpoint, newest records first; the bare page too for a custom
    view. Records no one may open for editing any more (billed hours…) are left out."""
    model = view.declared(method)[1]
    records = list(db.session.scalars(select(model).order_by(model.id.desc())
                                      .limit(MAX_CANDIDATES)))
    if method == "edit_view":
        records = [r for r in records if access.can_change(Actor.system(), r)]
    urls = [] if rule.arguments or isinstance(view, ModelView) else [rule.rule]
    if rule.rule in PARAMETERS:
        urls.append(rule.rule + PARAMETERS[rule.rule](db))
    for record in records:
        values = {a: "csv" if a == "export_type" else "xlsx" if a == "export" else record.id
                  for a in rule.arguments}
        path = rule.build(values, append_unknown=False)[1]
        if method == "ajax_lookup":
            refs = getattr(view, "_form_ajax_refs", None) or {}
            if not refs:
                return []
            urls.append(f"{path}?name={next(iter(refs))}&query=Ber")
        elif rule.arguments:
            urls.append(path)
        else:
            urls.append(f"{path}?id={record.id}")
    return urls


def test_every_page_showing_personal_data_writes_an_audit_entry(
        app: Flask, admin_browser: Any, db: Any) -> None:
    routes = audited_routes(app)
    assert len(routes) >= 40  # details, edit, export, documents, look-ups and custom pages
    unreached, unaudited = [], []
    # A page of one's own record ("Mani dati") is opened by its owner, not an administrator.
    owner = signed_in(app, "mentors@mentori.lv")
    for rule, view, method in routes:
        urls = candidate_urls(db, rule, view, method)
        if not urls:
            continue  # no look-up field, or nothing that may still be opened for editing
        reader = owner if view.declared(method)[0] == access.OWN_RECORD else admin_browser
        for url in urls:
            before = db.session.scalar(select(func.max(AuditLog.id))) or 0
            if reader.get(url).status_code != 200:
                continue
            entries = db.session.scalars(select(AuditLog).where(AuditLog.id > before)).all()
            if not any(e.changes.get("page") == url.split("?")[0] for e in entries):
                unaudited.append(url)
            break
        else:
            unreached.append(rule.rule)
    assert unaudited == []
    assert unreached == [], unreached


def test_the_audit_keeps_no_search_terms(admin_browser: Any, db: Any) -> None:
    admin_browser.get("/admin/youth/export/csv/?search=P%C4%93tersons")
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.changes["parameters"] == ["search"]
    assert "Pētersons" not in str(entry.changes) and "P%C4%93" not in str(entry.changes)
    admin_browser.get("/admin/referral/ajax/lookup/?name=youth&query=Ozol")
    lookup = db.session.scalars(select(AuditLog).where(AuditLog.action == "lookup")
                                .order_by(AuditLog.id.desc())).first()
    assert lookup is not None and "Ozol" not in str(lookup.changes)


def test_a_busy_database_keeps_pages_but_not_unrecorded_exports(
        app: Flask, db: Any, demo_users: Any, monkeypatch: Any) -> None:
    """When the audit row cannot be written (the database stays locked past the timeout),
    a page already answered is still shown; a file of personal data is not handed out."""
    from sqlalchemy.exc import OperationalError

    from mentoring import audit

    browser = signed_in(app, "admin@mentori.lv")
    youth = db.session.scalar(select(func.min(ServiceEntry.pair_id)))
    assert browser.get(f"/admin/pair/details/?id={youth}").status_code == 200

    def locked(*_args: Any, **_kw: Any) -> None:
        raise OperationalError("INSERT INTO audit_log", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "record", locked)
    assert browser.get(f"/admin/pair/details/?id={youth}").status_code == 200
    export = browser.get("/admin/youth/export/csv/")
    assert export.status_code == 503
    assert "Eksportu šobrīd neizdevās reģistrēt" in export.get_data(as_text=True)
    assert "personal_code" not in export.get_data(as_text=True)
