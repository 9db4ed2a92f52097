"""Keystrokes: scripted realistic exams typed into the real app (Pilot key presses), from the exam
screen to a completed, saved record, divided by the values in the saved TOML.
Target: at most 1.2 keys per recorded value on the abnormal exams.

    .venv/bin/python benchmarks/bench_keystrokes.py [--show-keys]

Starts as `exam-tui new --patient .. --examiner .. --side ..` does (the patient id and the
examiner are not findings, so typing them is not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c
import _driver

TARGET = 1.2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-keys", action="store_true", help="print every exam's key sequence")
    ap.add_argument("--quick", action="store_true", help="(same as without: one run per exam)")
    args = ap.parse_args(argv)
    c.print_header("Keystrokes per recorded value (scripted exams through the real app)")
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        for name, scenario in {**c.SCENARIOS, **c.OTHER_SCENARIOS}.items():
            keys, path = asyncio.run(_driver.run_exam(name, Path(tmp) / name))
            data = tomllib.loads(path.read_text("utf-8"))
            values = c.count_values(data)
            abnormal = "normal" not in name
            ratio = len(keys) / values
            kinds = Counter(
                "N"
                if k == "N"
                else "finish"
                if k in ("ctrl+s",) or (k == "enter" and i == len(keys) - 1)
                else "move"
                if k in _driver.NAV
                else "answer"
                for i, k in enumerate(keys)
            )
            tail = f"  [{c.verdict(ratio, TARGET)}]" if abnormal else "  (no target: normal exam)"
            print(
                f"   {name:<24} {len(keys):3d} keys / {values:3d} values = {ratio:.2f} keys/value{tail}"
            )
            print(
                f"   {'':<24} {scenario['description']}; keys: "
                + ", ".join(f"{n} {k}" for k, n in kinds.most_common())
            )
            if args.show_keys:
                print(f"   {'':<24} {' '.join(keys)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
