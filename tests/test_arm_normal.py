"""N ("rest of this section normal") on the arm-pain checklist, as its reference says per role.

History: nothing is recorded. Red flags (screening): after confirmation, every shown item whose
normal is "no"; the background facts (cancer, smoking, immune status) and the Canadian C-spine
items hidden without neck trauma stay unanswered. Exam sections: each item's normal on both
arms; measured numbers are never filled. The record is read back from disk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from exam_tui.checklist import load_bundled
from exam_tui.session import ExamSession
from exam_tui.storage import load_record

BACKGROUND_FACTS = {"cancer_history", "ever_smoked", "immunosuppressed_or_ivdu"}
CCR = {"ccr_dangerous_mechanism", "ccr_no_low_risk_factor", "ccr_unable_to_rotate_45"}


def _session(tmp_path: Path) -> ExamSession:
    arm = load_bundled("arm-pain")
    assert (arm.id, arm.version) == ("arm-pain", "1.0.0")
    return ExamSession.start(
        arm,
        tmp_path,
        patient="ARM-N",
        examiner="Dr T. Test",
        side="left",
        clock=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        find_prior=False,
    )


def test_n_through_every_section_fills_only_what_the_reference_allows(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.set_value(52, "age_years")  # something to save
    filled = {}
    for section in session.checklist.sections:
        session.goto(section.items[0].id, "left" if section.items[0].bilateral else None)
        filled[section.id] = session.fill_normal_section(confirmed=True)
    assert filled["history"] == 0
    assert filled["red_flags"] == 25 - len(BACKGROUND_FACTS) - len(CCR)
    assert session.path is not None
    findings = load_record(session.path).record.findings

    history = ["onset_mode", "neck_pain", "pain_below_elbow", "diabetes", "arm_pain_score"]
    assert not any(item in findings for item in history)
    assert not (BACKGROUND_FACTS | CCR) & set(findings)
    assert findings["hand_clumsiness"].value == "no"
    assert findings["deformity_after_injury_or_fit"].value == "no"
    for item, normal in [
        ("spurling_test", "negative"),
        ("reflex_biceps", 2),
        ("babinski_sign", "flexor"),
        ("sensation_t1", "normal"),
        ("strength_shoulder_abduction", 5),
        ("hand_intrinsic_wasting", "negative"),
    ]:
        assert (findings[item].left, findings[item].right) == (normal, normal)
    assert findings["midline_cervical_tenderness"].value == "negative"
    assert findings["gait_deviation"].value == "negative"
    measured = [
        "cervical_rotation_degrees",
        "active_abduction_degrees",
        "passive_external_rotation_degrees",
        "grip_strength_kg",
    ]
    assert not any(item in findings for item in measured)
    assert "relocation_test" not in findings, "shown only after a positive apprehension test"
