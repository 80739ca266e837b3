"""The service as people use it, in a real browser: each scenario in Latvian and in English."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from mentoring.demo import personal_code
from tests.browser.conftest import Server, sign_in
from tests.conftest import FROZEN_TODAY

LANGUAGES = ["lv", "en"]
TEXT = {
    "accepted": {"lv": "Pieņemts", "en": "Accepted"},
    "cap": {"lv": "pārsniegts mēneša limits", "en": "exceed the monthly cap"},
    "approved": {"lv": "Apstiprināts", "en": "Approved"},
    "issued": {"lv": "Rēķins", "en": "Invoice"},
    "paid": {"lv": "apmaksāts", "en": "marked paid"},
    "not_found": {"lv": "nepastāv", "en": "does not exist"},
}
_serial = iter(range(500, 999))


def text_of(page: Any) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_social_worker_registers_and_accepts_a_referral(page: Any, language: str) -> None:
    sign_in(page, "liepaja@mentori.lv", language)
    page.goto("/admin/intake/")
    born = FROZEN_TODAY.replace(day=1) - dt.timedelta(days=16 * 366)
    page.select_option("#source", "school")
    page.fill("#personal_code", personal_code(born, next(_serial)))
    page.fill("#first_name", "Pārlūks")
    page.fill("#last_name", f"Tests{language.upper()}")
    page.fill("#birth_date", born.isoformat())
    page.check("#consent_youth")
    page.check("#consent_guardian")
    page.click("form[method=post][novalidate] button[type=submit]")
    page.wait_for_url("**/admin/review/*/")
    page.fill("#comment", "Dokumenti pilnīgi")
    page.click("button[value=review]")
    page.wait_for_selector("button[value=accept]")
    page.fill("#comment", "Ģimene izvēlējās sniedzēju")
    page.select_option("#provider", index=1)  # the provider the family chose
    page.select_option("#chosen_by", "parent")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert TEXT["accepted"][language] in text_of(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_pairs_with_a_ranked_mentor_and_records_a_goal(page: Any,
                                                                    language: str) -> None:
    sign_in(page, "you@mentori.lv", language)
    page.goto("/admin/pairing/")
    page.click("ul a[href*='referral=']")
    page.wait_for_selector("input[name=mentor]")
    page.locator("input[name=mentor]").first.check()  # the best-ranked eligible mentor
    page.select_option("#goal_area", index=1)
    page.fill("#goal_description", "Regulāri apmeklēt skolu")
    page.click("form[method=post][novalidate] button[type=submit]")
    page.wait_for_url("**/admin/pair/details/**")
    page.fill("#description", "Atrast vasaras darbu")
    page.click("form[action*='/goal/'] button")
    page.wait_for_load_state()
    assert "Atrast vasaras darbu" in text_of(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_mentor_logs_hours_until_the_cap_refuses(page: Any, server: Server,
                                                 language: str) -> None:
    sign_in(page, "mentors@mentori.lv" if language == "lv" else "mentore@mentori.lv", language)
    refused = False
    for _ in range(12):
        page.goto("/admin/service_entry/new/")
        # A select2 widget over the select: choose the mentor's last pair underneath it.
        page.eval_on_selector("#pair", "el => { el.selectedIndex = el.options.length - 1; }")
        page.fill("#day", FROZEN_TODAY.isoformat())
        page.fill("#minutes", "240")
        page.click("form.admin-form [type=submit]")
        page.wait_for_load_state()
        if "/new/" in page.url and TEXT["cap"][language] in text_of(page):
            refused = True
            break
    assert refused, "the monthly cap never refused an entry"


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_approves_waiting_hours(page: Any, server: Server, language: str) -> None:
    sign_in(page, "you@mentori.lv", language)
    (entry_id,) = server.query(
        "SELECT e.id FROM service_entry e JOIN pair p ON p.id = e.pair_id "
        "JOIN provider v ON v.id = p.provider_id "
        "WHERE e.status = 'logged' AND v.invoice_prefix = 'YOU' ORDER BY e.id LIMIT 1")[0]
    page.goto(f"/admin/service_entry/details/?id={entry_id}")
    page.click("form[action*='/decide/'] button[value=approve]")
    page.wait_for_load_state()
    assert server.query("SELECT status FROM service_entry WHERE id = :id", id=entry_id)[0][0] \
        == "approved"


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_issues_the_invoice_and_downloads_pdf_and_xml(
        page: Any, server: Server, language: str) -> None:
    sign_in(page, "you@mentori.lv" if language == "lv" else "hoh@mentori.lv", language)
    page.goto("/admin/invoicing/")
    # Two clicks from the month to the issued invoice: the confirmation shows the exact
    # lines and total first, since an issued invoice cannot be taken back.
    page.locator("a[href*='/invoicing/confirm/']").first.click()
    page.wait_for_url("**/admin/invoicing/confirm/**")
    total = page.inner_text("tfoot tr:last-child td")
    assert page.locator("tbody tr").count() >= 1
    if page.locator("#early_reason").count():  # the month is not closed for this provider
        page.fill("#early_reason", "Pārbaude")
    page.locator("form[action*='/issue/'] button").click()
    page.wait_for_url("**/admin/invoice/details/**")
    assert " ".join(total.split()) in " ".join(text_of(page).split())
    pdf = page.request.get(page.get_attribute("a[href*='/invoice/pdf/']", "href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    xml = page.request.get(page.get_attribute("a[href*='/invoice/xml/']", "href"))
    assert xml.ok and b"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>" in xml.body()


@pytest.mark.parametrize("language", LANGUAGES)
def test_social_worker_marks_an_invoice_paid_and_the_budget_moves(
        page: Any, server: Server, language: str) -> None:
    sign_in(page, "liepaja@mentori.lv", language)
    (invoice_id, total), = server.query(
        "SELECT id, total_amount FROM invoice WHERE status = 'issued' AND kind = 'invoice' "
        "ORDER BY id LIMIT 1")
    page.goto("/admin/budget-overview/")
    before = page.inner_text("tbody tr td:nth-child(5)")
    page.goto(f"/admin/invoice/details/?id={invoice_id}")
    page.click("form[action*='/paid/'] button")
    page.wait_for_load_state()
    assert TEXT["paid"][language] in text_of(page)
    page.goto("/admin/budget-overview/")
    after = page.inner_text("tbody tr td:nth-child(5)")
    assert after != before and float(total) > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_providers_coordinator_gets_not_found(page: Any, server: Server,
                                                      language: str) -> None:
    (youth_id,) = server.query(
        "SELECT y.id FROM youth y JOIN referral r ON r.youth_id = y.id "
        "JOIN provider v ON v.id = r.provider_id WHERE v.invoice_prefix = 'YOU' LIMIT 1")[0]
    sign_in(page, "hoh@mentori.lv", language)
    response = page.goto(f"/admin/youth/details/?id={youth_id}")
    assert response.status == 404
    assert TEXT["not_found"][language] in text_of(page)
