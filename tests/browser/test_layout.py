"""The header fits one row on a laptop screen; the timesheet has no sideways scroll (issue 22)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, sign_in


@pytest.mark.parametrize(("email", "language"), [
    ("liepaja@mentori.lv", "lv"), ("liepaja@mentori.lv", "en"), ("you@mentori.lv", "lv"),
    ("you@mentori.lv", "en"),
])
def test_the_header_is_one_row_at_1366(page: Any, server: Server, email: str,
                                       language: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, email, language)
    page.goto("/admin/")
    height = page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height")
    assert height <= 64, height
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    icon = page.get_attribute("link[rel=icon]", "href")
    assert icon and page.request.get(icon).ok


def test_the_timesheet_fits_1366_without_sideways_scroll(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "you@mentori.lv", "lv")
    page.goto("/admin/timesheet/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    for header in ("Cits", "Tikšanās", "Gaida"):
        box = page.locator(f"th:has-text('{header}')").first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366, header
