"""A data subject's access request (GDPR art. 15): every record about a youth or a mentor.

The records are found by walking the schema's foreign keys inward from the person: every row
that refers to the person, then every row that refers to those, and so on — so a table added
later is included without anyone remembering to list it. The audit log entries about any of
those records, and those made by the person's own user account, are added. Secrets of a user
account (password hash, two-factor secret, recovery codes) are never exported.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, select, tuple_
from sqlalchemy.orm import Session

from common.actor import Actor
from mentoring import audit
from models import AuditLog, Mentor, Youth, db
from models.base import Base

SECRET_COLUMNS = {"password_hash", "totp_secret", "totp_last_step", "recovery_codes"}
# The audit log is searched by record, below; a user account's own row is exported, but not
# everything that names it in passing (entries it approved, statuses it changed — about others).
NOT_FOLLOWED = {"audit_log"}
NOT_EXPANDED = {"app_user"}
# A mentor's pairs are theirs, but the youth's goals, evaluation and hours under them are the
# youth's data: a mentor's export stops at the pair rows.
STOP_AT = {"mentor": {"pair"}}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _rows(db_session: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row._mapping.items()
             if key not in SECRET_COLUMNS}
            for row in db_session.execute(select(table).where(where)).all()]


# The records documents are attached to (``mentoring.attachments.RECORDS``), by table.
DOCUMENT_RECORDS = frozenset({"youth", "referral", "mentor", "pair", "safety_concern",
                              "invoice", "expense_claim"})


def collect(db_session: Session, person: Youth | Mentor) -> dict[str, Any]:
    """Every row about ``person``, by table, and the audit entries about them."""
    tables = {t.name: t for t in db.metadata.sorted_tables}
    start = type(person).__tablename__
    found: dict[str, list[dict[str, Any]]] = {
        start: _rows(db_session, tables[start], tables[start].c.id == person.id)}
    keys: dict[str, set[Any]] = {start: {person.id}}
    changed = True
    while changed:
        changed = False
        for table in tables.values():
            if table.name in NOT_FOLLOWED:
                continue
            for fk in table.foreign_keys:
                target = fk.column.table.name
                if (target not in keys or fk.column.name != "id" or table.name == start
                        or target in NOT_EXPANDED or target in STOP_AT.get(start, ())):
                    continue
                rows = _rows(db_session, table, fk.parent.in_(sorted(keys[target])))
                known = found.setdefault(table.name, [])
                new = [row for row in rows if row not in known]
                if new:
                    known.extend(new)
                    if "id" in table.c:
                        keys.setdefault(table.name, set()).update(row["id"] for row in new)
                    changed = True
    for name in [n for n, rows in found.items() if not rows]:
        del found[name]
    # The documents kept with those records (their files go with the export on request).
    documents = tables["document"]
    papers = [row for record_type, ids in keys.items() if record_type in DOCUMENT_RECORDS
              for row in _rows(db_session, documents, (documents.c.record_type == record_type)
                               & documents.c.record_id.in_(sorted(ids)))]
    if papers:
        found["document"] = [{k: v for k, v in row.items() if k != "storage_key"}
                             for row in papers]
    found["audit_log"] = _audit_entries(db_session, keys)
    return {
        "subject": {"type": type(person).__name__, "id": person.id,
                    "name": f"{person.first_name} {person.last_name}"},
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": found,
    }


def _audit_entries(db_session: Session, keys: dict[str, set[Any]]) -> list[dict[str, Any]]:
    """Audit rows about any collected record, and those by the person's user accounts."""
    model_of = {mapper.class_.__tablename__: mapper.class_.__name__
                for mapper in Base.registry.mappers}
    about = [(model_of[name], str(key)) for name, ids in keys.items() if name in model_of
             for key in ids]
    rows: list[dict[str, Any]] = []
    table = cast(Table, AuditLog.__table__)
    for chunk in range(0, len(about), 500):
        part = about[chunk:chunk + 500]
        rows += _rows(db_session, table, tuple_(table.c.model, table.c.record_id).in_(part))
    users = sorted(keys.get("app_user", set()))
    if users:
        rows += [row for row in _rows(db_session, table, table.c.user_id.in_(users))
                 if row not in rows]
    return sorted(rows, key=lambda row: (row["at"], row["id"]))


def as_json(export: dict[str, Any]) -> str:
    return json.dumps(export, ensure_ascii=False, indent=1, default=str)


def record_export(db_session: Session, actor: Actor, person: Youth | Mentor, fmt: str) -> None:
    """The export is itself personal data processing: audited. Flushes; never commits."""
    audit.record(db_session, actor, "subject_access.export", person,
                 changes={"format": fmt})
