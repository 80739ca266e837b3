"""Render saved benchmark results side by side as Markdown tables for the README.

    python -m benchmarks.table benchmarks/results/sqlite-10000.json \
        benchmarks/results/sqlite-100000.json benchmarks/results/postgresql-10000.json …

Per page: the target, then per run the median CPU ms per request (its 95th percentile),
queries and the ratio to the page's own SQL replayed bare; for each database measured at
two sizes, the growth of the median CPU from the smaller to the larger. Then the load tests.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _label(run: dict[str, Any]) -> str:
    return f"{run['sizes']['database']} {run['sizes']['youths'] // 1000}k"


def main(paths: list[str]) -> None:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    by_db: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_db.setdefault(run["sizes"]["database"], []).append(run)
    growth = {db: sorted(rs, key=lambda r: r["sizes"]["youths"]) for db, rs in by_db.items()
              if len(rs) >= 2}
    head = " | ".join(f"{_label(r)}: CPU ms (p95), queries, × SQL" for r in runs)
    grow = " | ".join(f"{db} {rs[0]['sizes']['youths'] // 1000}k → "
                      f"{rs[-1]['sizes']['youths'] // 1000}k" for db, rs in growth.items())
    print(f"| page | target ms | {head} |" + (f" {grow} |" if grow else ""))
    print("|---|---:|" + "---:|" * (len(runs) + len(growth)))
    pages = [row["page"] for row in runs[-1]["rows"]]
    for page in pages:
        cells, target = [], ""
        found = {}
        for run in runs:
            row = next((r for r in run["rows"] if r["page"] == page), None)
            found[id(run)] = row
            if row is None or row.get("cpu_median_ms") is None:
                cells.append("")
                continue
            target = f"{row['target_ms']:.0f}" if row["target_ms"] else "—"
            mark = " ✗" if row["meets"] is False else ""
            ratio = f", ×{row['raw_sql_ratio']:.1f}" if row.get("raw_sql_ratio") else ""
            rows = (", " + f"{row['rows']:,}".replace(",", " ") + " rows") if row.get("rows") else ""
            cells.append(f"{row['cpu_median_ms']:.0f} ({row['cpu_p95_ms']:.0f}), "
                         f"{row['queries']}{ratio}{rows}{mark}")
        for rs in growth.values():
            small, large = found.get(id(rs[0])), found.get(id(rs[-1]))
            if small and large and small.get("cpu_median_ms") and large.get("cpu_median_ms"):
                cells.append(f"× {large['cpu_median_ms'] / small['cpu_median_ms']:.1f}")
            else:
                cells.append("")
        print(f"| {page} | {target} | " + " | ".join(cells) + " |")
    print()
    for run in runs:
        s = run["sizes"]
        print(f"- {_label(run)} ({s['youths']} youths, {s['service_entries']} entries), "
              f"measured {run['measured_on'][:10]} at {run.get('commit', '?')}: largest "
              f"in-process RSS {s['max_rss_mb']} MB.")
        for load in run.get("load", []):
            print(f"  - load, {load['workers']} worker(s), {load['clients']} clients, "
                  f"{load['seconds']} s: {load['req_per_s']} req/s, p50 {load['p50_ms']} ms, "
                  f"p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms, {load['errors']} errors, "
                  f"worker RSS peak {load['worker_rss_peak_mb']} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
