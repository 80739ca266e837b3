"""Fill a database with a national-scale data set for the benchmark.

    python -m benchmarks.generate --youths 100000 --months 3 [--database URL]

43 municipalities, two providers each, a mentor per two youths, one accepted referral and one
active pair per youth, ``--entries`` service entries of 60 minutes per youth and month (20 by
default: the full 20-hour cap), every month but the last invoiced per contract. Deterministic
for a seed; rows go in by bulk inserts, so 6 million entries take minutes, not hours. The
database is created fresh (existing tables are dropped).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import os
import random
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from benchmarks import absolute_database
from common.months import month_start

BATCH = 20_000
MUNICIPALITIES = 43
DEFAULT_DATABASE = "sqlite:///instance/benchmark.sqlite"


def month_starts(last: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months ending with ``last``'s, oldest first."""
    return [month_start(last, back) for back in range(count - 1, -1, -1)]


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def _bare(session: Any, table: Any, dialect: str) -> Iterator[None]:
    """Fill the database without the kept-figure triggers and without ``table``'s indexes,
    then build both once: a sort per index and a grouped statement per kept figure instead
    of millions of index and trigger steps."""
    from models import entry_month, kept, search

    for statement in kept.drop(dialect) + entry_month.drop(dialect) + search.drop(dialect):
        session.execute(text(statement))
    indexes = list(table.indexes)
    for index in indexes:
        session.execute(text(f"DROP INDEX {index.name}"))
    yield
    for index in indexes:
        index.create(session.connection())
    connection = session.connection()
    # Planner statistics before the grouped statements: without them PostgreSQL scans the
    # whole pair table for each referral.
    connection.exec_driver_sql("ANALYZE")
    for statement in [entry_month.BACKFILL[dialect], *kept.backfill(dialect),
                      *entry_month.triggers(dialect), *kept.triggers(dialect),
                      *search.statements(dialect)]:
        connection.exec_driver_sql(statement)


