"""An answer key is drawn first and saved right after that frame (issue 18): the save still
always happens, a failed one is still shown, and closing the app within the frame loses
nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exam_tui import storage as storage_module
from exam_tui.errors import RecordError
from exam_tui.storage import load_record
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from tests.tui.waiting import wait_until

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-018", "examiner": "Dr A", "side": "left"}


def only_record(folder: Path) -> Path:
    (path,) = sorted(folder.glob("*.toml"))
    return path


async def test_an_answer_is_saved_after_the_frame_that_shows_it(
    make_app: MakeApp, records_dir: Path
) -> None:
    """The first history answer: on screen before the save starts, on disk right after."""
    app = make_app(**NEW)
    frames: list[int] = []
    frames_at_save: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        s = screen.session
        item = s.item.id
        original_display = app._display

        def display(*args: Any) -> None:
            original_display(*args)
            frames.append(1)

        original_save = s.save

        def save() -> Path:
            frames_at_save.append(len(frames))
            return original_save()

        app._display = display  # type: ignore[method-assign]
        s.save = save  # type: ignore[method-assign]
        await pilot.press("2")  # onset: gradual
        await wait_until(pilot, lambda: not s.save_pending, "the answer saved")
        assert frames_at_save and frames_at_save[0] >= 1, "saved before any frame was drawn"
        assert not s.dirty
        assert load_record(only_record(records_dir)).record.get(item) == "gradual"
        assert "saved ✓" in str(screen.query_one("#status-bar").render())


async def test_closing_within_the_frame_still_saves_the_answer(
    make_app: MakeApp, records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app closes (the command palette's quit) before the save after the frame has run:
    the exam screen writes it as it closes."""
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        item = screen.session.item.id
        # The frame never comes: only closing the screen can write the answer.
        monkeypatch.setattr(screen, "call_after_refresh", lambda *_, **__: None)
        screen.action_answer("2")
        assert screen.session.save_pending  # not written yet: the frame comes first
        app.exit()
    assert load_record(only_record(records_dir)).record.get(item) == "gradual"


async def test_a_failed_save_after_the_frame_is_shown_and_retried(
    make_app: MakeApp, records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that fails after the frame says so at once (message line, NOT SAVED); the next
    answer saves both."""
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        s = screen.session
        first = s.item.id

        def disk_full(*_: Any, **__: Any) -> Any:
            raise RecordError("no space left on device")

        with monkeypatch.context() as m:
            m.setattr(storage_module, "create_record", disk_full)
            await pilot.press("2")
            await wait_until(pilot, lambda: not s.save_pending, "the save tried")
            assert s.dirty
            assert "Not saved: no space left on device" in screen.message
            assert "NOT SAVED" in str(screen.query_one("#status-bar").render())
            assert not list(records_dir.glob("*.toml"))
        second = s.item.id
        await pilot.press("1")  # mechanism: the first choice
        await wait_until(pilot, lambda: not s.save_pending, "the save tried again")
        assert not s.dirty
        saved = load_record(only_record(records_dir)).record
        assert saved.get(first) == "gradual" and saved.get(second) is not None
        assert "NOT SAVED" not in str(screen.query_one("#status-bar").render())


async def test_the_status_bar_never_says_saved_before_the_answer_is_on_disk(
    make_app: MakeApp, records_dir: Path
) -> None:
    """Every frame drawn while an answer waits for its save says "saving…", not "saved ✓"
    (the second answer too, when an earlier one is already on disk)."""
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        s = screen.session
        seen: list[tuple[bool, str]] = []
        original_display = app._display

        def display(*args: Any) -> None:
            original_display(*args)
            seen.append((s.save_pending, str(screen.query_one("#status-bar").render())))

        app._display = display  # type: ignore[method-assign]
        for key in ("2", "2", "1"):
            await pilot.press(key)
            await wait_until(pilot, lambda: not s.save_pending, "the answer saved")
        pending = [bar for was_pending, bar in seen if was_pending]
        assert pending, "no frame was drawn before a save"
        assert all("saving…" in bar and "saved ✓" not in bar for bar in pending)
        assert "saved ✓" in str(screen.query_one("#status-bar").render())
