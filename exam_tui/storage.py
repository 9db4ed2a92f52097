"""Reading and writing record files: atomic saves, private permissions, safe names, migrations."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from stat import S_ISREG as stat_is_regular
from typing import Any

import tomli_w
from pydantic import ValidationError

from exam_tui.checklist import (
    Checklist,
    find_checklist,
    load_checklist,
    read_toml,
    version_key,
)
from exam_tui.errors import ChecklistError, RecordConflictError, RecordError
from exam_tui.record import SCHEMA_VERSION, Record, progress, validate_findings

ENV_RECORDS = "EXAM_TUI_RECORDS"
TMP_PREFIX = ".exam-tui-tmp-"
FILE_MODE = 0o600
DIR_MODE = 0o700

#: Schema migrations: MIGRATIONS[n] turns a version-n record (as a dict) into version n+1.
#: Version 1 is the first; add an entry here (and a test with a real old file) for each bump.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_WINDOWS_RESERVED = (
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def default_records_dir() -> Path:
    """EXAM_TUI_RECORDS, or the platform's per-user data folder (e.g. ~/.local/share/exam-tui)."""
    env = os.environ.get(ENV_RECORDS)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path  # 4 ms, only needed when no folder is given

    return user_data_path("exam-tui", appauthor=False) / "records"


def ensure_private_dir(folder: Path) -> Path:
    """Create the records folder (and parents) if needed, owner-only (0700) whatever the umask.

    Parents created here are 0700 too: ``mkdir(parents=True)`` would make them 0777 under a
    umask of 0, and a world-writable parent lets anyone swap the records folder for their own.
    Folders that already existed keep their mode, except the records folder itself.
    """
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for p in reversed(missing):
        with contextlib.suppress(FileExistsError):
            p.mkdir(mode=DIR_MODE)
            # mkdir's mode is masked by the umask (0o277 would leave us unable to write)
            os.chmod(p, DIR_MODE)
    if folder.stat().st_mode & 0o777 != DIR_MODE:
        with contextlib.suppress(PermissionError):
            os.chmod(folder, DIR_MODE)
    return folder


def sanitise_id(patient_id: str, max_len: int = 48) -> str:
    """A file-name-safe form of a patient id; a short hash keeps distinct ids apart.

    Only ASCII letters, digits, '-' and '_' survive, so no id can name a parent folder, a
    hidden file or a device (CON, NUL) or exceed file-name limits.
    """
    ascii_form = unicodedata.normalize("NFKD", patient_id).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_form).strip("_-")[:max_len] or "patient"
    if safe.lower() in _WINDOWS_RESERVED:
        safe = f"_{safe}"
    if safe != patient_id:
        safe += "-" + hashlib.sha256(patient_id.encode()).hexdigest()[:8]
    return safe


def record_filename(patient_id: str, started_at: datetime) -> str:
    return f"{sanitise_id(patient_id)}_{started_at.strftime('%Y%m%dT%H%M%S')}.toml"


def new_record_path(folder: Path, record: Record) -> Path:
    """A path in ``folder`` for a new record that does not clash with an existing file."""
    base = record_filename(record.patient.id, record.exam.started_at)
    path = folder / base
    n = 2
    while path.exists():
        path = folder / base.replace(".toml", f"-{n}.toml")
        n += 1
    return path


#: A record is a few kilobytes; anything this big is the wrong file (and tomllib is slow on
#: pathological input: a 50,000-deep dotted key took 56 s in the fuzz tests).
MAX_RECORD_BYTES = 1024 * 1024

_checklist_cache: dict[tuple[Path, int, int], Checklist] = {}


def _load_checklist_cached(path: Path) -> Checklist:
    """load_checklist, remembered per file version: listing flag counts for many records would
    otherwise re-read and re-validate the same checklist (~35 ms) for each one."""
    st = path.stat()
    key = (path.resolve(), st.st_mtime_ns, st.st_size)
    if key not in _checklist_cache:
        _checklist_cache[key] = load_checklist(path)
    return _checklist_cache[key]


# ----------------------------------------------------------------------------- serialising


