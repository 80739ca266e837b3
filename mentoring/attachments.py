"""Documents attached to records. Access follows the record: whoever may not see the record
may not see, list or download its documents, and special-category documents follow the
hidden-columns rule of ``mentoring.access``. Every upload, download and deletion is audited;
files are checked by their content and kept under random keys."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from common.actor import Actor
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from mentoring import access, audit, document_files
from mentoring.storage import Storage, new_key
from models import (
    Document,
    DocumentKind,
    ExpenseClaim,
    Invoice,
    Mentor,
    Pair,
    Referral,
    SafetyConcern,
    Youth,
)

#: The records documents can be attached to, by the name their documents carry.
RECORDS: dict[str, type] = {
    "youth": Youth, "referral": Referral, "mentor": Mentor, "pair": Pair,
    "safety_concern": SafetyConcern, "invoice": Invoice, "expense_claim": ExpenseClaim,
}
TYPE_OF = {model: name for name, model in RECORDS.items()}
DEFAULT_KINDS = (
    ("Piekrišana", "Consent", True), ("Nosūtījuma vēstule", "Referral letter", True),
    ("Mentora pieteikums", "Mentor's application", False),
    ("Sadarbības līgums", "Cooperation agreement", False),
    ("Izziņa no Sodu reģistra", "Punishment Register statement", True),
    ("Sertifikāts", "Certificate", False),
    ("Sadarbības mērķu vienošanās", "Goal agreement", False),
    ("Sadarbības izvērtējums", "Evaluation", False),
    ("Pamatojošs dokuments", "Supporting paper", False), ("Čeks", "Receipt", False),
)


def ensure_kinds(db: Session) -> None:
    """The default managed list of kinds, when there is none. Flushes."""
    if db.scalar(select(DocumentKind.id).limit(1)) is None:
        db.add_all(DocumentKind(name_lv=lv, name_en=en, special_category=special)
                   for lv, en, special in DEFAULT_KINDS)
        db.flush()


def record(db: Session, actor: Actor, record_type: str, record_id: Any) -> Any:
    """The record ``actor`` may see, by type and id (None outside their scope)."""
    model = RECORDS.get(record_type)
    if model is None or not isinstance(record_id, int) or not access.can(actor, model,
                                                                         access.VIEW):
        return None
    return db.scalar(select(model).where(getattr(model, "id") == record_id,  # noqa: B009
                                         access.row_filter(actor, model)))


def _shown_kinds(actor: Actor, model: type) -> Any:
    if not access.sees_special_documents(actor, model):
        return DocumentKind.special_category.is_(False)
    return DocumentKind.id.is_not(None)


def listed(db: Session, actor: Actor, obj: Any) -> list[Document]:
    """The record's documents ``actor`` may see (the record itself must be theirs)."""
    model = type(obj)
    return list(db.scalars(
        select(Document).join(DocumentKind, DocumentKind.id == Document.kind_id)
        .where(Document.record_type == TYPE_OF[model], Document.record_id == obj.id,
               _shown_kinds(actor, model))
        .options(joinedload(Document.kind), joinedload(Document.uploaded_by))
        .order_by(Document.uploaded_at.desc(), Document.id.desc())))


def find(db: Session, actor: Actor, document_id: int) -> Document | None:
    """The document, when ``actor`` may see its record and its kind (else None: 404)."""
    document = db.get(Document, document_id)
    if document is None or record(db, actor, document.record_type, document.record_id) is None:
        return None
    if document.kind.special_category and not access.sees_special_documents(
            actor, RECORDS[document.record_type]):
        return None
    return document


def can_attach(actor: Actor, obj: Any) -> bool:
    """Adding and deleting documents: whoever may edit the record (an invoice's supporting
    papers: whoever issues it — an issued invoice itself stays frozen)."""
    model = type(obj)
    if model not in TYPE_OF:
        return False
    if model is Invoice:
        return access.can(actor, Invoice, access.ISSUE)
    return access.can(actor, model, access.EDIT) and access.can_change(actor, obj)


def upload(db: Session, storage: Storage, *, actor: Actor, obj: Any, kind_id: int | None,
           filename: str, data: bytes, note: str, valid_until: dt.date | None,
           max_bytes: int) -> Document:
    """Keep ``data`` with the record: its type read from its content and matching its name,
    within the size limit; an e-signed container's signed files and signers listed. The
    row is flushed first, the file stored after. Raises ``RuleViolations`` and stores
    nothing on bad input."""
    problems = []
    if not can_attach(actor, obj):
        raise RuleViolations([RuleViolation(_l("You cannot add documents to this record."))])
    kind = db.get(DocumentKind, kind_id) if kind_id else None
    if kind is None or not kind.active:
        problems.append(RuleViolation(_l("Choose the kind of document."), "kind"))
    if not data:
        problems.append(RuleViolation(_l("Choose a file."), "file"))
    elif len(data) > max_bytes:
        problems.append(RuleViolation(_l("The file is larger than %(size)d MB.",
                                         size=max_bytes // (1024 * 1024)), "file"))
    content_type = document_files.sniff(data) if data else None
    name = document_files.safe_name(filename)
    if data and len(data) <= max_bytes and (
            content_type is None or not document_files.matches_name(content_type, name)):
        problems.append(RuleViolation(_l(
            "Only PDF, JPEG and PNG files and e-signed containers (.edoc, .asice) are kept, "
            "and a file's name must match what it is."), "file"))
    if len(note) > 500:
        problems.append(RuleViolation(_l("At most 500 characters."), "note"))
    if problems:
        raise RuleViolations(problems)
    assert content_type is not None and kind is not None
    container = document_files.read_container(data) if content_type == document_files.ASICE \
        else document_files.Container()
    key = new_key()
    document = Document(record_type=TYPE_OF[type(obj)], record_id=obj.id, kind_id=kind.id,
                        filename=name, content_type=content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
                        note=note.strip(), valid_until=valid_until,
                        signed_files=container.signed_files, signers=container.signers,
                        uploaded_by_id=actor.user_id)
    db.add(document)
    db.flush()
    audit.record(db, actor, "document.uploaded", document,
                 changes={"record": f"{document.record_type}:{obj.id}", "kind": kind.name_lv,
                          "file": name, "size": len(data)})
    storage.put(key, data)  # after the row is accepted: a refused upload stores nothing
    return document


def read(db: Session, storage: Storage, document: Document, *, actor: Actor) -> bytes:
    """The file, its reading audited as a read of personal data."""
    audit.record(db, actor, "read", document,
                 changes={"record": f"{document.record_type}:{document.record_id}",
                          "file": document.filename})
    return storage.get(document.storage_key)


def remove(db: Session, document: Document, *, actor: Actor) -> str:
    """Delete the document's row (the audit keeps who deleted what); returns the storage
    key, for the caller to delete the file once the deletion is committed."""
    obj = record(db, actor, document.record_type, document.record_id)
    if obj is None or not can_attach(actor, obj):
        raise RuleViolations([RuleViolation(_l("You cannot delete documents of this record."))])
    audit.record(db, actor, "document.deleted", document,
                 changes={"record": f"{document.record_type}:{document.record_id}",
                          "kind": document.kind.name_lv, "file": document.filename})
    key = document.storage_key
    db.delete(document)
    db.flush()
    return key


def of_records(db: Session, record_type: str, ids: list[int]) -> list[Document]:
    return list(db.scalars(select(Document).where(Document.record_type == record_type,
                                                  Document.record_id.in_(ids))))
