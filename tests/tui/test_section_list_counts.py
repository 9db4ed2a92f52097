"""The section list redraws only the rows whose count or mark changed (an answer changes one
section's row and the total), from the session's remembered progress: after any mix of
answers, moves, N, clears and undos its text is what counting the record afresh gives."""

from __future__ import annotations

import random
from collections.abc import Callable

from exam_tui import record as rec
from exam_tui.session import ExamSession
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.widgets import SectionList
from tests.tui.waiting import wait_for_screen

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-018", "examiner": "Dr A", "side": "left"}
#: Answers of every kind, moves within and across sections, N, clear, undo.
KEYS = [*"ynpe0123x", "down", "down", "up", "right", "left", "]", "[", "N", "ctrl+z"]


def expected(s: ExamSession) -> str:
    """The list as the record says it should read (counted here, not by the session)."""
    cl, record = s.checklist, s.record
    lines, answered, applicable = [], 0, 0
    for n, section in enumerate(cl.sections):
        done, total = rec.progress(cl, record, section.id)
        answered, applicable = answered + done, applicable + total
        mark = "▶" if n == s.cursor.section else ("✓" if total and done == total else " ")
        lines.append(f"{mark} {section.title} {done}/{total}")
    lines.append(f"  all {answered}/{applicable}")
    return "\n".join(lines)


async def test_the_section_list_always_counts_the_record(make_app: MakeApp) -> None:
    app = make_app(**NEW)
    rng = random.Random(18)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_for_screen(pilot, ExamScreen)
        s, sections = screen.session, screen.query_one(SectionList)
        assert sections.text == expected(s)
        for _ in range(60):
            await pilot.press(rng.choice(KEYS))
            if not isinstance(app.screen, ExamScreen):  # N's list in a screening section
                await pilot.press("enter")
            await pilot.pause()
            assert sections.text == expected(s)
        assert s.progress()[0] > 0, "nothing was answered"
