"""Bad records reached through the app (record picker): a clear message, the app stays up,
the file is untouched."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.screens.new_exam import NewExamDialog
from exam_tui.tui.screens.picker import RecordPicker
from tests.tui.waiting import wait_for_screen, wait_until

BAD_BODIES = {
    # the body after the header, and what the one-line message must say (a regex)
    "out-of-range": ("[findings.slr_angle]\nleft = 400\n", r"item 'slr_angle'.*outside 0–90"),
    "wrong-value": ('[findings.slr]\nleft = "maybe"\n', r"item 'slr'.*'maybe'"),
    "broken-toml": ("[findings.slr\nleft = 1\n", r"\.toml:\d+: not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
async def test_picking_a_bad_record_says_why_and_leaves_it_alone(
    make_app: Callable[..., ExamApp], saved_record: Path, case: str
) -> None:
    body, expected = BAD_BODIES[case]
    text = saved_record.read_text("utf-8").replace('status = "draft"', 'status = "completed"')
    head = text.split("[findings")[0]
    bad = saved_record.with_name(f"BAD-{case}.toml")
    bad.write_text(head + body, "utf-8")
    saved_record.unlink()  # only the bad one: no draft to offer first
    before = bad.read_bytes()
    notes: list[str] = []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, NewExamDialog)
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.press("escape", "o")  # from the new-exam dialog to the start screen, open
        picker = await wait_for_screen(pilot, RecordPicker)
        await wait_until(pilot, lambda: bool(picker.shown), "the folder listed")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(notes), "a message")
        assert not isinstance(app.screen, ExamScreen)  # still running, not in an exam
        assert app.is_running
    assert notes, "the user is told why the record cannot be opened"
    assert bad.name in notes[-1] and "\n" not in notes[-1]
    assert re.search(expected, notes[-1]), notes[-1]
    assert bad.read_bytes() == before
