"""The exam screen's first frame is drawn in the layout it keeps: Textual gives a screen its
breakpoint classes on its first resize, which comes after the first frame, so the screen
(`new` with all its arguments, shown first) was drawn once in the default layout and redrawn
whole: at 60×20 the section list and sidebar flashed up before the small-terminal layout.
There, the flags panel (as high as its text) was also drawn empty first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from exam_tui.checklist import Checklist
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from tests.tui.waiting import wait_for_exam, wait_until

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-031", "examiner": "Dr A", "side": "left"}


def screen_text(app: ExamApp) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 40), (120, 40)])
async def test_first_frame_is_the_settled_screen(
    make_app: MakeApp, checklist: Checklist, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    # Without a rule that compares with the previous exam, the flags panel does not change
    # when the (empty) folder has been searched: the screen has nothing left to change.
    monkeypatch.setattr(type(checklist), "compares_with_prior", property(lambda self: False))
    app = make_app(**NEW)
    first: list[list[str]] = []
    display = app._display

    def record_first(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if isinstance(screen, ExamScreen) and renderable is not None and not first:
            first.append(screen_text(app))

    app._display = record_first  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: bool(first), "the exam screen drawn")
        await wait_for_exam(pilot)  # the folder searched
        await pilot.pause()
        # The footer fills in its keys on the next frame, as in any Textual app.
        assert first[0][:-1] == screen_text(app)[:-1]
