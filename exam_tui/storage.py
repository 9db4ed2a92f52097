"""Reading and writing record files: atomic saves, private permissions, safe names, migrations."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG as stat_is_regular
from typing import TYPE_CHECKING, Any, NamedTuple

if sys.platform == "win32":  # pragma: no cover - the lock and fsync differ on Windows
    import msvcrt
else:
    import fcntl


from exam_tui import cachedir
from exam_tui.checklist import (
    Checklist,
    find_checklist,
    load_checklist,
    read_toml,
    version_key,
)
from exam_tui.errors import ChecklistError, RecordConflictError, RecordError
from exam_tui.record import (
    SCHEMA_VERSION,
    InvalidRecordData,
    Record,
    copy_record,
    is_checklist_id,
    progress,
    record_from_data,
    validate_findings,
)
from exam_tui.textclean import clean
from exam_tui.values import Struct, replace

if TYPE_CHECKING:  # merging is imported when a save finds the file changed (~0.4 ms a start)
    from exam_tui.merge import Clash

#: Set to 1 to share a records folder with a group: folders exam-tui creates take the group
#: access (and setgid) of the folder they are created in, and files are group-readable and
#: -writable when their folder is. Unset: owner-only (0700 folders, 0600 files).
ENV_GROUP = "EXAM_TUI_GROUP_ACCESS"
#: Where the header index lives (default: the user's cache folder, e.g. ~/.cache/exam-tui).
ENV_CACHE = cachedir.ENV_CACHE
TMP_PREFIX = ".exam-tui-tmp-"
FILE_MODE = 0o600
DIR_MODE = 0o700

#: Schema migrations: MIGRATIONS[n] turns a version-n record (as a dict) into version n+1.
#: Version 1 is the first; add an entry here (and a test with a real old file) for each bump.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_WINDOWS_RESERVED = (
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def _group_access() -> bool:
    return os.environ.get(ENV_GROUP, "").strip().lower() in ("1", "yes", "true", "on")


def _new_dir_mode(parent: Path) -> int:
    """0700, or with the setting, 0700 plus the parent's group bits and setgid (a 2770 share
    folder gets 2770 subfolders, so the whole team can keep using them)."""
    if not _group_access():
        return DIR_MODE
    try:
        pm = os.stat(parent).st_mode
    except OSError:
        return DIR_MODE
    return DIR_MODE | (pm & 0o070) | (pm & stat.S_ISGID)


def file_mode(folder: Path) -> int:
    """0600, or with the setting, 0660 when the folder gives its group read and write."""
    if not _group_access():
        return FILE_MODE
    try:
        fm = os.stat(folder).st_mode
    except OSError:
        return FILE_MODE
    return FILE_MODE | (0o060 if fm & 0o060 == 0o060 else 0)


def ensure_private_dir(folder: Path, *, owner_only: bool = False) -> Path:
    """Create the records folder (and parents) if needed, owner-only (0700) whatever the umask.

    Parents created here are 0700 too: ``mkdir(parents=True)`` would make them 0777 under a
    umask of 0, and a world-writable parent lets anyone swap the records folder for their own.
    A folder that already exists is never chmod-ed: a shared 2770 folder set up by an
    administrator must keep its group access and setgid bit (see README, "Your data").
    ``owner_only``: 0700 even with the group-access setting (the cache).
    """
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for p in reversed(missing):
        mode = DIR_MODE if owner_only else _new_dir_mode(p.parent)
        with contextlib.suppress(FileExistsError):
            p.mkdir(mode=mode & 0o777)
            # mkdir's mode is masked by the umask (0o277 would leave us unable to write)
            os.chmod(p, mode)
    return folder


def _fchmod(fd: int, path: str | Path, mode: int) -> None:
    """os.fchmod where it exists (not on Windows before Python 3.13); chmod by name elsewhere,
    where only the read-only flag means anything."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    elif sys.platform != "win32":  # pragma: no cover - every POSIX Python has fchmod
        os.chmod(path, mode)


def _fsync(fd: int) -> None:
    """fsync that reaches the disk: on macOS fsync only hands the data to the drive's cache;
    F_FULLFSYNC asks the drive to write it (some file systems refuse: then plain fsync)."""
    if sys.platform != "win32":
        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:  # pragma: no cover - macOS
            try:
                fcntl.fcntl(fd, full)
                return
            except OSError:
                pass
    os.fsync(fd)


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
        # NFKC: the same id typed in two Unicode forms (é as one character or two) gets one
        # name, so a second exam in the same second takes a suffix instead of a second name.
        key = unicodedata.normalize("NFKC", patient_id).strip()
        import hashlib

        safe += "-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return safe


