"""Documents on records (issue 26): upload, list and download by role, files checked by
content and size, special-category documents hidden as their record's sensitive columns,
e-signed containers read — the same tests on the local directory and on a real
S3-compatible server on 127.0.0.1."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from sqlalchemy import func, select

from common.enums import PairStatus, Role
from mentoring import storage as storages
from models import AuditLog, Document, DocumentKind, Pair, User, Youth
from tests.admin_views.test_hours_views import signed_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, app: Flask) -> Iterator[storages.Storage]:
    """The app's document storage for one test: its directory, or a bucket on a moto
    S3 server started here."""
    if request.param == "local":
        yield storages.from_config(app.config)
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: app.config[k] for k in app.config if k.startswith("DOCUMENTS_S3_")}
    app.config.update(DOCUMENTS_S3_URL=f"http://{host}:{port}", DOCUMENTS_S3_BUCKET="mentori",
                      DOCUMENTS_S3_KEY="test", DOCUMENTS_S3_SECRET="test")
    found = storages.from_config(app.config)
    assert isinstance(found, storages.S3Storage)
    found.client.create_bucket(Bucket="mentori")
    try:
        yield found
    finally:
        app.config.update(saved)
        server.stop()


def coordinator_and_pair(db: Any) -> tuple[str, Pair]:
    pair = db.session.scalar(select(Pair).where(Pair.status == PairStatus.active)
                             .order_by(Pair.id))
    email = db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id == pair.provider_id).order_by(User.id))
    return email, pair


def kind(db: Any, name: str) -> int:
    return db.session.scalar(select(DocumentKind.id).where(DocumentKind.name_lv == name))


def upload(browser: Any, record_type: str, record_id: int, kind_id: int, name: str,
           data: bytes, **extra: Any) -> Any:
    return browser.post("/admin/documents/upload", data={
        "record_type": record_type, "record_id": str(record_id), "kind": str(kind_id),
        "file": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data")


def documents(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def test_upload_list_and_download_by_role(app: Flask, db: Any, demo_users: Any,
                                          store: storages.Storage) -> None:
    email, pair = coordinator_and_pair(db)
    coordinator = signed_in(app, email)
    sent = upload(coordinator, "pair", pair.id, kind(db, "Sadarbības mērķu vienošanās"),
                  "mērķi.pdf", PDF, note="Parakstīts 1. tikšanās reizē")
    assert sent.status_code == 302
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert store.get(document.storage_key) == PDF and document.filename == "mērķi.pdf"
    page = coordinator.get(f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert "mērķi.pdf" in page and f"/admin/documents/{document.id}" in page
    got = coordinator.get(f"/admin/documents/{document.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''m%C4%93r%C4%B7i.pdf" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Cache-Control"] == "no-store"
    read = db.session.scalars(select(AuditLog).where(
        AuditLog.model == "Document", AuditLog.action == "read")).all()
    assert read and read[-1].record_id == str(document.id)
    town = db.session.scalar(select(User.email).where(
        User.role == Role.municipality, User.municipality_id == pair.youth.municipality_id))
    social = signed_in(app, town)
    assert social.get(f"/admin/documents/{document.id}").status_code == 200
    assert "Pievienot dokumentu" not in social.get(
        f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    before = documents(db)
    upload(social, "pair", pair.id, kind(db, "Sadarbības izvērtējums"), "x.pdf", PDF)
    assert documents(db) == before  # may read, not add
    other = db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id != pair.provider_id).order_by(User.id))
    stranger = signed_in(app, other)
    assert stranger.get(f"/admin/documents/{document.id}").status_code == 404
    assert upload(stranger, "pair", pair.id, kind(db, "Sadarbības izvērtējums"), "x.pdf",
                  PDF).status_code == 404
    assert stranger.post(f"/admin/documents/{document.id}/delete").status_code == 404
    # The pair's own mentor sees the pair and so its documents; another mentor does not.
    own = db.session.scalar(select(User.email).where(User.mentor_id == pair.mentor_id))
    foreign = db.session.scalar(select(User.email).where(
        User.role == Role.mentor, User.mentor_id != pair.mentor_id).order_by(User.id))
    assert signed_in(app, own).get(f"/admin/documents/{document.id}").status_code == 200
    assert signed_in(app, foreign).get(f"/admin/documents/{document.id}").status_code == 404
    assert documents(db) == before


def test_wrong_content_and_oversized_files_are_refused(app: Flask, db: Any, demo_users: Any,
                                                       store: storages.Storage) -> None:
    email, pair = coordinator_and_pair(db)
    coordinator = signed_in(app, email)
    before, keys = documents(db), set(store.keys())
    goal = kind(db, "Sadarbības mērķu vienošanās")
    for name, data in (("ligums.pdf", PNG), ("ligums.pdf", b"MZ\x90\x00 not a pdf"),
                       ("ligums.exe", PDF), ("liels.pdf", PDF + b"0" * (1024 * 1024))):
        answer = upload(coordinator, "pair", pair.id, goal, name, data)
        assert answer.status_code == 302, name
        shown = coordinator.get(answer.location).get_data(as_text=True)
        assert "MB" in shown or "nosaukumam" in shown or "PDF, JPEG" in shown, name
    assert documents(db) == before and set(store.keys()) == keys


def test_special_category_documents_follow_the_hidden_columns(
        app: Flask, db: Any, demo_users: Any, store: storages.Storage) -> None:
    _email, pair = coordinator_and_pair(db)
    youth = db.session.get(Youth, pair.youth_id)
    town = db.session.scalar(select(User.email).where(
        User.role == Role.municipality, User.municipality_id == youth.municipality_id))
    social = signed_in(app, town)
    assert upload(social, "youth", youth.id, kind(db, "Piekrišana"), "piekrisana.png",
                  PNG).status_code == 302
    consent = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert "piekrisana.png" in social.get(f"/admin/youth/details/?id={youth.id}").get_data(
        as_text=True)
    coordinator = signed_in(app, _email)
    page = coordinator.get(f"/admin/youth/details/?id={youth.id}")
    assert page.status_code == 200 and "piekrisana.png" not in page.get_data(as_text=True)
    assert coordinator.get(f"/admin/documents/{consent.id}").status_code == 404


def test_a_deleted_document_is_gone_from_storage_and_audited(
        app: Flask, db: Any, demo_users: Any, store: storages.Storage) -> None:
    email, pair = coordinator_and_pair(db)
    coordinator = signed_in(app, email)
    upload(coordinator, "pair", pair.id, kind(db, "Sadarbības izvērtējums"), "izv.pdf", PDF)
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    key, document_id = document.storage_key, document.id
    assert coordinator.post(f"/admin/documents/{document_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, document_id) is None and key not in set(store.keys())
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "document.deleted")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.changes["file"] == "izv.pdf" and entry.user_id is not None


def signed_container(signer: str) -> bytes:
    """An ASiC-E container as a signing tool writes one: the signed file, and an XAdES
    signature carrying the signer's certificate (made here with cryptography and lxml)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, signer),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "LV")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
            .sign(key, hashes.SHA256()))
    der = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    signature = f"""<?xml version="1.0" encoding="UTF-8"?>
<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <ds:Signature Id="S0"><ds:SignedInfo/><ds:SignatureValue>AA==</ds:SignatureValue>
    <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data>
    </ds:KeyInfo></ds:Signature>
</asic:XAdESSignatures>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.etsi.asic-e+zip")
        archive.writestr("izziņa.pdf", PDF)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        archive.writestr("META-INF/signatures0.xml", signature)
    return out.getvalue()


def test_an_e_signed_statement_shows_its_signer_and_signed_file(
        app: Flask, db: Any, demo_users: Any, store: storages.Storage) -> None:
    from models import Mentor

    email, pair = coordinator_and_pair(db)
    mentor = db.session.get(Mentor, pair.mentor_id)
    coordinator = signed_in(app, email)
    assert upload(coordinator, "mentor", mentor.id,
                  kind(db, "Izziņa no Sodu reģistra"), "izzina.edoc",
                  signed_container("Iekšlietu ministrijas Informācijas centrs"),
                  valid_until="2027-06-30").status_code == 302
    page = coordinator.get(f"/admin/mentor/details/?id={mentor.id}").get_data(as_text=True)
    assert "Iekšlietu ministrijas Informācijas centrs" in page and "izziņa.pdf" in page
    assert "30.06.2027" in page
    # A ZIP that only calls itself a container is refused.
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("mimetype", "application/zip")
    before = documents(db)
    upload(coordinator, "mentor", mentor.id, kind(db, "Izziņa no Sodu reģistra"),
           "fake.edoc", fake.getvalue())
    assert documents(db) == before


def test_backup_and_restore_keep_the_documents_byte_identical(
        app: Flask, db: Any, demo_users: Any, store: storages.Storage, tmp_path: Any) -> None:
    from mentoring import backups

    email, pair = coordinator_and_pair(db)
    upload(signed_in(app, email), "pair", pair.id, kind(db, "Sadarbības izvērtējums"),
           "izv.pdf", PDF + b"% izvertejums\n")
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    copy = tmp_path / "mentoring-copy.sqlite"
    copy.write_bytes(b"")
    assert backups.backup_documents(store, copy) >= 1
    restored = storages.LocalStorage(tmp_path / "restored")
    assert backups.restore_documents(copy, restored) >= 1
    assert restored.get(document.storage_key) == store.get(document.storage_key)
    url = str(db.engine.url)
    assert backups.check_documents(url, store) == []
    restored.put(document.storage_key, b"%PDF-1.4 changed")
    assert any("izv.pdf" in problem for problem in backups.check_documents(url, restored))


def test_anonymisation_deletes_the_case_papers_from_storage(
        app: Flask, db: Any, demo_users: Any, store: storages.Storage) -> None:
    from common.actor import Actor
    from mentoring import attachments, retention, subject_access

    email, pair = coordinator_and_pair(db)
    coordinator = signed_in(app, email)
    upload(coordinator, "pair", pair.id, kind(db, "Sadarbības izvērtējums"), "izv.pdf", PDF)
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    export = subject_access.collect(db.session, db.session.get(Youth, pair.youth_id))
    assert any(row["filename"] == "izv.pdf" for row in export["tables"]["document"])
    assert all("storage_key" not in row for row in export["tables"]["document"])
    # Deleting the record while it holds documents is refused like other data.
    assert attachments.of_records(db.session, "pair", [pair.id])
    keys = retention.anonymise(db.session, pair.youth_id, actor=Actor.system(),
                               today=dt.date(2026, 10, 14))
    db.session.commit()
    for key in keys:
        store.delete(key)
    assert document.storage_key in keys and document.storage_key not in set(store.keys())
    assert not attachments.of_records(db.session, "pair", [pair.id])


def test_a_record_with_documents_is_not_deleted(app: Flask, db: Any, demo_users: Any,
                                                admin_browser: Any,
                                                store: storages.Storage) -> None:
    from models import SafetyConcern

    concern = db.session.scalar(select(SafetyConcern).where(SafetyConcern.closed_on.is_(None))
                                .order_by(SafetyConcern.id))
    assert upload(admin_browser, "safety_concern", concern.id,
                  kind(db, "Pamatojošs dokuments"), "akts.pdf", PDF).status_code == 302
    admin_browser.post("/admin/safety_concern/delete/", data={"id": concern.id})
    db.session.expire_all()
    assert db.session.get(SafetyConcern, concern.id) is not None


def test_odd_ids_and_missing_files_answer_404(app: Flask, db: Any, demo_users: Any,
                                              store: storages.Storage) -> None:
    email, pair = coordinator_and_pair(db)
    coordinator = signed_in(app, email)
    for odd in ("99999999999999999999", "0"):
        assert coordinator.get(f"/admin/documents/{odd}").status_code == 404
        assert coordinator.post(f"/admin/documents/{odd}/delete").status_code == 404
    upload(coordinator, "pair", pair.id, kind(db, "Sadarbības izvērtējums"), "izv.pdf", PDF)
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    store.delete(document.storage_key)
    assert coordinator.get(f"/admin/documents/{document.id}").status_code == 404


def test_a_mentor_never_sees_special_category_papers(app: Flask, db: Any, demo_users: Any,
                                                     store: storages.Storage) -> None:
    email, pair = coordinator_and_pair(db)
    upload(signed_in(app, email), "pair", pair.id, kind(db, "Piekrišana"), "p.pdf", PDF)
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    own = db.session.scalar(select(User.email).where(User.mentor_id == pair.mentor_id))
    mentor = signed_in(app, own)
    assert mentor.get(f"/admin/documents/{document.id}").status_code == 404
    assert "p.pdf" not in mentor.get(f"/admin/pair/details/?id={pair.id}").get_data(
        as_text=True)
