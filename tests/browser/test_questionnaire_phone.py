"""A youth answers the start questionnaire on a 390×844 phone, without signing in, from
the link on the handout the coordinator printed (issue 25)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import AXE, Server, sign_in
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_mentor_phone import PHONE, SIDEWAYS


def printed_link(page: Any, server: Server) -> str:
    (pair_id, email) = server.query(
        "SELECT p.id, u.email FROM pair p JOIN app_user u ON u.provider_id = p.provider_id "
        "AND u.role = 'provider' WHERE p.status = 'active' ORDER BY p.id, u.id LIMIT 1")[0]
    sign_in(page, email, "lv")
    page.goto(f"/admin/pair/details/?id={pair_id}")
    token = page.get_attribute("form[action$='/questionnaire/'] input[name=csrf_token]",
                               "value")
    handout = page.request.post("/admin/pair/questionnaire/", form={
        "csrf_token": token, "id": str(pair_id), "moment": "start", "respondent": "youth",
        "channel": "print"})
    assert handout.ok and handout.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handout.body())).pages)
    # The token is 43 characters (32 random bytes); the text after it may run on.
    return re.search(r"/aptauja/[\w-]{43}", text.replace("\n", "")).group(0)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `npm ci` (make install)")
def test_a_youth_answers_on_a_phone_without_signing_in(page: Any, axe_page: Any,
                                                       server: Server) -> None:
    path = printed_link(page, server)
    axe_page.set_viewport_size(PHONE)
    axe_page.goto(path)
    assert axe_page.evaluate(SIDEWAYS) == []
    assert serious_violations(axe_page) == []
    answered_before = server.query(
        "SELECT count(*) FROM questionnaire_link WHERE answered_at IS NOT NULL")[0][0]
    for fieldset in axe_page.locator("fieldset.phone-choices").all():
        fieldset.locator("label").nth(3).click()  # "4" on each scale
    axe_page.click("form.phone-form button[type=submit]")
    assert "Paldies" in axe_page.inner_text("main")
    assert server.query("SELECT count(*) FROM questionnaire_link "
                        "WHERE answered_at IS NOT NULL")[0][0] == answered_before + 1
    axe_page.goto(path)
    assert "nedarbojas" in axe_page.inner_text("main")
