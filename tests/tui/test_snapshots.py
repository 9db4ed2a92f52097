"""Pictures of the main screens at 60×20, 80×24 and 120×40 (pytest-textual-snapshot).

The clock is frozen and the records folder is a relative path inside tmp_path, so every
picture is the same on every run. Update with ``pytest tests/tui --snapshot-update`` after a
deliberate change, and look at the new pictures before committing them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from exam_tui.checklist import Checklist
from exam_tui.session import ExamSession
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.new_exam import NewExamDialog
from exam_tui.tui.screens.resume import ResumeDialog
from tests.tui.waiting import wait_for_exam, wait_for_picker_flags, wait_for_screen


def frozen_clock() -> datetime:
    return datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # the same instant as conftest's make_app


SIZES = [
    pytest.param((60, 20), id="60x20"),
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
]
RECORDS = Path("records")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Work in tmp_path so the records folder shows as the same relative path in pictures;
    local times (shown with their offset) in UTC, so pictures are the same in every zone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


def flagged_record(checklist: Checklist) -> Path:
    """A left L5 radiculopathy with a cauda equina red flag and a possible avulsion."""
    s = ExamSession.start(
        checklist,
        RECORDS,
        patient="MRN-0042",
        examiner="A. Clinician",
        side="left",
        clock=frozen_clock,
    )
    for key in ("1", "3", "y", "2", "enter", "0", "enter", "8", "enter", "y", "y", "y", "n", "y"):
        s.answer(key)
    s.goto("saddle_anaesthesia")
    s.answer("y")
    s.fill_normal_section()
    s.goto("slr", "left")
    for key in ("p", "n", "3", "5", "enter", "p"):
        s.answer(key)
    s.goto("palpable_gap", "left")
    s.answer("p")
    s.goto("reflex_achilles", "left")
    s.answer("1")
    s.set_note("reproduces calf pain", "slr")
    s.goto("slr", "left")
    return s.save()


@pytest.mark.parametrize("size", SIZES)
def test_new_exam_dialog(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ExamApp],
    in_tmp: Path,
    size: tuple[int, int],
) -> None:
    """The new-exam dialog over the start screen, nothing else in the folder: title "New exam",
    the patient id filled in ("MRN-0042"), the examiner field focused and empty, the side
    choice (left/right/both, none chosen), and the keys hint (enter, tab, esc, ctrl+o)."""
    app = make_app(records_dir=RECORDS)

    async def run_before(pilot: Pilot[Any]) -> None:
        # the dialog opens once a thread has found no drafts in the folder
        await wait_for_screen(pilot, NewExamDialog)
        await pilot.press(*"MRN-0042", "tab")

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_exam_screen_with_flags(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ExamApp],
    checklist: Checklist,
    in_tmp: Path,
    size: tuple[int, int],
) -> None:
    """The exam screen on the nerve tension section: status bar (MRN-0042, A. Clinician,
    affected L, draft, saved ✓, and the file name at 120 columns); sections with answered/total
    (History and Red flags
    ticked); the items table with L* and R columns (SLR left positive with a note mark, the
    left SLR angle 35, the right angle shown as "—" because right SLR is negative); the item
    panel for SLR left with keys, how, positive if and evidence with sources; the flags panel
    led by "!! EMERGENCY" cauda equina then "! URGENT" avulsion, in words and symbols, and
    at 120×40 the findings behind each flag and each flag's advice (continuation lines
    indented under their first line); the pattern line (radicular); the message line saying
    "Now in Nerve tension". At 60×20 the section list is gone, the flags are above the table
    and both the L* and R columns are on screen; the note mark ✎ is never cut off."""
    path = flagged_record(checklist)
    app = make_app(records_dir=RECORDS, mode="open", record_path=path)
    assert snap_compare(
        app,
        run_before=wait_for_exam,
        press=["right_square_bracket", "right_square_bracket"],
        terminal_size=size,
    )


@pytest.mark.parametrize("size", SIZES)
def test_record_picker(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ExamApp],
    checklist: Checklist,
    in_tmp: Path,
    size: tuple[int, int],
) -> None:
    """The record picker opened with `o` from the start screen: four records newest first
    (patient, start time in local time with its offset (+00:00 here), status, flag count with
    the top urgency symbol, examiner), the filter box empty, "4 of 4 records", and the keys hint."""
    flagged_record(checklist)
    for n, (patient, status) in enumerate(
        [("MRN-0001", "completed"), ("MRN-0002", "draft"), ("MRN-0003", "amended")]
    ):
        at = datetime(2026, 2, 1 + n, 10, 15, tzinfo=UTC)
        s = ExamSession.start(
            checklist,
            RECORDS,
            patient=patient,
            examiner="B. Physio",
            side="right",
            clock=lambda at=at: at,
        )
        s.fill_normal_section()
        if status != "draft":
            s.complete()
        if status == "amended":
            s.goto("onset")
            s.answer("2")
    app = make_app(records_dir=RECORDS)

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_screen(pilot, ResumeDialog)  # two drafts: resume one? dismiss it
        await pilot.press("escape")
        await pilot.press("o")
        # the flag counts are computed in a thread once the folder is read: photograph them
        await wait_for_picker_flags(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_summary_screen(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., ExamApp],
    checklist: Checklist,
    in_tmp: Path,
    size: tuple[int, int],
) -> None:
    """The summary screen of the flagged record: the top of the plain-text summary (patient,
    examiner, date, the flags with their urgency) and a footer with c copy, w write .txt, and
    esc back."""
    path = flagged_record(checklist)
    app = make_app(records_dir=RECORDS, mode="open", record_path=path)
    assert snap_compare(app, run_before=wait_for_exam, press=["s"], terminal_size=size)
