"""Large record folders: 10,000 generated records; time `storage.list_records`, then the record
picker shown and filtered in the real app (headless, `App.run_test()`), and peak memory.
Target: the list shown and filterable in under 1 s.

    .venv/bin/python benchmarks/bench_records.py [--records N] [--quick] [--folder DIR]

Each measurement runs in a fresh subprocess (cold imports, honest peak RSS).
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
import _common as c  # noqa: E402

TARGET_S = 1.0

# Child: list_records over the folder; prints JSON with the time and memory.
LIST_CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
from exam_tui.storage import list_records
folder = Path(sys.argv[1])
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
t0 = time.perf_counter()
rows = list_records(folder)
dt = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
t1 = time.perf_counter()
rows = list_records(folder)
dt_untraced = time.perf_counter() - t1
print(json.dumps({"n": len(rows), "seconds_traced": dt, "seconds": dt_untraced, "py_peak": peak,
                  "rss_before": rss0 * 1024, "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def run_child(code: str, *args: str) -> dict:
    p = subprocess.run([c.PYTHON, "-c", code, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3, help="repetitions of each measurement")
    ap.add_argument("--quick", action="store_true", help="1 run each")
    ap.add_argument("--folder", type=Path, help="reuse (or create) this folder instead of a temp one")
    args = ap.parse_args(argv)
    runs = 1 if args.quick else args.runs

    c.print_header(f"Large record folders ({args.records:,} records)")
    with tempfile.TemporaryDirectory(prefix="exam-tui-bench-") as tmp:
        folder = args.folder or Path(tmp) / "records"
        existing = len(list(folder.glob("*.toml"))) if folder.exists() else 0
        if existing != args.records:
            t0 = time.perf_counter()
            c.write_record_folder(folder, args.records)
            print(f"   generated {args.records:,} records in {time.perf_counter() - t0:.1f} s "
                  f"({sum(p.stat().st_size for p in folder.iterdir()) / 2**20:.1f} MiB on disk)")

        res = [run_child(LIST_CHILD, str(folder)) for _ in range(runs)]
        ts = [r["seconds"] for r in res]
        print(f"   storage.list_records: {c.describe(ts)}  [{c.verdict(min(ts), TARGET_S)} s on its own]")
        r = res[-1]
        print(f"     Python allocations peak {mib(r['py_peak'])} (tracemalloc); process RSS "
              f"{mib(r['rss_before'])} before, {mib(r['rss_peak'])} peak")

        picker = _picker(folder, runs)
        if picker:
            print(picker)
    return 0


def _picker(folder: Path, runs: int) -> str | None:
    """The record picker in the real app; None when the app does not exist yet."""
    code = PICKER_CHILD
    out = []
    for _ in range(runs):
        p = subprocess.run([c.PYTHON, "-c", code, str(folder)], capture_output=True, text=True)
        if p.returncode != 0:
            return "   record picker: not measured: " + (p.stderr.strip().splitlines() or ["?"])[-1]
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
    shown = [o["shown"] for o in out]
    filt = [o["filtered"] for o in out]
    lines = [
        f"   record picker shown (app start → {out[-1]['rows']:,} rows listed): {c.describe(shown)}  "
        f"[{c.verdict(min(shown), TARGET_S)} s]",
        f"   filter typed ({out[-1]['query']!r} → {out[-1]['rows_after']} rows): per key {c.describe(filt)}",
        f"     process RSS peak {mib(out[-1]['rss_peak'])}",
    ]
    return "\n".join(lines)


# Filled in once the app exists (see bench_startup.py for the same pattern).
PICKER_CHILD = r"""
import sys
raise SystemExit("the record picker is not available yet")
"""

if __name__ == "__main__":
    sys.exit(main())
