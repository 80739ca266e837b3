"""Upload, download and delete the documents of a record, from the record's page. Access
follows the record (``mentoring.attachments``): outside it, a document does not exist."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_admin import expose

from admin_views.base import SecureView, current_actor, endpoint_of, needs, perform, record_id
from common.i18n import _
from mentoring import access, attachments, storage
from models import Document, DocumentKind, db


def document_storage() -> storage.Storage:
    return storage.from_config(current_app.config)


def page_context(obj: Any) -> dict[str, Any] | None:
    """What a record's page shows of its documents (None: the record takes none)."""
    if type(obj) not in attachments.TYPE_OF:
        return None
    actor = current_actor()
    kinds = db.session.scalars(db.select(DocumentKind).where(
        DocumentKind.active.is_(True)).order_by(DocumentKind.name_lv)).all()
    return {"documents": attachments.listed(db.session(), actor, obj),
            "record_type": attachments.TYPE_OF[type(obj)],
            "can_attach": attachments.can_attach(actor, obj), "kinds": kinds,
            "max_mb": current_app.config["DOCUMENTS_MAX_MB"]}


class DocumentsView(SecureView):
    model = Document

    def is_visible(self) -> bool:
        return False  # reached from the records' pages

    @expose("/")
    @needs(access.SIGNED_IN)
    def index(self) -> Any:
        """No list of documents of its own: each record's page lists its documents."""
        abort(404)

    def _document(self, document_id: int) -> Document:
        """The document by its id, if the reader may see it (404 otherwise, also for an
        id no row can have)."""
        checked = record_id(document_id)
        document = attachments.find(db.session(), current_actor(), checked) if checked else None
        if document is None:
            abort(404)
        return document

    def _back(self, record_type: str, rid: int) -> Any:
        endpoint = endpoint_of(attachments.RECORDS[record_type])
        return redirect(url_for(f"{endpoint}.details_view", id=rid))

    @expose("/upload", methods=("POST",))
    @needs(access.SIGNED_IN)
    def upload(self) -> Any:
        """Add a document to a record (whoever may edit it); refused files keep nothing."""
        actor = current_actor()
        record_type = request.form.get("record_type", "")
        obj = attachments.record(db.session(), actor, record_type,
                                 record_id(request.form.get("record_id")))
        if obj is None:
            abort(404)
        limit = current_app.config["DOCUMENTS_MAX_MB"] * 1024 * 1024
        upload = request.files.get("file")
        data = upload.stream.read(limit + 1) if upload is not None else b""
        try:
            valid_until = _date(request.form.get("valid_until", ""))
        except ValueError:
            valid_until = None
        perform(lambda: attachments.upload(
            db.session(), document_storage(), actor=actor, obj=obj,
            kind_id=record_id(request.form.get("kind")),
            filename=(upload.filename or "") if upload is not None else "", data=data,
            note=request.form.get("note", "")[:600], valid_until=valid_until,
            max_bytes=limit), done=_("The document was added."))
        return self._back(record_type, obj.id)

    @expose("/<int:document_id>")
    @needs(access.SIGNED_IN)
    def download(self, document_id: int) -> Any:
        """The file as an attachment, never shown inline or cached; the read is audited."""
        document = self._document(document_id)
        try:
            data = attachments.read(db.session(), document_storage(), document,
                                    actor=current_actor())
        except (OSError, KeyError, storage.Missing):
            current_app.logger.error("document %s: its file is missing", document.id)
            db.session.rollback()
            abort(404)
        db.session.commit()
        response = make_response(data)
        response.headers["Content-Type"] = document.content_type
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"{_ascii(document.filename)}\"; "
            f"filename*=UTF-8''{quote(document.filename)}")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<int:document_id>/delete", methods=("POST",))
    @needs(access.SIGNED_IN)
    def delete(self, document_id: int) -> Any:
        document = self._document(document_id)
        record_type, rid = document.record_type, document.record_id
        done = perform(lambda: attachments.remove(db.session(), document,
                                                  actor=current_actor()),
                       done=_("The document was deleted."))
        if done.ok and done.value:
            document_storage().delete(done.value)  # once the deletion is committed
        return self._back(record_type, rid)


def _ascii(name: str) -> str:
    return name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text) if text else None
