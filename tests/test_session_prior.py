"""ExamSession and the patient's previous exam: which record is the prior, previous values,
progression (P1) in the live flags, the comparison. Plain synchronous tests, no Textual."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from exam_tui.checklist import Checklist, load_checklist
from exam_tui.errors import RecordError
from exam_tui.session import ExamSession
from exam_tui.storage import load_record

OCT = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist()


def at(when: datetime):  # type: ignore[no-untyped-def]
    return lambda: when


def exam(
    checklist: Checklist,
    folder: Path,
    patient: str,
    when: datetime,
    values: dict[tuple[str, str | None], str],
    *,
    complete: bool = True,
) -> Path:
    """A saved exam: every section normal, then the given keys typed at the given items."""
    s = ExamSession.start(
        checklist,
        folder,
        patient=patient,
        examiner="Dr A",
        side="left",
        clock=at(when),
        find_prior=False,
    )
    for n in range(len(checklist.sections)):
        s.goto_section(n)
        s.fill_normal_section(confirmed=True)
    for (item, side), key in values.items():
        s.goto(item, side)  # type: ignore[arg-type]
        assert s.answer(key), (item, key)
    if complete:
        s.complete()
    return s.save()


def new_exam(checklist: Checklist, folder: Path, patient: str = "P-1") -> ExamSession:
    return ExamSession.start(
        checklist, folder, patient=patient, examiner="Dr B", side="left", clock=at(NOV)
    )


def test_a_new_exam_knows_the_latest_earlier_exam_of_the_same_patient(
    checklist: Checklist, tmp_path: Path
) -> None:
    exam(checklist, tmp_path, "P-1", datetime(2026, 9, 1, tzinfo=UTC), {})
    oct_path = exam(
        checklist, tmp_path, "P-1", OCT, {("strength_great_toe_extension", "left"): "4"}
    )
    # Other patients' exams, later than October and with similar ids, are never the prior.
    exam(checklist, tmp_path, "P-10", datetime(2026, 10, 20, tzinfo=UTC), {})
    exam(checklist, tmp_path, "P-2", datetime(2026, 11, 1, tzinfo=UTC), {})
    s = new_exam(checklist, tmp_path)
    assert s.prior is not None and s.prior.path == oct_path
    assert s.prior_checked and s.prior_date == "2026-10-01"
    assert s.prior_value("strength_great_toe_extension", "left") == 4
    assert s.prior_value("strength_great_toe_extension", "right") == 5
    assert s.prior_value("fever") == "no"  # screened (confirmed N) at the earlier exam
    assert s.prior_value("felt_pop") is None  # history: N never answers for the patient
    # Not pre-filled: the clinician still enters every value.
    assert s.record.get("strength_great_toe_extension", "left") is None
    assert s.progress() == (0, s.progress()[1])


def test_no_earlier_exam_means_no_prior_and_no_progression(
    checklist: Checklist, tmp_path: Path
) -> None:
    exam(checklist, tmp_path, "P-2", OCT, {})
    s = new_exam(checklist, tmp_path)
    assert s.prior is None and s.prior_checked and s.prior_date is None
    assert s.prior_value("slr", "left") is None and s.comparison() is None
    s.goto("strength_great_toe_extension", "left")
    s.answer("2")
    assert "P1" not in [f.id for f in s.evaluation.flags]


def test_a_weaker_root_myotome_raises_P1_live(checklist: Checklist, tmp_path: Path) -> None:
    exam(checklist, tmp_path, "P-1", OCT, {("strength_great_toe_extension", "left"): "4"})
    s = new_exam(checklist, tmp_path)
    assert "P1" not in [f.id for f in s.evaluation.flags]
    s.goto("strength_great_toe_extension", "left")
    s.answer("4")  # unchanged
    assert "P1" not in [f.id for f in s.evaluation.flags]
    assert s.change(s.checklist.items["strength_great_toe_extension"], "left") is None
    s.goto("strength_great_toe_extension", "left")
    s.answer("3")  # one grade weaker
    p1 = next(f for f in s.evaluation.flags if f.id == "P1")
    assert p1.urgency == "urgent" and p1.triggered_by == ("strength_great_toe_extension",)
    assert any("MRC 4/5 on 2026-10-01" in r and "3/5" in r for r in p1.reasons)
    assert s.change(s.checklist.items["strength_great_toe_extension"], "left") == "worse"
    # The saved record alone does not carry P1: it comes from the prior.
    loaded = load_record(s.save())
    from exam_tui import rules

    assert "P1" not in [f.id for f in rules.evaluate(loaded.checklist, loaded.record).flags]
    s.goto("strength_great_toe_extension", "left")
    s.answer("5")  # better than before: no progression
    assert "P1" not in [f.id for f in s.evaluation.flags]
    assert s.change(s.checklist.items["strength_great_toe_extension"], "left") == "better"


def test_knee_flexion_weaker_is_not_progression(checklist: Checklist, tmp_path: Path) -> None:
    exam(checklist, tmp_path, "P-1", OCT, {})
    s = new_exam(checklist, tmp_path)
    s.goto("strength_knee_flexion", "left")
    s.answer("3")  # hamstring power has no root: a strain, not a root sign
    assert "P1" not in [f.id for f in s.evaluation.flags]


def test_comparison_lists_changes_in_clinical_order(checklist: Checklist, tmp_path: Path) -> None:
    exam(checklist, tmp_path, "P-1", OCT, {("slr", "left"): "p"})
    s = new_exam(checklist, tmp_path)
    s.goto("strength_great_toe_extension", "left")
    s.answer("4")
    s.goto("slr", "left")
    s.answer("n")
    result = s.comparison()
    assert result is not None and result.old_date == "2026-10-01"
    assert result.new_date == "2026-11-05"
    assert [c.line() for c in result.changes] == [
        "Straight leg raise (SLR) L: positive → negative (no longer present)",
        "Great toe extension (L5) L: MRC 5/5 → 4/5 (worse)",
    ]


def test_opening_a_draft_uses_the_exam_before_it_never_itself_or_a_later_one(
    checklist: Checklist, tmp_path: Path
) -> None:
    sep = exam(checklist, tmp_path, "P-1", datetime(2026, 9, 1, tzinfo=UTC), {})
    draft = exam(checklist, tmp_path, "P-1", OCT, {}, complete=False)
    exam(checklist, tmp_path, "P-1", NOV, {})
    s = ExamSession.open(draft, checklist=checklist)
    assert s.prior is not None and s.prior.path == sep
    first = ExamSession.open(sep, checklist=checklist)
    assert first.prior is None and first.prior_checked


def test_find_prior_false_defers_the_look_up(checklist: Checklist, tmp_path: Path) -> None:
    oct_path = exam(checklist, tmp_path, "P-1", OCT, {})
    s = ExamSession.start(
        checklist,
        tmp_path,
        patient="P-1",
        examiner="Dr B",
        side="left",
        clock=at(NOV),
        find_prior=False,
    )
    assert s.prior is None and not s.prior_checked
    found = s.find_prior()  # what the app runs in a thread
    assert found is not None and found.path == oct_path and s.prior is None
    s.set_prior(found)
    assert s.prior is found and s.prior_checked


def test_another_patients_record_is_refused_as_prior(checklist: Checklist, tmp_path: Path) -> None:
    other = load_record(exam(checklist, tmp_path, "P-2", OCT, {}))
    s = new_exam(checklist, tmp_path)
    with pytest.raises(RecordError, match="different patients"):
        s.set_prior(other)
    assert s.prior is None
    later = load_record(
        exam(checklist, tmp_path / "later", "P-1", datetime(2026, 12, 1, tzinfo=UTC), {})
    )
    with pytest.raises(RecordError, match="not earlier"):
        s.set_prior(later)
    assert s.prior is None


def test_an_unreadable_record_in_the_folder_is_skipped(
    checklist: Checklist, tmp_path: Path
) -> None:
    oct_path = exam(checklist, tmp_path, "P-1", OCT, {})
    (tmp_path / "P-1_20261020T090000.toml").write_text("this is = not [valid toml\n")
    s = new_exam(checklist, tmp_path)
    assert s.prior is not None and s.prior.path == oct_path
