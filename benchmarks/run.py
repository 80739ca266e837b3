"""Measure the main pages against the targets, in-process and over HTTP.

    python -m benchmarks.run [--database URL] [--repeat 15] [--gunicorn] [--load SECONDS]
                             [--json FILE]

Against a database filled by ``benchmarks.generate``: per page and role, the median and 95th
percentile of wall time and of **CPU time** per request through the app's test client (this
process's CPU, plus on PostgreSQL the CPU of the server backends that answered, read from
/proc), SQL queries per request, and the ratio of the page's CPU to its own SQL replayed
bare on the DB-API connection in the same round. ``--gunicorn`` adds a few pages over HTTP;
``--load`` a bounded load test on loopback (a coordinator's page mix from 4 clients, against
1 and then 2 gunicorn workers): requests per second, p50/p95/p99, errors and worker RSS.
"""

from __future__ import annotations

import argparse
import contextlib
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
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from benchmarks import absolute_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Mentors-demo-2026"
# CPU ms per request (issue 27): the administrator's home, other roles' homes, lists and
# details, issuing one provider-month, its preview; an export is 50,000 rows in 5 s.
TARGETS = {"list": 150.0, "details": 150.0, "dashboard": 300.0, "home": 150.0,
           "invoicing": 500.0, "preview": 200.0, "other": 300.0, "export": 5000.0,
           "compare": None}


class Measure:
    """Timings (ms) and query counts of one page or call."""

    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.queries: list[int] = []
        self.raw_cpu: float | None = None
        self.rows: int | None = None

    def row(self) -> dict[str, Any]:
        target = TARGETS.get(self.kind)
        cpu = statistics.median(self.cpu) if self.cpu else None
        return {"page": self.name, "kind": self.kind,
                "median_ms": round(statistics.median(self.times), 1),
                "p95_ms": round(percentile(self.times, 95), 1),
                "cpu_median_ms": None if cpu is None else round(cpu, 1),
                "cpu_p95_ms": round(percentile(self.cpu, 95), 1) if self.cpu else None,
                "queries": max(self.queries) if self.queries else None,
                "raw_sql_ratio": round(cpu / self.raw_cpu, 2)
                if cpu is not None and self.raw_cpu else None,
                "rows": self.rows,
                "target_ms": target,
                "meets": None if target is None or cpu is None else cpu <= target}


def percentile(values: list[float], share: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share / 100 * (len(ordered) - 1))))]


