"""Follow-up exams: changes since the prior exam, the progression flag P1, and their CLI.

Record pairs live in tests/data/compare/: ``old.toml`` (P-001, 2026-10-01) and four follow-ups
of 2026-10-29 (``worse``, ``better``, ``same``, ``other_patient``), plus ``old_retired_items``
(the prior exam with items the current checklist no longer has).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exam_tui import compare, rules
from exam_tui.checklist import Checklist
from exam_tui.errors import RecordError
from exam_tui.record import Record, new_record
from exam_tui.storage import LoadedRecord, load_record, new_record_path, save_record

PAIRS = Path(__file__).resolve().parent / "data" / "compare"
OLD = PAIRS / "old.toml"
WORSE = PAIRS / "worse.toml"
BETTER = PAIRS / "better.toml"
SAME = PAIRS / "same.toml"
OTHER = PAIRS / "other_patient.toml"
RETIRED = PAIRS / "old_retired_items.toml"


def _changes(result: compare.Comparison) -> dict[tuple[str, str | None], compare.Change]:
    return {(c.item, c.side): c for c in result.changes}


@pytest.fixture(scope="session")
def checklist(checklist_v1: Checklist) -> Checklist:
    """These tests were written for posterior-thigh-pain 1.0.0 and stay its regression tests."""
    return checklist_v1


def _p1(flags: list[rules.Flag] | tuple[rules.Flag, ...]) -> list[rules.Flag]:
    return [f for f in flags if f.id == "P1"]


# ----------------------------------------------------------------------------- the record pairs


def test_worsening_lists_changes_in_clinical_order_with_dates_and_interval() -> None:
    result = compare.compare_loaded(load_record(OLD), load_record(WORSE))
    assert (result.old_date, result.new_date) == ("2026-10-01", "2026-10-29")
    assert (result.interval_days, result.interval_weeks) == (28, 4.0)
    changes = _changes(result)
    assert changes[("strength_great_toe_extension", "left")].kind == "worse"
    assert changes[("sensation_l5", "left")].kind == "worse"
    assert changes[("reflex_achilles", "left")].kind == "worse"
    assert changes[("pain_score", None)].kind == "worse"  # 7 → 8: lower is better
    # Clinical (checklist) order: history, reflexes, sensation, strength.
    assert [c.item for c in result.changes] == [
        "pain_score",
        "reflex_achilles",
        "sensation_l5",
        "strength_great_toe_extension",
        "strength_knee_flexion",
    ]
    assert changes[("strength_great_toe_extension", "left")].line() == (
        "Great toe extension (L5) L: MRC 4/5 → 3/5 (worse)"
    )


def test_worsening_fires_one_urgent_progression_flag_naming_items_and_both_values() -> None:
    old, new = load_record(OLD), load_record(WORSE)
    flags = _p1(rules.evaluate(new.checklist, new.record, prior=old.record).flags)
    assert len(flags) == 1
    p1 = flags[0]
    assert p1.id == "P1"
    assert p1.title == "Progressive neurological deficit"
    assert p1.urgency == "urgent"
    assert set(p1.actions) == {"imaging", "referral"}
    assert p1.advice.startswith("Consider urgent MRI and spinal surgical referral")
    assert p1.source == "ACP/APS (Chou 2007)"
    # Knee flexion also weakened (5 → 3) but is hamstring power, not a root myotome.
    assert p1.triggered_by == ("reflex_achilles", "sensation_l5", "strength_great_toe_extension")
    assert "Great toe extension (L5) L: MRC 4/5 on 2026-10-01 → 3/5 now" in p1.reasons
    assert any(
        "Sensation: dorsum of foot (L5) L" in r
        and "normal on 2026-10-01" in r
        and "reduced now" in r
        for r in p1.reasons
    )
    assert any(
        "Achilles reflex (S1) L" in r and "2 (normal) on 2026-10-01" in r and "1 (reduced) now" in r
        for r in p1.reasons
    )


def test_improving_exam_lists_improvements_and_does_not_fire() -> None:
    old, new = load_record(OLD), load_record(BETTER)
    changes = _changes(compare.compare_loaded(old, new))
    assert changes[("slr", "left")].kind == "no longer present"
    assert changes[("pain_below_knee", None)].kind == "no longer present"
    assert changes[("slr_angle", "left")].kind == "better"
    assert changes[("single_leg_bridge_reps", "left")].kind == "better"
    assert changes[("pain_score", None)].kind == "better"
    assert changes[("strength_great_toe_extension", "left")].kind == "better"
    assert _p1(rules.evaluate(new.checklist, new.record, prior=old.record).flags) == []
    assert _p1(rules.evaluate(new.checklist, new.record, prior=old.record).flags) == []


def test_unchanged_exam_reports_no_change_and_does_not_fire() -> None:
    old, new = load_record(OLD), load_record(SAME)
    result = compare.compare_loaded(old, new)
    assert result.changes == ()
    assert result.unchanged == 19
    assert compare.change_lines(result) == [
        "Interval: 28 days, 4 weeks.",
        "No change in the 19 values recorded at both exams.",
    ]
    assert "No change" in compare.format_text(result)
    assert _p1(rules.evaluate(new.checklist, new.record, prior=old.record).flags) == []


def test_different_patient_is_refused_naming_the_file() -> None:
    with pytest.raises(RecordError) as exc:
        compare.compare_loaded(load_record(OLD), load_record(OTHER))
    msg = str(exc.value)
    assert str(OLD) in msg and "P-001" in msg and "P-002" in msg and "different patients" in msg
    with pytest.raises(RecordError):
        compare.check_same_patient(load_record(OLD), load_record(OTHER))


def test_prior_that_is_not_earlier_is_refused() -> None:
    with pytest.raises(RecordError, match="not earlier"):
        compare.check_same_patient(load_record(WORSE), load_record(OLD))
    with pytest.raises(RecordError, match="same exam"):
        compare.check_same_patient(load_record(OLD), load_record(OLD))


def test_prior_items_the_current_checklist_lacks_are_reported_not_a_crash() -> None:
    old, new = load_record(RETIRED), load_record(WORSE)
    result = compare.compare_loaded(old, new)
    gone = {(u.item, u.side): u for u in result.uncompared}
    assert set(gone) == {
        ("hamstring_flexibility_test", "left"),
        ("hamstring_flexibility_test", "right"),
        ("back_pain_score", None),
    }
    assert all(u.reason == "not in current checklist" for u in gone.values())
    assert (
        "hamstring_flexibility_test L: positive (not in current checklist)"
        in compare.change_lines(result)
    )
    assert "not in current checklist" in compare.format_text(result)
    # The known items are still compared, and progression still evaluated.
    assert ("strength_great_toe_extension", "left") in _changes(result)
    assert _p1(rules.evaluate(new.checklist, new.record, prior=old.record).flags)


# ----------------------------------------------------------------------------- single findings


def _pair(
    checklist: Checklist, values: list[tuple[str, str | None, object, object]]
) -> tuple[Record, Record]:
    """A prior (2026-10-01) and current (2026-10-15) exam differing in the given values."""
    prior = new_record(
        checklist, "P-9", "Dr", "left", started_at=datetime(2026, 10, 1, 9, tzinfo=UTC)
    )
    current = new_record(
        checklist, "P-9", "Dr", "left", started_at=datetime(2026, 10, 15, 9, tzinfo=UTC)
    )
    for item_id, side, old, new in values:
        item = checklist.items[item_id]
        prior.set_value(item, side, old)  # type: ignore[arg-type]
        current.set_value(item, side, new)  # type: ignore[arg-type]
    return prior, current


@pytest.mark.parametrize(
    ("item", "side", "old", "new", "fires"),
    [
        ("strength_ankle_dorsiflexion", "right", 5, 4, True),  # one grade is enough
        ("strength_hip_abduction", "left", 4, 4, False),
        ("strength_plantarflexion", "left", 4, 5, False),
        ("strength_knee_flexion", "left", 5, 2, False),  # muscular, not a root myotome
        ("sensation_s1", "right", "normal", "absent", True),
        ("sensation_l4", "left", "reduced", "absent", True),
        ("sensation_s2", "left", "reduced", "normal", False),
        ("sensation_l5", "left", "normal", "increased", False),
        ("reflex_patellar", "left", 2, 1, True),
        ("reflex_medial_hamstring", "right", 1, 0, True),
        ("reflex_achilles", "left", 3, 2, False),  # brisk to normal is not a drop into deficit
        ("reflex_achilles", "left", 1, 2, False),
        ("sensation_saddle", None, "normal", "reduced", True),
    ],
)
def test_progression_per_finding(
    checklist: Checklist, item: str, side: str | None, old: object, new: object, fires: bool
) -> None:
    prior, current = _pair(checklist, [(item, side, old, new)])
    flags = _p1(rules.evaluate(checklist, current, prior=prior).flags)
    assert bool(flags) is fires
    if fires:
        assert flags[0].triggered_by == (item,)


def test_one_grade_drop_alone_fires_p1_through_evaluate_even_when_no_other_rule_does(
    checklist: Checklist,
) -> None:
    prior, current = _pair(checklist, [("strength_great_toe_extension", "left", 5, 4)])
    assert rules.evaluate(checklist, current).flags == ()
    ev = rules.evaluate(checklist, current, prior=prior)
    assert [f.id for f in ev.flags] == ["P1"]
    assert ev.flags[0].reasons == ("Great toe extension (L5) L: MRC 5/5 on 2026-10-01 → 4/5 now",)


def test_p1_keeps_urgency_order_among_other_flags(checklist: Checklist) -> None:
    prior, current = _pair(checklist, [("strength_great_toe_extension", "left", 5, 4)])
    current.set_value(checklist.items["saddle_anaesthesia"], None, "yes")  # R1: emergency
    ids = [f.id for f in rules.evaluate(checklist, current, prior=prior).flags]
    assert ids.index("R1") < ids.index("P1")
    urgencies = [f.urgency for f in rules.evaluate(checklist, current, prior=prior).flags]
    assert urgencies == sorted(urgencies, key=rules.URGENCY_ORDER.index)


@pytest.mark.parametrize(
    ("item", "side", "old", "new", "kind"),
    [
        ("slr", "left", "negative", "positive", "new finding"),
        ("slr", "left", "positive", "negative", "no longer present"),
        ("slr", "left", "negative", "equivocal", "changed"),
        ("night_pain", None, "no", "yes", "new finding"),
        ("night_pain", None, "yes", "no", "no longer present"),
        ("reflex_achilles", "right", 2, 4, "worse"),
        ("reflex_achilles", "right", 1, 2, "better"),
        ("plantar_response", "left", "flexor", "extensor", "worse"),
        ("sensation_s1", "left", "absent", "reduced", "better"),
        ("slr_angle", "left", 60, 45, "worse"),
        ("single_leg_bridge_reps", "right", 30, 18, "worse"),
        ("pain_score", None, 4, 6, "worse"),
        ("duration_weeks", None, 2, 6, "changed"),
        ("onset", None, "gradual", "sudden_injury", "changed"),
    ],
)
def test_direction_of_change(
    checklist: Checklist, item: str, side: str | None, old: object, new: object, kind: str
) -> None:
    prior, current = _pair(checklist, [(item, side, old, new)])
    result = compare.compare_records(checklist, prior, current)
    assert [(c.item, c.side, c.kind) for c in result.changes] == [(item, side, kind)]


def test_an_item_examined_only_once_is_not_a_change(checklist: Checklist) -> None:
    prior, current = _pair(checklist, [])
    current.set_value(checklist.items["slr"], "left", "positive")
    assert compare.compare_records(checklist, prior, current).changes == ()


# ----------------------------------------------------------------------------- CLI


def test_cli_compare_text(run_cli) -> None:
    result = run_cli("compare", OLD, WORSE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "P-001" in out and "2026-10-01" in out and "2026-10-29" in out and "28 days" in out
    assert "Great toe extension (L5) L: MRC 4/5 → 3/5 (worse)" in out
    # Clinical order: sections appear as in the checklist.
    assert (
        out.index("History")
        < out.index("Reflexes")
        < out.index("Sensation")
        < out.index("Strength")
    )


def test_cli_compare_json(run_cli) -> None:
    result = run_cli("compare", OLD, BETTER, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["patient_id"] == "P-001"
    assert data["old"]["date"] == "2026-10-01" and data["new"]["date"] == "2026-10-29"
    assert data["interval"] == {"days": 28, "weeks": 4.0}
    slr = next(c for c in data["changes"] if c["item"] == "slr")
    assert set(slr) == {"item", "side", "label", "section", "old", "new", "kind", "text"}
    assert (slr["side"], slr["old"], slr["new"], slr["kind"]) == (
        "left",
        "positive",
        "negative",
        "no longer present",
    )
    assert slr["section"] == "Nerve tension"
    assert data["not_compared"] == []


@pytest.mark.parametrize(
    "command",
    [["compare", OLD, OTHER], ["flags", OTHER, "--prior", OLD], ["summary", OTHER, "--prior", OLD]],
)
def test_cli_refuses_a_different_patient_in_one_line(run_cli, command: list[object]) -> None:
    result = run_cli(*command)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(OLD) in lines[0] and "different patients" in lines[0]


def test_cli_compare_with_retired_items_reports_them(run_cli) -> None:
    result = run_cli("compare", RETIRED, WORSE)
    assert result.returncode == 0, result.stderr
    assert "hamstring_flexibility_test L: positive (not in current checklist)" in result.stdout


def test_cli_flags_prior_json_includes_p1_in_the_flags_shape(run_cli) -> None:
    with_prior = run_cli("flags", WORSE, "--prior", OLD, "--json")
    assert with_prior.returncode == 0, with_prior.stderr
    flags = json.loads(with_prior.stdout)["flags"]
    p1 = [f for f in flags if f["id"] == "P1"]
    assert len(p1) == 1
    assert p1[0]["urgency"] == "urgent"
    assert p1[0]["triggered_by"] == [
        "reflex_achilles",
        "sensation_l5",
        "strength_great_toe_extension",
    ]
    assert "Great toe extension (L5) L: MRC 4/5 on 2026-10-01 → 3/5 now" in p1[0]["reasons"]
    assert all(set(f) == set(p1[0]) for f in flags)  # same JSON shape as every other flag
    without = json.loads(run_cli("flags", WORSE, "--json").stdout)["flags"]
    assert "P1" not in [f["id"] for f in without]


def test_cli_summary_with_prior_has_a_since_section(run_cli) -> None:
    result = run_cli("summary", WORSE, "--prior", OLD, "--width", "100")
    assert result.returncode == 0, result.stderr
    since = result.stdout[result.stdout.index("Since 2026-10-01") :]
    assert "Interval: 28 days, 4 weeks." in since
    assert "Great toe extension (L5) L: MRC 4/5 → 3/5 (worse)" in since
    assert "Progressive neurological deficit" in result.stdout
    assert "Since" not in run_cli("summary", WORSE).stdout


# ----------------------------------------------------------------------------- latest_prior


def test_latest_prior_picks_the_latest_earlier_exam_of_the_patient(
    tmp_path: Path, checklist: Checklist
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()

    def save(patient: str, day: int) -> Path:
        rec = new_record(
            checklist, patient, "Dr", "left", started_at=datetime(2026, 10, day, 9, tzinfo=UTC)
        )
        path = new_record_path(folder, rec)
        save_record(path, rec, None)
        return path

    save("P-1", 1)
    wanted = save("P-1", 8)
    save("P-2", 10)  # another patient, later
    current = save("P-1", 15)
    save("P-1", 20)  # a later exam is not a prior
    (folder / "broken.toml").write_text("not [valid", encoding="utf-8")
    shutil.copy(OLD, folder / "P-1_unreadable.toml")
    (folder / "P-1_unreadable.toml").write_text(
        (folder / "P-1_unreadable.toml")
        .read_text()
        .replace('id = "P-001"', 'id = "P-1"')
        .replace("2026-10-01T09:00:00Z", "2026-10-12T09:00:00Z")
        .replace("left = 4", 'left = "weak"'),
        encoding="utf-8",
    )  # same patient, later than `wanted`, but invalid: skipped
    found = compare.latest_prior(
        folder, "P-1", datetime(2026, 10, 15, 9, tzinfo=UTC), exclude=current
    )
    assert isinstance(found, LoadedRecord)
    assert found.path == wanted
    assert (
        compare.latest_prior(folder, "P-1", datetime(2026, 10, 1, 9, tzinfo=UTC), exclude=None)
        is None
    )
    assert (
        compare.latest_prior(
            tmp_path / "missing", "P-1", datetime(2026, 10, 15, tzinfo=UTC), exclude=None
        )
        is None
    )


def test_compare_stays_headless() -> None:
    code = "import sys, exam_tui.compare, exam_tui.rules; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
