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
         "--json", str(report)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "dashboard" in run.stdout and "invoicing issue" in run.stdout
    import json

    rows = {row["page"]: row for row in json.loads(report.read_text())["rows"]}
    assert rows["service_entry list"]["queries"] == rows["service_entry page 50"]["queries"]
    assert rows["invoicing issue"]["median_ms"] > 0
