"""ExamSession without a screen: keys, cursor, normal-fill, notes, saving, amendments."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from exam_tui.checklist import Checklist
from exam_tui.errors import RecordConflictError, RecordError
from exam_tui.session import Cursor, ExamSession, answer_keys
from exam_tui.storage import load_record
from tests.helpers.clock import FakeClock


def test_new_session_writes_nothing_until_the_first_answer(
    session: ExamSession, tmp_path: Path
) -> None:
    assert session.path is None
    assert not (tmp_path / "recs").exists()
    assert session.cursor == Cursor(0, "onset", None)
    assert session.answer("1")
    assert session.path is not None and session.path.parent == tmp_path / "recs"
    assert stat.S_IMODE(os.stat(tmp_path / "recs").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(session.path).st_mode) == 0o600
    assert load_record(session.path).record.get("onset") == "sudden_injury"


def test_choice_number_and_yes_no_keys_record_and_advance(session: ExamSession) -> None:
    assert not session.answer("9")  # onset has two options
    session.answer("2")
    assert session.record.get("onset") == "gradual"
    assert session.item.id == "mechanism"
    session.answer("3")
    assert session.record.get("mechanism") == "forced_hip_flexion_knee_straight"
    session.answer("y")  # felt_pop
    assert session.item.id == "duration_weeks"
    for key in "1.5":
        assert session.answer(key)
    assert session.number_buffer == "1.5"
    assert session.answer("enter")
    assert session.record.get("duration_weeks") == 1.5
    assert session.item.id == "conservative_care_weeks"
    session.answer("6")
    session.answer("enter")
    assert session.record.get("conservative_care_weeks") == 6
    assert isinstance(session.record.get("conservative_care_weeks"), int)


def test_number_out_of_range_is_refused_with_a_reason(session: ExamSession) -> None:
    session.goto("pain_score")
    for key in "11":
        session.answer(key)
    assert session.commit_number() == "11 is outside 0–10 out of 10"
    assert session.record.get("pain_score") is None
    assert session.item.id == "pain_score"
    assert session.commit_number() == "type a number first"


def test_keys_of_other_kinds_are_ignored(session: ExamSession) -> None:
    session.goto("felt_pop")
    assert not session.answer("p")  # sign key on a yes_no item
    assert not session.answer("3")
    assert session.record.findings == {}


@pytest.mark.parametrize(
    ("item", "key", "value"),
    [
        ("slr", "p", "positive"),
        ("slr", "n", "negative"),
        ("slr", "e", "equivocal"),
        ("reflex_achilles", "0", 0),
        ("reflex_achilles", "4", 4),
        ("strength_plantarflexion", "5", 5),
        ("sensation_l5", "n", "normal"),
        ("sensation_l5", "r", "reduced"),
        ("sensation_l5", "a", "absent"),
        ("sensation_l5", "i", "increased"),
        ("plantar_response", "f", "flexor"),
        ("plantar_response", "u", "extensor"),
        ("plantar_response", "e", "equivocal"),
        ("saddle_anaesthesia", "n", "no"),
    ],
)
def test_each_kind_maps_its_keys(session: ExamSession, item: str, key: str, value: object) -> None:
    session.goto(item, "left" if session.checklist.items[item].bilateral else None)
    assert session.answer(key)
    side = "left" if session.checklist.items[item].bilateral else None
    assert session.record.get(item, side) == value


def test_reflex_rejects_5_and_mrc_accepts_it(checklist: Checklist) -> None:
    assert "5" not in answer_keys(checklist.items["reflex_achilles"])
    assert answer_keys(checklist.items["strength_plantarflexion"])["5"] == 5


def test_bilateral_answer_goes_left_then_right_then_next_item(session: ExamSession) -> None:
    session.goto("crossed_slr", "left")
    session.answer("n")
    assert session.cursor.item == "crossed_slr" and session.side == "right"
    session.answer("n")
    assert session.cursor.item == "slump" and session.side == "left"


def test_hidden_items_are_skipped_and_appear_when_their_condition_holds(
    session: ExamSession,
) -> None:
    session.goto("slr", "left")
    session.answer("n")
    session.answer("n")
    # slr negative on both sides: slr_angle and slr_dorsiflexion are hidden, so crossed_slr is next.
    assert session.cursor == Cursor(2, "crossed_slr", "left")
    session.goto("slr", "left")
    session.answer("p")  # left positive: left slr_angle appears
    assert session.side == "right"
    session.answer("n")
    assert session.cursor.item == "slr_angle" and session.side == "left"
    assert not session.move_side("right")  # right slr is negative: right angle not asked


def test_clearing_hides_dependants_and_moves_the_cursor_off_them(session: ExamSession) -> None:
    session.goto("slr", "left")
    session.answer("p")
    session.goto("slr_angle", "left")
    session.answer("4")
    session.answer("0")
    session.answer("enter")
    session.goto("slr", "left")
    assert session.clear()
    assert session.record.get("slr", "left") is None
    assert session.record.get("slr_angle", "left") == 40  # kept, only hidden
    assert session.is_shown(session.item, session.side)
    assert not session.clear()  # nothing left to clear


def test_moving_between_items_sections_and_sides(session: ExamSession) -> None:
    assert not session.move_item(-1)
    assert session.move_item(1) and session.item.id == "mechanism"
    assert session.move_section(1) and session.section.id == "red_flags"
    assert session.item.id == "saddle_anaesthesia"
    assert session.move_section(1) and session.item.id == "slr" and session.side == "left"
    assert session.move_side("right") and session.side == "right"
    assert session.move_item(1) and session.item.id == "crossed_slr" and session.side == "right"
    assert session.move_section(-1) and session.section.id == "red_flags"
    last = len(session.sections) - 1
    assert session.goto_section(last)
    assert not session.move_section(1)


def test_fill_normal_fills_one_section_and_goes_on(session: ExamSession) -> None:
    session.goto_section(2)  # nerve tension
    session.goto("slump", "left")
    session.answer("p")
    session.goto_section(2)
    filled = session.fill_normal_section()
    r = session.record
    assert r.get("slr", "left") == "negative" and r.get("slr", "right") == "negative"
    assert r.get("slump", "left") == "positive"  # answered values are kept
    assert r.get("slump", "right") == "negative"
    assert r.get("slr_angle", "left") is None  # numbers are left alone (and hidden here)
    # slr ×2, crossed_slr ×2, slump right, femoral_nerve_stretch ×2; the slr follow-ups are hidden
    assert filled == 7
    assert session.section.id == "muscle_loading"
    assert session.progress(2) == (8, 8)


def test_normal_exam_by_fill_only(session: ExamSession) -> None:
    """N by section role: history records nothing, screening only once confirmed (background
    facts never), exam sections each shown item's normal, each side."""
    assert session.section.role == "history"
    assert session.fill_normal_section() == 0  # the patient's account is never filled in
    assert session.record.findings == {} and session.section.role == "screening"
    plan = session.normal_fill()
    assert plan.needs_confirmation
    assert "History of cancer" not in " ".join(plan.labels())  # a background fact
    assert session.fill_normal_section() == 0  # not confirmed: nothing recorded, stays here
    assert session.record.findings == {} and session.section.role == "screening"
    assert session.fill_normal_section(confirmed=True) > 0
    while session.section.role == "exam" and session.fill_normal_section():
        pass
    assert session.record.get("reflex_patellar", "left") == 2
    assert session.record.get("strength_knee_flexion", "right") == 5
    assert session.record.get("sensation_saddle") is None  # only recorded when tested
    assert session.record.get("history_of_cancer") is None  # never filled automatically
    assert session.record.get("plantar_response", "left") == "flexor"
    assert session.record.get("onset") is None and session.record.get("pain_score") is None
    assert session.record.get("pain_below_knee") is None  # history: never answered for them
    assert session.evaluation.flags == ()
    assert session.path is not None
    saved = load_record(session.path).record
    assert saved.findings == session.record.findings


