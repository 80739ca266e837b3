"""No English left on any page in Latvian: every screen is walked and its text is searched for
the English source strings of the catalogs (ours, Flask-Admin's and WTForms') that read
differently in Latvian."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from admin_views import VIEWS
from tests.admin_views.test_hours_views import signed_in
from tests.admin_views.test_screens import first_id

ROOT = Path(__file__).resolve().parents[2]
CUSTOM = ["/admin/", "/admin/intake/", "/admin/review/", "/admin/pairing/", "/admin/invoicing/",
          "/admin/budget-overview/", "/admin/timesheet/", "/admin/hours-import/",
          "/admin/supervision-month/", "/account", *[f"/admin/reports/?report={key}" for key in
                                                     ("youths", "outcomes", "hours", "mentors",
                                                      "supervision")]]
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def english_phrases() -> list[re.Pattern[str]]:
    """Source strings whose Latvian differs, as whole-word patterns (placeholders split them;
    the fixed parts of at least two words are searched)."""
    phrases: set[str] = set()
    for domain in ("messages", "admin", "wtforms"):
        with open(ROOT / "translations" / "lv" / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
            catalog = read_po(f, locale="lv")
        for message in catalog:
            if not message.id:
                continue
            source = message.id[0] if isinstance(message.id, tuple) else message.id
            target = message.string[0] if isinstance(message.string, tuple) else message.string
            if source == target:
                continue
            for part in _PLACEHOLDER.split(source):
                part = part.strip(" .,:;()–—-")
                if len(part.split()) >= 2 and re.search(r"[a-z]{3}", part):
                    phrases.add(part)
    return [re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])") for p in sorted(phrases)]


PHRASES = english_phrases()


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    # Attributes people read too: titles, placeholders, alternative texts, labels.
    attrs = " ".join(re.findall(r'(?:title|placeholder|alt|aria-label)="([^"]*)"', page))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)) + " " + attrs)


def english_in(page: str) -> list[str]:
    text = visible_text(page)
    return [p.pattern for p in PHRASES if p.search(text)]


def test_the_catalogs_give_enough_to_search() -> None:
    assert len(PHRASES) > 300


@pytest.mark.parametrize("endpoint", [endpoint for *_, endpoint in VIEWS])
def test_generated_screens_are_latvian(app: Any, demo_users: Any, endpoint: str) -> None:
    browser = signed_in(app, "admin@mentori.lv")
    listing = browser.get(f"/admin/{endpoint}/").get_data(as_text=True)
    pages = {"list": listing}
    record = first_id(listing, endpoint)
    if record:
        pages["details"] = browser.get(f"/admin/{endpoint}/details/?id={record}").get_data(
            as_text=True)
        edit = browser.get(f"/admin/{endpoint}/edit/?id={record}")
        if edit.status_code == 200:
            pages["edit"] = edit.get_data(as_text=True)
    create = browser.get(f"/admin/{endpoint}/new/")
    if create.status_code == 200:
        pages["create"] = create.get_data(as_text=True)
    found = {name: english_in(page) for name, page in pages.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.mark.parametrize("email", ["admin@mentori.lv", "liepaja@mentori.lv", "you@mentori.lv",
                                   "mentors@mentori.lv"])
def test_custom_screens_are_latvian(app: Any, demo_users: Any, email: str) -> None:
    browser = signed_in(app, email)
    found = {}
    for url in CUSTOM:
        response = browser.get(url)
        if response.status_code == 200:
            hits = english_in(response.get_data(as_text=True))
            if hits:
                found[url] = hits
    assert found == {}


def test_sign_in_page_is_latvian(client: Any) -> None:
    assert english_in(client.get("/login").get_data(as_text=True)) == []


def test_the_search_finds_english_when_it_is_there(app: Any, demo_users: Any) -> None:
    browser = signed_in(app, "liepaja@mentori.lv")
    browser.post("/language/en", data={"next": "/admin/"})
    hits = english_in(browser.get("/admin/intake/").get_data(as_text=True))
    browser.post("/language/lv", data={"next": "/admin/"})
    assert len(hits) >= 5  # "Date received", "Referring institution", …
