"""The data subject's access export holds every record that refers to the person."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from mentoring import subject_access
from models import AuditLog, Mentor, Pair, Youth, db
from tests.admin_views.test_hours_views import signed_in


def busiest(session: Any, model: type, column: Any) -> Any:
    """The person with the most pairs: the export with the most to find."""
    person_id = session.scalar(select(column).group_by(column)
                               .order_by(func.count().desc(), column).limit(1))
    return session.get(model, person_id)


def direct_references(session: Any, person: Any) -> dict[str, int]:
    """For every table with a foreign key to the person's table: its rows about the person."""
    counts = {}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is person.__table__ and table.name != "audit_log":
                n = session.scalar(select(func.count()).select_from(table)
                                   .where(fk.parent == person.id))
                if n:
                    counts[table.name] = counts.get(table.name, 0) + n
    return counts


@pytest.mark.parametrize(("model", "column"), [(Youth, Pair.youth_id), (Mentor, Pair.mentor_id)])
def test_every_referring_table_is_exported(db: Any, demo_users: Any, model: type,
                                           column: Any) -> None:
    person = busiest(db.session, model, column)
    export = subject_access.collect(db.session, person)
    tables = export["tables"]
    assert tables[person.__tablename__] == [tables[person.__tablename__][0]]
    assert tables[person.__tablename__][0]["id"] == person.id
    for table, n in direct_references(db.session, person).items():
        assert len(tables.get(table, [])) >= n, table
    if model is Youth:  # and further down: the pairs' hours, goals and history
        pair_ids = {row["id"] for row in tables["pair"]}
        assert tables["service_entry"] and all(r["pair_id"] in pair_ids
                                               for r in tables["service_entry"])
        assert "goal" in tables and "referral_status_change" in tables
    else:  # a mentor's export stops at the pairs: the youth's own records stay out
        assert "service_entry" not in tables and "goal" not in tables
        assert all("password_hash" not in row for row in tables.get("app_user", []))
    json.loads(subject_access.as_json(export))  # serialisable as it stands


def test_screen_export_is_audited_and_only_for_administrators(app: Any, db: Any,
                                                              demo_users: Any) -> None:
    youth = busiest(db.session, Youth, Pair.youth_id)
    admin = signed_in(app, "admin@mentori.lv")
    admin.get(f"/admin/youth/details/?id={youth.id}")  # a read, audited as such
    response = admin.get(f"/admin/youth/subject/?id={youth.id}&format=json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["subject"]["id"] == youth.id
    assert any(row["action"] == "read" and row["record_id"] == str(youth.id)
               for row in data["tables"]["audit_log"])
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "subject_access.export", AuditLog.record_id == str(youth.id))) == 1
    pdf = admin.get(f"/admin/youth/subject/?id={youth.id}&format=pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert youth.last_name in text and youth.case_number in text
    for email in ("liepaja@mentori.lv", "you@mentori.lv"):
        assert signed_in(app, email).get(
            f"/admin/youth/subject/?id={youth.id}").status_code == 403
