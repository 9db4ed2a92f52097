"""The records folder's header index: used when the files are unchanged, never trusted over them.

``storage.list_records`` keeps each record's header in an index in the user's cache (keyed by file
name, with the file's mtime, size and inode) so a folder of 10,000 records lists in a fraction
of a second. These tests check it through the record files and the listing only: whatever
happens to the files or the index, the listing equals a fresh read of every file.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from exam_tui import storage
from exam_tui.checklist import Checklist
from exam_tui.record import Record, new_record
from exam_tui.storage import (
    dumps_record,
    index_path,
    list_records,
    load_record,
    new_record_path,
    read_summary,
    save_record,
)
from tests.conftest import STARTED

HOUR_NS = 3600 * 10**9


def _age(path: Path, hours: int = 1) -> None:
    """Make a file look written an hour ago: files changed in the last seconds are never
    indexed (a second change within the clock's granularity could keep mtime and size)."""
    t = time.time_ns() - hours * HOUR_NS
    os.utime(path, ns=(t, t))


def _folder(records_dir: Path, checklist: Checklist, n: int = 5) -> list[Path]:
    records_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        rec = new_record(checklist, f"MRN-{i:04d}", f"Dr {i}", "left", started_at=STARTED)
        rec.exam.started_at = STARTED.replace(hour=9 + i)
        path = new_record_path(records_dir, rec)
        save_record(path, rec, None)
        _age(path)
        paths.append(path)
    return paths


def _fresh(folder: Path) -> list[storage.RecordSummary]:
    return list_records(folder, index=False)


def _index(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(index_path(folder).read_text("utf-8"))


def _tamper(folder: Path, name: str, patient: str) -> None:
    """Change the patient id an index entry holds (its stat still matches the file)."""
    data = _index(folder)
    data["entries"][name][3] = patient
    index_path(folder).write_text(json.dumps(data), "utf-8")


def test_index_is_private_never_a_record_and_equals_a_fresh_read(
    records_dir: Path, checklist: Checklist
) -> None:
    paths = _folder(records_dir, checklist)
    first = list_records(records_dir, index=True)
    index = index_path(records_dir)
    assert index.exists()
    assert stat.S_IMODE(index.stat().st_mode) == 0o600  # it holds patient ids
    assert first == _fresh(records_dir)
    assert {s.path for s in first} == set(paths)  # the index itself is not listed
    assert list_records(records_dir, index=True) == first  # served from the index
    assert [s.patient_id for s in first] == [f"MRN-{i:04d}" for i in reversed(range(5))]
    assert set(storage.iter_record_files(records_dir)) == set(paths)


def test_index_is_used_for_unchanged_files(records_dir: Path, checklist: Checklist) -> None:
    paths = _folder(records_dir, checklist)
    list_records(records_dir, index=True)
    _tamper(records_dir, paths[0].name, "FROM-THE-INDEX")
    assert "FROM-THE-INDEX" in {s.patient_id for s in list_records(records_dir, index=True)}


def test_a_saved_change_is_read_from_the_file(records_dir: Path, checklist: Checklist) -> None:
    paths = _folder(records_dir, checklist)
    list_records(records_dir, index=True)
    _tamper(records_dir, paths[0].name, "STALE")
    loaded = load_record(paths[0])
    loaded.record.complete(at=STARTED)
    save_record(paths[0], loaded.record, loaded.fingerprint)
    listed = list_records(records_dir, index=True)
    assert listed == _fresh(records_dir)
    (changed,) = [s for s in listed if s.path == paths[0]]
    assert (changed.patient_id, changed.status) == ("MRN-0000", "completed")


def test_an_edit_in_place_keeping_size_and_mtime_is_seen_while_it_is_recent(
    records_dir: Path, checklist: Checklist, sample_record: Record
) -> None:
    """A file changed twice within the file system's clock tick keeps its mtime; an editor that
    writes in place keeps the inode, and the same size is possible. Recent files are therefore
    never indexed, and such an edit is seen."""
    records_dir.mkdir(parents=True)
    path = records_dir / "edited.toml"
    path.write_text(dumps_record(sample_record), "utf-8")
    list_records(records_dir, index=True)
    st = path.stat()
    path.write_text(path.read_text("utf-8").replace("MRN-0042", "MRN-0043"), "utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    [summary] = list_records(records_dir, index=True)
    assert summary.patient_id == "MRN-0043"


def test_deleted_and_new_files(records_dir: Path, checklist: Checklist) -> None:
    paths = _folder(records_dir, checklist)
    list_records(records_dir, index=True)
    paths[1].unlink()
    extra = _folder(records_dir / "other", checklist, n=1)[0]
    moved = records_dir / "MRN-new.toml"
    shutil.move(extra, moved)
    (records_dir / "other").rmdir()
    _age(moved)
    listed = list_records(records_dir, index=True)
    assert listed == _fresh(records_dir)
    assert {s.path for s in listed} == {*paths[:1], *paths[2:], moved}
    assert set(_index(records_dir)["entries"]) == {
        p.name for p in storage.iter_record_files(records_dir)
    }


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff garbage",
        b"{not json",
        b"[]",
        b'{"format": "something-else", "version": 1, "entries": {}}',
        b'{"format": "exam-tui-header-index", "version": 99, "entries": {}}',
        "entries-of-the-wrong-shape",
        "a-deeply-nested-file",
    ],
)
def test_a_corrupt_index_is_ignored_and_rebuilt(
    records_dir: Path, checklist: Checklist, content: bytes | str
) -> None:
    _folder(records_dir, checklist)
    list_records(records_dir, index=True)
    index = index_path(records_dir)
    if content == "entries-of-the-wrong-shape":
        data = _index(records_dir)
        names = list(data["entries"])
        data["entries"][names[0]] = "MRN-9999"
        data["entries"][names[1]] = [*data["entries"][names[1]][:3], 7, None, "x", "y", None]
        data["entries"][names[2]][4] = "not a date"
        data["entries"][names[3]] = data["entries"][names[3]][:-1]
        content = json.dumps(data).encode()
    elif content == "a-deeply-nested-file":
        content = b"[" * 100_000 + b"]" * 100_000
    assert isinstance(content, bytes)
    index.write_bytes(content)
    assert list_records(records_dir, index=True) == _fresh(records_dir)
    assert _index(records_dir)["format"] == "exam-tui-header-index"  # rebuilt
    assert stat.S_IMODE(index.stat().st_mode) == 0o600


def test_an_index_of_another_folder_is_not_trusted(tmp_path: Path, checklist: Checklist) -> None:
    """A copied folder keeps names, sizes and (cp -a) mtimes; an index written for the first
    folder (say, restored from a backup into the cache) must not be believed for the copy."""
    a = tmp_path / "a"
    _folder(a, checklist)
    list_records(a, index=True)
    b = tmp_path / "b"
    shutil.copytree(a, b)  # copies mtimes too
    name = next(storage.iter_record_files(b)).name
    data = _index(a)
    data["entries"][name][3] = "FROM-FOLDER-A"
    index_path(b).write_text(json.dumps(data), "utf-8")
    assert "FROM-FOLDER-A" not in {s.patient_id for s in list_records(b, index=True)}
    assert list_records(b, index=True) == _fresh(b)


def test_the_index_lives_in_the_cache_keyed_by_the_folder_path(
    tmp_path: Path, checklist: Checklist
) -> None:
    """Not in the records folder (on a share each client rewrote the others' index), and not
    keyed by device and inode (different on every client of a network share)."""
    folder = tmp_path / "records"
    _folder(folder, checklist)
    list_records(folder, index=True)
    assert not [p for p in folder.iterdir() if not p.name.endswith(".toml")]
    assert index_path(folder).is_relative_to(Path(os.environ["EXAM_TUI_CACHE"]))
    assert _index(folder)["folder"] == str(folder.resolve())
    # the same folder by another spelling is the same index
    assert index_path(tmp_path / "records" / ".." / "records") == index_path(folder)
    assert index_path(tmp_path / "other") != index_path(folder)


def test_a_small_folder_gets_no_index_by_default(
    records_dir: Path, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(records_dir, checklist, n=3)
    assert list_records(records_dir) == _fresh(records_dir)
    assert not (index_path(records_dir)).exists()
    monkeypatch.setattr(storage, "INDEX_MIN_RECORDS", 3)
    assert list_records(records_dir) == _fresh(records_dir)
    assert (index_path(records_dir)).exists()


def test_a_folder_where_the_index_cannot_be_written_still_lists(
    records_dir: Path, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(records_dir, checklist)

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage.tempfile, "mkstemp", read_only)
    assert list_records(records_dir, index=True) == _fresh(records_dir)
    assert not (index_path(records_dir)).exists()
    assert not list(records_dir.glob(".exam-tui-tmp-*"))


def test_no_folder_is_not_created(tmp_path: Path) -> None:
    assert list_records(tmp_path / "missing", index=True) == []
    assert not (tmp_path / "missing").exists()


# ------------------------------------------------------------- the fast header reader agrees


HEADERS = [
    "plain",
    'id = "MRN \\"quoted\\" 42"',  # escapes: left to tomllib
    'id = "MRN-0042" # a comment',
    "id = 'literal'",
    'id = "tab\there"',
    'id = "ünïcödé 患者"',
    "id = 42",
    "id = -7",
    "id = 007",  # not TOML
    "id = true",
    "id = 1.5",
    'id = """multi"""',
]
STARTS = [
    "2026-11-28 09:30:00+00:00",
    "2026-11-28T09:30:00Z",
    "2026-11-28T09:30:00.123456+01:00",
    "2026-11-28T09:30:00",  # local time
    "2026-11-28",  # a date only: no start time
    "2026-13-28 09:30:00+00:00",  # month 13
    "2026-11-28 09:30:00+25:00",
]


def _expected(text: str, path: Path) -> storage.RecordSummary:
    """What the picker must show, from tomllib on the whole file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return storage.RecordSummary(path, "?", None, "error", "", error="not valid TOML")
    started = data["exam"].get("started_at")
    # only a date and time with an offset is a start time; a local time or a date is an error
    aware = hasattr(started, "hour") and started.tzinfo is not None
    return storage.RecordSummary(
        path,
        str(data["patient"].get("id", "?")),
        started if aware else None,
        str(data["status"]),
        str(data["exam"].get("examiner", "")),
        error=None if aware or started is None else storage.BAD_STARTED_AT,
        checklist=str(data.get("checklist", "")),
    )


@pytest.mark.parametrize("id_line", HEADERS)
@pytest.mark.parametrize("started", STARTS)
def test_header_reader_agrees_with_tomllib(
    tmp_path: Path, sample_record: Record, id_line: str, started: str
) -> None:
    text = dumps_record(sample_record)
    assert 'id = "MRN-0042"' in text and "started_at = 2026-11-28 09:30:00+00:00" in text
    if id_line != "plain":
        text = text.replace('id = "MRN-0042"', id_line, 1)
    text = text.replace("started_at = 2026-11-28 09:30:00+00:00", f"started_at = {started}", 1)
    path = tmp_path / "r.toml"
    path.write_text(text, "utf-8")
    assert read_summary(path) == _expected(text, path)
    # and through the index, twice (written, then read back)
    _age(path)
    assert list_records(tmp_path, index=True) == [read_summary(path)]
    assert list_records(tmp_path, index=True) == [read_summary(path)]


@pytest.mark.parametrize(
    "change",
    [
        ("[patient]", "[patient]\n[patient]"),  # a table twice
        ('examiner = "A. Clinician"', 'examiner = "A. Clinician"\nexaminer = "B"'),  # a key twice
        ("\n", "\r\n"),  # CRLF line ends
        ("[exam]", "[exam] "),
        ('status = "draft"', 'status.x = "draft"'),
    ],
)
def test_odd_headers_agree_with_tomllib(
    tmp_path: Path, sample_record: Record, change: tuple[str, str]
) -> None:
    text = dumps_record(sample_record)
    assert change[0] in text
    text = text.replace(*change)
    path = tmp_path / "r.toml"
    path.write_bytes(text.encode())
    assert read_summary(path) == _expected(text, path) or (
        # a header tomllib cannot read, in a file it cannot read either
        read_summary(path).error == "not valid TOML"
    )


def test_the_fast_child_path_is_pathlibs_own_and_equals_the_slash(tmp_path: Path) -> None:
    """list_records builds 10,000 paths with pathlib's private child constructor (~5x faster
    than ``/``, which parses its argument) where this Python has it (3.11 and 3.12), else with
    ``joinpath`` (~50 ms slower at 10,000 records). Either way each path is the one ``/`` makes.
    """
    child = storage._child_path(tmp_path)
    if callable(getattr(tmp_path, "_make_child_relpath", None)):
        assert child != tmp_path.joinpath  # the fast one is used where it exists
    for name in ("MRN-0042-20261128T093000Z.toml", "ünï (1).toml", "a b.toml", ".x.toml"):
        made = child(name)
        assert made == tmp_path / name
        assert (made.name, made.parent, str(made)) == (name, tmp_path, str(tmp_path / name))


def test_newest_first_by_the_start_as_written(tmp_path: Path) -> None:
    """The listing sorts by the start's ISO text (no datetime built per record): the same order
    as the naive date and time as written, with fractions of a second and any offset; records
    without a start last."""

    def at(*fields: int, offset: int = 0) -> datetime:
        return datetime(*fields, tzinfo=timezone(timedelta(minutes=offset)))  # type: ignore[misc]

    starts = [
        at(2026, 11, 28, 9, 30),
        at(2026, 11, 28, 9, 30, 0, 500000, offset=60),
        at(2026, 11, 28, 9, 30, 0, 1, offset=-330),
        at(2026, 11, 28, 9, 29, 59, 999999),
        at(999, 1, 1),
        None,
        at(2026, 11, 28, 10, offset=-720),
    ]
    summaries = [
        storage.RecordSummary(tmp_path / f"{n}.toml", str(n), when, "draft", "")
        for n, when in enumerate(starts)
    ]
    by_key = sorted(summaries, key=storage._sort_key, reverse=True)
    as_before = sorted(
        summaries,
        key=lambda s: s.started_at.replace(tzinfo=None) if s.started_at else datetime.min,
        reverse=True,
    )
    assert by_key == as_before
    assert by_key[-1].started_at is None


@pytest.mark.parametrize(
    "name",
    [
        "MRN-0042-20261128T093000Z.toml",
        "x (conflicted copy 2026-11-28).toml",
        "x (Alice's CONFLICTED COPY).toml",
        "x conflıcted copy.toml",  # dotless i: re's IGNORECASE matches it to i
        "x.sync-conflict-20261128-093000-ABCDEFG.toml",
        "x.ſync-conflict-1.toml",  # long s
        "x.SYNC-CONFLICT-1.toml",
        "x (1).toml",
        "x(1).toml",
        "onfl.toml",
        "KONFLIKT.toml",
    ],
)
def test_the_quick_conflict_copy_test_agrees_with_the_pattern(name: str) -> None:
    assert storage.is_sync_conflict(name) == (storage.SYNC_CONFLICT.search(name) is not None)
