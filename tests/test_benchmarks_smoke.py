"""The CLI benchmark runs and prints its figures (tiny repetition counts; no time asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_cli.py"


def test_cli_benchmark_runs_and_prints_ratios() -> None:
    cmd = [sys.executable, str(BENCH), "--runs", "1", "--no-reference"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "× baseline" in p.stdout
    assert "exam-tui summary FILE" in p.stdout and "exam-tui flags FILE --json" in p.stdout
    assert "textual imported: no" in p.stdout
