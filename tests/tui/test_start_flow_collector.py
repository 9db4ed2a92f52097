"""The start flow switches the garbage collector back on (the CLI keeps it off during
start-up) once its listing of the records folder is done, not at the first frame: a
collection during the listing was ~40 ms of showing 10,000 records."""

from __future__ import annotations

import gc
from collections.abc import Callable

from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.new_exam import NewExamDialog
from tests.tui.waiting import wait_for_screen

MakeApp = Callable[..., ExamApp]


async def test_the_collector_is_on_again_after_the_start_flows_listing(
    make_app: MakeApp,
) -> None:
    app = make_app(mode="start")
    gc.disable()  # as cli.cmd_app does for start-up
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for_screen(pilot, NewExamDialog)  # no drafts: a new exam
            await app.workers.wait_for_complete()
            assert gc.isenabled()
            app.exit()
    finally:
        gc.enable()  # (conftest unfreezes)
