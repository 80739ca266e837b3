"""The audit log reads in the reader's language (issue 22)."""

from __future__ import annotations

import re
from typing import Any

from tests.admin_views.test_latvian_everywhere import visible_text


def test_actions_types_changes_and_links_are_readable(admin_browser: Any, db: Any) -> None:
    admin_browser.get("/admin/youth/details/?id=1")
    page = admin_browser.get("/admin/audit_log/?page_size=100").get_data(as_text=True)
    text = visible_text(page)
    for readable in ("Atvērts", "Pierakstījās", "Rēķins izrakstīts", "Jaunieši", "Rēķini",
                     "Lauks", "Pirms", "Pēc", "Statuss", "Izrakstīts", "Apmaksāts"):
        assert readable in text, readable
    for code in ("invoice.issued", "invoice.paid", "sign_in", "ServiceEntry", "Invoice ",
                 "e_address"):
        assert code not in text, code
    assert re.search(r'<a href="/admin/youth/details/\?id=1">1</a>', page)
    assert not re.search(r"\b\d+\.\d{2}\b(?!\.)", text.replace("127.0.0.1", ""))


def test_in_english_too(admin_browser: Any, db: Any) -> None:
    admin_browser.post("/language/en", data={"next": "/admin/"})
    text = visible_text(admin_browser.get("/admin/audit_log/").get_data(as_text=True))
    assert "Signed in" in text and "Invoice issued" in text and "Field" in text
