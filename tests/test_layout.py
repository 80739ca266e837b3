"""The layers hold (import-linter checks the imports in `make lint`); this checks what it
cannot: no domain module reaches for Flask's request-bound objects or names a route."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUEST_BOUND = {"request", "session", "g", "current_app", "url_for", "redirect", "flash"}
DOMAIN = sorted(p for package in ("common", "models", "mentoring")
                for p in (ROOT / package).glob("*.py"))


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_domain_takes_no_request_and_knows_no_route(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "flask" for alias in node.names}
    assert imported & REQUEST_BOUND == set()
    strings = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    routes = [s for s in strings if re.search(r"^/admin/|\.(details|index|create|edit)_view$", s)]
    assert routes == []
