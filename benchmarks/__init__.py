"""Benchmark tools: ``python -m benchmarks.generate`` fills a database, ``benchmarks.run``
measures it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def absolute_database(url: str) -> str:
    """A relative SQLite path means one under the checkout, for both tools alike (Flask-SQLAlchemy
    would otherwise read it relative to the instance folder)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + str(ROOT / url[len("sqlite:///"):])
    return url