def _copy(session: Any, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    """PostgreSQL's COPY, with the columns' Python defaults filled in as an INSERT would."""
    defaults = {c.name: c.default.arg for c in table.columns
                if c.default is not None and c.default.is_scalar}
    now = dt.datetime.now(dt.UTC)
    first = next(rows)
    columns = list({**defaults, **first, "created_at": now})
    cursor = session.connection().connection.driver_connection.cursor()
    n = 0
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in itertools.chain([first], rows):
            full = {**defaults, **row, "created_at": now}
            copy.write_row([getattr(v, "value", v) for v in (full[c] for c in columns)])
            n += 1
    return n


def generate(db: Any, *, youths: int, months: int, entries: int, seed: int,
             today: dt.date) -> dict[str, int]:
    from mentoring.demo import DEMO_PASSWORD
    from mentoring.passwords import hash_password
    from models import (
        Budget,
        Contract,
        Invoice,
        InvoiceLine,
        InvoiceSequence,
        Locality,
        Mentor,
        Municipality,
        Pair,
        Programme,
        Provider,
        Referral,
        ServiceEntry,
        User,
        Youth,
    )

    rnd = random.Random(seed)
    session = db.session
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("PRAGMA synchronous = OFF"))
        session.execute(text("PRAGMA cache_size = -2000000"))  # 2 GB for the index sorts
    counts: dict[str, int] = {}
    bare = contextlib.ExitStack()
    bare.enter_context(_bare(session, ServiceEntry.__table__, dialect))

    def bulk(model: Any, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
        n = 0
        for batch in _batches(iter(rows)):
            session.execute(insert(model), batch)
            n += len(batch)
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + n

    period = month_starts(month_start(today, 1), months)
    start = period[0]
    end = (period[-1] + dt.timedelta(days=32)).replace(day=1) + dt.timedelta(days=60)
    bulk(Municipality, [{"id": m, "name": f"Pašvaldība {m:02d}", "reg_number": f"9{m:010d}",
                         "social_service": f"Sociālais dienests {m:02d}",
                         "case_prefix": f"M{m:02d}"} for m in range(1, MUNICIPALITIES + 1)])
    bulk(Locality, [{"id": m, "municipality_id": m, "name": f"Centrs {m:02d}"}
                    for m in range(1, MUNICIPALITIES + 1)])
    bulk(Programme, [{"id": m, "municipality_id": m, "name": f"Mentoru programma {m:02d}",
                      "monthly_cap_minutes": 1200, "min_months": 1, "max_months": 12,
                      "min_meetings_per_month": 2, "mentor_capacity": 3}
                     for m in range(1, MUNICIPALITIES + 1)])
    bulk(Budget, [{"municipality_id": m, "programme_id": m, "year": year,
                   "amount": Decimal("500000.00")}
                  for m in range(1, MUNICIPALITIES + 1) for year in {start.year, today.year}])
    providers = [(p, (p - 1) // 2 + 1) for p in range(1, 2 * MUNICIPALITIES + 1)]
    bulk(Provider, [{"id": p, "name": f"Sniedzējs {p:03d}", "invoice_prefix": f"S{p:03d}",
                     "reg_number": f"4{p:010d}", "iban": "LV80BANK0000435195001",
                     "address": f"Iela {p}, Centrs {m:02d}, LV-{1000 + m}"}
                    for p, m in providers])
    bulk(Contract, [{"id": p, "number": f"L-{p}", "municipality_id": m, "provider_id": p,
                     "programme_id": m, "valid_from": start - dt.timedelta(days=365),
                     "valid_to": end + dt.timedelta(days=365), "hourly_rate": Decimal("14.50"),
                     "vat_exemption_note": "PVN likuma 52. pants"}
                    for p, m in providers])
    password = hash_password(DEMO_PASSWORD)
    users = [{"email": "admin@bench.lv", "name": "Admin", "role": "admin"}]
    users += [{"email": f"m{m:02d}@bench.lv", "name": f"Sociālais {m}", "role": "municipality",
               "municipality_id": m} for m in range(1, MUNICIPALITIES + 1)]
    users += [{"email": f"p{p:03d}@bench.lv", "name": f"Koordinators {p}", "role": "provider",
               "provider_id": p} for p, _ in providers]
    bulk(User, [{**u, "password_hash": password, "language": "lv"} for u in users])

    mentor_count = max(youths // 2, 1)
    provider_of_mentor = [providers[i % len(providers)][0] for i in range(mentor_count)]
    bulk(Mentor, ({"id": i + 1, "provider_id": provider_of_mentor[i],
                   "programme_id": providers[provider_of_mentor[i] - 1][1],
                   "first_name": rnd.choice(("Anna", "Jānis", "Līga", "Pēteris", "Ieva")),
                   "last_name": f"Mentors{i + 1}", "birth_date": dt.date(1985, 1, 1),
                   "education": "higher", "status": "active"} for i in range(mentor_count)))

    # A mentor's account per provider, for the mentor's home page: mentor p works for provider p.
    bulk(User, [{"email": f"mentor{p:03d}@bench.lv", "name": f"Mentors {p}", "role": "mentor",
                 "provider_id": p, "mentor_id": p, "password_hash": password, "language": "lv"}
                for p, _ in providers])

    def provider_of(y: int) -> int:
        return provider_of_mentor[(y - 1) % mentor_count]

    def municipality_of(y: int) -> int:
        return providers[provider_of(y) - 1][1]

    bulk(Youth, ({"id": y, "case_number": f"M{municipality_of(y):02d}-{y:06d}",
                  "first_name": rnd.choice(("Roberts", "Elza", "Markuss", "Sofija", "Kārlis")),
                  "last_name": f"Jaunietis{y}", "birth_date": dt.date(2008, 1 + y % 12, 1),
                  "municipality_id": municipality_of(y), "locality_id": municipality_of(y),
                  "gender": ("female", "male")[y % 2]} for y in range(1, youths + 1)))
    bulk(Referral, ({"id": y, "youth_id": y, "programme_id": municipality_of(y),
                     "municipality_id": municipality_of(y), "source": "school",
                     "received_on": start - dt.timedelta(days=20), "status": "accepted",
                     "decided_on": start - dt.timedelta(days=10), "provider_id": provider_of(y)}
                    for y in range(1, youths + 1)))
    bulk(Pair, ({"id": y, "youth_id": y, "mentor_id": (y - 1) % mentor_count + 1,
                 "provider_id": provider_of(y), "contract_id": provider_of(y),
                 "programme_id": municipality_of(y), "referral_id": y, "starts_on": start,
                 "planned_end_on": end, "status": "active"} for y in range(1, youths + 1)))

    # Invoices: one per contract and invoiced month (all but the last), one line per pair.
    invoice_id: dict[tuple[int, dt.date], int] = {}
    invoice_rows = []
    sequence: dict[tuple[int, int], int] = {}  # the provider's yearly numbering, as issued
    for month in period[:-1]:
        for p, m in providers:
            issued = month + dt.timedelta(days=35)
            sequence[(p, issued.year)] = sequence.get((p, issued.year), 0) + 1
            invoice_id[(p, month)] = len(invoice_rows) + 1
            invoice_rows.append({
                "id": len(invoice_rows) + 1,
                "number": f"S{p:03d}-{issued.year}-{sequence[(p, issued.year)]:04d}",
                "kind": "invoice", "provider_id": p, "municipality_id": m, "contract_id": p,
                "year": month.year, "month": month.month, "status": "paid",
                "issued_on": issued, "due_on": month + dt.timedelta(days=65),
                "paid_on": month + dt.timedelta(days=50)})
    minutes_per_month = 60 * entries
    amount = (Decimal(minutes_per_month) * Decimal("14.50") / 60).quantize(Decimal("0.01"))
    pairs_per_provider: dict[int, int] = {}
    for y in range(1, youths + 1):
        pairs_per_provider[provider_of(y)] = pairs_per_provider.get(provider_of(y), 0) + 1
    for row in invoice_rows:
        total = amount * pairs_per_provider.get(row["provider_id"], 0)
        row.update(net_amount=total, vat_amount=Decimal("0.00"), total_amount=total,
                   paid_amount=total)
    bulk(Invoice, invoice_rows)
    bulk(InvoiceSequence, [{"provider_id": p, "year": year, "last_number": n}
                           for (p, year), n in sequence.items()])
    bulk(InvoiceLine, ({"invoice_id": invoice_id[(provider_of(y), month)],
                        "pair_id": y, "description": f"M-{y:06d} A. B.",
                        "minutes": minutes_per_month, "rate": Decimal("14.50"),
                        "amount": amount}
                       for month in period[:-1] for y in range(1, youths + 1)))

    def entry_rows() -> Iterator[dict[str, Any]]:
        for month in period:
            last = month == period[-1]
            for y in range(1, youths + 1):
                p = provider_of(y)
                for e in range(entries):
                    yield {"pair_id": y, "day": month + dt.timedelta(days=e % 28),
                           "minutes": 60, "activity": "study",
                           "mode": "in_person" if e % 2 else "remote",
                           "status": "approved" if last else "invoiced",
                           "invoice_id": None if last else invoice_id[(p, month)]}

    if dialect == "postgresql":
        counts["service_entry"] = _copy(session, ServiceEntry.__table__, entry_rows())
    else:
        bulk(ServiceEntry, entry_rows())
    bare.close()
    if dialect == "postgresql":
        # Ids were given explicitly: move each table's sequence past them.
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    session.commit()
    # Planner statistics, as a database in service has them (PostgreSQL's autovacuum, SQLite's
    # PRAGMA optimize): without them SQLite picks the status index over the pair's.
    session.execute(text("ANALYZE"))
    session.commit()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=1000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--entries", type=int, default=20, help="entries per youth and month")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    args = parser.parse_args()
    os.environ["MENTORING_NO_MODULE_APP"] = "1"
    from app import create_app
    from common.clock import today
    from models import db

    database = absolute_database(args.database)
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True,
                      "SECRET_KEY": "benchmark"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        counts = generate(db, youths=args.youths, months=args.months, entries=args.entries,
                          seed=args.seed, today=today())
        took = time.perf_counter() - began
    for table, n in sorted(counts.items()):
        print(f"{table:20} {n:>10}")
    print(f"generated in {took:.1f} s into {database}")


if __name__ == "__main__":
    main()
