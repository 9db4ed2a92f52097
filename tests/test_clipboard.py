"""Which clipboard tool is used where, and what it is given."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from exam_tui import clipboard


def fake_tool(folder: Path, name: str, exit_status: int = 0) -> Path:
    """A script named like a clipboard tool that keeps what it is given (in NAME.got)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    got = folder / f"{name}.got"
    cat = shutil.which("cat", path=os.defpath)  # PATH may hold only the fake tools
    script.write_text(f'#!/bin/sh\n{cat} > "{got}"\nexit {exit_status}\n', "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_macos_uses_pbcopy() -> None:
    assert clipboard.candidates("darwin", {})[0] == ["pbcopy"]


def test_windows_uses_clip_exe() -> None:
    assert clipboard.candidates("win32", {}) == [["clip.exe"]]


def test_wayland_before_x11_then_wsl() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert [c[0] for c in clipboard.candidates("linux", env)] == [
        "wl-copy",
        "xclip",
        "xsel",
        "clip.exe",
    ]
    assert clipboard.candidates("linux", {}) == [["clip.exe"]]  # a console: only WSL's


def test_the_first_installed_tool_is_chosen() -> None:
    installed = {"xsel": "/usr/bin/xsel", "clip.exe": "/mnt/c/Windows/system32/clip.exe"}
    tool = clipboard.find_tool("linux", {"DISPLAY": ":0"}, installed.get)
    assert tool == ["/usr/bin/xsel", "--clipboard", "--input"]
    assert clipboard.find_tool("darwin", {}, {}.get) is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell script as the fake tool")
def test_copy_with_gives_the_text_and_reports_failure(tmp_path: Path) -> None:
    text = "Summary — L5 → MRC 3/5\n"
    ok = fake_tool(tmp_path, "wl-copy")
    assert clipboard.copy_with([str(ok)], text) is None
    assert (tmp_path / "wl-copy.got").read_text("utf-8") == text
    clip = fake_tool(tmp_path, "clip.exe")
    assert clipboard.copy_with([str(clip)], text) is None
    assert (tmp_path / "clip.exe.got").read_bytes() == text.encode("utf-16")  # with its BOM
    broken = fake_tool(tmp_path / "b", "xclip", exit_status=1)
    assert clipboard.copy_with([str(broken)], text) == "exit status 1"
    assert clipboard.copy_with([str(tmp_path / "missing")], text)
