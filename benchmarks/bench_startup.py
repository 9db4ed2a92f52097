"""Start-up: process start to the exam screen ready (headless, `App.run_test()`, bundled checklist
loaded, `exam-tui new --patient .. --examiner .. --side ..`) against a minimal Textual app
(Header, Static, Footer) started the same way. Target: at most 1.25× the minimal app.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--quick]

Each start is a fresh process; the time runs from just before the parent spawns it to the
first screen drawn (run_test has mounted the app and the screen has refreshed once).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c

TARGET = 1.25


async def _child(kind: str, t_spawn: float, records: str) -> dict[str, float]:
    marks = {"imports": 0.0}
    if kind == "minimal":
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Static

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("Hello")
                yield Footer()

        marks["imports"] = time.time() - t_spawn
        app: App[object] = Minimal()
        ready = lambda: True  # noqa: E731
    else:
        from exam_tui.checklist import DEFAULT_CHECKLIST, load_checklist
        from exam_tui.tui.app import create_app
        from exam_tui.tui.screens.exam import ExamScreen

        marks["imports"] = time.time() - t_spawn
        app = create_app(
            records_dir=Path(records),
            checklist=load_checklist(DEFAULT_CHECKLIST),
            mode="new",
            patient="MRN-0001",
            examiner="Dr Bench",
            side="left",
        )
        ready = lambda: isinstance(app.screen, ExamScreen) and app.screen.is_mounted  # noqa: E731
    async with app.run_test(size=(100, 40)) as pilot:
        while not ready():
            await pilot.pause(0.001)
        await pilot.pause()  # one refresh: the screen is drawn
        marks["ready"] = time.time() - t_spawn
        app.exit()
    return marks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="5 runs")
    ap.add_argument("--child", choices=["exam", "minimal"], help=argparse.SUPPRESS)
    ap.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--records-dir", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        import asyncio

        print(json.dumps(asyncio.run(_child(args.child, args.t0, args.records_dir))))
        return 0

    import tempfile

    runs = 5 if args.quick and args.runs == 15 else args.runs
    c.print_header("Start-up to the first screen drawn (headless run_test, fresh process each)")
    res: dict[str, list[dict[str, float]]] = {"minimal": [], "exam": []}
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        for i in range(runs + 1):  # the first round warms the disk cache and .pyc files
            for kind in res:
                p = subprocess.run(
                    [
                        c.PYTHON,
                        __file__,
                        "--child",
                        kind,
                        "--t0",
                        repr(time.time()),
                        "--records-dir",
                        tmp,
                    ],
                    capture_output=True,
                    text=True,
                )
                if p.returncode != 0:
                    print(f"   {kind}: failed: {(p.stderr.strip().splitlines() or ['?'])[-1]}")
                    return 1
                if i:
                    res[kind].append(json.loads(p.stdout.strip().splitlines()[-1]))
    names = {
        "minimal": "minimal app (Header, Static, Footer)",
        "exam": "exam-tui new → exam screen ready",
    }
    base = [r["ready"] for r in res["minimal"]]
    for kind, rows in res.items():
        ready = [r["ready"] for r in rows]
        imports = [r["imports"] for r in rows]
        tail = (
            ""
            if kind == "minimal"
            else f"  {c.ratio(ready, base):.2f}× minimal  [{c.verdict(c.ratio(ready, base), TARGET)}]"
        )
        print(f"   {names[kind]:<38} {c.describe(ready)}{tail}")
        print(f"   {'  of which imports done at':<38} {c.describe(imports)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
