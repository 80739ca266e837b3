"""Render saved benchmark results side by side as a Markdown table for the README.

    python -m benchmarks.table benchmarks/results/sqlite-1000.json …
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(paths: list[str]) -> None:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    head = " | ".join(f"{r['sizes']['youths'] // 1000}k youths p95 (median) ms, queries"
                      for r in runs)
    print(f"| page | target ms | {head} |")
    print("|---|---:|" + "---:|" * len(runs))
    pages = [row["page"] for row in runs[-1]["rows"]]
    for page in pages:
        cells = []
        target = ""
        for run in runs:
            row = next((r for r in run["rows"] if r["page"] == page), None)
            if row is None:
                cells.append("")
                continue
            target = f"{row['target_ms']:.0f}" if row["target_ms"] else "—"
            mark = " ✗" if row["meets"] is False else ""
            queries = f", {row['queries']}" if row["queries"] is not None else ""
            cells.append(f"{row['p95_ms']:.0f} ({row['median_ms']:.0f}){queries}{mark}")
        print(f"| {page} | {target} | " + " | ".join(cells) + " |")
    for run in runs:
        s = run["sizes"]
        print(f"\n{s['youths']} youths, {s['service_entries']} entries ({s['database']}, "
              f"{run['measured_on'][:10]}): largest in-process RSS {s['max_rss_mb']} MB"
              + (f", gunicorn worker RSS {s['worker_rss_mb']} MB" if "worker_rss_mb" in s
                 else "") + ".", end="")
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
