"""The settings file's examiner and side fill in the new-exam dialog the start screen opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from exam_tui.storage import load_record
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.screens.new_exam import NewExamDialog
from tests.tui.conftest import only_record
from tests.tui.waiting import wait_for_screen


async def test_the_dialog_asks_only_for_the_patient_when_settings_give_the_rest(
    make_app: Callable[..., ExamApp], records_dir: Path
) -> None:
    # what the command line passes when config.toml has examiner and side (test_cli_conventions)
    app = make_app(examiner="B. Physio", side="right")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_for_screen(pilot, NewExamDialog)
        assert dialog.query_one("#examiner", Input).value == "B. Physio"
        assert dialog.focused is dialog.query_one("#patient", Input)
        await pilot.press(*"P-3", "enter")
        await wait_for_screen(pilot, ExamScreen)
        await pilot.press("1")  # an answer: the record is saved
    exam = load_record(only_record(records_dir)).record.exam
    assert (exam.examiner, exam.affected_side) == ("B. Physio", "right")
