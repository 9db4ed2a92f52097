"""Write the golden records for posterior-thigh-pain 2.0.0 (tests/golden/v2/*.toml).

Each vignette is a complete exam: every item at its normal value (history answered as below),
then the vignette's own findings. Run it after changing a vignette, then regenerate the golden
summaries and read every changed one against the clinical reference before committing:

    .venv/bin/python tests/golden/v2/make_records.py
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden_v2.py
    git diff tests/golden/v2
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from exam_tui.checklist import Checklist, load_checklist  # noqa: E402
from exam_tui.record import Record, is_shown, new_record  # noqa: E402
from exam_tui.storage import save_record  # noqa: E402

CHECKLIST = HERE.parents[2] / "exam_tui" / "checklists" / "posterior-thigh-pain.toml"
EXAMINER = "Dr J. Okafor"
TODAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PRIOR_DAY = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)

#: History answered for every vignette unless it says otherwise.
HISTORY: dict[str, Any] = {
    "onset": "gradual",
    "mechanism": "none",
    "felt_pop": "no",
    "duration_weeks": 3,
    "conservative_care_weeks": 2,
    "pain_score": 5,
    "pain_below_knee": "no",
    "leg_pain_worse_than_back": "no",
    "leg_pain_worse_cough_sneeze": "no",
    "pain_worse_sitting": "no",
    "foot_paraesthesia": "no",
    "intolerable_pain": "no",
    "intervention_candidate": "no",
    "age_under_18": "no",
    "walking_leg_pain": "none",
}
#: Background red flags (no normal value): answered "no" unless the vignette says otherwise.
BACKGROUND = {
    "history_of_cancer": "no",
    "iv_drug_use_or_immunosuppression": "no",
    "recent_infection_or_spinal_procedure": "no",
    "osteoporosis_or_steroids": "no",
    "age_over_50": "no",
}
NUMBERS = {"single_leg_bridge_reps": (25, 25)}
P = ("positive", "negative")


@dataclass
class Vignette:
    name: str
    comment: str
    patient: str
    findings: dict[str, Any]
    side: str = "left"
    unanswered: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
    #: Findings of the previous exam that differ from today's (a follow-up vignette).
    prior: dict[str, Any] | None = None


VIGNETTES = [
    Vignette(
        "normal_exam",
        "Every item normal, red flags screened. Expected: no flag; the no-flags sentence and the"
        " safety net.",
        "GOLD2-NORMAL",
        {},
    ),
    Vignette(
        "l5_radiculopathy_left",
        "Left L5 radiculopathy after lifting, 3 weeks. Expected: radicular pattern 4/0; no flag"
        " (one root level, under 6 weeks of care).",
        "GOLD2-L5",
        {
            "mechanism": "lifting_or_bending",
            "pain_below_knee": "yes",
            "leg_pain_worse_than_back": "yes",
            "foot_paraesthesia": "yes",
            "pain_score": 6,
            "slr": P,
            "slr_angle": (40, None),
            "slr_dorsiflexion": ("positive", None),
            "bowstring_cram": ("positive", None),
            "slump": P,
            "reflex_medial_hamstring": (1, 2),
            "sensation_l5": ("reduced", "normal"),
            "strength_great_toe_extension": (4, 5),
            "strength_hip_abduction": (4, 5),
            "strength_ankle_inversion": (4, 5),
        },
        notes={"slr": "reproduces the patient's own pain to the dorsum of the left foot at 40°"},
    ),
    Vignette(
        "l3_l4_femoral_stretch",
        "Left L3/L4 radiculopathy: anterior thigh pain worse than back, positive femoral stretch,"
        " reduced knee jerk, weak quadriceps. Expected: radicular pattern (issue 12: was"
        " indeterminate); no flag.",
        "GOLD2-L3L4",
        {
            "leg_pain_worse_than_back": "yes",
            "femoral_nerve_stretch": P,
            "reflex_patellar": (1, 2),
            "strength_knee_extension": (4, 5),
            "sit_to_stand_single_leg": P,
        },
    ),
    Vignette(
        "bilateral_absent_ankle_jerks",
        "Both ankle jerks absent and calf weakness in both legs, no red flag reported. Expected:"
        " R14 urgent (issue 12: was 'No imaging or referral indicated'); safety net kept.",
        "GOLD2-BILAT",
        {
            "pain_below_knee": "yes",
            "reflex_achilles": (0, 0),
            "strength_plantarflexion": (4, 4),
        },
    ),
    Vignette(
        "afebrile_ivdu_deficit",
        "Injecting drug user, afebrile, night pain, new reduced sensation on the left foot."
        " Expected: R4 escalated to emergency with its own advice (issue 12: no flag before).",
        "GOLD2-SEA",
        {
            "iv_drug_use_or_immunosuppression": "yes",
            "night_pain": "yes",
            "pain_below_knee": "yes",
            "sensation_l5": ("reduced", "normal"),
        },
    ),
    Vignette(
        "cancer_radicular_weakness",
        "Breast cancer treated 4 years ago; new left leg pain below the knee and weak great toe"
        " extension. Expected: R5 escalated to emergency (MSCC coordinator now; issue 12: was"
        " urgent).",
        "GOLD2-MSCC",
        {
            "history_of_cancer": "yes",
            "age_over_50": "yes",
            "pain_below_knee": "yes",
            "strength_great_toe_extension": (4, 5),
        },
        notes={"history_of_cancer": "breast cancer, treated 2022"},
    ),
    Vignette(
        "avulsion_six_weeks",
        "Water-skiing injury with a pop six weeks ago; bruising gone, no gap felt, tuberosity"
        " tender. Expected: R7 (history-led trigger; refer now whatever the interval; issue 12:"
        " missed before).",
        "GOLD2-AVULSION6",
        {
            "onset": "sudden_injury",
            "mechanism": "forced_hip_flexion_knee_straight",
            "felt_pop": "yes",
            "duration_weeks": 6,
            "pain_worse_sitting": "yes",
            "ischial_tuberosity_tenderness": P,
            "resisted_knee_flexion_30": P,
        },
    ),
    Vignette(
        "urinary_retention",
        "Sciatica with new urinary retention. Expected: R1; the summary ends with the CES"
        " emergency line, not the safety-net advice (issue 12).",
        "GOLD2-CES",
        {
            "pain_below_knee": "yes",
            "leg_pain_worse_than_back": "yes",
            "bladder_dysfunction": "yes",
            "slr": P,
            "slr_angle": (35, None),
            "slr_dorsiflexion": ("positive", None),
            "bowstring_cram": ("negative", None),
        },
        notes={"bladder_dysfunction": "urinary retention since yesterday"},
    ),
    Vignette(
        "crossed_slr_disc",
        "Left disc herniation: raising the right leg reproduces the left leg pain. Expected:"
        " radicular pattern; crossed SLR worded 'raising R reproduces L leg pain'; no flag.",
        "GOLD2-CROSSED",
        {
            "pain_below_knee": "yes",
            "leg_pain_worse_than_back": "yes",
            "slr": P,
            "slr_angle": (30, None),
            "slr_dorsiflexion": ("positive", None),
            "bowstring_cram": ("positive", None),
            "crossed_slr": ("negative", "positive"),
        },
    ),
    Vignette(
        "hamstring_tendinopathy_persistent",
        "Runner, 16 weeks of sitting pain at the left tuberosity; stretch tests painful and not"
        " neural. Expected: hamstring pattern; R10.",
        "GOLD2-PHT",
        {
            "mechanism": "sprint",
            "duration_weeks": 16,
            "conservative_care_weeks": 10,
            "pain_worse_sitting": "yes",
            "ischial_tuberosity_tenderness": P,
            "bent_knee_stretch": P,
            "modified_bent_knee_stretch": P,
            "puranen_orava": P,
            "hamstring_stretch_differentiation": ("negative", None),
            "resisted_knee_flexion_30": P,
        },
    ),
    Vignette(
        "deep_gluteal_and_claudication",
        "Buttock and thigh pain: positive piriformis tests and retrotrochanteric tenderness,"
        " reduced foot pulses with walking pain eased by standing still. Expected: other possible"
        " sources listed; R16; pattern indeterminate (other sources never score).",
        "GOLD2-OTHER",
        {
            "walking_leg_pain": "eased_by_standing_still",
            "age_over_50": "yes",
            "seated_piriformis_stretch": P,
            "active_piriformis": P,
            "retrotrochanteric_tenderness": P,
            "foot_pulses": ("reduced", "present"),
        },
    ),
    Vignette(
        "adolescent_apophyseal_avulsion",
        "15-year-old sprinter, sudden pain at the left sitting bone. Expected: R15 (pelvic X-ray);"
        " hamstring pattern.",
        "GOLD2-APOPH",
        {
            "age_under_18": "yes",
            "onset": "sudden_injury",
            "mechanism": "sprint",
            "ischial_tuberosity_tenderness": P,
            "resisted_knee_flexion_90": P,
            "duration_weeks": 1,
        },
    ),
    Vignette(
        "incomplete_red_flags",
        "Red flags only partly asked. Expected: R12 among the warnings only, naming those not"
        " asked; the no-flags sentence still appears.",
        "GOLD2-R12",
        {},
        unanswered=("fever", "history_of_cancer", "recent_infection_or_spinal_procedure"),
    ),
    Vignette(
        "progression_both_legs",
        "Follow-up of a left L5 radiculopathy: the left great toe is weaker than four weeks ago"
        " and the right lateral heel is newly numb. Expected: P1 escalated to emergency; R14; the"
        " CES emergency line replaces the safety net.",
        "GOLD2-P1",
        {
            "pain_below_knee": "yes",
            "leg_pain_worse_than_back": "yes",
            "strength_great_toe_extension": (3, 5),
            "sensation_l5": ("reduced", "normal"),
            "sensation_s1": ("normal", "reduced"),
        },
        prior={
            "strength_great_toe_extension": (4, 5),
            "sensation_s1": ("normal", "normal"),
        },
    ),
]


def set_findings(cl: Checklist, rec: Record, findings: dict[str, Any], at: datetime) -> None:
    for item_id, value in findings.items():
        item = cl.items[item_id]
        if item.bilateral:
            for side, v in zip(("left", "right"), value, strict=True):
                rec.set_value(item, side, v, at=at)
        else:
            rec.set_value(item, None, value, at=at)


def build(cl: Checklist, v: Vignette, findings: dict[str, Any], at: datetime) -> Record:
    rec = new_record(cl, v.patient, EXAMINER, v.side, started_at=at)
    set_findings(cl, rec, {**HISTORY, **BACKGROUND, **NUMBERS}, at)
    set_findings(cl, rec, findings, at)
    # Everything else at its normal value, where it applies.
    for item in cl.items.values():
        for side in ("left", "right") if item.bilateral else (None,):
            if item.normal is None or rec.get(item.id, side) is not None:
                continue
            if is_shown(cl, rec, item.id, side):
                rec.set_value(item, side, item.normal, at=at)
    for item_id in v.unanswered:
        rec.set_value(cl.items[item_id], None, None, at=at)
    for item_id, note in v.notes.items():
        rec.set_note(item_id, note, at=at)
    rec.complete(at=at)
    return rec


def comment(text: str) -> str:
    import textwrap

    return "".join(f"# {line}\n" for line in textwrap.wrap(text, 96))


def main() -> None:
    cl = load_checklist(CHECKLIST)
    for v in VIGNETTES:
        paths = [(HERE / f"{v.name}.toml", v.findings, TODAY)]
        if v.prior is not None:
            earlier = {**v.findings, **v.prior}
            paths.append((HERE / f"{v.name}.prior.toml", earlier, PRIOR_DAY))
        for path, findings, at in paths:
            save_record(path, build(cl, v, findings, at), None)
            text = path.read_text("utf-8")
            path.write_text(comment(v.comment) + "\n" + text, "utf-8")
            print(path.relative_to(HERE.parents[2]))


if __name__ == "__main__":
    main()
