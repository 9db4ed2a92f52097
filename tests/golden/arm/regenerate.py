"""Regenerate the arm-pain golden outputs from the golden records, through the CLI.

For each ``<name>.toml`` record here: ``<name>.txt`` is ``exam-tui summary`` (80 columns) and
``<name>.json`` is ``exam-tui flags --json``. Run after a deliberate change to the checklist or
the summary, then read every changed file (``git diff tests/golden/arm``) against
clinical-reference-arm.md before committing: these are what a clinician pastes into the notes.

    .venv/bin/python tests/golden/arm/regenerate.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "exam_tui", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def main() -> None:
    for record in sorted(HERE.glob("*.toml")):
        summary = cli("summary", str(record), "--width", "80")
        record.with_suffix(".txt").write_text(summary, encoding="utf-8")
        flags = cli("flags", str(record), "--json")
        record.with_suffix(".json").write_text(flags, encoding="utf-8")
        print(f"wrote {record.stem}.txt and {record.stem}.json")


if __name__ == "__main__":
    main()
