"""Hostile record files through the CLI: each gives exit 2 and one line naming the file, with
no traceback and no escape sequence, and leaves the file as it was (issue 15)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from exam_tui import cli


def _header(text: str) -> str:
    return text.split("[findings")[0]


def _replace(pattern: str, repl: str) -> Callable[[str], str]:
    def make(text: str) -> str:
        new, n = re.subn(pattern, lambda _: repl, text, count=1, flags=re.M)
        assert n == 1, pattern
        return new

    return make


#: name -> a function from the saved sample record's text to the hostile text
CASES: dict[str, Callable[[str], str]] = {
    "5000-digit-integer": lambda t: f"x = {'7' * 5000}\n" + t,
    "5000-digit-value": lambda t: t + f"\n[findings.pain_score]\nvalue = {'9' * 5000}\n",
    "far-future-start": _replace(r"^started_at = .*$", "started_at = 9999-12-31T23:59:59-12:00"),
    "started-at-zero": _replace(r"^started_at = .*$", "started_at = 0"),
    "started-at-string": _replace(r"^started_at = .*$", 'started_at = "2026-11-28T09:30:00Z"'),
    "started-at-naive": _replace(r"^started_at = .*$", "started_at = 2026-11-28T09:30:00"),
    "updated-at-naive": _replace(
        r"^started_at = .*$", "started_at = 2026-11-28T09:30:00Z\nupdated_at = 2026-11-28T09:31:00"
    ),
    "checklist-absolute-path": _replace(r"^checklist = .*$", 'checklist = "/etc/evil"'),
    "checklist-parent-path": _replace(r"^checklist = .*$", 'checklist = "../x"'),
    "checklist-with-escape": _replace(
        r"^checklist = .*$", r'checklist = "posterior-thigh-pain\u001b]0;owned\u0007"'
    ),
    "deep-dotted-key": lambda t: "a" + ".a" * 40_000 + " = 1\n" + t,
    "deep-array": lambda t: "x = " + "[" * 5_000 + "]" * 5_000 + "\n" + t,
    "deep-inline-table": lambda t: "x = " + "{a = " * 2_000 + "1" + "}" * 2_000 + "\n" + t,
    "too-large": lambda t: t + "\n# " + "x" * (1024 * 1024) + "\n",
    "binary": lambda t: "\x00\x01\x02" + t,
    "not-utf8": lambda t: t,  # written as Latin-1 with a non-ASCII byte below
    "escape-in-key": lambda t: t + '\n[findings."slr\x1b[2J"]\nleft = "positive"\n',
    "nul-in-value": _replace(r'^id = "MRN-0042"$', 'id = "MRN\\u0000"'),
}


def _write(case: str, saved_record: Path) -> Path:
    text = CASES[case](saved_record.read_text("utf-8"))
    path = saved_record.with_name(f"hostile-{case}.toml")
    if case == "not-utf8":
        path.write_bytes(text.replace("A. Clinician", "A. Cl\xefnician").encode("latin-1"))
    else:
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def _one_line_naming(err: str, path: Path) -> None:
    assert "Traceback" not in err
    assert "\x1b" not in err and "\x07" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert str(path) in lines[0], err
    assert lines[0].startswith("exam-tui: ")


@pytest.mark.parametrize("command", ["summary", "flags"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_record_gives_one_line_naming_it(
    case: str, command: str, saved_record: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(case, saved_record)
    before = path.read_bytes()
    assert cli.main([command, str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    _one_line_naming(err, path)
    assert path.read_bytes() == before


def _special_files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, target in (("devzero", "/dev/zero"), ("urandom", "/dev/urandom")):
        if os.path.exists(target):
            link = tmp_path / f"{name}.toml"
            link.symlink_to(target)
            out[name] = link
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.toml"
        os.mkfifo(fifo)
        out["fifo"] = fifo
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    out["folder"] = folder
    dangling = tmp_path / "dangling.toml"
    dangling.symlink_to(tmp_path / "nowhere")
    out["dangling"] = dangling
    return out


def test_special_files_are_refused_at_once(tmp_path: Path) -> None:
    """/dev/zero and /dev/urandom (behind a .toml symlink) used to be read until memory ran
    out; a FIFO hung forever. In a subprocess with a timeout: a hang fails, not blocks."""
    for name, path in _special_files(tmp_path).items():
        r = subprocess.run(
            [sys.executable, "-m", "exam_tui", "summary", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 2, (name, r.stderr)
        _one_line_naming(r.stderr, path)


def test_listing_and_drafts_skip_every_hostile_file(saved_record: Path, tmp_path: Path) -> None:
    """One bad file never stops the listing: each is listed with its one-line error (or, for
    what is not a regular file, not at all)."""
    from exam_tui.storage import find_drafts, list_records

    folder = saved_record.parent
    paths = {_write(case, saved_record) for case in CASES}
    for special in _special_files(folder).values():
        assert special.exists() or special.is_symlink()
    for index in (False, True, True):  # without, then writing, then reading the index
        listed = {s.path: s for s in list_records(folder, index=index)}
        assert saved_record in listed and listed[saved_record].error is None
        for draft in find_drafts(folder, summaries=list(listed.values())):
            line = draft.describe()
            assert "\n" not in line and "\x1b" not in line
        assert set(listed) <= paths | {saved_record}


def test_summary_output_refuses_records_and_toml(
    saved_record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`summary A --output B.toml` replaced patient B's record with text."""
    other = saved_record.with_name("patient-b.toml")
    other.write_bytes(saved_record.read_bytes())
    renamed = tmp_path / "patient-b-record"  # a record whatever its name
    renamed.write_bytes(saved_record.read_bytes())
    new_toml = tmp_path / "new.TOML"
    for target in (other, renamed, new_toml, saved_record):
        before = target.read_bytes() if target.exists() else None
        assert cli.main(["summary", str(saved_record), "--output", str(target)]) == 2
        _, err = capsys.readouterr()
        _one_line_naming(err, target)
        assert (target.read_bytes() if target.exists() else None) == before
    ok = tmp_path / "summary.txt"
    assert cli.main(["summary", str(saved_record), "--output", str(ok)]) == 0
    assert "MRN-0042" in ok.read_text("utf-8")