def record_filename(patient_id: str, started_at: datetime) -> str:
    return f"{sanitise_id(patient_id)}_{started_at.strftime('%Y%m%dT%H%M%S')}.toml"


def new_record_path(folder: Path, record: Record) -> Path:
    """A path in ``folder`` for a new record that does not clash with an existing file *now*
    (another window may take it a moment later: :func:`create_record` creates exclusively)."""
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
#: Records nest three levels ([findings.ITEM] left = ...) and have dotted keys of two or three
#: parts; tomllib recurses per level and is quadratic in dotted-key depth (an 80 KB key of
#: 40,000 parts ran for minutes, then MemoryError). Checked before parsing.
MAX_NESTING = 32
MAX_KEY_PARTS = 32

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_regular_file(path: Path, limit: int = MAX_RECORD_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, opened once.

    Anything else is refused with a RecordError naming the file: a FIFO (reading one would
    wait forever; O_NONBLOCK makes opening it return at once), a device or a symlink to one
    (/dev/zero never ends), a folder. At most ``limit`` + 1 bytes are read, whatever the file
    claims its size is. FileNotFoundError passes through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | _O_CLOEXEC
    try:
        fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise RecordError("is a folder, not a record file", path=path) from None
    except PermissionError:
        if path.is_dir():  # Windows cannot open a folder at all
            raise RecordError("is a folder, not a record file", path=path) from None
        raise RecordError("permission denied", path=path) from None
    except OSError as exc:
        raise RecordError(f"cannot read ({exc.strerror or exc})", path=path) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise RecordError("is a folder, not a record file", path=path)
        if not stat.S_ISREG(st.st_mode):
            raise RecordError(
                "is not a regular file (a device, pipe or socket); not read", path=path
            )
        if st.st_size > limit:
            raise RecordError(
                f"too large to be an exam record ({st.st_size:,} bytes; records are a few "
                "kilobytes)",
                path=path,
            )
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # it grew while we read it
            raise RecordError(
                f"too large to be an exam record (more than {limit:,} bytes)", path=path
            )
        return b"".join(chunks)
    except OSError as exc:
        raise RecordError(f"cannot read ({exc.strerror or exc})", path=path) from None
    finally:
        os.close(fd)


_SIGNIFICANT = re.compile(r"[\n#\"'\[\]{}=,.]")


def check_toml_shape(text: str, path: Path) -> None:
    """Refuse (RecordError) TOML nested more than MAX_NESTING levels or with a key of more than
    MAX_KEY_PARTS dotted parts, before tomllib sees it. Strings and comments are skipped, so
    brackets and dots inside them do not count; this only ever refuses what no record has.
    (A regex jumps between the characters that matter: ~0.1 ms for a 5 KB record.)"""
    depth = parts = line = 0
    in_value = False  # after '=': dots are in numbers and dates, not keys
    n = len(text)
    m = _SIGNIFICANT.search(text)
    while m is not None:
        i = m.start()
        c = text[i]
        if c == "\n":
            line += 1
            if depth == 0:
                in_value, parts = False, 0
        elif c == "#":
            j = text.find("\n", i)
            if j < 0:
                return
            i = j - 1
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            end = c * 3 if triple else c
            j = i + len(end)
            while True:
                k = text.find(end, j)
                if k < 0:
                    return  # unterminated: tomllib says where
                if c == '"' and _escaped(text, k):
                    j = k + 1
                    continue
                break
            if not triple and "\n" in text[i:k]:
                return  # a line break in a one-line string: tomllib says where
            line += text.count("\n", i, k)
            i = k + len(end) - 1
            if triple:  # up to two more quotes belong to the string
                while i + 1 < n and text[i + 1] == c:
                    i += 1
        elif c in "[{":
            depth += 1
            if c == "{":
                in_value, parts = False, 0
            if depth > MAX_NESTING:
                raise RecordError(
                    f"not valid as a record: nested more than {MAX_NESTING} levels deep",
                    path=path,
                    line=line + 1,
                )
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "=":
            in_value, parts = True, 0
        elif c == ",":
            in_value, parts = False, 0
        elif not in_value:  # a dot in a key
            parts += 1
            if parts >= MAX_KEY_PARTS:
                raise RecordError(
                    f"not valid as a record: a key of more than {MAX_KEY_PARTS} dotted parts",
                    path=path,
                    line=line + 1,
                )
        m = _SIGNIFICANT.search(text, i + 1)


def _escaped(text: str, k: int) -> bool:
    """Whether the quote at ``k`` is escaped (an odd number of backslashes before it)."""
    b = k
    while b > 0 and text[b - 1] == "\\":
        b -= 1
    return (k - b) % 2 == 1


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
    data = record.to_dict()
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
    import tomli_w  # only when writing

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


class LoadedRecord(Struct, frozen=False):
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
    upgraded = copy_record(record)
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
    import hashlib  # here: a start has nothing to fingerprint before its first save

    return hashlib.sha256(raw).hexdigest()


def file_fingerprint(path: Path) -> str | None:
    """The fingerprint of the file's content; None when there is no such file. Something
    that is not a record file (a folder, a FIFO, 1 GB) has the fingerprint of nothing we wrote."""
    try:
        return fingerprint_bytes(read_regular_file(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except RecordError as exc:
        if exc.message == "permission denied":
            raise PermissionError(13, "permission denied", str(path)) from None
        return "not-a-record:" + exc.message


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
    if not is_checklist_id(cid):
        # Never a path: a record must not choose which file the app reads as its rules.
        raise RecordError(f"checklist: {cid!r} is not a checklist id (a-z, 0-9 and '-')", path=path)
    version = data.get("checklist_version")
    version = version if isinstance(version, str) else None
    checklist = _checklist_for(cid, version, path, checklist, checklist_dirs)
    try:
        record = record_from_data(data)
    except InvalidRecordData as exc:
        errors = exc.errors
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
        raw = read_regular_file(p)
    except (FileNotFoundError, NotADirectoryError):
        raise RecordError("no such file", path=p) from None
    data = _parse_toml(raw, p)
    try:
        record, checklist, warnings = parse_record(data, p, checklist, checklist_dirs)
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        # The last line of defence: validation of hostile values must fail as one line.
        raise RecordError(f"not a valid record ({type(exc).__name__})", path=p) from None
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
    check_toml_shape(text, path)
    import tomllib  # here: `new` reads no record before its first frame

    try:
        return tomllib.loads(text)
    except RecursionError:
        # tomllib recurses per nesting level: `x = [[[[...` a few hundred deep overflows it
        raise RecordError("not valid TOML: nested too deeply", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", str(exc))
        return _raise_toml(path, int(m.group(1)) if m else None, msg)
    except ValueError as exc:
        # e.g. a 5,000-digit integer: int() refuses more than 4,300 digits (CVE-2020-10735)
        reason = "a number too long to read" if "digits" in str(exc) else "a value out of range"
        raise RecordError(f"not valid as a record: {reason}", path=path) from None
    except (OverflowError, MemoryError) as exc:
        raise RecordError(
            f"not valid as a record: too large to read ({type(exc).__name__})", path=path
        ) from None


def _raise_toml(path: Path, line: int | None, msg: str) -> dict[str, Any]:
    raise RecordError(f"not valid TOML: {msg}", path=path, line=line)


# ----------------------------------------------------------------------------- writing


def _write_temp(folder: Path, data: bytes, mode: int) -> str:
    """A temp file in ``folder`` holding ``data``, ``mode``, flushed and synced to disk."""
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".toml", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            _fchmod(fh.fileno(), tmp, mode)
            fh.write(data)
            fh.flush()
            _fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def _fsync_folder(folder: Path) -> None:
    """Make a rename or a new name in ``folder`` survive power loss (not possible on Windows)."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            _fsync(dfd)
        finally:
            os.close(dfd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so the file is either the old or the new content, never half.

    Temp file in the same folder (so ``os.replace`` is atomic), created 0600, flushed and
    fsynced, renamed over the target, then the folder fsynced so the rename survives power loss.
    """
    folder = path.parent
    tmp = _write_temp(folder, data, file_mode(folder))
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


# ----------------------------------------------------------------------------- the save lock
#
# Two windows saving one record: "has the file changed since I read it?" and the rename must be
# one step, or both see the file unchanged and the second rename silently discards the first
# save (1,141 of 2,721 saves in a stress test). An OS lock (flock; msvcrt.locking on Windows)
# on a small hidden file beside the record makes them one step for every exam-tui on this
# computer and, where the file system passes locks on (NFS v4, SMB), on the others of a share.
#
# The lock file exists only while a save holds it (a folder of 10,000 records does not get
# 10,000 lock files): the holder deletes it before unlocking, and whoever then gets the lock
# on the deleted file sees that the name no longer leads to it and tries again. (Windows
# cannot delete an open file: there the empty lock files stay.)

#: A save takes milliseconds; a lock held this long belongs to a hung program.
LOCK_TIMEOUT_S = 10.0


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":  # pragma: no cover
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as exc:
        if sys.platform == "win32":  # pragma: no cover - EACCES/EDEADLK: held by another
            return False
        raise exc
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock(lock: Path, mode: int) -> int:
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, FILE_MODE)
        _fchmod(fd, lock, mode)
        return fd
    except FileExistsError:
        return os.open(lock, os.O_RDWR | _O_CLOEXEC | _O_NOFOLLOW)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


@contextlib.contextmanager
def record_lock(path: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the save lock of the record at ``path`` (RecordError when it cannot be had)."""
    lock = lock_path(path)
    mode = file_mode(path.parent)
    deadline = time.monotonic() + timeout_s
    delay = 0.0005
    while True:
        try:
            fd = _open_lock(lock, mode)
        except FileNotFoundError:  # deleted between the two opens: try again
            continue
        except OSError as exc:
            raise RecordError(
                f"could not save ({exc.strerror or exc}); the previous version is intact",
                path=path,
            ) from None
        try:
            while not _try_lock(fd):
                if time.monotonic() > deadline:
                    raise RecordError(
                        f"another program has been saving this record for {timeout_s:g} s; "
                        "not saved (the change is kept here: try again)",
                        path=path,
                    )
                time.sleep(delay)  # a save holds the lock for milliseconds
                delay = min(delay * 2, 0.005)
        except BaseException:
            os.close(fd)
            raise
        if sys.platform == "win32" or _same_file(fd, lock):  # pragma: no branch
            break
        os.close(fd)  # the holder we waited for deleted it: lock the current one
    try:
        yield
    finally:
        try:
            if sys.platform != "win32":
                with contextlib.suppress(OSError):
                    os.unlink(lock)
            _unlock(fd)
        finally:
            os.close(fd)


# ----------------------------------------------------------------------------- saving


def _conflict(path: Path, expected: str | None, current: str | None) -> RecordConflictError:
    what = (
        "was created" if expected is None else ("was deleted" if current is None else "was changed")
    )
    return RecordConflictError(
        f"{what} by another program since it was opened here; not overwritten "
        "(reopen the record to see both versions' changes)",
        path=path,
    )


def _current(path: Path) -> str | None:
    try:
        return file_fingerprint(path)
    except OSError as exc:  # e.g. permission denied: we cannot tell whether it changed
        reason = exc.strerror or exc
        raise RecordError(
            f"could not check the file before saving ({reason}); not saved", path=path
        ) from None


def _prepare_folder(folder: Path) -> None:
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise RecordError(
            f"could not save ({exc.strerror or exc}); the previous version is intact", path=folder
        ) from None


def _write(p: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(p, data)
    except OSError as exc:
        raise RecordError(
            f"could not save ({exc.strerror or exc}); the previous version is intact", path=p
        ) from None


def save_record(
    path: Path | str, record: Record, expected: str | None = None, *, check: bool = True
) -> str:
    """Atomically write the record and return the new file fingerprint.

    With ``check``, refuse (RecordConflictError) when the file on disk is no longer the one we
    loaded or last saved (``expected``; None means the file must not exist yet): another
    window saved it, so writing would silently lose that clinician's edits. The check and the
    rename happen under the record's lock (:func:`record_lock`), so no other exam-tui can save
    in between. :func:`save_merging` merges instead of refusing.
    """
    p = Path(path)
    data = dumps_record(record).encode("utf-8")
    _prepare_folder(p.parent)
    with record_lock(p):
        if check:
            current = _current(p)
            if current != expected:
                raise _conflict(p, expected, current)
        _write(p, data)
    return fingerprint_bytes(data)


#: How many suffixes (name-2.toml, name-3.toml, ...) a new record tries before giving up.
MAX_NAME_SUFFIX = 1000


def create_record(folder: Path, record: Record) -> tuple[Path, str]:
    """Save a new record under a name no other file has, and return (path, fingerprint).

    Two exams of one patient started in the same second want the same name: the file is
    written to a temp file and then hard-linked to its name, which fails if the name exists
    (atomically, also against other computers on NFS/SMB), and then ``-2``, ``-3``... are
    tried. File systems without hard links reserve the name with O_EXCL and then rename the
    temp file onto it. An existing file is never replaced.
    """
    folder = Path(folder)
    _prepare_folder(folder)
    data = dumps_record(record).encode("utf-8")
    base = record_filename(record.patient.id, record.exam.started_at)
    try:
        tmp = _write_temp(folder, data, file_mode(folder))
    except OSError as exc:
        raise RecordError(f"could not save ({exc.strerror or exc})", path=folder / base) from None
    try:
        for n in itertools.count(1):
            if n > MAX_NAME_SUFFIX:
                raise RecordError("could not find a free file name; not saved", path=folder / base)
            path = folder / (base if n == 1 else base.replace(".toml", f"-{n}.toml"))
            try:
                if _claim(tmp, path):
                    break
            except OSError as exc:
                raise RecordError(f"could not save ({exc.strerror or exc})", path=path) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_folder(folder)
    return path, fingerprint_bytes(data)


def _claim(tmp: str, path: Path) -> bool:
    """Give the written temp file the name ``path`` if no file has it; False if one does."""
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError:  # no hard links here (FAT, some SMB shares): reserve the name, then rename
        pass
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    os.replace(tmp, path)
    return True


class SaveOutcome(Struct, frozen=False):
    """What :func:`save_merging` did.

    ``saved``: the file now holds ``record``, whose fingerprint is ``fingerprint``.
    Not saved: another program changed the same values (``clashes``); ``record`` is the merge
    with this window's values in the clashing places, and ``fingerprint`` the file's current
    one: after asking the user, save the resolved record with ``save_record(path, resolved,
    outcome.fingerprint)``, or call save_merging again with ``theirs`` as the new base.
    """

    saved: bool
    record: Record
    fingerprint: str | None
    #: The record on disk when it had changed (None when it had not).
    theirs: Record | None
    clashes: list[Clash]
    #: The fingerprint of the content this save replaced.
    replaced: str | None = None


def save_merging(
    path: Path | str,
    base: Record,
    ours: Record,
    expected: str | None,
    checklist: Checklist | None = None,
) -> SaveOutcome:
    """Save ``ours``; if another window changed the file since ``expected`` (the state
    ``base`` was read or saved as), merge three ways under the lock: changes to different
    values are combined and saved, values both changed differently are returned as clashes
    and nothing is written."""
    p = Path(path)
    _prepare_folder(p.parent)
    with record_lock(p):
        current = _current(p)
        if current == expected:
            data = dumps_record(ours).encode("utf-8")
            _write(p, data)
            return SaveOutcome(True, ours, fingerprint_bytes(data), None, [], current)
        if current is None:
            raise _conflict(p, expected, current)
        theirs = load_record(p, checklist)
        from exam_tui.merge import merge_records

        result = merge_records(base, ours, theirs.record)
        if result.clashes:
            return SaveOutcome(
                False, result.record, theirs.fingerprint, theirs.record, result.clashes, None
            )
        data = dumps_record(result.record).encode("utf-8")
        _write(p, data)
        return SaveOutcome(True, result.record, fingerprint_bytes(data), theirs.record, [], current)


# ----------------------------------------------------------------------------- the folder


class RecordSummary(NamedTuple):
    """A record's header for the picker, read without validating its findings.

    A NamedTuple rather than a frozen dataclass: as immutable, and built in ~0.6 µs instead of
    ~6 (a frozen dataclass sets each field through ``object.__setattr__``), which was 60 ms of
    listing 10,000 records at every start (benchmarks/bench_records.py).
    """

    path: Path
    patient_id: str
    started_at: datetime | None
    status: str
    examiner: str
    error: str | None = None
    #: The checklist the record names (which exam it is), e.g. its id.
    checklist: str = ""


#: Copies a sync tool makes when two computers changed one file: Dropbox and Nextcloud
#: ("x (conflicted copy 2026-11-28).toml", "x (Alice's conflicted copy).toml"), Syncthing
#: ("x.sync-conflict-20261128-093000-ABCDEFG.toml"), Google Drive and OneDrive ("x (1).toml").
#: Our own second names are "x-2.toml", never with brackets.
SYNC_CONFLICT = re.compile(r"conflicted copy|\.sync-conflict-|\s\(\d+\)\.toml$", re.IGNORECASE)
CONFLICT_COPY = (
    "a sync tool's conflict copy, not a record: compare it with the original by hand, then "
    "remove it"
)


def is_sync_conflict(name: str) -> bool:
    # Every match has "(" or "onfl" (in any case: no letter of it has a non-ASCII
    # case-insensitive twin in re, unlike i, k and s): the regex is skipped for ordinary names,
    # ~10 ms of listing 10,000 records.
    if "(" not in name and "onfl" not in name.lower():
        return False
    return SYNC_CONFLICT.search(name) is not None


def iter_record_files(folder: Path) -> Iterator[Path]:
    """Record files in a folder, skipping temp files of interrupted saves and hidden files.
    Sync-conflict copies are included (list_records marks them)."""
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


def _remove_stale_locks(folder: Path) -> None:
    """Delete save-lock files left by a program killed mid-save (the OS released its lock):
    each is deleted only while we hold its lock, as record_lock's holders do."""
    if sys.platform == "win32":  # pragma: no cover - open files cannot be deleted there
        return
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".toml.lock")]
    except OSError:
        return
    for name in names:
        lock = folder / name
        try:
            fd = os.open(lock, os.O_RDWR | _O_CLOEXEC | _O_NOFOLLOW)
        except OSError:
            continue
        try:
            if _try_lock(fd):
                try:
                    if _same_file(fd, lock):
                        with contextlib.suppress(OSError):
                            os.unlink(lock)
                finally:
                    _unlock(fd)
        finally:
            os.close(fd)


def clean_stray_temp_files(folder: Path, min_age_s: float = 0.0) -> list[Path]:
    """Remove temp files of interrupted saves (and their unheld lock files). The record they
    were replacing is intact (the rename never happened), so at most the one answer being
    saved at the crash is lost.

    ``min_age_s`` spares files younger than that: another window may be mid-save right now.
    """
    import time

    removed = []
    now = time.time()
    _remove_stale_locks(folder)
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
#: Compiled when first used (listing a folder): ~1 ms of every start otherwise.
_HEADER_LINE = (
    r'([A-Za-z0-9_-]+) = (?:"([^"\\\x00-\x1f\x7f]*)"|(-?(?:0|[1-9][0-9]*))|(true|false)'
    r"|([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?))"
)
_HEADER_TABLE = r"\[([A-Za-z0-9_-]+)\]"


@functools.cache
def _header_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(_HEADER_LINE), re.compile(_HEADER_TABLE)


def _parse_header_fast(head: str) -> dict[str, Any] | None:
    """The header as tomllib would parse it, or None when it is not in the plain form we write.

    tomllib is pure Python and ~80% of listing a folder was spent in it (benchmarks/); headers
    written by exam-tui are a dozen ``key = value`` lines in two tables.
    """
    data: dict[str, Any] = {}
    table = data
    header_line, header_table = _header_patterns()
    for line in head.split("\n"):
        if not line:
            continue
        m = header_line.fullmatch(line)
        if m is None:
            t = header_table.fullmatch(line)
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


BAD_STARTED_AT = "exam.started_at is not a date and time with an offset (or is out of range)"


def _timestamp(value: object) -> datetime | None:
    """A header datetime the app can show and sort: with an offset, and within range in UTC."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return value


def read_summary(path: Path) -> RecordSummary:
    """The header of one record file; never raises: a bad file gets ``error`` (one line)."""
    try:
        return _read_summary(path)
    except RecordError as exc:
        return RecordSummary(path, "?", None, "error", "", error=exc.message)
    except (ValueError, OverflowError, RecursionError, MemoryError, OSError) as exc:
        return RecordSummary(
            path, "?", None, "error", "", error=f"unreadable ({type(exc).__name__})"
        )


def _read_summary(path: Path) -> RecordSummary:
    import tomllib

    if is_sync_conflict(path.name):
        return RecordSummary(path, "?", None, "conflict copy", "", error=CONFLICT_COPY)
    try:
        text = read_regular_file(path).decode("utf-8")
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
                check_toml_shape(head, path)
                with contextlib.suppress(tomllib.TOMLDecodeError):
                    data = tomllib.loads(head)
        if not {"status", "patient", "exam"} <= data.keys():
            check_toml_shape(text, path)
            data = tomllib.loads(text)
        patient = data.get("patient", {})
        exam = data.get("exam", {})
        started = exam.get("started_at")
        when = _timestamp(started)
        return RecordSummary(
            path=path,
            patient_id=str(patient.get("id", "?")),
            started_at=when,
            status=str(data.get("status", "?")),
            examiner=str(exam.get("examiner", "")),
            error=(None if when is not None or started is None else BAD_STARTED_AT),
            checklist=str(data.get("checklist", "")),
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

INDEX_FORMAT = "exam-tui-header-index"
INDEX_VERSION = 3  # 3: the record's checklist (which exam)
#: Folders with fewer records are read without writing an index (unless one is there): ~0.2 ms
#: a header, so the index would cost more than it saves.
INDEX_MIN_RECORDS = 200
#: Files modified this recently are not indexed: a file changed twice within the file system's
#: timestamp granularity, keeping its size and inode, would otherwise look unchanged.
_RACY_NS = 2_000_000_000

_Stat = tuple[int, int, int]


def _entry_stat(st: os.stat_result) -> _Stat:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _folder_id(folder: Path) -> str:
    """The records folder's resolved path: the same on every start, unlike device and inode
    numbers, which differ on every client of a network share."""
    return str(folder.resolve())


def index_path(folder: Path) -> Path:
    """Where the header index of ``folder`` lives: in this user's cache folder, one file per
    records folder. Not in the records folder: on a share, every clinician's computer would
    rewrite the others' index, and it is a cache, not data to back up or sync."""
    import hashlib

    key = hashlib.sha256(os.fsencode(_folder_id(folder))).hexdigest()[:32]
    return cachedir.cache_root() / "index" / f"{key}.json"


def _read_index(folder: Path, folder_id: str) -> dict[str, list[Any]]:
    """The index's entries by file name; {} when there is none, or it is corrupt or foreign."""
    import json

    path = index_path(folder)
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


def _to_entry(st: _Stat, s: RecordSummary) -> list[Any]:
    started = s.started_at.isoformat() if s.started_at is not None else None
    return [*st, s.patient_id, started, s.status, s.examiner, s.error, s.checklist]


def _write_index(folder: Path, folder_id: str, entries: dict[str, list[Any]]) -> None:
    """Replace the index atomically, 0600. No fsync: a torn index is ignored and rebuilt."""
    import json

    data = json.dumps(
        {"format": INDEX_FORMAT, "version": INDEX_VERSION, "folder": folder_id, "entries": entries},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    target = index_path(folder)
    try:
        ensure_private_dir(target.parent, owner_only=True)  # it holds patient ids
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".json", dir=target.parent)
    except OSError:  # no cache folder to be had: list without an index
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            _fchmod(fh.fileno(), tmp, FILE_MODE)
            fh.write(data)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """The garbage collector held off while a listing is built: every object it makes lives
    as long as the listing, so a collection finds nothing to free, and at 10,000 records the
    collections it set off (~130 young ones, and one of everything the app had loaded) were
    ~40 ms of showing the list. Switched back on after (unless it was off already)."""
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def list_records(folder: Path, *, index: bool | None = None) -> list[RecordSummary]:
    """Headers of every record in the folder, newest exam first.

    ``index``: keep the headers in the folder's index (:func:`index_path`, in the cache) and
    read only the files that are new or changed since. None (default): when the folder has
    INDEX_MIN_RECORDS or more records, or already has an index.
    """
    with _no_collections():
        return _list_records(folder, index)


def _list_records(folder: Path, index: bool | None) -> list[RecordSummary]:
    try:
        entries = [
            e
            for e in os.scandir(folder)
            if e.name.endswith(".toml") and not e.name.startswith(".") and e.is_file()
        ]
    except OSError:  # no folder (yet), or not one we may read: nothing to list
        return []
    use = index
    if use is None:
        use = len(entries) >= INDEX_MIN_RECORDS or os.path.lexists(index_path(folder))
    out: list[RecordSummary] = []
    #: The sort key of each summary in ``out``: its start as ISO text (see _sort_key).
    keys: list[str] = []
    if not use:
        child = _child_path(folder)
        for e in entries:
            summary = read_summary(child(e.name))
            out.append(summary)
            keys.append(_sort_key(summary))
    else:
        out, keys = _list_with_index(folder, entries)
    # Sorting indexes by precomputed keys: a key function per comparison-free pass still cost
    # ~4 µs a record (a datetime built per record) at 10,000 records.
    order = sorted(range(len(out)), key=keys.__getitem__, reverse=True)
    return [out[i] for i in order]


def _child_path(folder: Path) -> Callable[[str], Path]:
    """``folder / name`` for the names os.scandir gives (never a separator), fast.

    ``/`` parses its argument for separators and drives: ~5 µs a path, 50 ms of listing 10,000
    records (benchmarks/bench_records.py). pathlib's own child constructor skips that; it is
    private, so ``joinpath`` is the fallback where it is missing (tests/test_storage_index.py
    checks the paths either way, and that the fast one is used where it exists).
    """
    make = getattr(folder, "_make_child_relpath", None)
    return make if callable(make) else folder.joinpath


def _sort_key(s: RecordSummary) -> str:
    """Newest first by the start's date and time as written in the record (its own offset, as
    before): ISO text sorts as the naive datetime does ("+"/"-" of an offset sort before the
    "." of a fraction of a second); no start sorts last."""
    return s.started_at.isoformat() if s.started_at is not None else ""


def _list_with_index(
    folder: Path, entries: list[os.DirEntry[str]]
) -> tuple[list[RecordSummary], list[str]]:
    """The summaries (and sort keys) of ``entries``, from the index where a file is unchanged.

    The loop is written for 10,000 records at every start (benchmarks/bench_records.py): one
    stat per file (the index is only believed for a file whose mtime, size and inode match),
    the entry checked field by field, and no intermediate tuples or lists.
    """
    folder_id = _folder_id(folder)
    old = _read_index(folder, folder_id)
    new: dict[str, list[Any]] = {}
    out: list[RecordSummary] = []
    keys: list[str] = []
    changed = len(old) != len(entries)
    racy = time.time_ns() - _RACY_NS
    fromiso = datetime.fromisoformat
    child = _child_path(folder)
    for e in entries:
        name = e.name
        path = child(name)
        try:
            st = e.stat()
        except OSError:  # deleted since the scan
            changed = True
            continue
        mtime = st.st_mtime_ns
        cached: Any = old.get(name)
        summary = None
        if (
            type(cached) is list
            and len(cached) == 9
            and cached[0] == mtime
            and cached[1] == st.st_size
            and cached[2] == st.st_ino
        ):
            _, _, _, patient_id, started, status, examiner, error, checklist = cached
            if (
                type(patient_id) is str
                and type(status) is str
                and type(examiner) is str
                and type(checklist) is str
                and (error is None or type(error) is str)
                # an index written before conflict copies were recognised
                and (error == CONFLICT_COPY) == is_sync_conflict(name)
            ):
                when = None
                if type(started) is str:
                    # not contextlib.suppress: a context manager per record costs ~1 µs
                    try:  # noqa: SIM105
                        when = fromiso(started)
                    except ValueError:
                        pass
                if started is None or when is not None:
                    summary = RecordSummary(
                        path, patient_id, when, status, examiner, error, checklist
                    )
                    keys.append(started or "")
        if summary is None:
            summary = read_summary(path)
            cached = _to_entry(_entry_stat(st), summary)
            keys.append(cached[4] or "")
            changed = True
        out.append(summary)
        if mtime < racy:
            new[name] = cached
        else:
            changed = True
    if changed:
        _write_index(folder, folder_id, new)
    return out, keys


class Draft(Struct):
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
        who = clean(s.patient_id)  # the dialog shows it: no escape sequence reaches the terminal
        if self.error:
            return f"{who}, started {when}: cannot be resumed ({clean(self.error)})"
        progress = f"{self.answered} of {self.applicable} answered"
        return f"Resume {who}, started {when}, {progress}?"


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
    "ENV_CACHE",
    "ENV_GROUP",
    "Draft",
    "LoadedRecord",
    "RecordSummary",
    "SaveOutcome",
    "atomic_write_bytes",
    "clean_stray_temp_files",
    "create_record",
    "dumps_record",
    "ensure_private_dir",
    "find_drafts",
    "index_path",
    "is_sync_conflict",
    "list_records",
    "load_record",
    "lock_path",
    "new_record_path",
    "read_regular_file",
    "read_toml",
    "record_filename",
    "record_lock",
    "sanitise_id",
    "save_merging",
    "save_record",
]
