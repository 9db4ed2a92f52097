"""Each modal dialog alone: a tiny host app pushes it and collects what it dismisses with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from exam_tui.checklist import Checklist
from exam_tui.session import ExamSession
from exam_tui.tui.screens.complete import CompleteDialog, unanswered_text
from exam_tui.tui.screens.help import HelpScreen
from exam_tui.tui.screens.new_exam import OPEN_RECORD, NewExam, NewExamDialog
from exam_tui.tui.screens.note import NoteDialog
from exam_tui.tui.screens.picker import RecordPicker
from tests.tui.waiting import wait_until


class Host(App[None]):
    """Pushes one screen on mount and appends its result to ``results``."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.dialog = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


async def test_new_exam_enter_confirms_prefilled_values() -> None:
    app = Host(NewExamDialog("P-1", "Dr A", "right"))
    async with app.run_test() as pilot:
        await pilot.press("enter")
    assert app.results == [NewExam("P-1", "Dr A", "right")]


async def test_new_exam_tab_reaches_the_exam_choice_after_the_side() -> None:
    """With two exams bundled, tab goes patient → examiner → side → exam (not back round to
    the patient, where the next key would overwrite the id)."""
    exams = [("one-exam", "First exam"), ("two-exam", "Second exam")]
    app = Host(NewExamDialog(checklists=exams, checklist_id="one-exam"))
    async with app.run_test() as pilot:
        await pilot.press(*"MRN-1", "tab", *"Dr X", "tab", "l", "tab", "2", "enter")
    assert app.results == [NewExam("MRN-1", "Dr X", "left", "two-exam")]


async def test_new_exam_typed_by_keyboard() -> None:
    app = Host(NewExamDialog())
    async with app.run_test() as pilot:
        await pilot.press(*"  MRN 7 ", "tab", *"Dr Z", "tab", "right", "right", "enter")
    assert app.results == [NewExam("MRN 7", "Dr Z", "right")]


async def test_new_exam_refuses_missing_fields_and_says_which() -> None:
    app = Host(NewExamDialog(examiner="Dr A"))
    async with app.run_test() as pilot:
        await pilot.press("enter")
        assert app.results == [] and app.focused is not None and app.focused.id == "patient"
        await pilot.press(*"P-2", "enter")
        assert app.results == [] and app.focused is not None and app.focused.id == "side"
        await pilot.press("b", "enter")
    assert app.results == [NewExam("P-2", "Dr A", "both")]


async def test_new_exam_escape_cancels_and_ctrl_o_asks_for_the_picker() -> None:
    app = Host(NewExamDialog("P-1", "Dr A", "left"))
    async with app.run_test() as pilot:
        await pilot.press("escape")
    assert app.results == [None]
    app = Host(NewExamDialog())
    async with app.run_test() as pilot:
        await pilot.press("ctrl+o")
    assert app.results == [OPEN_RECORD]


async def test_note_enter_saves_escape_cancels() -> None:
    app = Host(NoteDialog("Slump test", "old"))
    async with app.run_test() as pilot:
        await pilot.press("backspace", "backspace", "backspace", *"new note", "ctrl+s")
    assert app.results == ["new note"]
    app = Host(NoteDialog("Slump test", ""))
    async with app.run_test() as pilot:
        await pilot.press(*"first line", "enter", *"second line", "ctrl+s")
    assert app.results == ["first line\nsecond line"]
    app = Host(NoteDialog("Slump test", "old"))
    async with app.run_test() as pilot:
        await pilot.press("x", "escape")
    assert app.results == [None]


async def test_complete_lists_unanswered_enter_confirms_escape_cancels(
    checklist: Checklist, tmp_path: Path
) -> None:
    s = ExamSession.start(checklist, tmp_path, patient="P", examiner="E", side="left")
    assert s.fill_normal_section() == 0  # history: N never answers for the patient
    titles = {sec.id: sec.title for sec in checklist.sections}
    text = unanswered_text(titles, s.unanswered())
    assert text.plain.startswith("History (15): Onset, Mechanism of injury, Felt a pop,")
    assert "\nNerve tension (8): Straight leg raise (SLR) L+R, Crossed SLR L+R," in text.plain
    app = Host(CompleteDialog(text))
    async with app.run_test() as pilot:
        await pilot.press("enter")
    assert app.results == [True]
    app = Host(CompleteDialog(text))
    async with app.run_test() as pilot:
        await pilot.press("escape")
    assert app.results == [False]


async def test_help_closes_with_escape() -> None:
    app = Host(HelpScreen())
    async with app.run_test() as pilot:
        await pilot.press("escape")
    assert app.results == [None]


