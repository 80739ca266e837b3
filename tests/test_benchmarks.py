"""The benchmark tools run end to end on a tiny data set (the figures are README's business)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generate_and_run(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    generated = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--youths", "60", "--months", "2",
         "--database", database], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "service_entry" in generated.stdout and "2400" in generated.stdout
    report = tmp_path / "result.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--database", database, "--repeat", "2",
         "--load", "1", "--json", str(report)], cwd=ROOT, capture_output=True, text=True,
        check=True)
    assert "home: administrator" in run.stdout and "invoicing issue" in run.stdout
    import json

    result = json.loads(report.read_text())
    rows = {row["page"]: row for row in result["rows"]}
    assert rows["service_entry list"]["queries"] == rows["service_entry page 50"]["queries"]
    assert rows["invoicing issue"]["median_ms"] > 0
    assert rows["invoicing issue"]["cpu_median_ms"] > 0
    # Every page's own SQL was replayed bare, and the export counted its rows.
    assert rows["home: coordinator"]["raw_sql_ratio"] > 1
    assert rows["export: service_entry csv"]["rows"] == 60 * 20 * 2
    assert [run["workers"] for run in result["load"]] == [1, 2]
    assert all(run["errors"] == 0 and run["requests"] > 0 for run in result["load"])
