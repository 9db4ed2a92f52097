"""The status bar always shows the exam's state (its status, and whether the last change is on
disk) whatever the terminal's width: on a narrow one the names give way. With a long
examiner name at 60 columns, "NOT SAVED" was cut off the end of the line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region

from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.widgets.text_line import TextLine
from tests.tui.waiting import wait_for_screen, wait_until

MakeApp = Callable[..., ExamApp]
LONG = "Dr Averylongname Examinerson-Smythe of the Physiotherapy Department"


def bar_on_screen(app: ExamApp) -> str:
    """The status bar as drawn: its characters, cut to the terminal's width."""
    line = app.screen.query_one("#status-bar", TextLine)
    strip = line.render_lines(Region(0, 0, line.size.width, 1))[0]
    return "".join(seg.text for seg in strip)


@pytest.mark.parametrize("width", [60, 80])
async def test_saved_shows_behind_a_long_examiner_name(make_app: MakeApp, width: int) -> None:
    app = make_app(mode="new", patient="MRN-0042", examiner=LONG, side="left")
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await wait_for_screen(pilot, ExamScreen)
        await pilot.press("1")
        await wait_until(pilot, lambda: screen.session.path is not None, "the answer saved")
        await pilot.pause()
        shown = bar_on_screen(app)
        assert "saved ✓" in shown and "draft" in shown and "MRN-0042" in shown
        assert "Dr Aver" in shown and "…" in shown  # the name gave way, and says so
        assert len(shown) == width


async def test_not_saved_shows_at_60_columns(make_app: MakeApp, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(
        mode="new", patient="MRN-0042", examiner=LONG, side="left", records_dir=blocker / "r"
    )
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert "NOT SAVED" in bar_on_screen(app)


async def test_a_short_name_is_shown_whole(make_app: MakeApp) -> None:
    app = make_app(mode="new", patient="MRN-0042", examiner="Dr A", side="left")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert bar_on_screen(app).startswith(" MRN-0042 · Dr A · affected L · draft")


async def test_the_names_are_fitted_again_when_the_terminal_is_resized(
    make_app: MakeApp,
) -> None:
    app = make_app(mode="new", patient="MRN-0042", examiner=LONG, side="left")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        narrow = bar_on_screen(app)
        await pilot.resize_terminal(105, 24)  # the same breakpoint classes: no full redraw
        await wait_until(pilot, lambda: len(bar_on_screen(app)) == 105, "the bar at 105")
        wide = bar_on_screen(app)
        assert "· draft" in narrow and "· draft" in wide
        assert wide.index("· affected") > narrow.index("· affected")  # more of the name


async def test_nothing_entered_yet_gives_way_to_the_names(make_app: MakeApp) -> None:
    """Before the first answer there is no file and nothing to lose: at 60 columns the
    examiner's name is shown whole and "nothing entered yet" is what is cut."""
    app = make_app(mode="new", patient="MRN-0042", examiner="A. Clinician", side="left")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        shown = bar_on_screen(app)
        assert shown.startswith(" MRN-0042 · A. Clinician · affected L · draft · nothing")
        assert shown.endswith("…")