def _records(checklist: Checklist, folder: Path) -> list[Path]:
    from datetime import UTC, datetime

    paths = []
    for n, patient in enumerate(["MRN-1", "MRN-2", "OTHER-3"]):
        at = datetime(2026, 1, 1 + n, 9, 0, tzinfo=UTC)
        s = ExamSession.start(
            checklist, folder, patient=patient, examiner="Dr A", side="left", clock=lambda at=at: at
        )
        s.answer("1")
        paths.append(s.save())
    return paths


async def test_picker_lists_newest_first_filters_and_opens(
    checklist: Checklist, tmp_path: Path
) -> None:
    paths = _records(checklist, tmp_path)
    app = Host(RecordPicker(tmp_path, checklist))
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        picker = app.dialog
        assert isinstance(picker, RecordPicker)
        assert [s.patient_id for s in picker.shown] == ["OTHER-3", "MRN-2", "MRN-1"]
        await pilot.press(*"mrn")
        assert [s.patient_id for s in picker.shown] == ["MRN-2", "MRN-1"]
        await pilot.press("down", "enter")
    assert app.results == [paths[0]]


async def test_picker_escape_cancels(checklist: Checklist, tmp_path: Path) -> None:
    _records(checklist, tmp_path)
    app = Host(RecordPicker(tmp_path, checklist))
    async with app.run_test() as pilot:
        await pilot.press("escape")
    assert app.results == [None]


async def test_picker_counts_flags_of_visible_rows(checklist: Checklist, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    s = ExamSession.start(
        checklist,
        tmp_path,
        patient="CES",
        examiner="E",
        side="left",
        clock=lambda: datetime(2026, 5, 1, tzinfo=UTC),
    )
    s.goto("saddle_anaesthesia")
    s.answer("y")
    app = Host(RecordPicker(tmp_path, checklist))
    async with app.run_test() as pilot:
        picker = app.dialog
        assert isinstance(picker, RecordPicker)
        assert s.path is not None
        # counted in a thread once the folder is read
        await wait_until(pilot, lambda: s.path in picker.flag_cache, "the flag count")
        assert picker.flag_cache[s.path][1] == "1 !!"


async def test_resume_dialog_keys() -> None:
    """enter/y resume, n new exam, o the list, escape back to the start screen."""
    from exam_tui.tui.screens.resume import ResumeDialog

    for key, expected in [
        ("enter", "resume"),
        ("y", "resume"),
        ("n", "new"),
        ("o", "pick"),
        ("escape", None),
    ]:
        app = Host(ResumeDialog("Resume P-1, started 09:30, 3 of 90 answered?", others=2))
        async with app.run_test() as pilot:
            await pilot.pause()
            assert "2 other unfinished exams" in " ".join(
                str(w.render()) for w in app.screen.query("Static")
            )
            await pilot.press(key)
        assert app.results == [expected], key


async def test_new_exam_takes_a_burst_ending_in_enter_whole() -> None:
    """A barcode scanner types the id and enter in one burst: enter must confirm the whole id,
    not an empty field (keys are queued to the Input before it has drawn the characters)."""
    from textual import events

    app = Host(NewExamDialog(examiner="Dr A", side="left"))
    async with app.run_test() as pilot:
        await pilot.pause()
        for ch in "MRN-555":
            app.post_message(events.Key(ch, ch))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
    assert app.results == [NewExam("MRN-555", "Dr A", "left")]


def burst_keys(text: str) -> list[tuple[str, str | None]]:
    """Key events as a terminal sends a fast burst: names and characters."""
    names = {"\t": ("tab", "\t"), "\r": ("enter", "\r"), " ": ("space", " ")}
    return [names.get(ch, (ch, ch)) for ch in text]


async def test_new_exam_puts_a_fast_burst_with_tabs_into_each_field() -> None:
    """A scanner (or fast typing) sends MRN-7<Tab>Dr Name<Tab>l<Enter> before the dialog has
    handled the first key: each part goes to the field it was typed for."""
    from textual import events

    app = Host(NewExamDialog())
    async with app.run_test() as pilot:
        await pilot.pause()
        for key, ch in burst_keys("MRN-7\tDr Name\tl\r"):
            app.post_message(events.Key(key, ch))
        for _ in range(4):
            await pilot.pause()
    assert app.results == [NewExam("MRN-7", "Dr Name", "left")]


async def test_new_exam_takes_a_paste_with_tabs_into_each_field() -> None:
    from textual import events

    app = Host(NewExamDialog())
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(events.Paste("MRN-8\tDr Paste\tr\r"))
        for _ in range(4):
            await pilot.pause()
    assert app.results == [NewExam("MRN-8", "Dr Paste", "right")]


async def test_new_exam_paste_of_the_id_alone_stays_in_its_field() -> None:
    from textual import events

    app = Host(NewExamDialog())
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(events.Paste("MRN-9"))
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "patient"
        await pilot.press("tab", *"Dr Q", "tab", "b", "enter")
    assert app.results == [NewExam("MRN-9", "Dr Q", "both")]
