"""Hostile record files in the app: the start screen and the record picker stay up, say
what is wrong with each file in one line naming it, and leave it untouched; no record text
reaches the terminal unescaped (issue 15)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from exam_tui.checklist import Checklist
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.screens.home import HomeScreen
from exam_tui.tui.screens.picker import RecordPicker
from exam_tui.tui.screens.resume import ResumeDialog
from tests.tui.waiting import wait_for_exam, wait_for_picker_flags, wait_for_screen, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_hostile_files import CASES
from test_terminal_escapes import UNSAFE, write_hostile


def _svg_clean(app: ExamApp) -> str:
    svg = app.export_screenshot()
    for ch in UNSAFE:
        assert ch not in svg, f"{ch!r} on screen ({type(app.screen).__name__})"
    return svg


async def test_start_screen_and_picker_survive_every_hostile_file(
    make_app: Callable[..., ExamApp], saved_record: Path
) -> None:
    """Every hostile file at once, as drafts (the start screen loads the newest draft to offer
    it), beside a good record: the app starts, lists them, and refuses each in one line."""
    folder = saved_record.parent
    bad: dict[Path, bytes] = {}
    for case, make in CASES.items():
        if case in ("not-utf8",):
            continue
        path = folder / f"hostile-{case}.toml"
        path.write_text(make(saved_record.read_text("utf-8")), "utf-8")
        bad[path] = path.read_bytes()
    (folder / "devzero.toml").symlink_to("/dev/zero")
    notes: list[str] = []
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        # a thread reads the folder, then offers a draft, a new exam or the list
        await wait_until(pilot, lambda: not isinstance(app.screen, HomeScreen), "the start offer")
        assert app.is_running
        _svg_clean(app)
        if not isinstance(app.screen, RecordPicker):
            await pilot.press("escape")  # the resume or new-exam dialog: to the start screen
            await wait_for_screen(pilot, HomeScreen)
            await pilot.press("o")
        picker = await wait_for_screen(pilot, RecordPicker)
        picker.query_one("#filter").value = ""  # type: ignore[attr-defined]

        def all_listed() -> bool:
            listed = {s.path for s in picker.shown}
            return saved_record in listed and set(bad) <= listed

        await wait_until(pilot, all_listed, "every file listed")
        _svg_clean(app)
        for path in sorted(bad):
            if not isinstance(app.screen, RecordPicker):  # a refused open closed it
                app.action_open_record()
            picker = await wait_for_screen(pilot, RecordPicker)
            await wait_until(pilot, lambda p=picker: bool(p.shown), "the folder listed")
            row = [s.path for s in picker.shown].index(path)
            picker.query_one("#records").move_cursor(row=row)  # type: ignore[attr-defined]
            n = len(notes)
            await pilot.press("enter")
            await wait_until(pilot, lambda n=n: len(notes) > n, f"a message about {path.name}")
            assert app.is_running
            assert not isinstance(app.screen, ExamScreen), f"{path.name} opened as an exam"
            assert len(notes) == n + 1 and path.name in notes[-1], (path.name, notes[n:])
            assert "\n" not in notes[-1]
    for path, before in bad.items():
        assert path.read_bytes() == before


async def test_no_record_text_reaches_the_screen_unescaped(
    make_app: Callable[..., ExamApp], records_dir: Path, checklist: Checklist
) -> None:
    """Patient id, examiner, notes, file name, checklist version and an unknown item's id, full
    of escape sequences, C1 controls and bidi overrides: the resume dialog, the exam screen
    (header, item panel with the note, warnings) and the picker show them cleaned."""
    path = write_hostile(records_dir, checklist)
    before = path.read_bytes()
    notes: list[str] = []
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        real_notify = app.notify

        def notify(message: str, **kw: Any) -> None:
            notes.append(str(message))
            real_notify(message, **kw)

        app.notify = notify  # type: ignore[method-assign]
        await wait_for_screen(pilot, ResumeDialog)
        svg = _svg_clean(app)  # the resume dialog, with the patient id
        assert "Resume" in svg and "MRN" in svg
        await pilot.press("enter")
        await wait_for_exam(pilot)
        svg = _svg_clean(app)
        assert "MRN" in svg and "note" in svg  # header and the item's note are on screen
        assert any("version" in n for n in notes) and any("unknown" in n for n in notes)
        for n in notes:
            for ch in UNSAFE:
                assert ch not in n
        await pilot.press("n")  # the note editor, pre-filled with the note
        await pilot.pause()  # a key, no worker
        _svg_clean(app)
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(RecordPicker(records_dir, checklist))
        await wait_for_picker_flags(pilot)
        assert "MRN" in _svg_clean(app)
    assert path.read_bytes() == before
