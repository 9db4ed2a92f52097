"""Waiting for a state of the app, never for a time: the helpers every Pilot and snapshot test
uses instead of a fixed number of pauses or a ``pause(delay)``.

A thread worker (the folder listing, the flag counts, the previous-exam look-up) may take any
time on a loaded machine, and may start another worker or a debounce timer when it ends, so
"three rounds of wait-and-pause" is a guess about speed. These helpers instead run the app's
workers and message queue until the state to be asserted or photographed is there. The
timeout only turns a hang into a failure that names what never happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.screens.picker import NOT_COUNTED, RecordPicker
from exam_tui.tui.widgets.record_list import RecordList

#: A guard against a hang, not an expected wait: each state is normally reached in milliseconds.
TIMEOUT_S = 60.0

S = TypeVar("S", bound=Screen[Any])


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let workers finish and messages be processed until ``condition()`` holds."""
    try:
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
                if condition():
                    return
    except TimeoutError:
        pytest.fail(f"never reached: {what} (screen: {type(pilot.app.screen).__name__})")


async def wait_for_screen(pilot: Pilot[Any], screen_type: type[S]) -> S:
    """The app's current screen, once it is a ``screen_type`` (a worker may push it)."""
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, screen_type), f"a {screen_type.__name__}"
    )
    screen = pilot.app.screen
    assert isinstance(screen, screen_type)
    return screen


def flags_counted(picker: RecordPicker) -> bool:
    """Every row of the picker is drawn with its flag count (counted in a thread, after typing
    pauses), not the "…" placeholder."""
    table = picker.query_one("#records", RecordList)
    return table.row_count == len(picker.shown) and all(
        table.get_cell(n, "flags") != NOT_COUNTED for n in range(len(picker.shown))
    )


async def wait_for_picker_flags(pilot: Pilot[Any]) -> RecordPicker:
    """The record picker with its rows listed and every flag count drawn."""
    picker = await wait_for_screen(pilot, RecordPicker)
    await wait_until(
        pilot, lambda: bool(picker.shown) and flags_counted(picker), "the picker's flag counts"
    )
    return picker


async def wait_for_exam(pilot: Pilot[Any]) -> ExamScreen:
    """The exam screen once its thread has looked for the patient's previous exam (which adds
    a title, columns and flags when one is found)."""
    exam = await wait_for_screen(pilot, ExamScreen)
    await wait_until(pilot, lambda: exam.session.prior_checked, "the previous-exam look-up")
    return exam