def test_flags_follow_the_record(session: ExamSession) -> None:
    session.goto("saddle_anaesthesia")
    assert session.evaluation.flags == ()
    session.answer("y")
    flags = session.evaluation.flags
    assert [f.urgency for f in flags] == ["emergency"]
    session.goto("saddle_anaesthesia")
    session.clear()
    assert session.evaluation.flags == ()


def test_notes_are_saved_and_removed(session: ExamSession) -> None:
    session.goto("slr", "left")
    session.set_note("  reproduces calf pain ")
    assert session.path is not None
    assert load_record(session.path).record.note("slr") == "reproduces calf pain"
    session.set_note("")
    assert load_record(session.path).record.note("slr") is None


def test_complete_then_edit_is_an_amendment(checklist: Checklist, tmp_path: Path) -> None:
    s = ExamSession.start(
        checklist, tmp_path, patient="P-2", examiner="Dr A", side="right", clock=FakeClock()
    )
    s.goto("slr", "right")
    s.answer("p")
    s.complete()
    assert s.path is not None
    assert load_record(s.path).record.status == "completed"
    reopened = ExamSession.open(s.path, user="Dr B", clock=FakeClock())
    reopened.goto("slr", "right")
    reopened.answer("n")
    saved = load_record(s.path).record
    assert saved.status == "amended"
    (a,) = saved.amendments
    assert (a.by, a.item, a.side, a.old, a.new) == ("Dr B", "slr", "right", "positive", "negative")


def test_open_puts_the_cursor_on_the_first_unanswered_value(
    checklist: Checklist, tmp_path: Path
) -> None:
    s = ExamSession.start(
        checklist, tmp_path, patient="P-3", examiner="Dr A", side="left", clock=FakeClock()
    )
    s.fill_normal_section()
    s.goto("onset")
    s.answer("1")
    assert s.path is not None
    reopened = ExamSession.open(s.path)
    assert reopened.item.id == "mechanism"


def test_save_conflict_raises_but_keeps_the_change(session: ExamSession) -> None:
    session.answer("1")
    assert session.path is not None
    session.path.write_text(session.path.read_text() + "\n# edited elsewhere\n")
    with pytest.raises(RecordConflictError):
        session.answer("2")  # mechanism: sprint
    assert session.record.get("mechanism") == "sprint"
    assert session.dirty
    assert session.item.id == "felt_pop"  # the cursor moved on all the same
    assert "edited elsewhere" in session.path.read_text()
    session.reload()
    assert session.record.get("mechanism") is None and not session.dirty


def test_unwritable_folder_raises_record_error(checklist: Checklist, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    s = ExamSession.start(checklist, blocker / "recs", patient="P", examiner="E", side="left")
    with pytest.raises(RecordError):
        s.answer("1")
    assert s.record.get("onset") == "sudden_injury" and s.dirty


def test_session_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = "import sys, exam_tui.session; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
