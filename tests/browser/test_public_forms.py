"""The public forms in a browser (issue 24): an applicant applies without an account, in
Latvian, sees the confirmation and gets the e-mail; the round's coordinator sees them with
the requirements they do not meet, another provider's does not; a flood from one address
across both gunicorn workers meets the limit kept in the database."""

from __future__ import annotations

import time
from typing import Any

from tests.browser.conftest import Server, sign_in


def fill_application(page: Any, email: str) -> None:
    page.fill("#first_name", "Laura")
    page.fill("#last_name", "Bērziņa")
    page.fill("#birth_date", "2007-03-01")  # 19 at the deadline: under the programme's 20
    page.fill("#email", email)
    page.fill("#phone", "26 555 444")
    page.select_option("#locality", value=page.locator(
        "#locality option", has_text="Ķeipene").get_attribute("value"))
    page.check("input[name=education][value=secondary]")
    page.fill("#experience_years", "1")
    page.check("input[name=experience][value=non_formal]")
    page.fill("#motivation", "Esmu vadījusi jauniešu nometnes un gribu palīdzēt vēl vairāk.")
    page.fill("#languages", "latviešu")
    page.check("#consent")


def test_an_applicant_applies_and_the_right_coordinator_sees_them(
        page: Any, server: Server, mailbox: Any) -> None:
    page.goto("/login")
    page.click("text=Kļūt par mentoru")
    page.wait_for_url("**/pieteikums/talantu-kalve")
    assert page.get_attribute("html", "lang") == "lv"
    fill_application(page, "laura@example.lv")
    page.click("button[type=submit]")
    page.wait_for_url("**/nosutits")
    assert "Paldies" in page.inner_text("main")
    for _ in range(50):
        if mailbox.to("laura@example.lv"):
            break
        time.sleep(0.1)
    (message,) = mailbox.to("laura@example.lv")
    assert "Mentoru atlase" in message["Subject"] and "Labdien, Laura Bērziņa" in \
        message.get_content()
    (round_id,) = server.query("SELECT id FROM recruitment_round WHERE slug = 'talantu-kalve'")[0]
    sign_in(page, "talanti@mentori.lv", "lv")
    page.goto(f"/admin/recruitment_round/details/?id={round_id}")
    row = page.locator("tr", has_text="Laura Bērziņa")
    assert "20" in row.inner_text() and "tīmekļa veidlapa" in row.inner_text()


def test_after_the_deadline_the_form_is_closed(page: Any, server: Server) -> None:
    page.goto("/pieteikums/talantu-kalve-rudens")
    text = page.inner_text("main")
    assert "Pieteikšanās slēgta" in text and "info@talantukalve.lv" in text
    assert page.locator("#first_name").count() == 0  # no form to fill in


def test_another_provider_does_not_see_the_round(page: Any, server: Server) -> None:
    (round_id,) = server.query("SELECT id FROM recruitment_round WHERE slug = 'talantu-kalve'")[0]
    sign_in(page, "you@mentori.lv", "lv")
    answer = page.goto(f"/admin/recruitment_round/details/?id={round_id}")
    assert answer.status == 404
    page.goto("/admin/recruitment_round/")
    assert "Mentoru atlase" not in page.inner_text("main")


def test_a_flood_across_both_workers_meets_the_limit(page: Any, server: Server) -> None:
    page.goto("/atbalsts/liepaja")
    token = page.get_attribute("input[name=csrf_token]", "value")
    before = server.query("SELECT count(*) FROM referral")[0][0]
    statuses = []
    for i in range(9):
        answer = page.request.post("/atbalsts/liepaja", max_redirects=0, form={
            "csrf_token": token, "first_name": "Plūdi", "last_name": f"Nr{i}",
            "birth_date": "2008-01-01", "phone": "29000000", "help_with": "x",
            "consent": "y"})
        statuses.append(answer.status)
    # Five an hour from one address, whichever worker answers (this address has sent the
    # application above too): accepted ones first, then only the limit page.
    taken = statuses.count(302)
    assert 1 <= taken <= 5 and statuses == [302] * taken + [429] * (9 - taken)
    assert server.query("SELECT count(*) FROM referral")[0][0] == before + taken
    # Without the form's token nothing is taken at all.
    forged = page.request.post("/atbalsts/liepaja", max_redirects=0, form={
        "first_name": "Bez", "last_name": "Žetona", "birth_date": "2008-01-01",
        "phone": "29000000", "help_with": "x", "consent": "y"})
    assert forged.status in (400, 429)
