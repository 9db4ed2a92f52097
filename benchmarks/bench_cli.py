"""Command-line speed: `exam-tui summary FILE` and `exam-tui flags FILE --json` against
`python -c "import pydantic, tomllib"` measured in the same run (targets: ≤ 1.5× on a record
never read before, ≤ 1.25× on one read before), in user conditions (bytecode files written:
PYTHONDONTWRITEBYTECODE is unset for every command timed, and each is run once first), and
proof that neither command imports Textual, nor (once the checklist is validated) pydantic.

    .venv/bin/python benchmarks/bench_cli.py [--runs N] [--quick] [--imports K]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c

#: A record never read before; one the program has read (the issue's two targets).
TARGET = 1.5
TARGET_READ = 1.25
BASELINE = "baseline: python -c 'import pydantic, tomllib'"


def make_record(folder: Path) -> Path:
    from exam_tui.checklist import DEFAULT_CHECKLIST, load_checklist
    from exam_tui.storage import save_record

    cl = load_checklist(DEFAULT_CHECKLIST)
    path = folder / "l5.toml"
    save_record(path, c.build_record(cl, c.SCENARIOS["l5_radiculopathy"]), None)
    return path


def import_profile(cmd: list[str], env: dict[str, str]) -> tuple[bool, bool, list[tuple[int, str]]]:
    """(textual imported?, pydantic imported?, the slowest top-level imports (µs cumulative))."""
    proc = subprocess.run(
        [c.PYTHON, "-X", "importtime", *cmd[1:]],  # cmd is [python, script or -c, ...]
        capture_output=True,
        text=True,
        env=env,
    )
    mods: list[tuple[int, str]] = []
    textual = pyd = False
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        name = m.group(4)
        if name == "textual" or name.startswith("textual."):
            textual = True
        if name.split(".")[0] in ("pydantic", "pydantic_core"):
            pyd = True
        if len(m.group(3)) == 1:  # top level: imported by the program itself
            mods.append((int(m.group(2)), name))
    return textual, pyd, sorted(mods, reverse=True)


def _user_env(cache: Path) -> dict[str, str]:
    """The environment of a user's run: bytecode files written (these machines set
    PYTHONDONTWRITEBYTECODE=1, users' do not), and a cache folder of the benchmark's own."""
    return c.user_env(EXAM_TUI_CACHE=str(cache))


def _never_read(rec: Path, folder: Path, n: int) -> Path:
    """A record no exam-tui has read: the record under a new name, with another patient id."""
    out = folder / f"new-{n}.toml"
    out.write_text(rec.read_text("utf-8").replace("MRN-000001", f"MRN-{n:06d}"), "utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30, help="timed runs per command (default 30)")
    ap.add_argument("--quick", action="store_true", help="10 runs")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference rows")
    ap.add_argument("--imports", type=int, default=8, help="show the K slowest top-level imports")
    args = ap.parse_args(argv)
    runs = 10 if args.quick and args.runs == 30 else args.runs

    c.print_header("Command-line speed (subprocess wall time, round-robin, user conditions)")
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        folder = Path(tmp)
        rec = make_record(folder)
        cache = folder / "cache"
        env = _user_env(cache)
        script = c.EXAM_TUI
        # name -> (command for round i); "{new}" is a record never read before, "{cold}" runs
        # with an empty cache folder (the first run after installing: the checklist validated).
        commands: dict[str, Any] = {
            BASELINE: lambda i: [c.PYTHON, "-c", "import pydantic, tomllib"],
            "exam-tui summary FILE": lambda i: [*script, "summary", str(rec)],
            "exam-tui summary NEW-FILE (never read)": lambda i: [
                *script,
                "summary",
                str(_never_read(rec, folder, i)),
            ],
            "exam-tui flags FILE --json": lambda i: [*script, "flags", str(rec), "--json"],
            "exam-tui flags NEW-FILE --json (never read)": lambda i: [
                *script,
                "flags",
                str(_never_read(rec, folder, 10_000 + i)),
                "--json",
            ],
            "exam-tui validate": lambda i: [*script, "validate"],
            "(first run: checklist not yet validated)": lambda i: [*script, "summary", str(rec)],
            "(floor: python -c pass)": lambda i: [c.PYTHON, "-c", "pass"],
        }
        if not args.no_reference:
            # Where the time goes: pydantic actually used (its model machinery loads on the first
            # BaseModel subclass), and every exam_tui module a summary needs, nothing run.
            commands["(ref: pydantic BaseModel, one model)"] = lambda i: [
                c.PYTHON,
                "-c",
                "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int",
            ]
            commands["(ref: import exam_tui.storage, rules, summary)"] = lambda i: [
                c.PYTHON,
                "-c",
                "import exam_tui.storage, exam_tui.rules, exam_tui.summary",
            ]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for i in range(runs + 1):  # round 0 warms the disk cache, .pyc files and the cache
            for name, make in commands.items():
                run_env = env
                if name.startswith("(first run"):
                    run_env = {**env, "EXAM_TUI_CACHE": str(folder / f"cold-{i}")}
                cmd = make(i)
                t0 = time.perf_counter()
                p = subprocess.run(
                    cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=run_env
                )
                dt = time.perf_counter() - t0
                if p.returncode != 0:
                    last = (p.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
                    print(f"   {name}: exits {p.returncode}: {last}")
                    return 1
                if i:
                    times[name].append(dt)
        base = times[BASELINE]
        width = max(map(len, times))
        for name, ts in times.items():
            r = c.ratio(ts, base)
            tail = f"  {r:.2f}× baseline" if name != BASELINE else ""
            if name.startswith(("exam-tui summary", "exam-tui flags")):
                target = TARGET if "never read" in name else TARGET_READ
                tail += f"  [{c.verdict(r, target)}]"
            print(f"   {name:<{width}}  {c.describe(ts)}{tail}")

        print("   Textual or pydantic imported? (python -X importtime)")
        for name in ("exam-tui summary FILE", "exam-tui flags FILE --json", "exam-tui validate"):
            cmd = commands[name](0)
            cmd = [c.PYTHON, *cmd] if cmd[0] != c.PYTHON else cmd
            textual, pyd, mods = import_profile(cmd, env)
            top = ", ".join(f"{n} {us / 1000:.0f} ms" for us, n in mods[: args.imports])
            print(
                f"   {name:<{width}}  textual imported: {'YES' if textual else 'no'}; "
                f"pydantic imported: {'YES' if pyd else 'no'}; slowest imports: {top}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
