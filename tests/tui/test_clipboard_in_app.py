"""The summary's copy key: OSC 52 and the platform's clipboard tool, and it says which."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exam_tui import clipboard
from exam_tui.clipboard import find_tool as real_find_tool
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.summary import SummaryScreen
from tests.test_clipboard import fake_tool
from tests.tui.waiting import wait_for_exam, wait_for_screen

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX shell script as the fake tool")


async def copy_summary(app: ExamApp) -> tuple[str, list[tuple[str, str]]]:
    """Open the summary, press c; the summary text and the notifications (message, severity)."""
    notes: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_exam(pilot)
        app.notify = lambda message, **kw: notes.append(  # type: ignore[method-assign]
            (str(message), str(kw.get("severity", "information")))
        )
        await pilot.press("s")
        screen = await wait_for_screen(pilot, SummaryScreen)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == screen.text  # OSC 52 always
    return screen.text, notes


@pytest.fixture
def wayland_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Wayland session whose PATH has only the folder returned (put a fake tool in it)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setattr(clipboard, "find_tool", real_find_tool)
    monkeypatch.setattr(clipboard.sys, "platform", "linux")
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("DISPLAY", raising=False)
    return folder


async def test_copy_uses_the_platform_tool_too_and_names_it(
    make_app: Callable[..., ExamApp], saved_record: Path, wayland_tools: Path
) -> None:
    fake_tool(wayland_tools, "wl-copy")
    text, notes = await copy_summary(make_app(mode="open", record_path=saved_record))
    assert (wayland_tools / "wl-copy.got").read_text("utf-8") == text
    assert notes == [("Summary copied to the clipboard with wl-copy (and OSC 52).", "information")]


async def test_a_failing_tool_is_reported_and_osc52_still_used(
    make_app: Callable[..., ExamApp], saved_record: Path, wayland_tools: Path
) -> None:
    fake_tool(wayland_tools, "wl-copy", exit_status=1)
    _, notes = await copy_summary(make_app(mode="open", record_path=saved_record))
    [(message, severity)] = notes
    assert "wl-copy failed (exit status 1)" in message and "OSC 52 only" in message
    assert severity == "warning"


async def test_without_a_tool_it_says_osc52_was_used(
    make_app: Callable[..., ExamApp], saved_record: Path, wayland_tools: Path
) -> None:
    _, notes = await copy_summary(make_app(mode="open", record_path=saved_record))
    [(message, _)] = notes
    assert "OSC 52" in message and "No clipboard tool found" in message