class Cpu:
    """CPU seconds so far of this process and of the PostgreSQL backends it talks to (their
    pids are learnt as connections open; SQLite runs inside this process)."""

    def __init__(self) -> None:
        self.backends: set[int] = set()
        self.tick = os.sysconf("SC_CLK_TCK")

    def listen(self, engine: Any) -> None:
        if engine.dialect.name != "postgresql":
            return

        @event.listens_for(engine, "connect")
        def _backend(connection: Any, _record: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backends.add(int(cursor.fetchone()[0]))

    def now(self) -> float:
        total = time.process_time()
        for pid in list(self.backends):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                self.backends.discard(pid)
                continue
            total += (int(fields[11]) + int(fields[12])) / self.tick  # utime, stime
        return total


class Recorder:
    """Counts the statements of a call, and keeps them to replay them bare."""

    def __init__(self, engine: Any, cpu: Cpu) -> None:
        self.engine, self.cpu = engine, cpu
        self.count = 0
        self.statements: list[tuple[str, Any, bool]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
              many: bool) -> None:
        self.count += 1
        self.statements.append((statement, parameters, many))

    def reset(self) -> None:
        self.count = 0
        self.statements = []

    def replay(self, statements: list[tuple[str, Any, bool]], repeat: int = 3) -> float | None:
        """CPU ms of the statements sent bare on a DB-API connection (rows fetched, then
        rolled back), the median of ``repeat`` rounds; None when they cannot be replayed."""
        rounds = []
        connection = self.engine.raw_connection()
        try:
            for _ in range(repeat):
                began = self.cpu.now()
                cursor = connection.cursor()
                for statement, parameters, many in statements:
                    if many:
                        cursor.executemany(statement, parameters)
                    else:
                        cursor.execute(statement, parameters)
                    if cursor.description:
                        cursor.fetchall()
                connection.rollback()
                rounds.append((self.cpu.now() - began) * 1000)
        except Exception:  # a replayed insert may collide with what the page wrote
            connection.rollback()
            return None
        finally:
            connection.close()
        return statistics.median(rounds)


def _timed(measure: Measure, call: Callable[[], Any], recorder: Recorder, repeat: int,
           replay: bool = True) -> Any:
    result = None
    for _ in range(2):
        result = call()  # warm caches, as a running server would be
    for _ in range(repeat):
        recorder.reset()
        began, cpu = time.perf_counter(), recorder.cpu.now()
        result = call()
        measure.cpu.append((recorder.cpu.now() - cpu) * 1000)
        measure.times.append((time.perf_counter() - began) * 1000)
        measure.queries.append(recorder.count)
    if replay:
        measure.raw_cpu = recorder.replay(recorder.statements)
    return result


def _filter_arg(view: Any, column: str) -> str:
    for index, flt in enumerate(view._filters or []):
        if getattr(getattr(flt, "column", None), "name", "") == column:
            return f"flt0_{view.get_filter_arg(index, flt)}"
    raise LookupError(column)


def in_process(database: str, repeat: int) -> tuple[list[Measure], dict[str, Any]]:
    os.environ["MENTORING_NO_MODULE_APP"] = "1"
    from app import create_app
    from common.clock import today
    from models import Contract, ServiceEntry, Youth, db

    config = {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "benchmark",
              "TWO_FACTOR_REQUIRED": "none", "SESSION_COOKIE_SECURE": False,
              "WTF_CSRF_ENABLED": False}
    app = create_app(config)
    cpu = Cpu()
    with app.app_context():
        cpu.listen(db.engine)
        recorder = Recorder(db.engine, cpu)
        sizes = {"youths": db.session.scalar(select(func.count()).select_from(Youth)),
                 "service_entries": db.session.scalar(
                     select(func.count()).select_from(ServiceEntry))}
        last_month = today().replace(day=1) - dt.timedelta(days=1)
        month = f"{last_month.year:04d}-{last_month.month:02d}"
        middle = max(sizes["youths"] // 2, 1)
        contract_id = db.session.scalar(select(Contract.id).where(Contract.provider_id == 1))

    def signed_in(email: str) -> Any:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, "sign-in failed: generate the data first"
        return client

    clients = {"admin": signed_in("admin@bench.lv"), "coordinator": signed_in("p001@bench.lv"),
               "social worker": signed_in("m01@bench.lv"),
               "mentor": signed_in("mentor001@bench.lv")}
    admin_views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    from admin_views import VIEWS

    pages: list[tuple[str, str, str, str]] = [  # name, kind, role, url
        ("home: administrator", "dashboard", "admin", "/admin/"),
        ("home: coordinator", "home", "coordinator", "/admin/"),
        ("home: social worker", "home", "social worker", "/admin/"),
        ("home: mentor", "home", "mentor", "/admin/"),
        ("tasks: coordinator", "home", "coordinator", "/admin/tasks/"),
    ]
    pages += [(f"{endpoint} list", "list", "admin", f"/admin/{endpoint}/")
              for *_, endpoint in VIEWS]
    pages += [(f"{endpoint} page 50", "list", "admin", f"/admin/{endpoint}/?page=50")
              for endpoint in ("youth", "pair", "service_entry", "invoice_line", "referral")]
    waiting = _filter_arg(admin_views["service_entry"], "status")
    pages += [
        ("service_entry list: coordinator", "list", "coordinator", "/admin/service_entry/"),
        ("service_entry filtered", "list", "admin", f"/admin/service_entry/?{waiting}=approved"),
        ("youth searched", "list", "admin", f"/admin/youth/?search=Jaunietis{middle}"),
        ("youth searched: coordinator", "list", "coordinator",
         f"/admin/youth/?search=Jaunietis{middle}"),
        ("youth details", "details", "admin", f"/admin/youth/details/?id={middle}"),
        ("pair details", "details", "admin", f"/admin/pair/details/?id={middle}"),
        ("referral details", "details", "admin", f"/admin/referral/details/?id={middle}"),
        ("service_entry details", "details", "admin",
         f"/admin/service_entry/details/?id={middle * 20}"),
        ("pairing", "other", "coordinator", "/admin/pairing/?provider=1"),
        ("invoicing preview", "preview", "admin", f"/admin/invoicing/?provider=1&month={month}"),
        ("budget overview", "other", "admin", "/admin/budget-overview/"),
        ("report: hours", "other", "admin", "/admin/reports/?report=hours"),
    ]
    results: list[Measure] = []
    for name, kind, role, url in pages:
        measure = Measure(name, kind)

        def get(url: str = url, client: Any = clients[role]) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        _timed(measure, get, recorder, repeat)
        results.append(measure)

    # Exports of 50,000 rows (the most one may take): CPU, queries, rows per second.
    for name, url in (("export: service_entry csv", "/admin/service_entry/export/csv/"),
                      ("export: youth csv", "/admin/youth/export/csv/")):
        measure = Measure(name, "export")

        def export(url: str = url, measure: Measure = measure) -> Any:
            response = clients["admin"].get(url)
            assert response.status_code == 200, (url, response.status_code)
            measure.rows = response.get_data().count(b"\n") - 1
            return response

        _timed(measure, export, recorder, max(2, repeat // 5), replay=False)
        results.append(measure)

    # Issuing: each round issues provider 1's month and credits it again (not timed). Its
    # SQL is not replayed: the invoice number it inserted is taken.
    issue = Measure("invoicing issue", "invoicing")
    admin = clients["admin"]
    for _ in range(min(repeat, 10)):
        page = admin.get(f"/admin/invoicing/confirm/?provider=1&contract={contract_id}"
                         f"&month={month}").get_data(as_text=True)
        fingerprint = re.search(r'name="fingerprint" value="(\w+)"', page).group(1)
        recorder.reset()
        began, spent = time.perf_counter(), cpu.now()
        response = admin.post("/admin/invoicing/issue/", data={
            "provider": 1, "month": month, "contract": contract_id, "fingerprint": fingerprint,
            "early_reason": "benchmark"})  # the generated months are not signed off
        issue.cpu.append((cpu.now() - spent) * 1000)
        issue.times.append((time.perf_counter() - began) * 1000)
        issue.queries.append(recorder.count)
        invoice_id = response.headers["Location"].split("id=")[-1]
        admin.post("/admin/invoice/credit/", data={"id": invoice_id})
    results.append(issue)
    sizes["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results, sizes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(database: str, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A gunicorn on a free loopback port; yields its address and process."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "benchmark",
           "TWO_FACTOR_REQUIRED": "none", "SESSION_COOKIE_SECURE": "0"}
    env.pop("MENTORING_NO_MODULE_APP", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def _opener(base: str, email: str) -> Any:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"email": email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    opener.open(base + "/login", urllib.parse.urlencode(data).encode())
    return opener


def _worker_rss(server: subprocess.Popen[bytes]) -> float:
    rss = 0.0
    for child in Path(f"/proc/{server.pid}/task").glob("*/children"):
        for pid in child.read_text().split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            rss = max(rss, int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return rss


def over_http(database: str, repeat: int, urls: list[tuple[str, str, str]]) -> tuple[
        list[Measure], float]:
    """GET pages through a gunicorn with two workers (wall time only); returns the worker
    RSS (MB)."""
    with gunicorn(database, 2) as (base, server):
        opener = _opener(base, "admin@bench.lv")
        results = []
        for name, kind, url in urls:
            measure = Measure(f"HTTP {name}", kind)
            for _ in range(2):
                opener.open(base + url).read()
            for _ in range(repeat):
                began = time.perf_counter()
                opener.open(base + url).read()
                measure.times.append((time.perf_counter() - began) * 1000)
            results.append(measure)
        return results, round(_worker_rss(server), 1)


LOAD_MIX = ["/admin/", "/admin/service_entry/", "/admin/pair/", "/admin/youth/",
            "/admin/tasks/", "/admin/pair/details/?id=1", "/admin/youth/details/?id=1"]


def _client(opener: Any, base: str, stop: float, offset: int, latencies: list[float],
            errors: list[str]) -> None:
    n = offset
    while time.monotonic() < stop:
        url = LOAD_MIX[n % len(LOAD_MIX)]
        n += 1
        began = time.perf_counter()
        try:
            with opener.open(base + url, timeout=30) as response:
                response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {url}")
        except Exception as error:  # an error page or a dropped connection
            errors.append(f"{error} {url}")
        latencies.append((time.perf_counter() - began) * 1000)


def load_test(database: str, seconds: float, clients: int = 4) -> list[dict[str, Any]]:
    """A coordinator's page mix from ``clients`` threads for ``seconds`` against 1, then 2
    gunicorn workers, on loopback: requests per second, latency percentiles, errors (any
    answer but 200, or none) and the largest worker RSS seen."""
    runs = []
    for workers in (1, 2):
        with gunicorn(database, workers) as (base, server):
            openers = [_opener(base, "p001@bench.lv") for _ in range(clients)]
            for url in LOAD_MIX:
                openers[0].open(base + url).read()  # warm both workers' caches a little
            latencies: list[float] = []
            errors: list[str] = []
            peak = [_worker_rss(server)]
            stop = time.monotonic() + seconds

            threads = [threading.Thread(target=_client, args=(o, base, stop, i, latencies, errors))
                       for i, o in enumerate(openers)]
            began = time.monotonic()
            for thread in threads:
                thread.start()
            while any(t.is_alive() for t in threads):
                peak.append(_worker_rss(server))
                time.sleep(0.5)
            took = time.monotonic() - began
            runs.append({"workers": workers, "clients": clients, "seconds": round(took, 1),
                         "requests": len(latencies),
                         "req_per_s": round(len(latencies) / took, 1),
                         "p50_ms": round(percentile(latencies, 50), 1),
                         "p95_ms": round(percentile(latencies, 95), 1),
                         "p99_ms": round(percentile(latencies, 99), 1),
                         "errors": len(errors), "error_samples": errors[:5],
                         "worker_rss_peak_mb": round(max(peak), 1)})
    return runs


def print_table(rows: list[dict[str, Any]], sizes: dict[str, Any],
                load: list[dict[str, Any]]) -> None:
    print(f"youths {sizes['youths']}, service entries {sizes['service_entries']}, "
          f"{sizes['database']}, max RSS in process {sizes['max_rss_mb']} MB"
          + (f", gunicorn worker RSS {sizes['worker_rss_mb']} MB"
             if "worker_rss_mb" in sizes else ""))
    print(f"{'page':40} {'wall':>7} {'p95':>7} {'CPU':>7} {'p95':>7} {'queries':>7} "
          f"{'×SQL':>6} {'target':>6}  ok")
    for row in rows:
        def cell(key: str, row: dict[str, Any] = row) -> str:
            return "" if row.get(key) is None else str(row[key])

        target = f"{row['target_ms']:.0f}" if row["target_ms"] else ""
        ok = {True: "yes", False: "NO", None: ""}[row["meets"]]
        print(f"{row['page']:40} {cell('median_ms'):>7} {cell('p95_ms'):>7} "
              f"{cell('cpu_median_ms'):>7} {cell('cpu_p95_ms'):>7} {cell('queries'):>7} "
              f"{cell('raw_sql_ratio'):>6} {target:>6}  {ok}")
    for run in load:
        print(f"load: {run['workers']} worker(s), {run['clients']} clients, {run['seconds']} s: "
              f"{run['req_per_s']} req/s, p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, "
              f"p99 {run['p99_ms']} ms, {run['errors']} errors, worker RSS peak "
              f"{run['worker_rss_peak_mb']} MB")


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get(
        "DATABASE_URL", "sqlite:///instance/benchmark.sqlite"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--gunicorn", action="store_true", help="also measure over HTTP")
    parser.add_argument("--load", type=float, default=0,
                        help="seconds of load test per worker count (at most 30)")
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
    load = load_test(database, min(args.load, 30)) if args.load else []
    print_table(rows, sizes, load)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({
            "measured_on": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": _commit(), "sizes": sizes, "rows": rows, "load": load}, indent=1,
            ensure_ascii=False))


if __name__ == "__main__":
    main()