def record_to_dict(record: Record) -> dict[str, Any]:
    """The record as TOML-ready data: unanswered values absent, keys in a stable order."""
    data = record.model_dump(mode="python", by_alias=True, exclude_none=True)
    findings = {k: v for k, v in data.get("findings", {}).items() if v}
    data["findings"] = findings
    if not data.get("amendments"):
        data.pop("amendments", None)
    head = ["schema_version", "checklist", "checklist_version", "status", "patient", "exam"]
    ordered = {k: data[k] for k in head if k in data}
    ordered.update(
        {k: v for k, v in data.items() if k not in ordered and k not in ("findings", "amendments")}
    )
    ordered["findings"] = findings
    if "amendments" in data:
        ordered["amendments"] = data["amendments"]
    return ordered


def dumps_record(record: Record) -> str:
    return tomli_w.dumps(record_to_dict(record))


def migrate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Bring an older record up to SCHEMA_VERSION; refuse a newer one."""
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise RecordError("schema_version is missing or not a whole number", path=path)
    if version > SCHEMA_VERSION:
        raise RecordError(
            f"written by a newer exam-tui (schema_version {version}; this version reads up to "
            f"{SCHEMA_VERSION}): upgrade exam-tui to open it",
            path=path,
        )
    if version < 1:
        raise RecordError(f"schema_version {version} is not a valid version", path=path)
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    return data


@dataclass
class LoadedRecord:
    """A record read from disk, with its checklist, warnings and the file state it was read at."""

    path: Path
    record: Record
    checklist: Checklist
    warnings: list[str]
    fingerprint: str | None


def upgrade_draft(loaded: LoadedRecord, checklist_dirs: list[Path] | None = None) -> LoadedRecord:
    """A draft of an older checklist version, moved to the newest version of that checklist
    when every item it holds still exists there and each value is still allowed; completed and
    amended records (signed documents) are never moved. The record changes in memory only (the
    next save writes it); a warning says what happened."""
    record, checklist = loaded.record, loaded.checklist
    if record.status != "draft":
        return loaded
    newest_path = find_checklist(record.checklist, checklist_dirs)
    if newest_path is None:
        return loaded
    try:
        newest = _load_checklist_cached(newest_path)
    except ChecklistError:
        return loaded
    if newest.version_key <= version_key(record.checklist_version):
        return loaded
    old = record.checklist_version
    if any(item_id not in newest.items for item_id in record.findings):
        return replace(
            loaded,
            warnings=[
                *loaded.warnings,
                f"draft kept on checklist {checklist.id} {old}: it holds items that "
                f"version {newest.version} no longer has",
            ],
        )
    upgraded = record.model_copy(deep=True)
    upgraded.checklist_version = newest.version
    try:
        validate_findings(upgraded, newest)
    except RecordError as exc:
        return replace(
            loaded,
            warnings=[
                *loaded.warnings,
                f"draft kept on checklist {checklist.id} {old}: {exc.message}",
            ],
        )
    note = f"Draft upgraded from checklist {checklist.id} {old} to {newest.version}."
    warnings = [w for w in loaded.warnings if not w.startswith("recorded with checklist version")]
    return replace(loaded, record=upgraded, checklist=newest, warnings=[note, *warnings])


def fingerprint_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def file_fingerprint(path: Path) -> str | None:
    try:
        return fingerprint_bytes(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _checklist_for(
    cid: str,
    version: str | None,
    path: Path,
    given: Checklist | None,
    checklist_dirs: list[Path] | None,
) -> Checklist:
    """The checklist a record names, by id and version (never by file name or path).

    A record is shown with the exact version it names; only when that version is not
    installed is another version of the same id used (the caller reports the difference).
    """
    if given is not None and given.id == cid and given.version == version:
        return given
    cpath = find_checklist(cid, checklist_dirs, version=version) if version else None
    if cpath is None:
        if given is not None and given.id == cid:
            return given
        cpath = find_checklist(cid, checklist_dirs)
    if cpath is None:
        raise RecordError(f"unknown checklist {cid!r}", path=path)
    try:
        return _load_checklist_cached(cpath)
    except ChecklistError as exc:
        raise RecordError(f"its checklist is broken: {exc}", path=path) from None


def parse_record(
    data: dict[str, Any],
    path: Path,
    checklist: Checklist | None = None,
    checklist_dirs: list[Path] | None = None,
) -> tuple[Record, Checklist, list[str]]:
    """Validate record data (already parsed TOML) against its checklist."""
    if not isinstance(data, dict):
        raise RecordError("not a record", path=path)
    data = migrate(data, path)
    cid = data.get("checklist")
    if not isinstance(cid, str):
        raise RecordError("'checklist' is missing", path=path)
    version = data.get("checklist_version")
    version = version if isinstance(version, str) else None
    checklist = _checklist_for(cid, version, path, checklist, checklist_dirs)
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        err = errors[0]
        loc = [str(p) for p in err["loc"]]
        item = loc[1] if len(loc) >= 2 and loc[0] == "findings" else None
        msg = err["msg"]
        if item and len(loc) > 3:
            # A finding value is text or a number: pydantic reports one error per member of
            # that union ("left.str: Input should be a valid string"); say what was wrong instead.
            loc, msg = loc[:3], f"{_show_value(err['input'])} is not a valid value"
        field = ".".join(loc[2:] if item else loc)
        n = len({tuple(str(p) for p in e["loc"][:3]) for e in errors})
        more = f" (and {n - 1} more problems)" if n > 1 else ""
        raise RecordError(f"{field}: {msg}{more}", path=path, item=item) from None
    try:
        warnings = validate_findings(record, checklist)
    except RecordError as exc:
        raise RecordError(exc.message, path=path, item=exc.item) from None
    if record.checklist_version != checklist.version:
        warnings.append(
            f"recorded with checklist version {record.checklist_version}; "
            f"this is {checklist.version}"
        )
    return record, checklist, warnings


def _show_value(value: Any) -> str:
    """A value as it looks in the TOML file (``true``, not ``True``)."""
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def load_record(
    path: Path | str,
    checklist: Checklist | None = None,
    checklist_dirs: list[Path] | None = None,
) -> LoadedRecord:
    """Read, migrate and validate a record file; RecordError names the file (and line or item)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_RECORD_BYTES and p.is_file():
            raise RecordError(
                f"too large to be an exam record ({size:,} bytes; records are a few kilobytes)",
                path=p,
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise RecordError("no such file", path=p) from None
    except IsADirectoryError:
        raise RecordError("is a folder, not a record file", path=p) from None
    except PermissionError:
        raise RecordError("permission denied", path=p) from None
    except OSError as exc:
        raise RecordError(f"cannot read ({exc.strerror})", path=p) from None
    data = _parse_toml(raw, p)
    record, checklist, warnings = parse_record(data, p, checklist, checklist_dirs)
    return LoadedRecord(p, record, checklist, warnings, fingerprint_bytes(raw))


def _parse_toml(raw: bytes, path: Path) -> dict[str, Any]:
    if not raw.strip():
        raise RecordError("file is empty", path=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordError(
            "not UTF-8 text (binary or wrongly encoded file)", path=path, line=line
        ) from None
    if "\x00" in text:
        raise RecordError(
            "binary data, not a record", path=path, line=text[: text.index("\x00")].count("\n") + 1
        )
    try:
        return tomllib.loads(text)
    except RecursionError:
        # tomllib recurses per nesting level: `x = [[[[...` a few hundred deep overflows it
        raise RecordError("not valid TOML: nested too deeply", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", str(exc))
        return _raise_toml(path, int(m.group(1)) if m else None, msg)


def _raise_toml(path: Path, line: int | None, msg: str) -> dict[str, Any]:
    raise RecordError(f"not valid TOML: {msg}", path=path, line=line)


# ----------------------------------------------------------------------------- writing


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so the file is either the old or the new content, never half.

    Temp file in the same folder (so ``os.replace`` is atomic), created 0600, flushed and
    fsynced, renamed over the target, then the folder fsynced so the rename survives power loss.
    """
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".toml", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def save_record(
    path: Path | str, record: Record, expected: str | None = None, *, check: bool = True
) -> str:
    """Atomically write the record and return the new file fingerprint.

    With ``check``, refuse (RecordConflictError) when the file on disk is no longer the one we
    loaded or last saved (``expected``; None means the file must not exist yet): another
    window saved it, so writing would silently lose that clinician's edits.
    """
    p = Path(path)
    data = dumps_record(record).encode("utf-8")
    if check:
        try:
            current = file_fingerprint(p)
        except OSError as exc:  # e.g. permission denied: we cannot tell whether it changed
            reason = exc.strerror or exc
            raise RecordError(
                f"could not check the file before saving ({reason}); not saved", path=p
            ) from None
        if current != expected:
            what = (
                "was created"
                if expected is None
                else ("was deleted" if current is None else "was changed")
            )
            raise RecordConflictError(
                f"{what} by another program since it was opened here; not overwritten "
                "(reopen the record to see both versions' changes)",
                path=p,
            )
    try:
        ensure_private_dir(p.parent)
        atomic_write_bytes(p, data)
    except OSError as exc:
        raise RecordError(
            f"could not save ({exc.strerror or exc}); the previous version is intact", path=p
        ) from None
    return fingerprint_bytes(data)


# ----------------------------------------------------------------------------- the folder


@dataclass(frozen=True)
class RecordSummary:
    """A record's header for the picker, read without validating its findings."""

    path: Path
    patient_id: str
    started_at: datetime | None
    status: str
    examiner: str
    error: str | None = None


def iter_record_files(folder: Path) -> Iterator[Path]:
    """Record files in a folder, skipping temp files of interrupted saves and hidden files."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for e in entries:
        if e.name.endswith(".toml") and not e.name.startswith(".") and e.is_file():
            yield Path(e.path)


def stray_temp_files(folder: Path) -> list[Path]:
    """Temp files left by a save that was interrupted before its rename."""
    try:
        return [folder / n for n in os.listdir(folder) if n.startswith(TMP_PREFIX)]
    except OSError:  # no folder yet, or not a folder: nothing to clean
        return []


def clean_stray_temp_files(folder: Path, min_age_s: float = 0.0) -> list[Path]:
    """Remove temp files of interrupted saves. The record they were replacing is intact (the
    rename never happened), so at most the one answer being saved at the crash is lost.

    ``min_age_s`` spares files younger than that: another window may be mid-save right now.
    """
    import time

    removed = []
    now = time.time()
    for p in stray_temp_files(folder):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime < min_age_s:
                continue
            p.unlink()
            removed.append(p)
    return removed


#: A header line as tomli_w writes it: ``key = "text"``, ``key = 12``, ``key = true`` or
#: ``key = 2026-11-28 09:30:00+00:00``. Anything else (escapes, comments, floats, fractions of a
#: second, dotted keys, CRLF) is left to tomllib, so the fast path can only ever agree with it.
_HEADER_LINE = re.compile(
    r'([A-Za-z0-9_-]+) = (?:"([^"\\\x00-\x1f\x7f]*)"|(-?(?:0|[1-9][0-9]*))|(true|false)'
    r"|([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?))"
)
_HEADER_TABLE = re.compile(r"\[([A-Za-z0-9_-]+)\]")


def _parse_header_fast(head: str) -> dict[str, Any] | None:
    """The header as tomllib would parse it, or None when it is not in the plain form we write.

    tomllib is pure Python and ~80% of listing a folder was spent in it (benchmarks/); headers
    written by exam-tui are a dozen ``key = value`` lines in two tables.
    """
    data: dict[str, Any] = {}
    table = data
    for line in head.split("\n"):
        if not line:
            continue
        m = _HEADER_LINE.fullmatch(line)
        if m is None:
            t = _HEADER_TABLE.fullmatch(line)
            if t is None or t.group(1) in data:
                return None
            table = data[t.group(1)] = {}
            continue
        key, text, number, boolean, when = m.groups()
        if key in table:
            return None  # a duplicate key: tomllib's error message, please
        if text is not None:
            table[key] = text
        elif number is not None:
            table[key] = int(number)
        elif boolean is not None:
            table[key] = boolean == "true"
        else:
            try:
                table[key] = datetime.fromisoformat(when)
            except ValueError:  # e.g. month 13: tomllib says what is wrong
                return None
    return data


def read_summary(path: Path) -> RecordSummary:
    try:
        text = path.read_text("utf-8")
        # Every file we write has its header (status, patient, exam) before the findings, and
        # parsing only the header is ~10x faster (tomllib is pure Python): 10,000 records list
        # in ~2 s instead of ~20 s (benchmarks/bench_records.py). Anything else: parse it all.
        head, sep, _ = text.partition("\n[findings")
        data: dict[str, Any] = {}
        if sep:
            fast = _parse_header_fast(head)
            if fast is not None:
                data = fast
            else:
                with contextlib.suppress(tomllib.TOMLDecodeError):
                    data = tomllib.loads(head)
        if not {"status", "patient", "exam"} <= data.keys():
            data = tomllib.loads(text)
        patient = data.get("patient", {})
        exam = data.get("exam", {})
        started = exam.get("started_at")
        return RecordSummary(
            path=path,
            patient_id=str(patient.get("id", "?")),
            started_at=started if isinstance(started, datetime) else None,
            status=str(data.get("status", "?")),
            examiner=str(exam.get("examiner", "")),
        )
    except (
        OSError,
        UnicodeDecodeError,
        tomllib.TOMLDecodeError,
        AttributeError,
        RecursionError,
    ) as exc:
        reason = "not valid TOML" if isinstance(exc, tomllib.TOMLDecodeError) else "unreadable"
        return RecordSummary(path, "?", None, "error", "", error=reason)


# ----------------------------------------------------------------------------- the header index
#
# Re-reading 10,000 headers took 1.5-2.5 s at every start (benchmarks/bench_records.py). The
# index keeps each file's header with the file's (mtime_ns, size, inode): a file whose stat
# differs is read again. Every save replaces the file (a new inode), so a changed record is
# never served from the index. The index holds patient ids: it is written like a record
# (atomically, 0600), and it is only a cache: anything odd about it and it is rebuilt from
# the files.

INDEX_NAME = ".exam-tui-index.json"
INDEX_FORMAT = "exam-tui-header-index"
INDEX_VERSION = 1
#: Folders with fewer records are read without writing an index (unless one is there): ~0.2 ms
#: a header, so the index would cost more than it saves.
INDEX_MIN_RECORDS = 200
#: Files modified this recently are not indexed: a file changed twice within the file system's
#: timestamp granularity, keeping its size and inode, would otherwise look unchanged.
_RACY_NS = 2_000_000_000

_Stat = tuple[int, int, int]


def _entry_stat(st: os.stat_result) -> _Stat:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _folder_id(folder: Path) -> list[int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return [st.st_dev, st.st_ino]


def _read_index(folder: Path, folder_id: list[int] | None) -> dict[str, list[Any]]:
    """The index's entries by file name; {} when there is none, or it is corrupt or foreign."""
    path = folder / INDEX_NAME
    try:
        st = os.lstat(path)
        if not stat_is_regular(st.st_mode) or st.st_size > 64 * 2**20:
            return {}
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("format") != INDEX_FORMAT
        or data.get("version") != INDEX_VERSION
        or data.get("folder") != folder_id  # copied from another folder
        or not isinstance(data.get("entries"), dict)
    ):
        return {}
    return data["entries"]  # type: ignore[no-any-return]


def _from_entry(path: Path, st: _Stat, entry: object) -> RecordSummary | None:
    """The summary an index entry holds, if the entry is well-formed and the file unchanged."""
    if not isinstance(entry, list) or len(entry) != 8 or entry[:3] != list(st):
        return None
    _, _, _, patient_id, started, status, examiner, error = entry
    if not (
        isinstance(patient_id, str)
        and isinstance(status, str)
        and isinstance(examiner, str)
        and (error is None or isinstance(error, str))
        and (started is None or isinstance(started, str))
    ):
        return None
    try:
        when = datetime.fromisoformat(started) if started is not None else None
    except ValueError:
        return None
    return RecordSummary(path, patient_id, when, status, examiner, error)


def _to_entry(st: _Stat, s: RecordSummary) -> list[Any]:
    started = s.started_at.isoformat() if s.started_at is not None else None
    return [*st, s.patient_id, started, s.status, s.examiner, s.error]


def _write_index(folder: Path, folder_id: list[int] | None, entries: dict[str, list[Any]]) -> None:
    """Replace the index atomically, 0600. No fsync: a torn index is ignored and rebuilt."""
    data = json.dumps(
        {"format": INDEX_FORMAT, "version": INDEX_VERSION, "folder": folder_id, "entries": entries},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".json", dir=folder)
    except OSError:  # a read-only folder: list without an index
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            fh.write(data)
        os.replace(tmp, folder / INDEX_NAME)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def list_records(folder: Path, *, index: bool | None = None) -> list[RecordSummary]:
    """Headers of every record in the folder, newest exam first.

    ``index``: keep the headers in the folder's index file (INDEX_NAME) and read only the files
    that are new or changed since. None (default): when the folder has INDEX_MIN_RECORDS or
    more records, or already has an index.
    """
    try:
        entries = [
            e
            for e in os.scandir(folder)
            if e.name.endswith(".toml") and not e.name.startswith(".") and e.is_file()
        ]
    except FileNotFoundError:
        return []
    use = index
    if use is None:
        use = len(entries) >= INDEX_MIN_RECORDS or os.path.lexists(folder / INDEX_NAME)
    if not use:
        out = [read_summary(folder / e.name) for e in entries]
    else:
        folder_id = _folder_id(folder)
        old = _read_index(folder, folder_id)
        new: dict[str, list[Any]] = {}
        out = []
        changed = len(old) != len(entries)
        racy = time.time_ns() - _RACY_NS
        for e in entries:
            path = folder / e.name  # cheaper than Path(e.path): 10,000 of them
            try:
                st = _entry_stat(e.stat())
            except OSError:  # deleted since the scan
                changed = True
                continue
            cached = old.get(e.name)
            summary = _from_entry(path, st, cached)
            if summary is None or cached is None:
                summary = read_summary(path)
                cached = _to_entry(st, summary)
                changed = True
            out.append(summary)
            if st[0] < racy:
                new[e.name] = cached
            else:
                changed = True
        if changed:
            _write_index(folder, folder_id, new)
    epoch = datetime.min

    def key(s: RecordSummary) -> datetime:
        return s.started_at.replace(tzinfo=None) if s.started_at else epoch

    return sorted(out, key=key, reverse=True)


@dataclass(frozen=True)
class Draft:
    """An unfinished exam the start screen can offer to resume, with how far it got."""

    summary: RecordSummary
    #: Values answered, and values that apply (hidden items do not count), as record.progress.
    answered: int = 0
    applicable: int = 0
    #: Why it cannot be resumed: its header says draft but the record does not load.
    error: str | None = None

    @property
    def path(self) -> Path:
        return self.summary.path

    def describe(self, now: datetime | None = None) -> str:
        """One line for the start screen: ``Resume MRN-0042, started 09:30, 34 of 71 answered?``

        Times are shown in ``now``'s time zone (the computer's by default), with the date when
        the exam did not start on ``now``'s day.
        """
        now = now or datetime.now().astimezone()
        s = self.summary
        when = "at an unknown time"
        if s.started_at is not None:
            from exam_tui.timefmt import local_time, local_time_text

            started = local_time(s.started_at, now.tzinfo)
            # With the UTC offset: a time read as local must not be UTC in disguise.
            when = local_time_text(started, now.tzinfo, date=started.date() != now.date())
        if self.error:
            return f"{s.patient_id}, started {when}: cannot be resumed ({self.error})"
        progress = f"{self.answered} of {self.applicable} answered"
        return f"Resume {s.patient_id}, started {when}, {progress}?"


def find_drafts(
    folder: Path,
    checklist: Checklist | None = None,
    checklist_dirs: list[Path] | None = None,
    limit: int | None = None,
    summaries: list[RecordSummary] | None = None,
) -> list[Draft]:
    """The unfinished (draft) exams in a folder, newest first, each loaded to count its answers.

    Only drafts are loaded in full (list_records reads just the headers), so a folder of
    thousands of completed records costs what list_records costs. ``limit`` caps how many drafts
    are loaded; ``summaries`` is a listing the caller already has. A draft that does not load
    is returned with its error, never skipped silently.
    Stray temp files of interrupted saves are not records and never appear here.
    """
    drafts: list[Draft] = []
    for s in list_records(folder) if summaries is None else summaries:
        if s.status != "draft":
            continue
        if limit is not None and len(drafts) >= limit:
            break
        try:
            loaded = load_record(s.path, checklist, checklist_dirs)
        except RecordError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            item = f"item {exc.item!r}: " if exc.item else ""
            drafts.append(Draft(s, error=f"{where}{item}{exc.message}"))
            continue
        answered, applicable = progress(loaded.checklist, loaded.record)
        drafts.append(Draft(s, answered, applicable))
    return drafts


__all__ = [
    "ENV_RECORDS",
    "INDEX_NAME",
    "Draft",
    "LoadedRecord",
    "RecordSummary",
    "atomic_write_bytes",
    "clean_stray_temp_files",
    "default_records_dir",
    "dumps_record",
    "ensure_private_dir",
    "find_drafts",
    "list_records",
    "load_record",
    "new_record_path",
    "read_toml",
    "record_filename",
    "sanitise_id",
    "save_record",
]
