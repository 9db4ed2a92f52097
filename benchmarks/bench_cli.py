"""Command-line speed: `exam-tui summary FILE` and `exam-tui flags FILE --json` against
`python -c "import pydantic, tomllib"` measured in the same run (target ≤ 1.5×), and proof that
neither command imports Textual.

    .venv/bin/python benchmarks/bench_cli.py [--runs N] [--quick] [--imports K]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c

TARGET = 1.5


def make_record(folder: Path) -> Path:
    from exam_tui.checklist import DEFAULT_CHECKLIST, load_checklist
    from exam_tui.storage import save_record

    cl = load_checklist(DEFAULT_CHECKLIST)
    path = folder / "l5.toml"
    save_record(path, c.build_record(cl, c.SCENARIOS["l5_radiculopathy"]), None)
    return path


def import_profile(cmd: list[str]) -> tuple[bool, list[tuple[int, str]], int]:
    """(textual imported?, the slowest top-level imports (µs cumulative), exit code)."""
    proc = subprocess.run(
        [c.PYTHON, "-X", "importtime", *cmd[1:]],  # cmd is [python, script or -c, ...]
        capture_output=True,
        text=True,
        env=c.user_env(),
    )
    mods: list[tuple[int, str]] = []
    textual = False
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        name = m.group(4)
        if name == "textual" or name.startswith("textual."):
            textual = True
        if len(m.group(3)) == 1:  # top level: imported by the program itself
            mods.append((int(m.group(2)), name))
    return textual, sorted(mods, reverse=True), proc.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30, help="timed runs per command (default 30)")
    ap.add_argument("--quick", action="store_true", help="10 runs")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference rows")
    ap.add_argument("--imports", type=int, default=8, help="show the K slowest top-level imports")
    args = ap.parse_args(argv)
    runs = 10 if args.quick and args.runs == 30 else args.runs

    c.print_header("Command-line speed (subprocess wall time, round-robin)")
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        rec = make_record(Path(tmp))
        script = c.EXAM_TUI
        commands = {
            "baseline: python -c 'import pydantic, tomllib'": [
                c.PYTHON,
                "-c",
                "import pydantic, tomllib",
            ],
            "exam-tui summary FILE": [*script, "summary", str(rec)],
            "exam-tui flags FILE --json": [*script, "flags", str(rec), "--json"],
            "exam-tui validate": [*script, "validate"],
            "(floor: python -c pass)": [c.PYTHON, "-c", "pass"],
        }
        if not args.no_reference:
            # Where the time goes: pydantic actually used (its model machinery loads on the first
            # BaseModel subclass), then every exam_tui model and dataclass defined, nothing run.
            commands["(ref: pydantic BaseModel, one model)"] = [
                c.PYTHON,
                "-c",
                "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int",
            ]
            commands["(ref: import exam_tui.storage, rules, summary)"] = [
                c.PYTHON,
                "-c",
                "import exam_tui.storage, exam_tui.rules, exam_tui.summary",
            ]
        # A first run of each: a warm-up (disk cache, .pyc files) that also finds commands that
        # cannot run yet, which are reported, not fatal.
        runnable = {}
        for name, cmd in commands.items():
            p = subprocess.run(cmd, capture_output=True, text=True, env=c.user_env())
            if p.returncode == 0:
                runnable[name] = cmd
            else:
                last = (p.stderr.strip().splitlines() or ["?"])[-1]
                print(f"   {name}: not measured, exits {p.returncode}: {last}")
        times = c.time_commands(runnable, runs=runs)
        base = times["baseline: python -c 'import pydantic, tomllib'"]
        width = max(map(len, times))
        for name, ts in times.items():
            r = c.ratio(ts, base)
            tail = f"  {r:.2f}× baseline" if name != next(iter(times)) else ""
            if name.startswith("exam-tui summary") or name.startswith("exam-tui flags"):
                tail += f"  [{c.verdict(r, TARGET)}]"
            print(f"   {name:<{width}}  {c.describe(ts)}{tail}")

        print("   Textual imported? (python -X importtime)")
        for name in ("exam-tui summary FILE", "exam-tui flags FILE --json", "exam-tui validate"):
            if name not in runnable:
                continue
            cmd = [c.PYTHON, *runnable[name]] if runnable[name][0] != c.PYTHON else runnable[name]
            textual, mods, _ = import_profile(cmd)
            top = ", ".join(f"{n} {us / 1000:.0f} ms" for us, n in mods[: args.imports])
            print(
                f"   {name:<{width}}  textual imported: {'YES' if textual else 'no'}; slowest imports: {top}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
