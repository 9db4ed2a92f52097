"""The user's settings file (TOML): examiner name, records folder, default side and checklist.

It lives in the platform's config folder (``~/.config/exam-tui/config.toml`` on Linux,
``~/Library/Application Support/exam-tui/config.toml`` on macOS, ``%LOCALAPPDATA%`` on
Windows), or wherever ``$EXAM_TUI_CONFIG`` or ``--config FILE`` says. Every setting is
optional; command-line options win over it. A file that is there but wrong stops the program
with one line naming the file (and line or setting): a setting silently ignored could put a
patient's exam in the wrong folder or under the wrong name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from exam_tui.errors import ExamTuiError
from exam_tui.values import Struct

ENV_CONFIG = "EXAM_TUI_CONFIG"
#: The records folder when neither the command line nor the settings file names one.
ENV_RECORDS = "EXAM_TUI_RECORDS"
SIDES = ("left", "right", "both")
#: Each setting and what it holds, as the error messages say it.
SETTINGS = {
    "examiner": "your name, as recorded in each exam",
    "records": "the records folder",
    "side": "the default affected side: " + ", ".join(SIDES),
    "checklist": "the id of the checklist for new exams (exam-tui validate lists them)",
}
EXAMPLE = """\
examiner = "A. Clinician"
records = "~/exams"          # relative to this file's folder unless absolute or ~
side = "left"                # left, right or both
checklist = "my-exam"           # a checklist id: exam-tui validate lists them
"""


class ConfigError(ExamTuiError):
    """The settings file could not be read or holds a wrong setting."""


class Config(Struct):
    """The settings read; None for each one the file does not set."""

    examiner: str | None = None
    records: Path | None = None
    side: str | None = None
    checklist: str | None = None
    #: The file the settings came from; None when there was none.
    path: Path | None = None


def default_config_path() -> Path:
    """$EXAM_TUI_CONFIG, or config.toml in the platform's per-user config folder."""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path  # ~4 ms: only when the settings are needed

    return user_config_path("exam-tui", appauthor=False) / "config.toml"


def default_records_dir() -> Path:
    """$EXAM_TUI_RECORDS, or the platform's per-user data folder (e.g.
    ~/.local/share/exam-tui/records). Here, not in storage: a start finds its folder without
    importing storage, which the exam needs only for its first save (~2 ms)."""
    env = os.environ.get(ENV_RECORDS)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("exam-tui", appauthor=False) / "records"


def load_config(path: Path | None = None) -> Config:
    """The settings in ``path`` (which must exist), or in the default file if there is one."""
    if path is None:
        path = default_config_path()
        if not os.environ.get(ENV_CONFIG) and not path.exists():
            return Config()  # no settings file: nothing to say
    return parse_config(_read(path), path)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("no such settings file", path=path) from None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a settings file", path=path) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror or exc})", path=path) from None
    import tomllib  # only with a settings file: a start without one does without it (~3 ms)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib ends its message with "(at line L, column C)": name the line the usual way.
        msg = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)$", msg)
        line = int(found.group(1)) if found else None
        msg = msg[: found.start()].strip() if found else msg
        raise ConfigError(f"not valid TOML: {msg}", path=path, line=line) from None


def parse_config(data: dict[str, Any], path: Path) -> Config:
    """Check each setting; a relative ``records`` folder is relative to the file's folder."""
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"unknown setting {unknown[0]!r} (known: {', '.join(SETTINGS)})", path=path
        )
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"setting {key!r} must be a non-empty string: {SETTINGS[key]}", path=path
            )
    side = data.get("side")
    if side is not None and side not in SIDES:
        raise ConfigError(f"setting 'side' is {side!r}: {SETTINGS['side']}", path=path)
    records = None
    if "records" in data:
        records = Path(data["records"]).expanduser()
        if not records.is_absolute():
            records = path.parent / records
    checklist = data.get("checklist")
    if checklist is not None:
        from exam_tui.checklist import find_checklist

        if find_checklist(checklist) is None:
            raise ConfigError(
                f"setting 'checklist' is {checklist!r}: no bundled checklist has that id",
                path=path,
            )
    return Config(
        examiner=data.get("examiner"), records=records, side=side, checklist=checklist, path=path
    )
