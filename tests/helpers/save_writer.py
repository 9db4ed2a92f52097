"""A writer process for the save stress test (tests/test_save_stress.py).

``save_writer.py same-record PATH K N``: N saves of the record at PATH, each setting writer
K's own note to "wK-i", merging with the other writers' saves; prints one JSON line with
every successful save's (replaced, new) fingerprints and the last note it saved.
``save_writer.py same-patient FOLDER K N``: N new exams of one patient, all started in the
same second; prints the paths created.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from exam_tui import storage
from exam_tui.checklist import load_checklist
from exam_tui.record import copy_record, new_record
from exam_tui.storage import create_record, load_record, save_merging


def same_record(path: Path, k: int, n: int) -> dict[str, object]:
    loaded = load_record(path)
    item = sorted(loaded.checklist.items)[k]
    base, expected = loaded.record, loaded.fingerprint
    chain, clashes, last = [], 0, None
    for i in range(n):
        ours = copy_record(base)
        ours.set_note(item, f"w{k}-{i}")
        outcome = save_merging(path, base, ours, expected, loaded.checklist)
        if not outcome.saved:  # never here: each writer changes only its own note
            clashes += 1
            assert outcome.theirs is not None
            base, expected = outcome.theirs, outcome.fingerprint
            continue
        chain.append([outcome.replaced, outcome.fingerprint])
        base, expected, last = outcome.record, outcome.fingerprint, f"w{k}-{i}"
    return {"item": item, "chain": chain, "clashes": clashes, "last": last}


def same_patient(folder: Path, k: int, n: int) -> dict[str, object]:
    checklist = load_checklist()
    started = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    paths = []
    for i in range(n):
        rec = new_record(checklist, "MRN-0042", f"writer {k}", "left", started_at=started)
        rec.set_note(sorted(checklist.items)[0], f"w{k}-{i}")
        path, _ = create_record(folder, rec)
        paths.append(str(path))
    return {"paths": paths}


if __name__ == "__main__":
    # What is tested here is the lock and the exclusive names, not durability (the kill
    # tests cover that): without the fsyncs (~30 ms a save on a busy disk) 2,000 saves take
    # seconds, not minutes.
    storage._fsync = lambda fd: None
    mode, where, k, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    run = same_record if mode == "same-record" else same_patient
    print(json.dumps(run(where, k, n)))
