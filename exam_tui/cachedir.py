"""The user's cache folder: derived data only (checklists already validated, the records
folders' header indexes), owner-only, written atomically, never trusted when it does not check
out. Deleting it at any time loses nothing but time."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

ENV_CACHE = "EXAM_TUI_CACHE"
#: The largest cache file read.
MAX_CACHE_BYTES = 64 * 2**20


def cache_root() -> Path:
    """``$EXAM_TUI_CACHE``, else the platform's user cache folder for exam-tui."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    if sys.platform != "win32" and sys.platform != "darwin":
        # What platformdirs.user_cache_path gives on Linux and the BSDs, without its import.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if xdg.strip() else os.path.expanduser("~/.cache")
        return Path(base) / "exam-tui"
    from platformdirs import user_cache_path

    return user_cache_path("exam-tui", appauthor=False)


def read(name: str) -> bytes | None:
    """A cache file's bytes; None when there is none, or it is not a regular file of this
    user's that only this user can change, or it is larger than any we write."""
    path = cache_root() / name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (
            not _is_regular(st.st_mode)
            or st.st_size > MAX_CACHE_BYTES
            or (hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022))
        ):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def write(name: str, data: bytes) -> None:
    """Write a cache file atomically (0600 in 0700 folders). A cache that cannot be written is
    no error: the next run computes it again."""
    import tempfile

    root = cache_root()
    path = root / name
    with contextlib.suppress(OSError):
        # Owner-only, the cache folder itself included (mkdir's mode applies to the last
        # folder only: parents=True would leave it to the umask).
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)
