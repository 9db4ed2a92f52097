"""Responsiveness: time from a key press to the screen updated, for every key of the scripted
exams typed into the real app with the live flags panel on (80×24 and 120×40, headless),
against a minimal Textual app whose key updates one Static. Target (issue 18): answer keys
→ first frame, p95 under 16 ms.

    .venv/bin/python benchmarks/bench_responsiveness.py [--quick] [--pilot]

Timed inside Textual (benchmarks/_frames.py): from the key event handed to the app to the
frame that shows it, rendered to the string a terminal driver writes. "first frame" is the
frame that shows the answer; "last frame" is the last one before the app is quiet again
(Textual lays out a panel that changed height a second time). Answer keys (the ones that
record a value and re-evaluate the flags) are reported apart from the others; a key pressed
in a dialog (`enter` confirming N's list in a screening section, or completing) is not one.

``--pilot`` also runs the earlier harness (``pilot.press`` + ``pilot.pause``), whose own waits
cost ~60 ms a key on any app, for comparison with the figures measured before.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c
import _driver

TARGET_MS = 16.0
NON_ANSWER = {*_driver.NAV, "N", "ctrl+s", "enter_dialog"}
SIZES = [(80, 24), (120, 40)]


def minimal_app(echo: bool = False):  # type: ignore[no-untyped-def]
    """Header, Static, Footer; with ``echo`` every key is written into the Static (a frame)."""
    from textual import events
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("Hello", id="echo")
            yield Footer()

        def on_key(self, event: events.Key) -> None:
            if echo:
                self.query_one("#echo", Static).update(f"key {event.key}")

    return Minimal()


def _kind(key: str) -> str:
    if key == "N":
        return "N (fill section)"
    if key in _driver.NAV:
        return "navigation"
    if key == "ctrl+s":
        return "ctrl+s (dialog)"
    if key == "enter_dialog":
        return "enter in a dialog (N's list, complete)"
    return "answer"


def _ms(xs: list[float]) -> list[float]:
    return [x * 1000 for x in xs]


def line(label: str, xs: list[float]) -> str:
    if not xs:
        return f"   {label:<38} (none)"
    return f"   {label:<38} {c.describe(xs)}  p95 {c.percentile(_ms(xs), 95):.1f} ms"


def frames(names: list[str], size: tuple[int, int]) -> list[str]:
    timings: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        for name in names:
            asyncio.run(
                _driver.run_exam(name, Path(tmp) / name, size=size, on_frame=timings.append)
            )
    keys = [t.key for t in timings if t.key not in ("ctrl+s", "enter_dialog")]
    base = asyncio.run(_driver.frame_keys_on(minimal_app(echo=True), keys[:60], size=size))
    answer = [t for t in timings if t.key not in NON_ANSWER]
    first = [t.first for t in answer if t.first is not None]
    last = [t.last for t in answer if t.last is not None]
    p95 = c.percentile(_ms(first), 95)
    out = [
        f"  {size[0]}×{size[1]}, {len(names)} exam(s), {len(timings)} keys "
        f"({sum(t.first is None for t in timings)} drew nothing)",
        line("answer keys → first frame", first) + f"  [{c.verdict(p95, TARGET_MS)} ms]",
        line("answer keys → last frame", last)
        + f"  [{c.verdict(c.percentile(_ms(last), 95), TARGET_MS)} ms]",
        f"     frames per answer key: {statistics.mean(t.frames for t in answer):.1f}",
    ]
    per_kind: dict[str, list[float]] = {}
    for t in timings:
        if t.key in NON_ANSWER and t.first is not None:
            per_kind.setdefault(_kind(t.key), []).append(t.first)
    for label, xs in sorted(per_kind.items()):
        out.append(line(f"  {label} → first frame", xs))
    bfirst = [t.first for t in base if t.first is not None]
    out.append(line("baseline: minimal app, key → frame", bfirst))
    return out


def pilot(names: list[str]) -> list[str]:
    answer: list[float] = []
    all_keys: list[str] = []
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        for name in names:

            def on_key(key: str, dt: float) -> None:
                if key not in NON_ANSWER:
                    answer.append(dt)

            keys, _ = asyncio.run(_driver.run_exam(name, Path(tmp) / name, on_key=on_key))
            all_keys += keys
    base = asyncio.run(_driver.time_keys_on(minimal_app(), [k for k in all_keys if k != "ctrl+s"]))
    floor = statistics.median(base)
    extra = [x - floor for x in answer]
    return [
        "  Pilot harness (press + pause), 120×40:",
        line("answer keys", answer),
        line("baseline: same keys, minimal app", base),
        f"   answer keys minus the harness floor: median {statistics.median(extra) * 1000:.1f} ms, "
        f"p95 {c.percentile(extra, 95) * 1000:.1f} ms",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="one exam (L5 radiculopathy) at 120×40 only"
    )
    ap.add_argument("--pilot", action="store_true", help="also the Pilot-based harness")
    args = ap.parse_args(argv)
    names = ["l5_radiculopathy"] if args.quick else list(c.SCENARIOS)
    sizes = [(120, 40)] if args.quick else SIZES
    c.print_header("Responsiveness: key → frame, timed inside Textual (headless, flags panel on)")
    for size in sizes:
        print("\n".join(frames(names, size)), flush=True)
    if args.pilot:
        print("\n".join(pilot(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
