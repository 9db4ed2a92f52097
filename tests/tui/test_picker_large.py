"""The record picker over a larger folder: read once at start, all listed, flags after typing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from exam_tui import storage
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens import picker as picker_screen
from exam_tui.tui.screens.picker import NOT_COUNTED, RecordPicker
from exam_tui.tui.screens.resume import ResumeDialog
from exam_tui.tui.widgets.record_list import RecordList
from tests.conftest import STARTED
from tests.tui.waiting import flags_counted, wait_for_screen, wait_until


def _folder(saved_record: Path, n: int) -> list[str]:
    """n copies of the sample draft with distinct patient ids and start times (newest last)."""
    folder = saved_record.parent
    text = saved_record.read_text("utf-8")
    saved_record.unlink()
    ids = []
    for i in range(n):
        pid = f"MRN-{i:05d}"
        when = STARTED + timedelta(hours=i)
        body = text.replace('id = "MRN-0042"', f'id = "{pid}"').replace(
            "started_at = 2026-11-28 09:30:00+00:00",
            f"started_at = {when.isoformat(sep=' ')}",
        )
        (folder / storage.record_filename(pid, when)).write_text(body, "utf-8")
        ids.append(pid)
    return ids


async def test_start_reads_the_folder_once_and_the_picker_filters_it(
    make_app: Callable[..., ExamApp], saved_record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _folder(saved_record, storage.INDEX_MIN_RECORDS + 20)
    calls: list[Path] = []
    real = storage.list_records

    def counting(folder: Path, **kwargs: Any) -> list[storage.RecordSummary]:
        calls.append(folder)
        return real(folder, **kwargs)

    monkeypatch.setattr(storage, "list_records", counting)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, ResumeDialog)  # drafts there: offer to resume one
        await pilot.press("o")  # ... or list them all
        picker = await wait_for_screen(pilot, RecordPicker)
        assert calls == [saved_record.parent]  # not read again by the picker
        table = picker.query_one("#records", RecordList)
        # the start flow's filter ("draft") matches them all; every one is listed, none cut
        assert table.row_count == len(ids) == len(picker.shown)
        count = str(picker.query_one("#count", Static).render())
        assert count == f"{len(ids)} of {len(ids)} records"
        assert [s.patient_id for s in picker.shown[:2]] == [ids[-1], ids[-2]]  # newest first
        # Flags are counted once typing pauses. A pause no loaded machine can beat while typing
        # (not the 0.3 s a slow CI runner might take between two keys), then a short one.
        monkeypatch.setattr(picker_screen, "FLAG_DELAY_S", 3600.0)
        await pilot.press("ctrl+u", *ids[7].lower())
        await pilot.pause()
        assert [s.patient_id for s in picker.shown] == [ids[7]]
        assert table.row_count == 1
        assert table.get_cell(0, "flags") == NOT_COUNTED
        monkeypatch.setattr(picker_screen, "FLAG_DELAY_S", 0.01)
        await pilot.press("space")  # the same match: only the pause after it counts
        await wait_until(pilot, lambda: flags_counted(picker), "the flag count after typing")
        assert [s.patient_id for s in picker.shown] == [ids[7]]
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is not None and app.session.record.patient.id == ids[7]
        # the list and the offer under it are closed: the exam over the start screen
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "ExamScreen"]
    # the folder now has a private header index (in the cache)
    index = storage.index_path(saved_record.parent)
    assert index.stat().st_mode & 0o777 == 0o600


async def test_the_list_opened_from_the_resume_offer_closes_to_the_start_screen(
    make_app: Callable[..., ExamApp], saved_record: Path
) -> None:
    """ "o" at the resume offer opens the list over the offer; escape from the list goes back
    to the start screen (not to the offer), and enter opens the chosen record."""
    from exam_tui.tui.screens.home import HomeScreen

    _folder(saved_record, 3)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, ResumeDialog)
        await pilot.press("o")
        await wait_for_screen(pilot, RecordPicker)
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        assert [type(s) for s in app.screen_stack] == [HomeScreen]
        await pilot.press("o")  # the start screen's own key: the list again
        picker = await wait_for_screen(pilot, RecordPicker)
        await wait_until(pilot, lambda: bool(picker.shown), "the folder listed")
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is not None
        assert app.session.record.patient.id == picker.shown[0].patient_id


async def test_the_start_flow_removes_old_temp_files_of_interrupted_saves(
    make_app: Callable[..., ExamApp], saved_record: Path
) -> None:
    """In its thread, once the records are listed (not before the first frame): a temp file
    older than a minute goes, a recent one (a save in progress elsewhere) stays."""
    import os
    import time

    folder = saved_record.parent
    old = folder / f"{storage.TMP_PREFIX}old.toml"
    recent = folder / f"{storage.TMP_PREFIX}recent.toml"
    for p in (old, recent):
        p.write_text("half a record", "utf-8")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, ResumeDialog)
        await wait_until(pilot, lambda: not old.exists(), "the old temp file removed")
        assert recent.exists() and saved_record.exists()


async def test_the_start_screens_footer_has_its_keys_when_the_offer_is_dismissed(
    make_app: Callable[..., ExamApp], saved_record: Path
) -> None:
    """The start screen's footer is not rebuilt while the resume offer covers it (that cost
    ~40 ms as the clinician pressed the offer's keys); its keys are there once the offer is
    dismissed. (What it shows under a dialog is in the dialogs' snapshots.)"""
    from exam_tui.tui.screens.home import HomeScreen, StartFooter

    _folder(saved_record, 3)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, ResumeDialog)
        footer = app.screen_stack[0].query_one(StartFooter)
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        await wait_until(
            pilot,
            lambda: "new exam" in " ".join(str(k.render()) for k in footer.query("FooterKey")),
            "the start screen's keys in its footer",
        )
