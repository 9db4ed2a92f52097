"""Rules R1–R13, the radicular/hamstring pattern and the vignettes, against the clinical reference.

Each rule is tested on its trigger and just short of it; red flags are tested exhaustively.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from exam_tui import kinds, rules
from exam_tui.checklist import Checklist, load_checklist
from exam_tui.record import Record, is_shown, new_record
from exam_tui.storage import load_record
from tests.conftest import CHECKLIST_V1

CL_V1 = load_checklist(CHECKLIST_V1)
VIGNETTES = Path(__file__).resolve().parent / "vignettes"

RED_FLAGS = [
    "saddle_anaesthesia",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
    "progressive_weakness",
    "history_of_cancer",
    "unexplained_weight_loss",
    "night_pain",
    "fever",
    "iv_drug_use_or_immunosuppression",
    "significant_trauma",
    "osteoporosis_or_steroids",
    "age_over_50",
    "inflammatory_features",
]


@pytest.fixture(scope="module")
def cl() -> Checklist:
    """posterior-thigh-pain 1.0.0: these are its regression tests (2.0.0: test_rules_v2.py)."""
    return CL_V1


def build(cl: Checklist, spec: dict[str, Any] | None = None, *, screened: bool = True) -> Record:
    """A record with every red flag answered "no" (unless ``screened=False``), then ``spec``.

    In ``spec`` a bilateral item takes a (left, right) pair (None leaves a side unanswered).
    """
    rec = new_record(cl, "T-1", "Tester", "left")
    if screened:
        for item_id in RED_FLAGS:
            rec.set_value(cl.items[item_id], None, "no")
    for item_id, value in (spec or {}).items():
        item = cl.items[item_id]
        if item.bilateral:
            left, right = value
            if left is not None:
                rec.set_value(item, "left", left)
            if right is not None:
                rec.set_value(item, "right", right)
        else:
            rec.set_value(item, None, value)
    return rec


NORMAL_NUMBERS: dict[str, Any] = {
    "duration_weeks": 2,
    "conservative_care_weeks": 1,
    "pain_score": 3,
    "slr_angle": 80,
    "single_leg_bridge_reps": 25,
}
NORMAL_CHOICES = {"onset": "gradual", "mechanism": "none"}


def normal_exam(cl: Checklist) -> Record:
    """Every applicable item at its normal value."""
    rec = new_record(cl, "T-N", "Tester", "left")
    for item in cl.items.values():
        for side in ("left", "right") if item.bilateral else (None,):
            if not is_shown(cl, rec, item.id, side):
                continue
            # Background facts have no normal for N; a normal patient answers "no" to them.
            value = kinds.reference_normal(item)
            if value is None:
                value = NORMAL_NUMBERS.get(item.id, NORMAL_CHOICES.get(item.id))
            if value is not None:
                rec.set_value(item, side, value)
    return rec


def flag_ids(cl: Checklist, rec: Record) -> list[str]:
    return [f.id for f in rules.evaluate(cl, rec).flags]


def flag(cl: Checklist, rec: Record, rule_id: str) -> rules.Flag:
    found = [f for f in rules.evaluate(cl, rec).flags if f.id == rule_id]
    assert found, f"{rule_id} did not fire"
    return found[0]


# ----------------------------------------------------------------------------- baseline


def test_complete_normal_exam_raises_nothing(cl: Checklist) -> None:
    rec = normal_exam(cl)
    ev = rules.evaluate(cl, rec)
    assert ev.flags == ()
    assert ev.warnings == ()
    assert ev.pattern is not None and ev.pattern.reading == "indeterminate"
    assert (ev.pattern.radicular, ev.pattern.hamstring) == (0, 0)
    assert not ev.pattern.neuro_deficit


def test_empty_record_only_warns(cl: Checklist) -> None:
    ev = rules.evaluate(cl, build(cl, screened=False))
    assert ev.flags == ()
    assert [w.id for w in ev.warnings] == ["R12"]


# ------------------------------------------------------------------- red flags, exhaustively

ALONE = {
    "saddle_anaesthesia": "R1",
    "bladder_dysfunction": "R1",
    "bowel_dysfunction": "R1",
    "sexual_dysfunction": "R1",
    "bilateral_leg_symptoms": "R1",
    "progressive_weakness": "R3",
    "history_of_cancer": "R5",
    "significant_trauma": "R6",
    "inflammatory_features": "R13",
}
#: Red flags that need company: (partner, rule).
PAIRED = {
    "unexplained_weight_loss": [("night_pain", "R5"), ("age_over_50", "R5")],
    "night_pain": [("unexplained_weight_loss", "R5"), ("age_over_50", "R5")],
    "age_over_50": [
        ("unexplained_weight_loss", "R5"),
        ("night_pain", "R5"),
        ("osteoporosis_or_steroids", "R6"),
    ],
    "osteoporosis_or_steroids": [("age_over_50", "R6")],
    "fever": [("iv_drug_use_or_immunosuppression", "R4")],
    "iv_drug_use_or_immunosuppression": [("fever", "R4")],
}


def test_every_red_flag_is_classified() -> None:
    assert set(ALONE) | set(PAIRED) == set(RED_FLAGS)
    assert not set(ALONE) & set(PAIRED)


@pytest.mark.parametrize("item_id", RED_FLAGS)
def test_red_flag_alone(cl: Checklist, item_id: str) -> None:
    rec = build(cl, {item_id: "yes"})
    ev = rules.evaluate(cl, rec)
    assert ev.warnings == ()
    if item_id in ALONE:
        assert [f.id for f in ev.flags] == [ALONE[item_id]]
        assert ev.flags[0].triggered_by == (item_id,)
        assert ev.flags[0].reasons == (f"{cl.items[item_id].label}: yes",)
    else:
        assert ev.flags == (), f"{item_id} alone should not raise a flag"


@pytest.mark.parametrize(
    ("item_id", "partner", "rule_id"),
    [(i, p, r) for i, pairs in PAIRED.items() for p, r in pairs],
)
def test_red_flag_with_its_partner(cl: Checklist, item_id: str, partner: str, rule_id: str) -> None:
    rec = build(cl, {item_id: "yes", partner: "yes"})
    assert flag_ids(cl, rec) == [rule_id]
    expected = tuple(i for i in RED_FLAGS if i in (item_id, partner))
    assert flag(cl, rec, rule_id).triggered_by == expected


def test_red_flag_answered_no_or_unanswered_does_not_fire(cl: Checklist) -> None:
    assert flag_ids(cl, build(cl)) == []
    assert flag_ids(cl, build(cl, screened=False)) == []


# ----------------------------------------------------------------------------- R1 cauda equina


def test_r1_names_every_ces_finding(cl: Checklist) -> None:
    rec = build(
        cl,
        {"saddle_anaesthesia": "yes", "bowel_dysfunction": "yes", "sensation_saddle": "absent"},
    )
    f = flag(cl, rec, "R1")
    assert f.urgency == "emergency"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.triggered_by == ("saddle_anaesthesia", "bowel_dysfunction", "sensation_saddle")
    assert f.reasons == (
        "Saddle anaesthesia: yes",
        "Bowel dysfunction: yes",
        "Sensation: saddle (S3–S5): absent",
    )
    assert f.source == "BASS 2018; NICE CKS; GIRFT CES pathway"


@pytest.mark.parametrize(
    ("value", "fires"),
    [("reduced", True), ("absent", True), ("normal", False), ("increased", False)],
)
def test_r1_saddle_sensation(cl: Checklist, value: str, fires: bool) -> None:
    assert ("R1" in flag_ids(cl, build(cl, {"sensation_saddle": value}))) is fires


# ------------------------------------------------------------------- R2 upper motor neurone


@pytest.mark.parametrize(
    "item_id", ["reflex_patellar", "reflex_medial_hamstring", "reflex_achilles"]
)
def test_r2_clonus_fires_brisk_does_not(cl: Checklist, item_id: str) -> None:
    assert flag_ids(cl, build(cl, {item_id: (3, 3)})) == []
    f = flag(cl, build(cl, {item_id: (2, 4)}), "R2")
    assert f.urgency == "emergency"
    assert f.actions == ("referral",)
    assert f.triggered_by == (item_id,)


@pytest.mark.parametrize(
    ("value", "fires"), [("extensor", True), ("equivocal", False), ("flexor", False)]
)
def test_r2_plantar(cl: Checklist, value: str, fires: bool) -> None:
    assert ("R2" in flag_ids(cl, build(cl, {"plantar_response": ("flexor", value)}))) is fires


def test_r2_names_both_sides_and_all_signs(cl: Checklist) -> None:
    rec = build(cl, {"reflex_achilles": (4, 4), "plantar_response": ("extensor", "flexor")})
    f = flag(cl, rec, "R2")
    assert f.triggered_by == ("reflex_achilles", "plantar_response")
    assert f.reasons == (
        "Achilles reflex (S1) L: reflex 4 (clonus)",
        "Achilles reflex (S1) R: reflex 4 (clonus)",
        "Plantar response L: extensor",
    )


# ----------------------------------------------------------------------------- R3 motor deficit

MYOTOMES = [
    "strength_ankle_dorsiflexion",
    "strength_great_toe_extension",
    "strength_hip_abduction",
    "strength_plantarflexion",
]


@pytest.mark.parametrize("item_id", MYOTOMES)
def test_r3_single_myotome_3_fires_4_does_not(cl: Checklist, item_id: str) -> None:
    assert "R3" not in flag_ids(cl, build(cl, {item_id: (4, 5)}))
    f = flag(cl, build(cl, {item_id: (3, 5)}), "R3")
    assert f.urgency == "urgent"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.triggered_by == (item_id,)
    assert f.reasons[0].endswith(" L: MRC 3/5")


def test_r3_reason_in_clinical_notation(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"strength_ankle_dorsiflexion": (3, 5)}), "R3")
    assert f.reasons == ("Ankle dorsiflexion (L4) L: MRC 3/5",)


def test_r3_knee_flexion_weakness_is_not_a_root_sign(cl: Checklist) -> None:
    assert flag_ids(cl, build(cl, {"strength_knee_flexion": (2, 5)})) == []


@pytest.mark.parametrize(
    ("spec", "fires"),
    [
        # L4 + S1 on the left: two levels.
        ({"strength_ankle_dorsiflexion": (4, 5), "strength_plantarflexion": (4, 5)}, True),
        # L5 (great toe) + S1 on the right.
        ({"strength_great_toe_extension": (5, 4), "strength_plantarflexion": (5, 4)}, True),
        # L4 + L5 (hip abduction).
        ({"strength_ankle_dorsiflexion": (4, 5), "strength_hip_abduction": (4, 5)}, True),
        # Both L5 muscles: one level only.
        ({"strength_great_toe_extension": (4, 5), "strength_hip_abduction": (4, 5)}, False),
        # Two levels, but on different sides.
        ({"strength_ankle_dorsiflexion": (4, 5), "strength_plantarflexion": (5, 4)}, False),
        # One level plus knee flexion (not a root level).
        ({"strength_ankle_dorsiflexion": (4, 5), "strength_knee_flexion": (4, 5)}, False),
    ],
)
def test_r3_two_root_levels_on_one_side(cl: Checklist, spec: dict[str, Any], fires: bool) -> None:
    assert ("R3" in flag_ids(cl, build(cl, spec))) is fires


def test_r3_names_every_weak_myotome(cl: Checklist) -> None:
    rec = build(
        cl,
        {
            "strength_ankle_dorsiflexion": (4, 5),
            "strength_great_toe_extension": (4, 5),
            "strength_hip_abduction": (4, 5),
            "strength_plantarflexion": (5, 5),
        },
    )
    f = flag(cl, rec, "R3")
    assert f.triggered_by == (
        "strength_ankle_dorsiflexion",
        "strength_great_toe_extension",
        "strength_hip_abduction",
    )


# ----------------------------------------------------------------------------- R4 infection


def test_r4_urgent_without_deficit(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"fever": "yes", "iv_drug_use_or_immunosuppression": "yes"}), "R4")
    assert f.urgency == "urgent"
    assert f.escalated_because is None
    assert set(f.actions) == {"imaging", "referral"}


@pytest.mark.parametrize(
    "deficit",
    [
        {"reflex_achilles": (1, 2)},
        {"sensation_l5": ("reduced", "normal")},
        {"strength_plantarflexion": (5, 4)},
        {"plantar_response": ("extensor", "flexor")},
        {"sensation_saddle": "reduced"},
    ],
)
def test_r4_escalates_to_emergency_with_a_neurological_deficit(
    cl: Checklist, deficit: dict[str, Any]
) -> None:
    rec = build(cl, {"fever": "yes", "iv_drug_use_or_immunosuppression": "yes", **deficit})
    f = flag(cl, rec, "R4")
    assert f.urgency == "emergency"
    assert f.escalated_because
    assert set(deficit) <= set(f.triggered_by)
    # Emergency flags come first.
    ids = flag_ids(cl, rec)
    urgencies = [x.urgency for x in rules.evaluate(cl, rec).flags]
    assert urgencies == sorted(urgencies, key=rules.URGENCY_ORDER.index)
    assert "R4" in ids


def test_r4_knee_flexion_weakness_does_not_escalate(cl: Checklist) -> None:
    rec = build(
        cl,
        {
            "fever": "yes",
            "iv_drug_use_or_immunosuppression": "yes",
            "strength_knee_flexion": (4, 5),
        },
    )
    assert flag(cl, rec, "R4").urgency == "urgent"


# ----------------------------------------------------------------------------- R5, R6


def test_r5_two_of_three_names_both(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"night_pain": "yes", "age_over_50": "yes"}), "R5")
    assert f.urgency == "urgent"
    assert f.triggered_by == ("night_pain", "age_over_50")


def test_r5_all_three_and_cancer_are_all_named(cl: Checklist) -> None:
    spec = {
        k: "yes"
        for k in ("history_of_cancer", "unexplained_weight_loss", "night_pain", "age_over_50")
    }
    f = flag(cl, build(cl, spec), "R5")
    assert f.triggered_by == (
        "history_of_cancer",
        "unexplained_weight_loss",
        "night_pain",
        "age_over_50",
    )


def test_r6_actions(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"significant_trauma": "yes"}), "R6")
    assert f.urgency == "urgent"
    assert f.actions == ("imaging",)


def test_age_with_osteoporosis_and_night_pain_raises_r5_and_r6(cl: Checklist) -> None:
    rec = build(cl, {"age_over_50": "yes", "osteoporosis_or_steroids": "yes", "night_pain": "yes"})
    assert flag_ids(cl, rec) == ["R5", "R6"]


# ----------------------------------------------------------------------------- R7 avulsion

ACUTE = {"onset": "sudden_injury"}


@pytest.mark.parametrize(
    ("spec", "fires"),
    [
        ({"palpable_gap": ("positive", "negative")}, True),
        ({"palpable_gap": ("equivocal", "negative")}, False),
        ({**ACUTE, "felt_pop": "yes", "ecchymosis": ("positive", "negative")}, True),
        ({**ACUTE, "felt_pop": "yes", "strength_knee_flexion": (4, 5)}, True),
        (
            {
                **ACUTE,
                "mechanism": "forced_hip_flexion_knee_straight",
                "strength_knee_flexion": (3, 5),
            },
            True,
        ),
        (
            {
                **ACUTE,
                "mechanism": "forced_hip_flexion_knee_straight",
                "ecchymosis": ("negative", "positive"),
            },
            True,
        ),
        # Just short: no bruising and full knee flexion power.
        (
            {
                **ACUTE,
                "felt_pop": "yes",
                "strength_knee_flexion": (5, 5),
                "ecchymosis": ("negative", "negative"),
            },
            False,
        ),
        # Just short: no pop and another mechanism.
        (
            {
                **ACUTE,
                "felt_pop": "no",
                "mechanism": "sprint",
                "ecchymosis": ("positive", "negative"),
            },
            False,
        ),
        # Just short: gradual onset.
        ({"onset": "gradual", "felt_pop": "yes", "ecchymosis": ("positive", "negative")}, False),
    ],
)
def test_r7_trigger(cl: Checklist, spec: dict[str, Any], fires: bool) -> None:
    ids = flag_ids(cl, build(cl, spec))
    assert ("R7" in ids) is fires
    if fires:
        f = flag(cl, build(cl, spec), "R7")
        assert f.urgency == "urgent" and set(f.actions) == {"imaging", "referral"}
        assert "4–6 weeks" in f.advice


def test_r7_names_every_finding(cl: Checklist) -> None:
    spec = {
        **ACUTE,
        "felt_pop": "yes",
        "mechanism": "forced_hip_flexion_knee_straight",
        "palpable_gap": ("positive", "negative"),
        "ecchymosis": ("positive", "negative"),
        "strength_knee_flexion": (3, 5),
    }
    f = flag(cl, build(cl, spec), "R7")
    assert f.triggered_by == (
        "onset",
        "mechanism",
        "felt_pop",
        "palpable_gap",
        "ecchymosis",
        "strength_knee_flexion",
    )
    assert "Knee flexion L: MRC 3/5" in f.reasons
    assert "Mechanism of injury: forced hip flexion, knee straight" in f.reasons


# ------------------------------------------------------------------- R8–R11 (pattern rules)

RADICULAR = {
    "pain_below_knee": "yes",
    "leg_pain_worse_than_back": "yes",
    "slump": ("positive", "negative"),
}
HAMSTRING = {
    "ischial_tuberosity_tenderness": ("positive", "negative"),
    "bent_knee_stretch": ("positive", "negative"),
    "puranen_orava": ("positive", "negative"),
}


@pytest.mark.parametrize(
    ("weeks", "candidate", "fires"),
    [(6, "yes", True), (8, "yes", True), (5, "yes", False), (6, "no", False)],
)
def test_r8_persistent_radiculopathy(
    cl: Checklist, weeks: int, candidate: str, fires: bool
) -> None:
    rec = build(
        cl, {**RADICULAR, "conservative_care_weeks": weeks, "intervention_candidate": candidate}
    )
    assert flag_ids(cl, rec) == (["R8"] if fires else [])


def test_r8_needs_the_radicular_pattern(cl: Checklist) -> None:
    spec = {**RADICULAR, "slump": ("negative", "negative")}  # radicular 2 → indeterminate
    rec = build(cl, {**spec, "conservative_care_weeks": 12, "intervention_candidate": "yes"})
    assert flag_ids(cl, rec) == []


def test_r8_cites_the_pattern_and_its_findings(cl: Checklist) -> None:
    rec = build(cl, {**RADICULAR, "conservative_care_weeks": 6, "intervention_candidate": "yes"})
    f = flag(cl, rec, "R8")
    assert f.urgency == "routine"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.reasons[0] == "Pattern: radicular (radicular 3/4, hamstring 0/4)"
    assert f.triggered_by == (
        "conservative_care_weeks",
        "pain_below_knee",
        "leg_pain_worse_than_back",
        "intervention_candidate",
        "slump",
    )
    assert "Conservative care so far: 6 weeks" in f.reasons


def test_r9_intolerable_radicular_pain(cl: Checklist) -> None:
    f = flag(cl, build(cl, {**RADICULAR, "intolerable_pain": "yes"}), "R9")
    assert f.urgency == "urgent"
    assert f.actions == ("referral",)
    assert flag_ids(cl, build(cl, {**RADICULAR, "intolerable_pain": "no"})) == []
    no_pattern = {**RADICULAR, "pain_below_knee": "no", "intolerable_pain": "yes"}
    assert flag_ids(cl, build(cl, no_pattern)) == []


@pytest.mark.parametrize(("weeks", "fires"), [(12, True), (30, True), (11, False), (11.5, False)])
def test_r10_persistent_hamstring_origin_pain(cl: Checklist, weeks: float, fires: bool) -> None:
    rec = build(cl, {**HAMSTRING, "duration_weeks": weeks})
    assert flag_ids(cl, rec) == (["R10"] if fires else [])


def test_r10_not_when_a_neurological_deficit_makes_it_mixed(cl: Checklist) -> None:
    rec = build(cl, {**HAMSTRING, "duration_weeks": 16, "reflex_achilles": (1, 2)})
    ev = rules.evaluate(cl, rec)
    assert ev.pattern is not None and ev.pattern.reading == "mixed"
    assert [f.id for f in ev.flags] == []


def test_r10_actions(cl: Checklist) -> None:
    f = flag(cl, build(cl, {**HAMSTRING, "duration_weeks": 12}), "R10")
    assert f.urgency == "routine"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.triggered_by[0] == "duration_weeks"
    assert "ischial_tuberosity_tenderness" in f.triggered_by


@pytest.mark.parametrize(("weeks", "fires"), [(12, True), (11, False)])
def test_r11_hamstring_syndrome(cl: Checklist, weeks: int, fires: bool) -> None:
    rec = build(
        cl,
        {
            "sciatic_nerve_tenderness_at_tuberosity": ("negative", "positive"),
            "duration_weeks": weeks,
        },
    )
    assert flag_ids(cl, rec) == (["R11"] if fires else [])
    if fires:
        f = flag(cl, rec, "R11")
        assert f.urgency == "routine" and f.actions == ("referral",)
        assert f.triggered_by == ("duration_weeks", "sciatic_nerve_tenderness_at_tuberosity")


def test_r11_needs_a_positive_sign(cl: Checklist) -> None:
    rec = build(
        cl,
        {"sciatic_nerve_tenderness_at_tuberosity": ("equivocal", "negative"), "duration_weeks": 20},
    )
    assert flag_ids(cl, rec) == []


def test_r13_inflammatory(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"inflammatory_features": "yes"}), "R13")
    assert f.urgency == "routine" and f.actions == ("referral",)
    assert "rheumatology" in f.advice


# ----------------------------------------------------------------------------- R12 screening


def test_r12_names_exactly_the_unanswered_red_flags(cl: Checklist) -> None:
    rec = build(cl, screened=False)
    answered = ["saddle_anaesthesia", "fever", "age_over_50"]
    for item_id in answered:
        rec.set_value(cl.items[item_id], None, "no")
    ev = rules.evaluate(cl, rec)
    assert len(ev.warnings) == 1
    w = ev.warnings[0]
    assert w.id == "R12"
    assert w.items == tuple(i for i in RED_FLAGS if i not in answered)
    assert "Bladder dysfunction" in w.message and "Fever" not in w.message


def test_r12_quiet_when_all_red_flags_answered(cl: Checklist) -> None:
    assert rules.evaluate(cl, build(cl)).warnings == ()


# ----------------------------------------------------------------------------- ordering


def test_flags_sorted_most_urgent_first_then_rule_order(cl: Checklist) -> None:
    rec = build(
        cl,
        {
            "inflammatory_features": "yes",  # R13 routine
            "significant_trauma": "yes",  # R6 urgent
            "history_of_cancer": "yes",  # R5 urgent
            "plantar_response": ("extensor", "flexor"),  # R2 emergency
            "bladder_dysfunction": "yes",  # R1 emergency
        },
    )
    assert flag_ids(cl, rec) == ["R1", "R2", "R5", "R6", "R13"]


# ----------------------------------------------------------------------------- pattern


def pattern(cl: Checklist, spec: dict[str, Any]) -> rules.PatternResult:
    result = rules.evaluate(cl, build(cl, spec)).pattern
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("radicular", "hamstring", "reading"),
    [
        (3, 0, "radicular"),
        (4, 1, "radicular"),
        (3, 2, "mixed"),
        (2, 2, "mixed"),
        (4, 4, "mixed"),
        (2, 1, "indeterminate"),
        (1, 1, "indeterminate"),
        (0, 0, "indeterminate"),
        (0, 3, "hamstring"),
        (1, 4, "hamstring"),
        (2, 3, "mixed"),
        (3, 1, "radicular"),
        (1, 2, "indeterminate"),
    ],
)
def test_pattern_reading_thresholds(radicular: int, hamstring: int, reading: str) -> None:
    assert rules.read_pattern(CL_V1, {"radicular": radicular, "hamstring": hamstring}) == reading


RAD_POINTS = [
    {"pain_below_knee": "yes"},
    {"leg_pain_worse_than_back": "yes"},
    {"slump": ("positive", "negative")},
    {"sensation_s1": ("reduced", "normal")},
]
HAM_POINTS = [
    {"ischial_tuberosity_tenderness": ("positive", "negative")},
    {"modified_bent_knee_stretch": ("negative", "positive")},
    {"resisted_knee_flexion_30": ("positive", "negative")},
    {"pain_worse_sitting": "yes"},
]


@pytest.mark.parametrize("n_rad", range(5))
@pytest.mark.parametrize("n_ham", range(5))
def test_pattern_counts_each_point(cl: Checklist, n_rad: int, n_ham: int) -> None:
    spec: dict[str, Any] = {}
    for p in RAD_POINTS[:n_rad] + HAM_POINTS[:n_ham]:
        spec.update(p)
    result = pattern(cl, spec)
    assert (result.radicular, result.hamstring) == (n_rad, n_ham)
    # Only the 4th radicular point is a neurological deficit, and with it no reading is "hamstring".
    assert result.reading == rules.read_pattern(CL_V1, {"radicular": n_rad, "hamstring": n_ham})


@pytest.mark.parametrize(
    ("spec", "point"),
    [
        ({"slump": ("negative", "positive")}, True),
        ({"crossed_slr": ("positive", "negative")}, True),
        ({"slr": ("positive", "negative"), "slr_dorsiflexion": ("positive", None)}, True),
        # SLR alone is not structurally differentiated: hamstring tightness gives false positives.
        ({"slr": ("positive", "positive")}, False),
        ({"slr": ("positive", "negative"), "slr_dorsiflexion": ("negative", None)}, False),
        # Bragard on the other leg from the positive SLR does not count.
        ({"slr": ("positive", "equivocal"), "slr_dorsiflexion": (None, "positive")}, False),
        ({"slump": ("equivocal", "negative")}, False),
    ],
)
def test_nerve_tension_point(cl: Checklist, spec: dict[str, Any], point: bool) -> None:
    result = pattern(cl, spec)
    assert ("nerve_tension" in [p.id for p in result.points]) is point


def test_nerve_tension_counts_one_point_at_most(cl: Checklist) -> None:
    spec = {
        "slump": ("positive", "positive"),
        "crossed_slr": ("positive", "negative"),
        "slr": ("positive", "negative"),
        "slr_dorsiflexion": ("positive", None),
    }
    assert pattern(cl, spec).radicular == 1


@pytest.mark.parametrize(
    ("spec", "point"),
    [
        ({"reflex_achilles": (1, 2)}, True),
        ({"reflex_patellar": (2, 1)}, True),
        ({"reflex_medial_hamstring": (1, 1)}, False),  # symmetric: not lower than the other side
        ({"reflex_achilles": (1, None)}, False),  # nothing to compare with
        ({"sensation_l4": ("absent", "normal")}, True),
        ({"sensation_s2": ("normal", "reduced")}, True),
        ({"sensation_l5": ("increased", "normal")}, False),
        ({"strength_hip_abduction": (4, 5)}, True),
        ({"strength_knee_flexion": (3, 5)}, False),  # muscular, not a root sign
        ({"strength_plantarflexion": (5, 5)}, False),
    ],
)
def test_root_deficit_point(cl: Checklist, spec: dict[str, Any], point: bool) -> None:
    result = pattern(cl, spec)
    assert ("root_deficit" in [p.id for p in result.points]) is point
    assert result.neuro_deficit is point


def test_root_deficit_counts_one_point_at_most(cl: Checklist) -> None:
    spec = {
        "reflex_achilles": (1, 2),
        "sensation_s1": ("reduced", "normal"),
        "strength_plantarflexion": (4, 5),
    }
    result = pattern(cl, spec)
    assert result.radicular == 1
    (point,) = result.points
    assert point.reasons == (
        "Achilles reflex (S1) L: reflex 1 (reduced), R: reflex 2 (normal)",
        "Sensation: lateral heel (S1) L: reduced",
        "Plantarflexion (S1) L: MRC 4/5",
    )


@pytest.mark.parametrize("mechanism", ["sprint", "forced_hip_flexion_knee_straight"])
def test_hamstring_mechanism_point(cl: Checklist, mechanism: str) -> None:
    assert pattern(cl, {"mechanism": mechanism}).hamstring == 1
    assert pattern(cl, {"mechanism": "lifting_or_bending"}).hamstring == 0


@pytest.mark.parametrize(
    "deficit",
    [
        {"reflex_achilles": (2, 1)},  # root sign (and a radicular point)
        {"plantar_response": ("flexor", "extensor")},  # upper motor neurone sign
        {"reflex_patellar": (4, 4)},  # clonus
        {"sensation_saddle": "reduced"},  # saddle sensation
    ],
)
def test_neuro_deficit_turns_hamstring_into_mixed(cl: Checklist, deficit: dict[str, Any]) -> None:
    spec: dict[str, Any] = {**HAMSTRING, "pain_worse_sitting": "yes"}
    assert pattern(cl, spec).reading == "hamstring"
    result = pattern(cl, {**spec, **deficit})
    assert result.hamstring == 4
    assert result.neuro_deficit
    assert result.reading == "mixed"
    assert "never purely muscular" in result.note


def test_no_override_note_without_deficit(cl: Checklist) -> None:
    result = pattern(cl, {**HAMSTRING})
    assert result.reading == "hamstring"
    assert "never purely muscular" not in result.note


def test_pattern_point_reasons(cl: Checklist) -> None:
    result = pattern(cl, {"pain_below_knee": "yes", "slump": ("positive", "positive")})
    by_id = {p.id: p for p in result.points}
    assert by_id["below_knee"].reasons == ("Pain below the knee: yes",)
    assert by_id["nerve_tension"].reasons == ("Slump test L: positive", "Slump test R: positive")
    assert by_id["below_knee"].group == "radicular"


# ----------------------------------------------------------------------------- output


def test_format_value(cl: Checklist) -> None:
    items = cl.items
    assert rules.format_value(items["reflex_achilles"], 1) == "reflex 1 (reduced)"
    assert rules.format_value(items["reflex_achilles"], 4) == "reflex 4 (clonus)"
    assert rules.format_value(items["strength_plantarflexion"], 3) == "MRC 3/5"
    assert rules.format_value(items["slr_angle"], 40) == "40 degrees"
    assert rules.format_value(items["slr_angle"], 42.5) == "42.5 degrees"
    assert rules.format_value(items["duration_weeks"], 12.0) == "12 weeks"
    assert rules.format_value(items["slr"], "positive") == "positive"
    assert rules.format_value(items["fever"], "yes") == "yes"
    assert rules.format_value(items["sensation_l5"], "reduced") == "reduced"
    assert rules.format_value(items["onset"], "sudden_injury") == "sudden, with an injury"
    assert rules.format_value(items["fever"], None) == "not answered"


def test_to_json_shape(cl: Checklist) -> None:
    rec = build(cl, {**RADICULAR, "bladder_dysfunction": "yes"}, screened=True)
    rec.set_value(cl.items["night_pain"], None, None)
    data = rules.to_json(rules.evaluate(cl, rec))
    assert set(data) >= {"flags", "warnings", "pattern"}
    (f,) = data["flags"]
    assert set(f) >= {
        "id",
        "title",
        "urgency",
        "actions",
        "advice",
        "triggered_by",
        "reasons",
        "source",
    }
    assert f["id"] == "R1" and f["triggered_by"] == ["bladder_dysfunction"]
    assert data["warnings"] == [
        {"id": "R12", "message": data["warnings"][0]["message"], "items": ["night_pain"]}
    ]
    assert data["pattern"]["reading"] == "radicular"
    assert data["pattern"]["radicular"] == 3 and data["pattern"]["hamstring"] == 0
    assert data["pattern"]["points"] == ["below_knee", "leg_worse_than_back", "nerve_tension"]
    json.dumps(data)  # plain data


def test_format_text_no_flags(cl: Checklist) -> None:
    text = rules.format_text(rules.evaluate(cl, normal_exam(cl)))
    assert CL_V1.texts.no_flags in text
    assert CL_V1.safety_net.text in text
    assert "cauda equina" in CL_V1.safety_net.text


def test_format_text_most_urgent_first_with_reasons(cl: Checklist) -> None:
    rec = build(
        cl,
        {
            "inflammatory_features": "yes",
            "strength_ankle_dorsiflexion": (3, 5),
            "saddle_anaesthesia": "yes",
        },
    )
    text = rules.format_text(rules.evaluate(cl, rec))
    assert text.index("R1") < text.index("R3") < text.index("R13")
    assert "Ankle dorsiflexion (L4) L: MRC 3/5" in text
    assert "Saddle anaesthesia: yes" in text
    assert CL_V1.texts.no_flags not in text


def test_prior_without_worsening_adds_no_flag(cl: Checklist) -> None:
    rec = build(cl, {"history_of_cancer": "yes"})
    assert rules.evaluate(cl, rec, prior=build(cl)) == rules.evaluate(cl, rec)


def test_with_flags_hook_merges_and_sorts(cl: Checklist) -> None:
    ev = rules.evaluate(cl, build(cl, {"inflammatory_features": "yes"}))
    extra = rules.Flag(
        "P1", "Worse since last exam", "urgent", ("referral",), "Consider...", (), (), "x"
    )
    assert [f.id for f in ev.with_flags([extra]).flags] == ["P1", "R13"]


def test_evaluation_is_fast(cl: Checklist) -> None:
    rec = load_record(VIGNETTES / "cauda_equina.toml", cl).record
    rules.evaluate(cl, rec)
    start = time.perf_counter()
    for _ in range(100):
        rules.evaluate(cl, rec)
    per_call = (time.perf_counter() - start) / 100
    assert per_call < 0.01, f"{per_call * 1000:.1f} ms per evaluation"


def test_rules_do_not_import_textual() -> None:
    code = "import sys, exam_tui.rules; assert 'textual' not in sys.modules, 'textual imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------------------- vignettes

VIGNETTE_EXPECTED = {
    # file: (flag ids most urgent first, pattern reading)
    "l5_radiculopathy_left": ([], "radicular"),
    "s1_radiculopathy_persistent": (["R8"], "radicular"),
    "proximal_hamstring_avulsion": (["R7"], "hamstring"),
    "proximal_hamstring_tendinopathy": (["R10"], "hamstring"),
    "hamstring_syndrome": (["R11"], "mixed"),
    "cauda_equina": (["R1"], "radicular"),
    "normal_exam": ([], "indeterminate"),
}


def test_every_vignette_has_an_expectation() -> None:
    assert {p.stem for p in VIGNETTES.glob("*.toml")} == set(VIGNETTE_EXPECTED)


@pytest.mark.parametrize("name", sorted(VIGNETTE_EXPECTED))
def test_vignette(cl: Checklist, name: str) -> None:
    loaded = load_record(VIGNETTES / f"{name}.toml", cl)
    assert loaded.warnings == []
    ev = rules.evaluate(cl, loaded.record)
    expected_flags, reading = VIGNETTE_EXPECTED[name]
    assert [f.id for f in ev.flags] == expected_flags
    assert ev.pattern is not None and ev.pattern.reading == reading
    assert ev.warnings == ()


def test_cauda_equina_vignette_names_every_finding(cl: Checklist) -> None:
    rec = load_record(VIGNETTES / "cauda_equina.toml", cl).record
    (f,) = rules.evaluate(cl, rec).flags
    assert f.urgency == "emergency"
    assert f.triggered_by == (
        "saddle_anaesthesia",
        "bladder_dysfunction",
        "bilateral_leg_symptoms",
        "sensation_saddle",
    )


def test_l5_vignette_single_level_weakness_is_not_r3(cl: Checklist) -> None:
    rec = load_record(VIGNETTES / "l5_radiculopathy_left.toml", cl).record
    ev = rules.evaluate(cl, rec)
    assert ev.pattern is not None and (ev.pattern.radicular, ev.pattern.hamstring) == (4, 0)
    # One more root level (S1) on the same side makes it a major deficit.
    rec.set_value(cl.items["strength_plantarflexion"], "left", 4)
    assert [f.id for f in rules.evaluate(cl, rec).flags] == ["R3"]


@pytest.mark.parametrize(
    "item_id", ["reflex_patellar", "reflex_medial_hamstring", "reflex_achilles"]
)
def test_clonus_on_one_side_is_not_a_root_sign_on_the_other(cl: Checklist, item_id: str) -> None:
    """2 vs 4 (clonus) is an upper motor neurone sign (R2), not a lower reflex on the normal
    side; 1 vs 2 stays a root sign, on the lower side only."""
    clonus = pattern(cl, {item_id: (2, 4)})
    assert not any(p.id == "root_deficit" for p in clonus.points)
    assert clonus.neuro_deficit  # the clonus itself still counts as a deficit
    assert [f.id for f in rules.evaluate(cl, build(cl, {item_id: (2, 4)})).flags] == ["R2"]
    reduced = pattern(cl, {item_id: (1, 2)})
    (point,) = [p for p in reduced.points if p.id == "root_deficit"]
    assert len(point.reasons) == 1 and " L: reflex 1 (reduced)" in point.reasons[0]
