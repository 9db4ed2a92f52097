"""The exam screen collects what a key left after the key's frame, not during it, and gives
the garbage collector back as it found it when the exam closes (tests, like a clinic day,
run many exams in one process)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from exam_tui.session import answer_keys
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import YOUNG_THRESHOLD, ExamScreen
from tests.tui.waiting import wait_for_screen, wait_until

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-018", "examiner": "Dr A", "side": "left"}


async def test_young_objects_collected_after_each_key_and_the_collector_restored(
    make_app: MakeApp,
) -> None:
    gc.unfreeze()
    threshold = gc.get_threshold()
    collections: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    app = make_app(**NEW)
    gc.callbacks.append(seen)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await wait_for_screen(pilot, ExamScreen)
            await wait_until(
                pilot, lambda: gc.get_threshold()[0] == YOUNG_THRESHOLD, "the exam's threshold"
            )
            s = screen.session
            for _ in range(3):
                frozen, where = gc.get_freeze_count(), s.cursor
                collections.clear()
                await pilot.press(next(iter(answer_keys(s.item))))
                await wait_until(
                    pilot,
                    lambda: s.cursor != where and not screen._prepare_scheduled,  # noqa: B023
                    "the answer drawn and the next one prepared",
                )
                # The key's young objects collected (generation 1 with 0), the survivors frozen.
                assert 1 in collections
                assert gc.get_freeze_count() > frozen
            app.exit()
    finally:
        gc.callbacks.remove(seen)
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == 0
