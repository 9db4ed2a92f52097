"""ExamSession: undo, typed numbers never dropped, amendment reasons, recovery from a conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

from exam_tui.checklist import Checklist
from exam_tui.errors import RecordConflictError, RecordError
from exam_tui.session import ExamSession
from exam_tui.storage import load_record
from tests.helpers.clock import FakeClock


def saved(s: ExamSession) -> dict[str, object]:
    assert s.path is not None
    r = load_record(s.path).record
    return {k: v.to_dict() for k, v in r.findings.items()}


def test_undo_takes_back_answers_one_at_a_time_and_saves(session: ExamSession) -> None:
    session.answer("2")  # onset gradual
    session.answer("3")  # mechanism
    assert session.undo() is not None
    assert session.record.get("mechanism") is None and session.record.get("onset") == "gradual"
    assert "mechanism" not in saved(session)
    assert session.item.id == "mechanism"  # the cursor goes to what was undone
    session.undo()
    assert saved(session) == {}
    assert session.undo() is None  # nothing left


def test_a_whole_N_fill_is_one_undo_step(session: ExamSession) -> None:
    session.answer("2")
    session.goto_section(2)  # nerve tension: an exam section, filled without asking
    filled = session.fill_normal_section()
    assert filled > 1
    what = session.undo()
    assert what == f"{filled} values"
    # The cursor goes to the first value undone, in exam order.
    assert (session.item.id, session.side) == (session.sections[2].items[0].id, "left")
    assert set(saved(session)) == {"onset"}


def test_undo_of_a_clear_and_of_a_note(session: ExamSession) -> None:
    session.goto("slr", "left")
    session.answer("p")
    session.goto("slr", "left")
    session.clear()
    session.set_note("line one\nline two", "slr")
    session.undo()
    assert session.note("slr") == ""
    session.undo()
    assert session.record.get("slr", "left") == "positive"
    assert saved(session)["slr"] == {"left": "positive"}


def test_undo_on_a_completed_record_is_an_amendment(checklist: Checklist, tmp_path: Path) -> None:
    s = ExamSession.start(
        checklist, tmp_path, patient="P-2", examiner="Dr A", side="right", clock=FakeClock()
    )
    s.goto("slr", "right")
    s.answer("p")
    s.complete()
    assert s.path is not None
    again = ExamSession.open(s.path, user="Dr B", clock=FakeClock())
    again.amend_reason = "wrong side"
    again.goto("slr", "right")
    again.answer("n")
    again.undo()
    r = load_record(s.path).record
    assert r.get("slr", "right") == "positive" and r.status == "amended"
    assert [(a.old, a.new, a.by, a.reason) for a in r.amendments] == [
        ("positive", "negative", "Dr B", "wrong side"),
        ("negative", "positive", "Dr B", "wrong side"),
    ]


def test_a_typed_number_is_recorded_when_the_cursor_leaves(session: ExamSession) -> None:
    session.goto("pain_score")
    session.answer("7")
    assert session.move_item(1)
    assert session.record.get("pain_score") == 7
    assert "pain_score" in saved(session)


def test_an_invalid_typed_number_keeps_the_cursor_and_says_why(session: ExamSession) -> None:
    session.goto("pain_score")
    session.answer("1")
    session.answer("1")
    assert not session.move_item(1)
    assert session.item.id == "pain_score" and session.number_buffer == "11"
    assert session.refusal is not None and "outside" in session.refusal
    assert session.undo() == "the typed number"
    assert session.number_buffer == "" and session.move_item(1)


def test_reload_reapplies_changes_that_do_not_clash(session: ExamSession) -> None:
    session.answer("2")  # onset gradual: saved
    assert session.path is not None
    other = ExamSession.open(session.path, clock=FakeClock())
    other.goto("onset")
    other.answer("1")  # the other window: onset sudden
    other.goto("felt_pop")
    other.answer("y")
    with pytest.raises(RecordConflictError):
        session.answer("3")  # mechanism (no clash)
    session.goto("onset")
    with pytest.raises(RecordConflictError):
        session.answer("2")  # unchanged here: nothing to re-apply for onset
    session.goto("felt_pop")
    with pytest.raises(RecordConflictError):
        session.answer("n")  # clashes with the other window's yes
    clashes = session.reload_and_reapply()
    assert len(clashes) == 1 and "felt" in clashes[0].lower()
    found = saved(session)
    assert found["onset"] == {"value": "sudden_injury"}
    assert found["mechanism"] == {"value": "forced_hip_flexion_knee_straight"}
    assert found["felt_pop"] == {"value": "yes"}
    assert not session.dirty


def test_a_deleted_file_can_be_saved_as_a_new_record(session: ExamSession) -> None:
    session.answer("2")
    assert session.path is not None
    session.path.unlink()
    with pytest.raises(RecordConflictError):
        session.answer("3")
    with pytest.raises(RecordError):
        session.reload_and_reapply()
    path = session.save_as_new()
    assert path.exists() and set(saved(session)) == {"onset", "mechanism"}
