"""The exam screen forgives slips: undo, typed numbers never dropped, whole notes, recovery
from a conflict, and ways to find the next thing to do. Keys in, saved record checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events

from exam_tui.session import ExamSession
from exam_tui.storage import load_record
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.widgets import ItemDetail

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-001", "examiner": "Dr A", "side": "left"}


def only_record(folder: Path) -> Path:
    (path,) = sorted(folder.glob("*.toml"))
    return path


def exam_screen(app: ExamApp) -> ExamScreen:
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def test_ctrl_z_undoes_a_whole_N_then_an_answer(make_app: MakeApp, records_dir: Path) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # onset; then nerve tension (an exam section: N fills it without asking) all normal
        await pilot.press("2", *["right_square_bracket"] * 2, "N")
        await pilot.pause()
        r = load_record(only_record(records_dir)).record
        assert r.get("slr", "left") == "negative"
        await pilot.press("ctrl+z")
        await pilot.pause()
        screen = exam_screen(app)
        assert "Undone" in screen.message
        r = load_record(only_record(records_dir)).record
        assert set(r.findings) == {"onset"}  # the whole fill, in one step, saved
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert load_record(only_record(records_dir)).record.findings == {}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.message == "Nothing to undo."


async def test_a_number_left_with_j_is_recorded(make_app: MakeApp, records_dir: Path) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        screen.session.goto("duration_weeks")
        await pilot.press("4", "j")
        await pilot.pause()
        assert screen.session.item.id == "conservative_care_weeks"
    assert load_record(only_record(records_dir)).record.get("duration_weeks") == 4


async def test_an_invalid_number_keeps_the_cursor_and_says_why(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        screen.session.goto("pain_score")
        await pilot.press("1", "1", "j")
        await pilot.pause()
        assert screen.session.item.id == "pain_score" and screen.session.number_buffer == "11"
        assert "outside" in screen.message
        await pilot.press("backspace", "j")
        await pilot.pause()
        assert screen.session.item.id != "pain_score"
    assert load_record(only_record(records_dir)).record.get("pain_score") == 1


async def test_a_pasted_multi_line_note_is_kept_whole_and_shown(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        screen.session.goto("slr", "left")
        await pilot.press("m")
        await pilot.pause()
        app.post_message(events.Paste("reproduces calf pain\nworse with neck flexion"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = screen.query_one(ItemDetail).text.plain
        assert "Note: reproduces calf pain\n      worse with neck flexion" in shown
    r = load_record(only_record(records_dir)).record
    assert r.note("slr") == "reproduces calf pain\nworse with neck flexion"


async def test_after_a_conflict_R_reloads_and_reapplies(
    make_app: MakeApp, saved_record: Path
) -> None:
    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        other = ExamSession.open(saved_record)  # another window: crossed SLR left positive
        other.set_value("positive", "crossed_slr", "left")
        screen.session.goto("slump", "left")
        await pilot.press("p")
        await pilot.pause()
        assert screen.session.dirty and "R reloads" in screen.message
        await pilot.press("R")
        await pilot.pause()
        assert not screen.session.dirty and "re-applied" in screen.message
    r = load_record(saved_record).record
    assert r.get("crossed_slr", "left") == "positive" and r.get("slump", "left") == "positive"


async def test_after_the_file_is_deleted_W_saves_a_new_record(
    make_app: MakeApp, saved_record: Path
) -> None:
    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        saved_record.unlink()
        screen.session.goto("slump", "left")
        await pilot.press("p")
        await pilot.pause()
        assert "deleted" in screen.message
        await pilot.press("R")  # cannot reload a deleted file: says so, keeps everything
        await pilot.pause()
        assert "W saves" in screen.message and screen.session.dirty
        await pilot.press("W")
        await pilot.pause()
        assert not screen.session.dirty
    r = load_record(only_record(saved_record.parent)).record
    assert r.get("slump", "left") == "positive" and r.get("slr", "left") == "positive"


async def test_g_goes_to_the_next_unanswered_and_slash_jumps_by_label(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        s = screen.session
        await pilot.press("slash", *"slump")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert s.item.id == "slump"
        assert "Now in Nerve tension" in screen.message  # a new section is announced
        await pilot.press("p", "p")  # slump L and R, then the cursor moves on
        await pilot.press("k", "k", "g")  # up to crossed SLR left (unanswered): g, the next
        await pilot.pause()
        assert (s.item.id, s.side) == ("crossed_slr", "right")
        await pilot.press("slash", *"bowstr")  # shown only after a positive SLR: no match
        await pilot.pause()
        await pilot.press("enter", "escape", "slash", *"femoral", "enter", "n")
        await pilot.pause()
    r = load_record(only_record(records_dir)).record
    assert (
        r.get("slump", "right") == "positive"
        and r.get("femoral_nerve_stretch", "left") == "negative"
    )


async def test_summary_screen_toggles_the_brief_and_writes_it(
    make_app: MakeApp, saved_record: Path
) -> None:
    from exam_tui.tui.screens.summary import SummaryScreen

    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SummaryScreen) and screen.brief
        assert len(screen.text.splitlines()) <= 20 and "Safety net" in screen.text
        await pilot.press("w")
        await pilot.pause()
    written = saved_record.with_name(saved_record.stem + "-brief.txt")
    assert written.read_text("utf-8") == screen.text


async def test_g_in_the_completion_dialog_goes_to_the_first_unanswered(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        await pilot.press("2", "1", "ctrl+s")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert app.screen is screen and screen.session.item.id == "felt_pop"
    r = load_record(only_record(records_dir)).record
    assert r.status == "draft"


async def test_quitting_after_a_conflict_keeps_this_windows_record(
    make_app: MakeApp, saved_record: Path
) -> None:
    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        other = ExamSession.open(saved_record)
        other.set_value("positive", "crossed_slr", "left")
        screen.session.goto("slump", "left")
        await pilot.press("p", "q")
        await pilot.pause()
        assert app.is_running and "q again" in screen.message
        await pilot.press("q")
        await pilot.pause()
    kept = [p for p in saved_record.parent.glob("*.toml") if p != saved_record]
    assert len(kept) == 1
    assert load_record(kept[0]).record.get("slump", "left") == "positive"
    assert load_record(saved_record).record.get("crossed_slr", "left") == "positive"


async def test_reload_lists_the_changes_that_clash(make_app: MakeApp, saved_record: Path) -> None:
    from exam_tui.tui.screens.amend import ClashList

    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        other = ExamSession.open(saved_record)  # another window: slump left negative
        other.set_value("negative", "slump", "left")
        screen.session.goto("slump", "left")
        await pilot.press("p", "R")  # here: positive; then reload
        await pilot.pause()
        assert isinstance(app.screen, ClashList)
        assert any("Slump test left: not answered → positive" in c for c in app.screen.clashes)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and "1 of your changes clash" in screen.message
    assert load_record(saved_record).record.get("slump", "left") == "negative"  # the file's
