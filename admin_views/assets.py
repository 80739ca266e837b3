"""Static assets for slow mobile connections: compressed, versioned and cached.

Only static files are compressed: a page compressed together with a secret and reflected
input can leak the secret (BREACH), and pages are small next to the scripts and styles."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_compress import Compress

STATIC_ENDPOINTS = frozenset({"static", "admin.static"})
YEAR = 365 * 24 * 3600

compress = Compress()


@cache
def _version(folder: str, filename: str) -> str:
    return hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:12]


def asset(filename: str) -> str:
    """The URL of one of our static files with its content's version, cached for a year:
    a changed file gets a new URL."""
    folder = current_app.static_folder or ""
    return url_for("static", filename=filename, v=_version(folder, filename))


def _compress_and_cache(response: Any) -> Any:
    if request.endpoint not in STATIC_ENDPOINTS:
        return response
    if request.args.get("v") and response.status_code == 200:
        # Private: the response may carry the refreshed session cookie.
        response.headers["Cache-Control"] = f"private, max-age={YEAR}, immutable"
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)  # pages are not compressed (above)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", True)  # static files are sent as streams
    compress.init_app(app)
    app.after_request(_compress_and_cache)
    app.add_template_global(asset)
