"""Responsiveness: time from a key press to the screen refreshed, for every key of the scripted
exams typed into the real app with the live flags panel on (120×40, headless), against the same
keys pressed on a minimal Textual app (Header, Static, Footer). Target: p95 under 33 ms.

    .venv/bin/python benchmarks/bench_responsiveness.py [--quick]

Per key: `await pilot.press(key)` then `await pilot.pause()` (Textual processed the key and the
screen refreshed). Answer keys (the ones that record a value and re-evaluate the flags) are
reported apart from the others.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c
import _driver

TARGET_MS = 33.0
NON_ANSWER = {*_driver.NAV, "N", "ctrl+s"}


def minimal_app():  # type: ignore[no-untyped-def]
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("Hello")
            yield Footer()

    return Minimal()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="one exam (L5 radiculopathy) instead of all three"
    )
    args = ap.parse_args(argv)
    names = ["l5_radiculopathy"] if args.quick else list(c.SCENARIOS)
    c.print_header(
        "Responsiveness: key press → screen refreshed (headless, 120×40, flags panel on)"
    )
    answer: list[float] = []
    other: list[float] = []
    per_kind: dict[str, list[float]] = {}
    all_keys: list[str] = []
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        for name in names:

            def on_key(key: str, dt: float) -> None:
                (other if key in NON_ANSWER else answer).append(dt)
                label = (
                    "N (fill section)"
                    if key == "N"
                    else "navigation"
                    if key in _driver.NAV
                    else ("ctrl+s" if key == "ctrl+s" else "answer")
                )
                per_kind.setdefault(label, []).append(dt)

            keys, _ = asyncio.run(_driver.run_exam(name, Path(tmp) / name, on_key=on_key))
            all_keys += keys
        base = asyncio.run(
            _driver.time_keys_on(minimal_app(), [k for k in all_keys if k != "ctrl+s"])
        )

    def line(label: str, xs: list[float]) -> str:
        p95 = c.percentile([x * 1000 for x in xs], 95)
        return f"   {label:<34} {c.describe(xs)}  p95 {p95:.1f} ms"

    p95 = c.percentile([x * 1000 for x in answer], 95)
    print(line(f"answer keys ({len(names)} exams)", answer) + f"  [{c.verdict(p95, TARGET_MS)} ms]")
    for label, xs in sorted(per_kind.items()):
        if label != "answer":
            print(line(f"  {label}", xs))
    print(line("baseline: same keys, minimal app", base))
    floor = statistics.median(base)
    extra = [x - floor for x in answer]
    print(
        f"   answer keys minus the harness floor (the minimal app's median): median "
        f"{statistics.median(extra) * 1000:.1f} ms, p95 {c.percentile(extra, 95) * 1000:.1f} ms "
        f"[{c.verdict(c.percentile(extra, 95) * 1000, TARGET_MS)} ms]; "
        f"{statistics.median(answer) / floor:.1f}× the minimal app's median"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
