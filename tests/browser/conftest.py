"""Browser tests: Debian's Chromium driven by Playwright against a real gunicorn process.

The server runs on 127.0.0.1 with its own copy of the worker's demo database — SQLite, or
PostgreSQL on the PostgreSQL pass — and the suite's frozen day. Under pytest-xdist each worker
that runs browser tests starts its own server on its own copy, so the two share nothing.
Without Chromium the tests skip with the reason; ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FROZEN_TODAY
from tests.databases import Databases
from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = next((p for p in (os.environ.get("CHROMIUM", ""), "/usr/lib/chromium/chromium",
                             shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
                 if p and Path(p).exists()), None)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Mentors-demo-2026"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="No Chromium found: install Debian's package (apt-get install -y chromium) "
           "to run the browser tests; .ci/run does.")


class Server:
    def __init__(self, url: str, database: str) -> None:
        self.url = url
        self.engine = create_engine(database)

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Read the server's database directly (to find ids a scenario needs)."""
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1 for the browser server's e-mails."""
    from aiosmtpd.controller import Controller

    from tests.mentoring.test_reminders import Inbox

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def server(app: Any, databases: Databases, mailbox: Any) -> Iterator[Server]:
    if CHROMIUM is None:
        pytest.skip("No Chromium")
    database = databases.create("e2e", template="demo")  # the app fixture built "demo"
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "e2e-secret",
           "SESSION_COOKIE_SECURE": "0", "MENTORING_ENV": "production",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mailbox.port)}
    env.pop("MENTORING_NO_MODULE_APP", None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.serve", FROZEN_TODAY.isoformat(),
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    found = Server(url, database)
    try:
        yield found
    finally:
        found.engine.dispose()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture()
def page(chromium: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(chromium, server, request, bypass_csp=False)


@pytest.fixture()
def axe_page(chromium: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page whose CSP lets the test inject axe-core (the app's own scripts need nonces)."""
    yield from _page(chromium, server, request, bypass_csp=True)


def _page(chromium: Any, server: Server, request: pytest.FixtureRequest,
          bypass_csp: bool) -> Iterator[Any]:
    context = chromium.new_context(base_url=server.url, viewport={"width": 1280, "height": 900},
                                   bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() else "_" for c in request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def sign_in(page: Any, email: str, language: str = "lv") -> None:
    """Sign in as a demo user and switch the interface to ``language`` (kept per user)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
    if page.get_attribute("html", "lang") != language:
        with page.expect_navigation():  # the switch posts and lands on a new page
            page.click("form[action*='/language/'] button")
        page.wait_for_function(
            f"document.documentElement && document.documentElement.lang === '{language}'")
