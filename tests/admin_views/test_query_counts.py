"""A list page costs the same number of queries whether it shows 1 row or 20."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from admin_views import VIEWS

ENDPOINTS = [endpoint for *_, endpoint in VIEWS]


def admin_view(app: Flask, endpoint: str) -> Any:
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_does_not_grow_with_page_size(
    app: Flask, admin_browser: Any, count_queries: Any, monkeypatch: Any, endpoint: str
) -> None:
    monkeypatch.setattr(admin_view(app, endpoint), "page_size_options", (1, 20, 60))
    admin_browser.get(f"/admin/{endpoint}/?page_size=1")  # warm per-session lookups
    counts, rows = {}, {}
    for size in (1, 20, 60):
        with count_queries() as counter:
            response = admin_browser.get(f"/admin/{endpoint}/?page_size={size}")
        assert response.status_code == 200
        counts[size] = counter.count
        rows[size] = response.get_data(as_text=True).count("details/?id=")
    assert rows[20] > rows[1], f"{endpoint}: demo data should fill more than one row"
    # A label loaded apart (select-in) costs one query once a row has one of its kind, then
    # no more however many rows there are.
    assert counts[20] == counts[60], (endpoint, counts)
    assert counts[1] <= counts[20] <= counts[1] + 6, (endpoint, counts)
