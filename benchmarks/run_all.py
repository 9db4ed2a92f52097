"""Run every benchmark and print its figures (`make bench`; `--quick` for a fast pass).

.venv/bin/python benchmarks/run_all.py [--quick] [--only cli,records,...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {
    "cli": "bench_cli.py",
    "records": "bench_records.py",
    "startup": "bench_startup.py",
    "keystrokes": "bench_keystrokes.py",
    "responsiveness": "bench_responsiveness.py",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions everywhere")
    ap.add_argument("--only", default="", help=f"comma-separated subset of {','.join(BENCHES)}")
    args = ap.parse_args(argv)
    chosen = [b.strip() for b in args.only.split(",") if b.strip()] or list(BENCHES)
    failed = []
    for name in chosen:
        t0 = time.perf_counter()
        cmd = [sys.executable, str(HERE / BENCHES[name]), *(["--quick"] if args.quick else [])]
        rc = subprocess.call(cmd)
        print(f"   ({name}: {time.perf_counter() - t0:.0f} s)\n", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
