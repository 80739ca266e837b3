"""axe-core on every main page (no serious or critical WCAG 2.1 AA violation), and the pairing
and hour forms used with the keyboard alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import AXE, Server, sign_in
from tests.conftest import FROZEN_TODAY

PAGES = {
    None: ["/login", "/pieteikums/talantu-kalve", "/atbalsts/liepaja",
           "/pieteikums/talantu-kalve-rudens"],
    "liepaja@mentori.lv": ["/admin/", "/admin/intake/", "/admin/review/", "/admin/youth/",
                           "/admin/referral/", "/admin/invoice/", "/admin/budget-overview/",
                           "/admin/reports/", "/admin/tasks/", "/admin/safety_concern/details/?id=1",
                           "/admin/consent/", "/admin/youth/details/?id=1"],
    "talanti@mentori.lv": ["/admin/recruitment_round/details/?id=1", "/admin/tasks/"],
    "you@mentori.lv": ["/admin/", "/admin/pairing/", "/admin/pair/", "/admin/service_entry/",
                       "/admin/timesheet/", "/admin/invoicing/", "/admin/mentor/",
                       "/admin/supervision-month/", "/admin/hours-import/", "/admin/tasks/",
                       "/admin/pair/details/?id=1", "/admin/safety_concern/new/?pair=1",
                       "/admin/youth/details/?id=1", "/admin/mentor/details/?id=1",
                       "/admin/service_entry/?pair=1&waiting=1"],
    "mentors@mentori.lv": ["/admin/", "/admin/service_entry/new/", "/admin/pair/", "/admin/log/",
                           "/admin/log/entries/"],
}
CASES = [(email, url) for email, urls in PAGES.items() for url in urls]


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `npm ci` (make install)")
@pytest.mark.parametrize(("email", "url"), CASES)
def test_no_serious_accessibility_violations(axe_page: Any, email: str | None,
                                             url: str) -> None:
    if email:
        sign_in(axe_page, email)
    response = axe_page.goto(url)
    assert response.status == 200
    assert axe_page.get_attribute("html", "lang") == "lv"
    assert serious_violations(axe_page) == []


def test_hours_form_by_keyboard_alone(page: Any, server: Server) -> None:
    sign_in(page, "mentors.ogre@mentori.lv")  # a volunteer pair: no monthly cap in the way
    page.goto("/admin/service_entry/new/")
    page.focus("#day")  # the field after the pair, which already holds the mentor's pair
    yesterday = FROZEN_TODAY - dt.timedelta(days=1)
    page.keyboard.type(yesterday.strftime("%m%d%Y"))  # the browser's date input, in its locale
    for _ in range(5):  # on through the date's parts to the duration
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "minutes":
            break
    page.keyboard.type("60")
    before = server.query("SELECT COUNT(*) FROM service_entry")[0][0]
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from a text field
    assert server.query("SELECT COUNT(*) FROM service_entry")[0][0] == before + 1


COORDINATORS = {"YOU": "you@mentori.lv", "KGAC": "kgac@mentori.lv", "HOH": "hoh@mentori.lv",
                "TK": "talanti@mentori.lv"}


def test_pairing_form_by_keyboard_alone(page: Any, server: Server) -> None:
    waiting = server.query(
        "SELECT v.invoice_prefix FROM referral r JOIN provider v ON v.id = r.provider_id "
        "WHERE r.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM pair p "
        "WHERE p.referral_id = r.id) ORDER BY r.id")
    assert waiting, "the demo data should leave a referral waiting for a pair"
    sign_in(page, COORDINATORS[waiting[0][0]])
    page.goto("/admin/pairing/")
    page.focus("ul a[href*='referral=']")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=mentor]")
    page.focus("input[name=mentor]")
    page.keyboard.press("Space")  # choose the best-ranked mentor
    page.focus("#goal_description")
    page.keyboard.type("Pabeigt 9. klasi")
    before = server.query("SELECT COUNT(*) FROM pair")[0][0]
    for _ in range(10):  # tab on to the submit button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/pair/details/**")
    assert server.query("SELECT COUNT(*) FROM pair")[0][0] == before + 1
