"""From the home page to the work, counted in clicks (issue 22), in Latvian and English."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, sign_in

LANGUAGES = ["lv", "en"]
HEADINGS = {"lv": ["Nosūtījumi", "Mentorpāri", "Sadarbības mērķi",
                   "Stundas un tikšanās pa mēnešiem"],
            "en": ["Referrals", "Pairs", "Goals", "Hours and meetings per month"]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_social_worker_reaches_a_paired_youths_case_in_two_clicks(
        page: Any, server: Server, language: str) -> None:
    (last_name, youth_id), = server.query(
        "SELECT y.last_name, y.id FROM youth y JOIN pair p ON p.youth_id = y.id "
        "JOIN municipality m ON m.id = y.municipality_id WHERE p.status = 'active' "
        "AND m.name LIKE 'Liep%' ORDER BY p.id LIMIT 1")
    sign_in(page, "liepaja@mentori.lv", language)
    page.goto("/admin/")
    clicks = 0
    page.fill("#find-youth", last_name)
    page.click("form[role=search] button")
    clicks += 1
    page.wait_for_url("**/admin/youth/**")
    page.click(f"a[href*='/admin/youth/details/?id={youth_id}']")
    clicks += 1
    page.wait_for_url("**/admin/youth/details/**")
    body = page.inner_text("main")
    for heading in HEADINGS[language]:
        assert heading in body, heading
    assert clicks <= 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_coordinator_approves_a_tasks_waiting_hours_in_three_clicks(
        page: Any, server: Server, language: str) -> None:
    sign_in(page, "you@mentori.lv", language)
    page.goto("/admin/")
    line = page.locator("a[href*='/admin/service_entry/?pair=']").first
    if not line.count():
        pytest.fail("the coordinator's home lists no waiting hours")
    pair_id = line.get_attribute("href").split("pair=")[1].split("&")[0]
    waiting = server.query("SELECT count(*) FROM service_entry WHERE pair_id = :p "
                           "AND status = 'logged'", p=int(pair_id))[0][0]
    clicks = 0
    line.click()
    clicks += 1
    page.wait_for_url("**/admin/service_entry/**")
    assert page.locator("input.action-checkbox").count() == waiting
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form.alert button.btn-success")
    clicks += 1
    page.wait_for_load_state()
    assert server.query("SELECT count(*) FROM service_entry WHERE pair_id = :p "
                        "AND status = 'logged'", p=int(pair_id))[0][0] == 0
    assert clicks <= 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_youths_waiting_for_a_mentor_are_on_the_coordinators_tasks(
        page: Any, server: Server, language: str) -> None:
    sign_in(page, "you@mentori.lv", language)
    page.goto("/admin/tasks/")
    link = page.locator("a[href*='/admin/pairing/?referral=']").first
    assert link.count()
    link.click()
    page.wait_for_url("**/admin/pairing/**")
    assert ("gaida" if language == "lv" else "waiting") in page.inner_text("main")
