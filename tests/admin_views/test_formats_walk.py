"""One set of formats on every screen (issue 22): each role's home, tasks, lists, a record's
page of each and the custom screens, in Latvian and in English, searched for what must never
reach a user — Flask-Admin's ``__None``, a raw enum code, minutes shown as minutes, a clock
time used as a duration, and (in Latvian) a decimal point."""

from __future__ import annotations

import re
from typing import Any

import pytest

from admin_views import VIEWS
from common.enums import LabeledEnum
from tests.admin_views.test_hours_views import signed_in
from tests.admin_views.test_latvian_everywhere import CUSTOM, visible_text
from tests.admin_views.test_screens import first_id


def _codes() -> set[str]:
    """Enum codes that are not words of either language (``in_person``, ``ended_early``)."""
    found: set[str] = set()
    stack = list(LabeledEnum.__subclasses__())
    while stack:
        enum_class = stack.pop()
        stack.extend(enum_class.__subclasses__())
        found |= {str(member.value) for member in enum_class if "_" in str(member.value)}
    return found


CODES = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _codes()))) + r")(?![\w-])")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")  # 12.5, 529.18; not 14.10.2026
RAW_MINUTES = re.compile(r"\((minūtes|minutes)\)")


def problems(page: str, language: str, record_page: bool) -> list[str]:
    found = []
    if "__None" in page:
        found.append("__None")
    # Data for the page's scripts (filters, confirmations) is not shown.
    text = visible_text(re.sub(r'<div[^>]*class="d-none"[^>]*>[^<]*</div>', " ", page))
    found += [f"code {m}" for m in set(CODES.findall(text))]
    if record_page:  # forms take minutes; lists and records' pages show hours
        found += [f"minutes label {m}" for m in set(RAW_MINUTES.findall(text))]
    if language == "lv":
        found += [f"decimal point {m}" for m in set(DECIMAL_POINT.findall(text))]
    return found


def walk(browser: Any) -> dict[str, Any]:
    pages: dict[str, tuple[str, bool]] = {}
    for url in ["/admin/tasks/", *CUSTOM]:
        response = browser.get(url)
        if response.status_code == 200:  # the import describes the minutes it takes
            pages[url] = (response.get_data(as_text=True), url != "/admin/hours-import/")
    for *_, endpoint in VIEWS:
        response = browser.get(f"/admin/{endpoint}/")
        if response.status_code != 200:
            continue
        listing = response.get_data(as_text=True)
        pages[f"/admin/{endpoint}/"] = (listing, True)
        record = first_id(listing, endpoint)
        if record:
            details = browser.get(f"/admin/{endpoint}/details/?id={record}")
            if details.status_code == 200:
                pages[f"/admin/{endpoint}/details/"] = (details.get_data(as_text=True), True)
        create = browser.get(f"/admin/{endpoint}/new/")
        if create.status_code == 200:
            pages[f"/admin/{endpoint}/new/"] = (create.get_data(as_text=True), False)
    return pages


def test_the_codes_are_many() -> None:
    assert len(_codes()) >= 15


@pytest.mark.parametrize("language", ["lv", "en"])
@pytest.mark.parametrize("email", ["admin@mentori.lv", "liepaja@mentori.lv", "you@mentori.lv",
                                   "mentors@mentori.lv"])
def test_no_page_shows_what_a_user_should_never_read(app: Any, demo_users: Any, email: str,
                                                     language: str) -> None:
    browser = signed_in(app, email)
    browser.post(f"/language/{language}", data={"next": "/admin/"})
    pages = walk(browser)
    assert len(pages) >= 8
    found = {url: hits for url, (page, shown) in pages.items()
             if (hits := problems(page, language, shown))}
    assert found == {}
