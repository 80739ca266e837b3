"""While the database is down, people get a translated 503 page, not a server error
(finding 11); when it is back, the next request works. The test runs a PostgreSQL server
of its own (Debian's binaries, as the postgres user), so it can stop it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from app import create_app
from common.enums import Language, Role
from mentoring.passwords import hash_password
from models import User, db
from tests.conftest import IsolatedClient
from tests.net import free_port

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


class OwnPostgres:
    """A throwaway PostgreSQL cluster on a free port, owned by the postgres user."""

    def __init__(self) -> None:
        assert BIN is not None
        self.dir = Path(tempfile.mkdtemp(prefix="mentoring-outage-"))
        self.data = self.dir / "data"
        self.port = free_port()
        shutil.chown(self.dir, "postgres")
        self._as_postgres(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                          "postgres", "--no-sync")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        subprocess.run([*prefix, *command], check=True, capture_output=True)

    def start(self) -> None:
        self._as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                          str(self.dir / "log"), "-o",
                          f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                          "-c fsync=off", "start")

    def stop(self) -> None:
        self._as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture()
def own_postgres() -> Iterator[OwnPostgres]:
    if BIN is None or shutil.which("runuser") is None and os.geteuid() == 0:
        pytest.fail("PostgreSQL's server binaries are needed (Debian: postgresql)")
    server = OwnPostgres()
    server.start()
    try:
        yield server
    finally:
        server.remove()


def test_an_outage_answers_503_in_the_readers_language_and_recovers(
        own_postgres: OwnPostgres) -> None:
    app: Flask = create_app({"TESTING": True, "SECRET_KEY": "outage",
                             "SQLALCHEMY_DATABASE_URI": own_postgres.url,
                             "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        db.session.add(User(email="staff@ogre.lv", name="Staff", role=Role.admin,
                            password_hash=hash_password("laiva-smilga-pulkstenis"),
                            language=Language.lv))
        db.session.commit()
        db.engine.dispose()
    app.config["TWO_FACTOR_REQUIRED"] = "none"
    latvian, english = app.test_client(), app.test_client()
    assert latvian.post("/login", data={"email": "staff@ogre.lv",
                                        "password": "laiva-smilga-pulkstenis"}).status_code == 302
    english.post("/language/en")
    assert latvian.get("/admin/").status_code == 200

    own_postgres.stop()
    signed_in = [latvian.get(path) for path in ("/admin/", "/admin/youth/", "/login")]
    signing_in = english.post("/login", data={"email": "staff@ogre.lv",
                                              "password": "laiva-smilga-pulkstenis"})
    for response, words in [*((r, "īslaicīgi nav pieejams") for r in signed_in),
                            (signing_in, "briefly unavailable")]:
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        page = response.get_data(as_text=True)
        assert words in page and "Internal Server Error" not in page

    own_postgres.start()
    deadline = time.time() + 10
    while True:
        try:
            with create_engine(own_postgres.url).connect() as conn:
                conn.execute(text("SELECT 1"))
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    assert latvian.get("/admin/").status_code == 200  # the pool reconnects by itself
    with app.app_context():
        db.engine.dispose()
