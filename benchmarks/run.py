"""Measure the main pages against the targets, in-process and over HTTP.

    python -m benchmarks.run [--database URL] [--repeat 15] [--gunicorn] [--json FILE]

Against a database filled by ``benchmarks.generate``: the median and 95th percentile of each
main page through the app's test client (and, with ``--gunicorn``, over HTTP to a gunicorn
started here), SQL queries per request, and beside them what the same list costs in a plain
Flask-Admin ``ModelView`` and what the query behind each aggregate page costs alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from benchmarks import absolute_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Mentors-demo-2026"
TARGETS = {"list": 150.0, "details": 150.0, "dashboard": 300.0, "invoicing": 500.0,
           "other": 300.0, "compare": None}


class Measure:
    """Timings (ms) and query counts of one page or call."""

    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind
        self.times: list[float] = []
        self.queries: list[int] = []

    def row(self) -> dict[str, Any]:
        ordered = sorted(self.times)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        target = TARGETS.get(self.kind)
        return {"page": self.name, "kind": self.kind,
                "median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
                "queries": max(self.queries) if self.queries else None,
                "target_ms": target, "meets": None if target is None else p95 <= target}


def _timed(measure: Measure, call: Callable[[], Any], counter: list[int], repeat: int) -> Any:
    result = None
    for _ in range(2):
        result = call()  # warm caches, as a running server would be
    for _ in range(repeat):
        counter[0] = 0
        began = time.perf_counter()
        result = call()
        measure.times.append((time.perf_counter() - began) * 1000)
        measure.queries.append(counter[0])
    return result


def _filter_arg(view: Any, column: str) -> str:
    for index, flt in enumerate(view._filters or []):
        if getattr(getattr(flt, "column", None), "name", "") == column:
            return f"flt0_{view.get_filter_arg(index, flt)}"
    raise LookupError(column)


def in_process(database: str, repeat: int) -> tuple[list[Measure], dict[str, Any]]:
    os.environ["MENTORING_NO_MODULE_APP"] = "1"
    from flask import Flask
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from flask_babel import Babel

    from admin_views import VIEWS
    from app import create_app
    from common.clock import today
    from mentoring import dashboard, invoicing
    from models import Contract, Pair, ServiceEntry, User, Youth, db

    config = {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "benchmark",
              "TWO_FACTOR_REQUIRED": "none", "SESSION_COOKIE_SECURE": False,
              "WTF_CSRF_ENABLED": False}
    app = create_app(config)
    counter = [0]

    with app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args: Any) -> None:
            counter[0] += 1

        sizes = {"youths": db.session.scalar(select(func.count()).select_from(Youth)),
                 "service_entries": db.session.scalar(
                     select(func.count()).select_from(ServiceEntry))}
        last_month = today().replace(day=1) - dt.timedelta(days=1)
        month = f"{last_month.year:04d}-{last_month.month:02d}"
        middle = max(sizes["youths"] // 2, 1)

    client = app.test_client()
    response = client.post("/login", data={"email": "admin@bench.lv", "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed: generate the data first"
    admin_views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    pages: list[tuple[str, str, str]] = []
    for *_, endpoint in VIEWS:
        pages.append((f"{endpoint} list", "list", f"/admin/{endpoint}/"))
    for endpoint in ("youth", "pair", "service_entry", "invoice_line", "referral"):
        pages.append((f"{endpoint} page 50", "list", f"/admin/{endpoint}/?page=50"))
    pages += [
        ("service_entry filtered", "list",
         f"/admin/service_entry/?{_filter_arg(admin_views['service_entry'], 'status')}=approved"),
        ("youth searched", "list", f"/admin/youth/?search=Jaunietis{middle}"),
        ("youth details", "details", f"/admin/youth/details/?id={middle}"),
        ("pair details", "details", f"/admin/pair/details/?id={middle}"),
        ("service_entry details", "details", f"/admin/service_entry/details/?id={middle * 20}"),
        ("dashboard", "dashboard", "/admin/"),
        ("pairing", "other", "/admin/pairing/?provider=1"),
        ("invoicing preview", "invoicing", f"/admin/invoicing/?provider=1&month={month}"),
        ("budget overview", "other", "/admin/budget-overview/"),
        ("report: hours", "other", "/admin/reports/?report=hours"),
    ]
    results: list[Measure] = []
    for name, kind, url in pages:
        measure = Measure(name, kind)

        def get(url: str = url) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        _timed(measure, get, counter, repeat)
        results.append(measure)

    # Issuing: each round issues provider 1's month and credits it again (not timed).
    issue = Measure("invoicing issue", "invoicing")
    with app.app_context():
        contract_id = db.session.scalar(select(Contract.id).where(Contract.provider_id == 1))
    for _ in range(min(repeat, 10)):
        page = client.get(f"/admin/invoicing/confirm/?provider=1&contract={contract_id}"
                          f"&month={month}").get_data(as_text=True)
        fingerprint = re.search(r'name="fingerprint" value="(\w+)"', page).group(1)
        counter[0] = 0
        began = time.perf_counter()
        response = client.post("/admin/invoicing/issue/", data={
            "provider": 1, "month": month, "contract": contract_id, "fingerprint": fingerprint,
            "early_reason": "benchmark"})  # the generated months are not signed off
        issue.times.append((time.perf_counter() - began) * 1000)
        issue.queries.append(counter[0])
        invoice_id = response.headers["Location"].split("id=")[-1]
        client.post("/admin/invoice/credit/", data={"id": invoice_id})
    results.append(issue)

    # The same lists in a plain Flask-Admin, and the queries behind the aggregate pages.
    plain = Flask("plain")
    plain.config.update(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        SECRET_KEY="plain")
    db.init_app(plain)
    Babel(plain)  # Flask-Admin translates through Flask-Babel when it is installed
    admin = Admin(plain, name="plain", url="/plain")
    admin.add_view(ModelView(ServiceEntry, db, endpoint="plain_entry"))
    admin.add_view(ModelView(Youth, db, endpoint="plain_youth"))
    with plain.app_context():
        event.listen(db.engine, "before_cursor_execute", _count)
    plain_client = plain.test_client()
    for name, url in (("plain ModelView: service_entry list", "/plain/plain_entry/"),
                      ("plain ModelView: service_entry page 50", "/plain/plain_entry/?page=50"),
                      ("plain ModelView: youth list", "/plain/plain_youth/")):
        measure = Measure(name, "compare")
        def plain_get(url: str = url) -> Any:
            response = plain_client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        _timed(measure, plain_get, counter, repeat)
        results.append(measure)
    with app.test_request_context():
        actor = db.session.scalar(select(User).where(User.email == "admin@bench.lv"))
        contract = db.session.get(Contract, contract_id)
        raw = [
            ("raw: dashboard figures", lambda: dashboard.build(db.session, actor, today())),
            ("raw: invoicing preview", lambda: invoicing.preview(
                db.session, contract, last_month.year, last_month.month)),
            ("raw: service_entry first 20 + count", lambda: (
                db.session.execute(select(ServiceEntry).order_by(ServiceEntry.day.desc())
                                   .limit(20)).all(),
                db.session.scalar(select(func.count()).select_from(ServiceEntry)))),
            ("raw: pair first 20", lambda: db.session.execute(
                select(Pair).order_by(Pair.starts_on.desc()).limit(20)).all()),
        ]
        for name, call in raw:
            measure = Measure(name, "compare")
            _timed(measure, call, counter, repeat)
            results.append(measure)
    sizes["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results, sizes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def over_http(database: str, repeat: int, urls: list[tuple[str, str, str]]) -> tuple[
        list[Measure], float]:
    """The same GET pages through a gunicorn with two workers; returns the worker RSS (MB)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "benchmark",
           "TWO_FACTOR_REQUIRED": "none", "SESSION_COOKIE_SECURE": "0"}
    env.pop("MENTORING_NO_MODULE_APP", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        data = {"email": "admin@bench.lv", "password": PASSWORD}
        if token:
            data["csrf_token"] = token.group(1)
        opener.open(base + "/login", urllib.parse.urlencode(data).encode())
        results = []
        for name, kind, url in urls:
            measure = Measure(f"HTTP {name}", kind)
            _timed(measure, lambda url=url: opener.open(base + url).read(), [0], repeat)
            measure.queries = []
            results.append(measure)
        rss = 0.0
        for child in Path(f"/proc/{server.pid}/task").glob("*/children"):
            for pid in child.read_text().split():
                status = Path(f"/proc/{pid}/status").read_text()
                rss = max(rss, int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return results, round(rss, 1)
    finally:
        server.terminate()
        server.wait(timeout=10)


def print_table(rows: list[dict[str, Any]], sizes: dict[str, Any]) -> None:
    print(f"youths {sizes['youths']}, service entries {sizes['service_entries']}, "
          f"{sizes['database']}, max RSS in process {sizes['max_rss_mb']} MB"
          + (f", gunicorn worker RSS {sizes['worker_rss_mb']} MB"
             if "worker_rss_mb" in sizes else ""))
    print(f"{'page':45} {'median':>8} {'p95':>8} {'queries':>8} {'target':>7}  ok")
    for row in rows:
        target = f"{row['target_ms']:.0f}" if row["target_ms"] else ""
        ok = {True: "yes", False: "NO", None: ""}[row["meets"]]
        queries = "" if row["queries"] is None else row["queries"]
        print(f"{row['page']:45} {row['median_ms']:>8} {row['p95_ms']:>8} {queries!s:>8} "
              f"{target:>7}  {ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get(
        "DATABASE_URL", "sqlite:///instance/benchmark.sqlite"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--gunicorn", action="store_true", help="also measure over HTTP")
    parser.add_argument("--json", default="", help="write the table here as JSON")
    args = parser.parse_args()
    database = absolute_database(args.database)
    measures, sizes = in_process(database, args.repeat)
    sizes["database"] = database.split(":")[0]
    if args.gunicorn:
        urls = [("youth list", "list", "/admin/youth/"),
                ("service_entry list", "list", "/admin/service_entry/"),
                ("dashboard", "dashboard", "/admin/")]
        http_measures, sizes["worker_rss_mb"] = over_http(database, args.repeat, urls)
        measures += http_measures
    rows = [m.row() for m in measures]
    print_table(rows, sizes)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "measured_on": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sizes": sizes, "rows": rows}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
