"""Crash safety of saves: SIGKILL at random points, full or read-only disk, stray temp files.

Whatever happens, the record on disk is a complete, valid file: the previous version or the new
one, and a temp file left by an interrupted save is never taken for a record.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from exam_tui.errors import RecordConflictError, RecordError
from exam_tui.record import Record
from exam_tui.storage import (
    TMP_PREFIX,
    clean_stray_temp_files,
    iter_record_files,
    list_records,
    load_record,
    lock_path,
    save_record,
    stray_temp_files,
)

KILLS = 30

# The child loads the record, then saves it again and again, each version numbered n with a
# note whose length and content depend on n (so versions differ in size and a torn write of one
# into another cannot go unnoticed), and reports each save once it has returned.
CHILD = textwrap.dedent(
    """
    import hashlib, sys
    from pathlib import Path
    from exam_tui.storage import load_record, save_record

    def note(n):
        return f"{n} " + hashlib.sha256(str(n).encode()).hexdigest() * (n % 40 * 25 + 1)

    path = Path(sys.argv[1])
    loaded = load_record(path)
    rec, items, fp = loaded.record, loaded.checklist.items, loaded.fingerprint
    n = int(rec.note("slr").split()[0])
    while True:
        n += 1
        rec.set_note("slr", note(n))
        rec.set_value(items["pain_score"], None, n % 11)
        rec.set_value(items["slr"], "left", ("positive", "negative", "equivocal")[n % 3])
        fp = save_record(path, rec, fp)
        sys.stdout.write(f"saved {n}\\n")  # one write: a kill cannot split it
        sys.stdout.flush()
    """
)


def _version(rec: Record) -> int:
    """The version number in a record written by CHILD, after checking it is all of one version."""
    note = rec.note("slr")
    assert note is not None
    n = int(note.split()[0])
    assert note == f"{n} " + hashlib.sha256(str(n).encode()).hexdigest() * (n % 40 * 25 + 1)
    assert rec.get("pain_score") == n % 11
    assert rec.get("slr", "left") == ("positive", "negative", "equivocal")[n % 3]
    return n


@pytest.mark.slow
def test_sigkill_during_saves_leaves_the_previous_or_the_new_version(saved_record: Path) -> None:
    loaded = load_record(saved_record)
    loaded.record.set_note("slr", "0 start")
    save_record(saved_record, loaded.record, loaded.fingerprint)
    folder = saved_record.parent
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    in_flight_landed = 0
    last = 0
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(saved_record)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # the child is in its save loop
        assert first.startswith(b"saved"), proc.stderr.read().decode()
        time.sleep(rng.uniform(0, 0.08))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        output = first + proc.stdout.read()
        proc.stdout.close()
        proc.stderr.close()
        # only complete lines: the kill may cut a report short
        saved = [int(n) for n in re.findall(rb"^saved (\d+)\n", output, re.MULTILINE)]
        assert saved[0] == last + 1, (
            f"seed {seed}, kill {kill}: the child did not resume from the file"
        )
        reported = saved[-1]

        on_disk = _version(load_record(saved_record).record)  # loads: not corrupt
        # the last save it reported, or the one in progress when it was killed
        assert on_disk in (reported, reported + 1), (
            f"seed {seed}, kill {kill}: {on_disk} vs {reported}"
        )
        last = on_disk
        in_flight_landed += on_disk == reported + 1

        assert list(iter_record_files(folder)) == [saved_record]
        [summary] = list_records(folder)
        assert summary.path == saved_record and summary.error is None
        assert summary.patient_id == "MRN-0042"

    # The temp files of interrupted saves are only ever partial or superseded copies:
    # removing them leaves the record as it was.
    before = saved_record.read_bytes()
    strays = len(clean_stray_temp_files(folder))
    assert stray_temp_files(folder) == []
    assert saved_record.read_bytes() == before
    # (the empty save-lock file beside the record stays: see storage.record_lock)
    rest = [p.name for p in folder.iterdir() if p != lock_path(saved_record)]
    assert rest == [saved_record.name]
    print(
        f"seed {seed}: {KILLS} kills; {strays} left a temp file (killed mid-save); "
        f"{in_flight_landed} landed the save in progress"
    )


# ----------------------------------------------------------------------------- stray temp files


def test_stray_temp_files_are_never_listed_or_taken_for_the_record(saved_record: Path) -> None:
    folder = saved_record.parent
    good = saved_record.read_bytes()
    (folder / f"{TMP_PREFIX}abc123.toml").write_bytes(good[: len(good) // 2])  # a torn write
    (folder / f"{TMP_PREFIX}def456.toml").write_bytes(
        good.replace(b"MRN-0042", b"MRN-9999")
    )  # complete
    (folder / f"{TMP_PREFIX}ghi789").write_bytes(b"")
    assert list(iter_record_files(folder)) == [saved_record]
    assert [s.patient_id for s in list_records(folder)] == ["MRN-0042"]
    assert len(stray_temp_files(folder)) == 3
    removed = clean_stray_temp_files(folder)
    assert len(removed) == 3
    # (the empty save-lock file beside the record stays: see storage.record_lock)
    rest = [p.name for p in folder.iterdir() if p != lock_path(saved_record)]
    assert rest == [saved_record.name]
    assert saved_record.read_bytes() == good


def test_a_save_leaves_no_temp_file_behind(saved_record: Path) -> None:
    loaded = load_record(saved_record)
    fp = loaded.fingerprint
    for value in ("yes", "no"):
        loaded.record.set_value(loaded.checklist.items["fever"], None, value)
        fp = save_record(saved_record, loaded.record, fp)
    assert [p.name for p in saved_record.parent.iterdir()] == [saved_record.name]


# ------------------------------------------------------------------------ full or read-only disk
# The tests run as root, for whom chmod 0500 does not stop writes, so a full disk and a
# read-only folder are simulated by making the system calls fail as they would
# (ENOSPC, EROFS, EACCES). test_read_only_folder_for_real covers the real thing when not root.


class _HalfWriter:
    """A file object that writes half of what it is given, then fails like a full disk."""

    def __init__(self, fh):  # type: ignore[no-untyped-def]
        self._fh = fh

    def write(self, data: bytes) -> int:
        self._fh.write(data[: len(data) // 2])
        self._fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._fh, name)

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def _fail(err: int):  # type: ignore[no-untyped-def]
    def raiser(*args: object, **kwargs: object) -> None:
        raise OSError(err, os.strerror(err))

    return raiser


FAILURES = {
    "disk-full-on-write": ("os.fdopen", None),
    "disk-full-on-fsync": ("os.fsync", errno.ENOSPC),
    "disk-full-on-replace": ("os.replace", errno.ENOSPC),
    "read-only-filesystem": ("tempfile.mkstemp", errno.EROFS),
    "read-only-folder": ("tempfile.mkstemp", errno.EACCES),
    "quota-exceeded": ("os.fsync", errno.EDQUOT),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failed_save_raises_record_error_and_keeps_the_old_file(
    saved_record: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    loaded = load_record(saved_record)
    before = saved_record.read_bytes()
    loaded.record.set_value(loaded.checklist.items["fever"], None, "yes")

    target, err = FAILURES[failure]
    module, name = target.split(".")
    mod = {"os": os, "tempfile": __import__("tempfile")}[module]
    if failure == "disk-full-on-write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(mod, name, _fail(err))

    with pytest.raises(RecordError) as info:
        save_record(saved_record, loaded.record, loaded.fingerprint)
    assert not isinstance(info.value, RecordConflictError)
    message = str(info.value)
    assert message.startswith(str(saved_record)) and "\n" not in message
    assert "intact" in message
    monkeypatch.undo()

    assert saved_record.read_bytes() == before
    assert [p.name for p in saved_record.parent.iterdir()] == [
        saved_record.name
    ]  # no temp file left
    # Nothing got out of step: once the disk has room again the same save goes through.
    save_record(saved_record, loaded.record, loaded.fingerprint)
    assert load_record(saved_record).record.get("fever") == "yes"


def test_failed_first_save_creates_no_file(
    tmp_path: Path, sample_record: Record, monkeypatch
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    path = folder / "new.toml"
    monkeypatch.setattr(os, "fsync", _fail(errno.ENOSPC))
    with pytest.raises(RecordError):
        save_record(path, sample_record, None)
    assert list(folder.iterdir()) == []


def test_records_folder_that_cannot_be_created(tmp_path: Path, sample_record: Record) -> None:
    """A file where the folder should be: a clear error, nothing overwritten."""
    blocker = tmp_path / "records"
    blocker.write_text("not a folder")
    with pytest.raises(RecordError) as info:
        save_record(blocker / "sub" / "r.toml", sample_record, None)
    assert "records" in str(info.value)
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a 0500 folder")
def test_read_only_folder_for_real(saved_record: Path) -> None:
    loaded = load_record(saved_record)
    before = saved_record.read_bytes()
    loaded.record.set_value(loaded.checklist.items["fever"], None, "yes")
    folder = saved_record.parent
    folder.chmod(0o500)
    try:
        with pytest.raises(RecordError):
            save_record(saved_record, loaded.record, loaded.fingerprint)
    finally:
        folder.chmod(0o700)
    assert saved_record.read_bytes() == before
    # (the empty save-lock file beside the record stays: see storage.record_lock)
    rest = [p.name for p in folder.iterdir() if p != lock_path(saved_record)]
    assert rest == [saved_record.name]
