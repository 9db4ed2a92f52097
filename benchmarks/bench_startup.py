"""Start-up: `exam-tui new --patient .. --examiner .. --side ..` until the exam screen is drawn
with the patient id on it, against a minimal Textual app (Header, Static, Footer) until its
"Hello" is drawn. Target: at most 1.15× the minimal app.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--quick] [--against DIR]

``--against DIR`` adds the exam-tui of another source tree (a worktree of an older commit),
started in turn with the two others, so that "before" and "after" share every minute of a
noisy machine.

Each start is a fresh process (benchmarks/_startup_child.py), run as a user runs it: the
exam through ``exam_tui.cli.main`` (what the ``exam-tui`` script calls), under Textual's
headless driver (``TEXTUAL_DRIVER``) at 100×40. The time runs from just before the parent
spawns it to the first frame, rendered to the string a terminal driver writes, that shows the
exam screen with the patient id (the minimal app: its "Hello").

User conditions: PYTHONDONTWRITEBYTECODE is removed from the children's environment (these
machines set it, so an editable checkout recompiled our modules on every run while Textual's
were compiled at install) and one untimed round runs first, which writes the .pyc files.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c

TARGET = 1.15
CHILD = Path(__file__).resolve().with_name("_startup_child.py")
PATIENT = "MRN-BENCH-0001"
SIZE = (100, 40)
NAMES = {
    "minimal": "minimal app (Header, Static, Footer)",
    "exam": "exam-tui new → exam screen + patient id",
}


def start_once(
    kind: str, tmp: Path, env: dict[str, str], tree: Path | None = None
) -> dict[str, float]:
    """One fresh process: its marks in seconds since the spawn (see _startup_child.py);
    ``tree``: run that source tree's exam_tui."""
    out = tmp / f"{kind}.json"
    out.unlink(missing_ok=True)
    if tree is not None:
        env = {**env, "PYTHONPATH": str(tree)}
    args: list[str] = []
    if kind != "minimal":
        args = ["--records", str(tmp / "records"), "new", "--patient", PATIENT]
        args += ["--examiner", "Dr Bench", "--side", "left"]
    child = "minimal" if kind == "minimal" else "exam"
    cmd = [c.PYTHON, str(CHILD), child, repr(time.time()), str(out), *args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    if p.returncode != 0 or not out.exists():
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"{kind}: exit {p.returncode}: {last}")
    marks: dict[str, float] = json.loads(out.read_text())
    return marks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="5 runs")
    ap.add_argument("--against", type=Path, metavar="DIR", help="another tree, run in turn")
    args = ap.parse_args(argv)
    runs = 5 if args.quick and args.runs == 15 else args.runs
    c.print_header("Start-up to the exam screen drawn (headless driver, fresh process each)")
    res: dict[str, list[dict[str, float]]] = {"minimal": [], "exam": []}
    trees: dict[str, Path | None] = {"minimal": None, "exam": None}
    if args.against is not None:
        res["against"], trees["against"] = [], args.against.resolve()
        NAMES["against"] = f"the same, {args.against.name}"
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmpname:
        tmp = Path(tmpname)
        env = c.user_env(
            TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
            COLUMNS=str(SIZE[0]),
            LINES=str(SIZE[1]),
            # No settings file of the machine's user, no records of theirs.
            XDG_CONFIG_HOME=str(tmp / "config"),
            XDG_DATA_HOME=str(tmp / "data"),
        )
        env.pop("EXAM_TUI_CONFIG", None)
        env.pop("EXAM_TUI_RECORDS", None)
        try:
            for i in range(runs + 1):  # round 0 is untimed: disk cache and .pyc files
                for kind in res:  # round-robin: drift hits both alike
                    marks = start_once(kind, tmp, env, trees[kind])
                    if i:
                        res[kind].append(marks)
        except RuntimeError as exc:
            print(f"   failed: {exc}")
            return 1
    base = [r["ready"] for r in res["minimal"]]
    for kind, rows in res.items():
        ready = [r["ready"] for r in rows]
        tail = ""
        if kind != "minimal":
            r = c.ratio(ready, base)
            tail = f"  {r:.2f}× minimal  [{c.verdict(r, TARGET)}]"
        print(f"   {NAMES[kind]:<40} {c.describe(ready)}{tail}")
        print(f"   {'  of which: App.run called at':<40} {c.describe([r['run'] for r in rows])}")
        first = [r["first_frame"] for r in rows]
        print(f"   {'            first frame at':<40} {c.describe(first)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
