"""Latvian is complete: no untranslated or fuzzy message, and no string left out of the catalog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
KEYWORDS = ["-k", "_", "-k", "_l", "-k", "gettext", "-k", "lazy_gettext", "-k", "ngettext:1,2",
            "-k", "_n:1,2"]


def load(language: str, domain: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("domain", ["messages", "admin", "wtforms"])
def test_latvian_catalog_is_complete(domain: str) -> None:
    catalog = load("lv", domain)
    untranslated = [
        m.id for m in catalog if m.id and (
            m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string)
        )
    ]
    assert untranslated == []
    assert len(list(catalog)) > 10


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_extracted_string_is_in_the_catalog(tmp_path: Path, language: str) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "extract", "-F", str(ROOT / "babel.cfg"),
         "--no-default-keywords", *KEYWORDS, "-o", str(pot), str(ROOT)],
        check=True, cwd=ROOT, capture_output=True,
    )
    with open(pot, "rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    catalog = load(language, "messages")
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(extracted - known)
    assert missing == [], "run `make update-catalogs` and translate: " + "; ".join(missing[:20])
