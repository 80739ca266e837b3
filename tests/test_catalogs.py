"""Latvian is complete: no untranslated or fuzzy message, and no string left out of the catalog."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
# The extraction keywords, read from the Makefile that `make update-catalogs` uses.
KEYWORDS = re.search(r"^CATALOG_KEYWORDS := (.+)$", (ROOT / "Makefile").read_text(),
                     re.M).group(1).split()


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


@pytest.mark.parametrize(("n", "text"), [
    (1, "1 brīva vieta."), (21, "21 brīva vieta."), (2, "2 brīvas vietas."),
    (11, "11 brīvas vietas."), (0, "0 brīvu vietu."),
])
def test_latvian_plural_forms(app: object, n: int, text: str) -> None:
    """Latvian has three forms (1, 21, 31 …; the rest; zero); counts go through ngettext."""
    from flask_babel import force_locale

    from common.i18n import ngettext

    with app.test_request_context(), force_locale("lv"):  # type: ignore[attr-defined]
        assert ngettext("%(num)d free place.", "%(num)d free places.", n) == text


# The glossary of ../shared/DESIGN.md: an English term in a message means its Latvian stem in
# the translation, so one thing has one name on every screen.
GLOSSARY = {r"\breferrals?\b": "nosūtīj", r"\bproviders?\b": "sniedzēj", r"\bcontracts?\b": "līgum",
            r"\binvoices?\b": "rēķin", r"\bcredit notes?\b": "kredītrēķin",
            r"\byouths?\b": "jaunie", r"\bmunicipalit(y|ies)\b": "pašvaldīb",
            r"\bpairs?\b": "pār", r"\bprocurement\b": "iepirkum", r"\bsupervision\b": "supervīz",
            r"\bgoals?\b": "mērķ", r"\bbudgets?\b": "budžet"}
# Where the sentence reads better in other words ("sadarbība" is the pair's cooperation).
GLOSSARY_EXCEPTIONS = {
    "Mentor service: %(youth)s", "Complete the pair",
    "The pair lasts at least %(num)d month: end on %(date)s or later.",
    "The pair lasts at most %(num)d month: end on %(date)s or earlier.",
    "This programme does not accept self-referrals.",
}


def test_latvian_follows_the_glossary() -> None:
    off = []
    for message in load("lv", "messages"):
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        target = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        words = re.sub(r"%\(\w+\)[sd]", "", source)  # a placeholder's name is not a term
        for term, stem in GLOSSARY.items():
            if (re.search(term, words, re.I) and stem not in target.lower()
                    and source not in GLOSSARY_EXCEPTIONS):
                off.append((source, target))
    assert off == []
