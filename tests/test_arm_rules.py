"""The arm-pain checklist's rules A1–A17 and P1, its pattern and safety net, rule by rule.

Each rule is tested as the clinical reference (clinical-reference-arm.md) states it: a record
that fires it (id, urgency, the items behind it) and a near miss that does not. Records are
complete normal exams (tests/arm_exam.py) with the findings a test names changed, written to
disk and read back through the public record loader, as ``exam-tui flags --json`` does.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from arm_exam import CHECKLIST_FILE, DERMATOMES, REFLEXES, ROOT_MYOTOMES, exam, flags_json
from arm_exam import write_record as write

Judge = Callable[..., dict[str, Any]]
ARM = tomllib.loads(CHECKLIST_FILE.read_text("utf-8"))
SAFETY_NET = ARM["safety_net"]["text"]
CORD_SAFETY_NET = ARM["safety_net"]["replaced_by"]
PRIOR_DATE = "2026-10-05"


@pytest.fixture
def judge(tmp_path: Path) -> Judge:
    """judge(changes, prior=None) -> the flags JSON of a normal exam with these changes.

    ``prior``: changes to a normal exam saved a month earlier, given as the previous exam."""
    count = iter(range(1_000))

    def run(changes: dict[str, Any] | None = None, prior: dict[str, Any] | None = None) -> Any:
        n = next(count)
        path = write(tmp_path / f"exam-{n}.toml", exam(changes))
        prior_path = None
        if prior is not None:
            when = f"{PRIOR_DATE} 09:00:00+00:00"
            prior_path = write(tmp_path / f"prior-{n}.toml", exam(prior), when=when)
        return flags_json(path, prior_path)

    return run


def flags(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in result["flags"]}


def warnings(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["id"]: w for w in result["warnings"]}


def rule(rule_id: str) -> dict[str, Any]:
    return next(r for r in ARM["rules"] if r["id"] == rule_id)


# ----------------------------------------------------------------------------- the normal exam


def test_a_complete_normal_exam_flags_nothing_and_warns_of_nothing(judge: Judge) -> None:
    result = judge()
    assert result["flags"] == []
    assert result["warnings"] == []
    assert result["safety_net"] == SAFETY_NET
    assert result["pattern"]["reading"] == "indeterminate"
    assert {g: v["points"] for g, v in result["pattern"]["groups"].items()} == {
        "radicular": 0,
        "shoulder": 0,
    }


# ----------------------------------------------------------------------------- each rule fires

L = "left"
R = "right"

FIRES = [
    # A1 (a) a definite cord finding
    pytest.param(
        "A1",
        {"babinski_sign": {L: "extensor"}},
        "urgent",
        ["babinski_sign"],
        id="A1-extensor-plantar",
    ),
    pytest.param("A1", {"reflex_triceps": {R: 4}}, "urgent", ["reflex_triceps"], id="A1-clonus"),
    pytest.param(
        "A1", {"gait_deviation": "positive"}, "urgent", ["gait_deviation"], id="A1-gait-deviation"
    ),
    # (b) two of Hoffmann, inverted supinator, clumsy hands, unsteady walking, both-arm symptoms
    pytest.param(
        "A1",
        {"hoffmann_sign": {L: "positive"}, "hand_clumsiness": "yes"},
        "urgent",
        ["hoffmann_sign", "hand_clumsiness"],
        id="A1-hoffmann-and-clumsy-hands",
    ),
    pytest.param(
        "A1",
        {"gait_imbalance": "yes", "bilateral_arm_symptoms": "yes"},
        "urgent",
        ["gait_imbalance", "bilateral_arm_symptoms"],
        id="A1-two-symptoms",
    ),
    # (c) the Cook cluster (age over 45 is its fifth item)
    pytest.param(
        "A1",
        {
            "age_years": 46,
            "hoffmann_sign": {R: "positive"},
            "inverted_supinator_sign": {R: "positive"},
        },
        "urgent",
        ["hoffmann_sign", "inverted_supinator_sign"],
        id="A1-cook-cluster",
    ),
    # (d) an objective root deficit in both arms, different findings on each side
    pytest.param(
        "A1",
        {"reflex_biceps": (1, 2), "sensation_c8": {R: "reduced"}},
        "urgent",
        ["reflex_biceps", "sensation_c8"],
        id="A1-root-deficit-both-arms",
    ),
    # A2
    pytest.param(
        "A2",
        {"progressive_arm_weakness": "yes"},
        "urgent",
        ["progressive_arm_weakness"],
        id="A2-progressive-weakness",
    ),
    pytest.param(
        "A2",
        {"strength_wrist_extension": {L: 3}},
        "urgent",
        ["strength_wrist_extension"],
        id="A2-myotome-mrc-3",
    ),
    pytest.param(
        "A2",
        {"strength_elbow_flexion": {L: 4}, "strength_finger_flexion": {L: 4}},
        "urgent",
        ["strength_elbow_flexion", "strength_finger_flexion"],
        id="A2-two-root-levels-C5-C8",
    ),
    pytest.param(
        "A2",
        {"strength_wrist_extension": {R: 4}, "strength_finger_abduction": {R: 4}},
        "urgent",
        ["strength_wrist_extension", "strength_finger_abduction"],
        id="A2-two-root-levels-C6-T1",
    ),
    pytest.param(
        "A2",
        {"strength_elbow_extension": {R: 4}, "strength_finger_flexion": {R: 4}},
        "urgent",
        ["strength_elbow_extension", "strength_finger_flexion"],
        id="A2-two-root-levels-C7-C8",
    ),
    # A3
    pytest.param(
        "A3", {"cancer_history": "yes"}, "urgent", ["cancer_history"], id="A3-cancer-history"
    ),
    pytest.param("A3", {"mass_or_swelling": "yes"}, "urgent", ["mass_or_swelling"], id="A3-lump"),
    pytest.param(
        "A3",
        {"weight_loss_unexplained": "yes", "constant_night_pain": "yes"},
        "urgent",
        ["weight_loss_unexplained", "constant_night_pain"],
        id="A3-weight-loss-and-night-pain",
    ),
    pytest.param(
        "A3",
        {"age_years": 50, "constant_night_pain": "yes"},
        "urgent",
        ["age_years", "constant_night_pain"],
        id="A3-age-50-and-night-pain",
    ),
    # A4
    pytest.param(
        "A4",
        {"fever_or_unwell": "yes", "immunosuppressed_or_ivdu": "yes"},
        "urgent",
        ["fever_or_unwell", "immunosuppressed_or_ivdu"],
        id="A4-fever-and-risk",
    ),
    pytest.param(
        "A4",
        {"fever_or_unwell": "yes", "midline_cervical_tenderness": "positive"},
        "urgent",
        ["fever_or_unwell", "midline_cervical_tenderness"],
        id="A4-fever-and-midline-tenderness",
    ),
    # A5
    pytest.param(
        "A5",
        {"neck_trauma": "yes", "ccr_dangerous_mechanism": "yes", "ccr_no_low_risk_factor": "no"},
        "emergency",
        ["neck_trauma", "ccr_dangerous_mechanism"],
        id="A5-dangerous-mechanism",
    ),
    pytest.param(
        "A5",
        {
            "neck_trauma": "yes",
            "age_years": 65,
            "ccr_dangerous_mechanism": "no",
            "ccr_no_low_risk_factor": "no",
        },
        "emergency",
        ["neck_trauma", "age_years"],
        id="A5-age-65",
    ),
    pytest.param(
        "A5",
        {
            "neck_trauma": "yes",
            "arm_paraesthesia": "yes",
            "ccr_dangerous_mechanism": "no",
            "ccr_no_low_risk_factor": "no",
        },
        "emergency",
        ["neck_trauma", "arm_paraesthesia"],
        id="A5-paraesthesia",
    ),
    pytest.param(
        "A5",
        {"neck_trauma": "yes", "ccr_dangerous_mechanism": "no", "ccr_no_low_risk_factor": "yes"},
        "emergency",
        ["neck_trauma", "ccr_no_low_risk_factor"],
        id="A5-no-low-risk-factor",
    ),
    pytest.param(
        "A5",
        {
            "neck_trauma": "yes",
            "ccr_dangerous_mechanism": "no",
            "ccr_no_low_risk_factor": "no",
            "ccr_unable_to_rotate_45": "yes",
        },
        "emergency",
        ["neck_trauma", "ccr_unable_to_rotate_45"],
        id="A5-cannot-rotate",
    ),
    # A6
    pytest.param(
        "A6",
        {"supraclavicular_fullness": {R: "positive"}},
        "soon",
        ["supraclavicular_fullness"],
        id="A6-supraclavicular-node",
    ),
    pytest.param(
        "A6",
        {"ever_smoked": "yes", "age_years": 40, "respiratory_symptoms": "yes"},
        "soon",
        ["ever_smoked", "age_years", "respiratory_symptoms"],
        id="A6-smoker-40-chest-symptoms",
    ),
    pytest.param(
        "A6",
        {"ever_smoked": "yes", "age_years": 62, "hand_intrinsic_wasting": {L: "positive"}},
        "soon",
        ["ever_smoked", "hand_intrinsic_wasting"],
        id="A6-smoker-hand-wasting",
    ),
    # A7
    pytest.param(
        "A7",
        {"posterior_circulation_symptoms": "yes"},
        "emergency",
        ["posterior_circulation_symptoms"],
        id="A7-posterior-circulation",
    ),
    pytest.param(
        "A7",
        {"arm_ischaemia_signs": "yes"},
        "emergency",
        ["arm_ischaemia_signs"],
        id="A7-arm-ischaemia",
    ),
    pytest.param(
        "A7",
        {"horner_features": "yes", "neck_pain": "yes", "onset_mode": "sudden_no_injury"},
        "emergency",
        ["horner_features", "neck_pain", "onset_mode"],
        id="A7-acute-painful-horner",
    ),
    # A8–A11
    pytest.param(
        "A8",
        {"exertional_arm_pain": "yes"},
        "urgent",
        ["exertional_arm_pain"],
        id="A8-exertional-pain",
    ),
    pytest.param(
        "A9",
        {"gca_symptoms": "yes", "age_years": 50},
        "emergency",
        ["gca_symptoms"],
        id="A9-gca-at-50",
    ),
    pytest.param(
        "A9",
        {"gca_symptoms": "yes", "age_years": None},
        "emergency",
        ["gca_symptoms"],
        id="A9-gca-age-not-recorded",
    ),
    pytest.param(
        "A10",
        {"shoulder_girdle_stiffness": "yes"},
        "soon",
        ["shoulder_girdle_stiffness"],
        id="A10-girdle-stiffness",
    ),
    pytest.param(
        "A11",
        {"red_hot_swollen_joint": "yes"},
        "emergency",
        ["red_hot_swollen_joint"],
        id="A11-reported",
    ),
    pytest.param(
        "A11",
        {"shoulder_warm_swollen": {R: "positive"}},
        "emergency",
        ["shoulder_warm_swollen"],
        id="A11-examined",
    ),
    # A12
    pytest.param(
        "A12",
        {"deformity_after_injury_or_fit": "yes"},
        "emergency",
        ["deformity_after_injury_or_fit"],
        id="A12-deformity",
    ),
    pytest.param(
        "A12",
        {"injury_mechanism": "seizure_or_electric_shock", "passive_er_restricted": {L: "positive"}},
        "emergency",
        ["injury_mechanism", "passive_er_restricted"],
        id="A12-fit-and-er-lost",
    ),
    # A13
    pytest.param(
        "A13",
        {"onset_mode": "injury", "active_abduction_degrees": {L: 90}},
        "emergency",
        ["onset_mode", "active_abduction_degrees"],
        id="A13-injury-abduction-90",
    ),
    # A14
    pytest.param(
        "A14",
        {"onset_mode": "injury", "drop_arm_sign": {L: "positive"}},
        "soon",
        ["onset_mode", "drop_arm_sign"],
        id="A14-drop-arm",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "belly_press_test": {R: "positive"}},
        "soon",
        ["onset_mode", "belly_press_test"],
        id="A14-belly-press",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "strength_shoulder_abduction": {L: 3}},
        "soon",
        ["onset_mode", "strength_shoulder_abduction"],
        id="A14-deltoid-mrc-3",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "active_abduction_degrees": {L: 80}, "weeks_since_onset": 2},
        "soon",
        ["active_abduction_degrees", "weeks_since_onset"],
        id="A14-cannot-abduct-after-2-weeks",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "injury_mechanism": "shoulder_dislocated", "age_years": 41},
        "soon",
        ["injury_mechanism", "age_years"],
        id="A14-dislocation-over-40",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "age_years": 28, "external_rotation_lag_sign": {L: "positive"}},
        "soon",
        ["external_rotation_lag_sign"],
        id="A14-young-patient-lag-sign",
    ),
    # A15: a radicular reading, 6 weeks of conservative care, and the patient would consider it
    pytest.param(
        "A15",
        {
            "pain_below_elbow": "yes",
            "arm_paraesthesia": "yes",
            "spurling_test": {L: "positive"},
            "weeks_conservative_care": 6,
            "wants_injection_or_surgery": "yes",
        },
        "routine",
        ["weeks_conservative_care", "wants_injection_or_surgery"],
        id="A15-persistent-radicular",
    ),
    # A16
    pytest.param(
        "A16",
        {"passive_er_restricted": {R: "positive"}},
        "routine",
        ["passive_er_restricted"],
        id="A16-passive-er-lost",
    ),
]


@pytest.mark.parametrize(("rule_id", "changes", "urgency", "items"), FIRES)
def test_rule_fires(
    judge: Judge, rule_id: str, changes: dict[str, Any], urgency: str, items: list[str]
) -> None:
    fired = flags(judge(changes))
    assert rule_id in fired, f"{rule_id} did not fire; fired: {sorted(fired)}"
    flag = fired[rule_id]
    assert flag["urgency"] == urgency
    assert flag["title"] == rule(rule_id)["title"]
    assert flag["actions"] == rule(rule_id)["actions"]
    assert flag["source"] == rule(rule_id)["source"]
    assert set(items) <= set(flag["triggered_by"]), flag["triggered_by"]
    assert flag["reasons"], "a flag lists the findings behind it"


NEAR_MISSES = [
    # A single Hoffmann sign does not fire A1 (positive in 2–3% of healthy people).
    pytest.param("A1", {"hoffmann_sign": {L: "positive"}}, id="A1-hoffmann-alone"),
    pytest.param(
        "A1", {"hoffmann_sign": ("positive", "positive")}, id="A1-hoffmann-both-arms-is-one-finding"
    ),
    pytest.param(
        "A1", {"reflex_biceps": (3, 3), "reflex_triceps": (3, 3)}, id="A1-brisk-not-clonus"
    ),
    pytest.param("A1", {"age_years": 46, "hoffmann_sign": {R: "positive"}}, id="A1-cook-2-of-5"),
    # One root deficit in one arm is a root lesion, not a cord sign.
    pytest.param(
        "A1",
        {"reflex_biceps": (1, 2), "sensation_c6": {L: "reduced"}},
        id="A1-root-deficit-one-arm",
    ),
    # Symmetric reduced reflexes are not a root sign, so not a deficit in both arms.
    pytest.param(
        "A1",
        {"reflex_triceps": (1, 1), "reflex_biceps": (1, 1), "sensation_c8": {R: "reduced"}},
        id="A1-symmetric-hyporeflexia",
    ),
    pytest.param(
        "A1",
        {"reflex_triceps": (2, 3), "sensation_c7": {R: "reduced"}},
        id="A1-2-opposite-brisk-is-not-a-root-sign",
    ),
    # A2: pairs one root explains; weakness in different arms; shoulder abduction; MRC 4.
    pytest.param(
        "A2",
        {"strength_elbow_flexion": {L: 4}, "strength_wrist_extension": {L: 4}},
        id="A2-C6-pair",
    ),
    pytest.param(
        "A2",
        {"strength_wrist_extension": {L: 4}, "strength_elbow_extension": {L: 4}},
        id="A2-C7-pair",
    ),
    pytest.param(
        "A2",
        {"strength_finger_flexion": {R: 4}, "strength_finger_abduction": {R: 4}},
        id="A2-C8-pair",
    ),
    pytest.param(
        "A2",
        {"strength_elbow_flexion": {L: 4}, "strength_finger_flexion": {R: 4}},
        id="A2-two-levels-on-different-sides",
    ),
    pytest.param(
        "A2", {"strength_shoulder_abduction": (2, 2)}, id="A2-shoulder-abduction-never-counts"
    ),
    pytest.param("A2", {"strength_elbow_extension": {L: 4}}, id="A2-one-myotome-mrc-4"),
    # A3
    pytest.param("A3", {"constant_night_pain": "yes"}, id="A3-night-pain-alone"),
    pytest.param("A3", {"age_years": 70}, id="A3-age-alone"),
    pytest.param(
        "A3", {"age_years": 49, "weight_loss_unexplained": "yes"}, id="A3-age-49-and-weight-loss"
    ),
    # A4
    pytest.param("A4", {"fever_or_unwell": "yes"}, id="A4-fever-alone"),
    pytest.param("A4", {"immunosuppressed_or_ivdu": "yes"}, id="A4-risk-alone"),
    pytest.param(
        "A4",
        {"fever_or_unwell": "yes", "cervical_paraspinal_tenderness": {L: "positive"}},
        id="A4-fever-paraspinal-not-midline",
    ),
    # A5: trauma with a low-risk factor, no high-risk factor, rotates 45°
    pytest.param(
        "A5",
        {
            "neck_trauma": "yes",
            "ccr_dangerous_mechanism": "no",
            "ccr_no_low_risk_factor": "no",
            "ccr_unable_to_rotate_45": "no",
        },
        id="A5-low-risk-can-rotate",
    ),
    pytest.param("A5", {"age_years": 80, "ccr_dangerous_mechanism": "yes"}, id="A5-no-trauma"),
    # A6
    pytest.param(
        "A6",
        {"ever_smoked": "yes", "age_years": 39, "respiratory_symptoms": "yes"},
        id="A6-smoker-under-40",
    ),
    pytest.param("A6", {"ever_smoked": "yes", "age_years": 60}, id="A6-smoker-no-symptom"),
    pytest.param(
        "A6",
        {"ever_smoked": "no", "age_years": 60, "respiratory_symptoms": "yes"},
        id="A6-never-smoked",
    ),
    # A7: a gradual Horner's is A6's Pancoast question, not a dissection
    pytest.param(
        "A7",
        {"horner_features": "yes", "neck_pain": "yes", "onset_mode": "gradual"},
        id="A7-gradual-horner",
    ),
    pytest.param(
        "A7",
        {"horner_features": "yes", "neck_pain": "no", "onset_mode": "injury"},
        id="A7-horner-without-neck-pain",
    ),
    # A9: a new headache under 50 is not sent for same-day steroids
    pytest.param("A9", {"gca_symptoms": "yes", "age_years": 49}, id="A9-under-50"),
    # A11
    pytest.param("A11", {"fever_or_unwell": "yes"}, id="A11-fever-alone"),
    # A12: ER lost without a fit or shock is a frozen shoulder (A16), not a dislocation
    pytest.param("A12", {"passive_er_restricted": {L: "positive"}}, id="A12-er-lost-no-fit"),
    pytest.param("A12", {"injury_mechanism": "seizure_or_electric_shock"}, id="A12-fit-er-kept"),
    # A13
    pytest.param(
        "A13",
        {"onset_mode": "injury", "active_abduction_degrees": {L: 91}},
        id="A13-abducts-above-90",
    ),
    pytest.param(
        "A13", {"onset_mode": "gradual", "active_abduction_degrees": {L: 60}}, id="A13-no-injury"
    ),
    # A14
    pytest.param(
        "A14", {"onset_mode": "gradual", "drop_arm_sign": {L: "positive"}}, id="A14-no-injury"
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "active_abduction_degrees": {L: 80}, "weeks_since_onset": 1},
        id="A14-under-2-weeks",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "injury_mechanism": "shoulder_dislocated", "age_years": 40},
        id="A14-dislocation-at-40",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "strength_shoulder_abduction": {L: 4}},
        id="A14-deltoid-mrc-4",
    ),
    pytest.param(
        "A14",
        {"onset_mode": "injury", "painful_arc": {L: "positive"}},
        id="A14-painful-arc-is-not-a-tear-sign",
    ),
    # A15
    pytest.param(
        "A15",
        {
            "pain_below_elbow": "yes",
            "arm_paraesthesia": "yes",
            "spurling_test": {L: "positive"},
            "weeks_conservative_care": 5,
            "wants_injection_or_surgery": "yes",
        },
        id="A15-5-weeks",
    ),
    pytest.param(
        "A15",
        {
            "pain_below_elbow": "yes",
            "arm_paraesthesia": "yes",
            "spurling_test": {L: "positive"},
            "weeks_conservative_care": 12,
            "wants_injection_or_surgery": "no",
        },
        id="A15-no-intervention-wanted",
    ),
    pytest.param(
        "A15",
        {
            "pain_below_elbow": "yes",
            "arm_paraesthesia": "yes",
            "spurling_test": {L: "positive"},
            "painful_arc": {L: "positive"},
            "hawkins_kennedy": {L: "positive"},
            "weeks_conservative_care": 12,
            "wants_injection_or_surgery": "yes",
        },
        id="A15-mixed-reading",
    ),
    # A16
    pytest.param("A16", {"passive_er_restricted": ("equivocal", "negative")}, id="A16-equivocal"),
]


@pytest.mark.parametrize(("rule_id", "changes"), NEAR_MISSES)
def test_rule_near_miss_does_not_fire(judge: Judge, rule_id: str, changes: dict[str, Any]) -> None:
    assert rule_id not in flags(judge(changes))


def test_every_rule_has_a_firing_case_and_a_near_miss() -> None:
    flag_rules = {r["id"] for r in ARM["rules"] if r["urgency"] != "warning"} - {"P1"}
    assert {p.values[0] for p in FIRES} == flag_rules
    assert {p.values[0] for p in NEAR_MISSES} == flag_rules - {"A8", "A10"}, (
        "A8 and A10 are a single yes/no item each: the normal exam is their near miss"
    )


# ----------------------------------------------------------------------------- escalations


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {"babinski_sign": {L: "extensor"}, "bladder_bowel_change": "yes"}, id="sphincter"
        ),
        pytest.param(
            {"gait_deviation": "positive", "progressive_arm_weakness": "yes"}, id="progressive"
        ),
        pytest.param(
            {"reflex_biceps": {R: 4}, "strength_finger_flexion": {R: 3}}, id="major-myotome"
        ),
        pytest.param({"bladder_bowel_change": "yes"}, id="sphincter-alone-is-a-cord-finding"),
    ],
)
def test_a1_escalates_to_emergency_and_replaces_the_safety_net(
    judge: Judge, changes: dict[str, Any]
) -> None:
    result = judge(changes)
    a1 = flags(result)["A1"]
    assert a1["urgency"] == "emergency"
    assert a1["escalated_because"] == rule("A1")["escalate"]["reason"]
    assert a1["advice"] == rule("A1")["advice"], "A1 keeps its own advice (same day if ...)"
    assert result["safety_net"] == CORD_SAFETY_NET


def test_a1_without_the_escalating_findings_stays_urgent_and_keeps_the_safety_net(
    judge: Judge,
) -> None:
    result = judge({"gait_deviation": "positive", "strength_finger_flexion": {R: 4}})
    a1 = flags(result)["A1"]
    assert a1["urgency"] == "urgent"
    assert not a1["escalated_because"]
    assert result["safety_net"] == SAFETY_NET


def test_a3_escalates_with_a_cancer_history_and_a_neurological_symptom(judge: Judge) -> None:
    result = judge({"cancer_history": "yes", "pain_below_elbow": "yes"})
    a3 = flags(result)["A3"]
    assert a3["urgency"] == "emergency"
    assert a3["advice"] == rule("A3")["escalate"]["advice"]
    assert a3["advice"] != rule("A3")["advice"]
    assert a3["escalated_because"] == rule("A3")["escalate"]["reason"]
    assert result["safety_net"] == CORD_SAFETY_NET


@pytest.mark.parametrize(
    "changes",
    [
        {"cancer_history": "yes", "sensation_c6": {L: "reduced"}},
        {"cancer_history": "yes", "gait_imbalance": "yes"},
        {"cancer_history": "yes", "hoffmann_sign": {L: "positive"}},
    ],
    ids=["sensory-loss", "difficulty-walking", "umn-sign"],
)
def test_a3_escalates_on_each_kind_of_neurological_feature(
    judge: Judge, changes: dict[str, Any]
) -> None:
    assert flags(judge(changes))["A3"]["urgency"] == "emergency"


def test_a3_without_a_cancer_history_stays_urgent_whatever_the_neurology(judge: Judge) -> None:
    """Night pain with pain below the elbow at 50 or over is common in plain radiculopathy."""
    result = judge({"age_years": 58, "constant_night_pain": "yes", "pain_below_elbow": "yes"})
    a3 = flags(result)["A3"]
    assert a3["urgency"] == "urgent"
    assert a3["advice"] == rule("A3")["advice"]
    assert result["safety_net"] == SAFETY_NET


def test_a3_with_a_cancer_history_and_no_neurology_stays_urgent(judge: Judge) -> None:
    assert flags(judge({"cancer_history": "yes", "neck_pain": "yes"}))["A3"]["urgency"] == "urgent"


@pytest.mark.parametrize(
    "changes",
    [
        {"immunosuppressed_or_ivdu": "yes", "sensation_c7": {R: "absent"}},
        {"fever_or_unwell": "yes", "reflex_triceps": (1, 2)},
        {"fever_or_unwell": "yes", "immunosuppressed_or_ivdu": "yes", "gait_deviation": "positive"},
    ],
    ids=["risk-and-deficit", "fever-and-deficit", "fever-risk-and-cord-sign"],
)
def test_a4_with_a_neurological_deficit_is_an_emergency(
    judge: Judge, changes: dict[str, Any]
) -> None:
    a4 = flags(judge(changes))["A4"]
    assert a4["urgency"] == "emergency"
    assert a4["escalated_because"] == rule("A4")["escalate"]["reason"]


def test_a4_without_a_deficit_is_urgent(judge: Judge) -> None:
    a4 = flags(judge({"fever_or_unwell": "yes", "immunosuppressed_or_ivdu": "yes"}))["A4"]
    assert a4["urgency"] == "urgent"
    assert not a4["escalated_because"]


def test_a6_escalates_to_urgent_with_horners_syndrome(judge: Judge) -> None:
    result = judge({"horner_features": "yes"})
    a6 = flags(result)["A6"]
    assert a6["urgency"] == "urgent"
    assert a6["escalated_because"] == rule("A6")["escalate"]["reason"]
    assert "A7" not in flags(result), "a Horner's syndrome alone is not a dissection"


def test_an_acute_painful_horners_fires_both_the_dissection_and_the_pancoast_flags(
    judge: Judge,
) -> None:
    fired = flags(judge({"horner_features": "yes", "neck_pain": "yes", "onset_mode": "injury"}))
    assert (fired["A7"]["urgency"], fired["A6"]["urgency"]) == ("emergency", "urgent")


@pytest.mark.parametrize("rule_id", ["A5", "A7", "A9", "A11", "A12", "A13"])
def test_other_emergencies_keep_the_cord_safety_net(judge: Judge, rule_id: str) -> None:
    """Only cord compression (A1 or A3 at emergency) replaces the safety-net line."""
    case = next(p for p in FIRES if p.values[0] == rule_id and p.values[2] == "emergency")
    result = judge(case.values[1])
    assert flags(result)[rule_id]["urgency"] == "emergency"
    assert result["safety_net"] == SAFETY_NET


def test_flags_are_sorted_most_urgent_first(judge: Judge) -> None:
    result = judge(
        {
            "onset_mode": "injury",
            "active_abduction_degrees": {L: 80},
            "weeks_since_onset": 3,
            "passive_er_restricted": {L: "positive"},
            "exertional_arm_pain": "yes",
        }
    )
    assert [(f["id"], f["urgency"]) for f in result["flags"]] == [
        ("A13", "emergency"),
        ("A8", "urgent"),
        ("A14", "soon"),
        ("A16", "routine"),
    ]


# ----------------------------------------------------------------------------- A17 and screening


def test_a17_is_only_a_warning_naming_the_unasked_red_flags(judge: Judge) -> None:
    result = judge({"hand_clumsiness": None, "cancer_history": None})
    assert "A17" not in flags(result)
    assert result["flags"] == []
    a17 = warnings(result)["A17"]
    assert set(a17["items"]) == {"hand_clumsiness", "cancer_history"}
    assert result["safety_net"] == SAFETY_NET


def test_a17_only_asks_the_canadian_c_spine_questions_after_neck_trauma(judge: Judge) -> None:
    assert "A17" not in warnings(judge())
    a17 = warnings(judge({"neck_trauma": "yes"}))["A17"]
    assert set(a17["items"]) == {"ccr_dangerous_mechanism", "ccr_no_low_risk_factor"}
    # The rotation test is asked only once it is safe: no high-risk factor, a low-risk factor.
    safe = {"neck_trauma": "yes", "ccr_dangerous_mechanism": "no", "ccr_no_low_risk_factor": "no"}
    assert warnings(judge(safe))["A17"]["items"] == ["ccr_unable_to_rotate_45"]
    # Paraesthesia not asked must not hide the test.
    assert warnings(judge({**safe, "arm_paraesthesia": None}))["A17"]["items"] == [
        "ccr_unable_to_rotate_45"
    ]


@pytest.mark.parametrize(
    "high_risk",
    [{"age_years": 65}, {"arm_paraesthesia": "yes"}, {"ccr_dangerous_mechanism": "yes"}],
    ids=["age-65", "paraesthesia", "dangerous-mechanism"],
)
def test_the_rotation_test_is_not_asked_with_a_high_risk_factor(
    judge: Judge, high_risk: dict[str, Any]
) -> None:
    result = judge(
        {
            "neck_trauma": "yes",
            "ccr_dangerous_mechanism": "no",
            "ccr_no_low_risk_factor": "no",
            **high_risk,
        }
    )
    assert "A17" not in warnings(result)
    assert flags(result)["A5"]["urgency"] == "emergency"


# ----------------------------------------------------------------------------- P1 (follow-up)


@pytest.mark.parametrize(
    ("prior", "now", "item"),
    [
        *[pytest.param({m: (5, 5)}, {m: {L: 4}}, m, id=f"myotome-{m}") for m in ROOT_MYOTOMES],
        pytest.param(
            {"strength_elbow_extension": (4, 5)},
            {"strength_elbow_extension": (2, 5)},
            "strength_elbow_extension",
            id="myotome-4-to-2",
        ),
        *[pytest.param({r: (2, 2)}, {r: {R: 1}}, r, id=f"reflex-{r}") for r in REFLEXES],
        pytest.param(
            {"reflex_triceps": (1, 2)},
            {"reflex_triceps": (0, 2)},
            "reflex_triceps",
            id="reflex-1-to-0",
        ),
        pytest.param(
            {"reflex_biceps": (3, 3)},
            {"reflex_biceps": (1, 3)},
            "reflex_biceps",
            id="reflex-brisk-to-reduced",
        ),
        *[
            pytest.param({d: ("normal", "normal")}, {d: {L: "reduced"}}, d, id=f"dermatome-{d}")
            for d in DERMATOMES
        ],
        pytest.param(
            {"sensation_c6": ("reduced", "normal")},
            {"sensation_c6": ("absent", "normal")},
            "sensation_c6",
            id="dermatome-reduced-to-absent",
        ),
        pytest.param({}, {"hoffmann_sign": {R: "positive"}}, "hoffmann_sign", id="new-hoffmann"),
        pytest.param(
            {},
            {"inverted_supinator_sign": {L: "positive"}},
            "inverted_supinator_sign",
            id="new-inverted-supinator",
        ),
        pytest.param(
            {}, {"babinski_sign": {L: "extensor"}}, "babinski_sign", id="new-extensor-plantar"
        ),
    ],
)
def test_p1_fires_on_a_worse_root_or_cord_finding_than_at_the_previous_exam(
    judge: Judge, prior: dict[str, Any], now: dict[str, Any], item: str
) -> None:
    p1 = flags(judge(now, prior=prior))["P1"]
    assert p1["urgency"] == "urgent"
    assert p1["actions"] == ["imaging", "referral"]
    assert p1["advice"] == rule("P1")["advice"]
    assert item in p1["triggered_by"]
    reasons = " ".join(p1["reasons"])
    assert PRIOR_DATE in reasons, "P1 names the date of the previous exam"


def test_p1_names_every_worsened_item_with_both_values(judge: Judge) -> None:
    p1 = flags(
        judge(
            {"strength_elbow_extension": {L: 3}, "sensation_c7": {L: "reduced"}},
            prior={"strength_elbow_extension": {L: 4}},
        )
    )["P1"]
    assert set(p1["triggered_by"]) == {"strength_elbow_extension", "sensation_c7"}
    assert sorted(p1["reasons"]) == [
        f"Elbow extension (C7) L: MRC 4/5 on {PRIOR_DATE} → 3/5 now",
        f"Sensation: middle finger (C7) L: normal on {PRIOR_DATE} → reduced now",
    ]


@pytest.mark.parametrize(
    ("prior", "now"),
    [
        pytest.param(
            {}, {"strength_shoulder_abduction": {L: 3}}, id="shoulder-abduction-never-counts"
        ),
        pytest.param({}, {"grip_strength_kg": {L: 12}}, id="grip-never-counts"),
        pytest.param(
            {"reflex_biceps": (3, 3)}, {"reflex_biceps": (2, 3)}, id="reflex-3-to-2-is-not-a-loss"
        ),
        pytest.param(
            {"reflex_biceps": (1, 2)}, {"reflex_biceps": (1, 2)}, id="reflex-unchanged-deficit"
        ),
        pytest.param(
            {"strength_finger_abduction": (4, 5)},
            {"strength_finger_abduction": (4, 5)},
            id="myotome-unchanged-deficit",
        ),
        pytest.param(
            {"strength_finger_abduction": (3, 5)},
            {"strength_finger_abduction": (4, 5)},
            id="myotome-improved",
        ),
        pytest.param(
            {"hoffmann_sign": ("positive", "negative")},
            {"hoffmann_sign": ("positive", "negative")},
            id="hoffmann-already-positive",
        ),
        pytest.param(
            {"hoffmann_sign": ("negative", "negative")},
            {"hoffmann_sign": ("equivocal", "negative")},
            id="hoffmann-equivocal-is-not-positive",
        ),
        pytest.param(
            {"sensation_c5": ("absent", "normal")},
            {"sensation_c5": ("reduced", "normal")},
            id="dermatome-improved",
        ),
        # The reference: a UMN sign newly positive is negative -> positive.
        pytest.param(
            {"hoffmann_sign": ("equivocal", "negative")},
            {"hoffmann_sign": ("positive", "negative")},
            id="hoffmann-equivocal-to-positive",
        ),
        pytest.param(
            {"strength_wrist_extension": None},
            {"strength_wrist_extension": {L: 4}},
            id="not-tested-before",
        ),
    ],
)
def test_p1_near_miss(judge: Judge, prior: dict[str, Any], now: dict[str, Any]) -> None:
    assert "P1" not in flags(judge(now, prior=prior))


def test_p1_compares_the_same_side(judge: Judge) -> None:
    """Left 4 then, right 4 now: the left got better and the right worse, which is new."""
    fired = flags(
        judge({"strength_elbow_flexion": (5, 4)}, prior={"strength_elbow_flexion": (4, 5)})
    )
    assert fired["P1"]["triggered_by"] == ["strength_elbow_flexion"]
    assert fired["P1"]["reasons"] == [f"Elbow flexion (C5–C6) R: MRC 5/5 on {PRIOR_DATE} → 4/5 now"]


def test_p1_needs_a_previous_exam(judge: Judge) -> None:
    assert "P1" not in flags(
        judge({"strength_elbow_flexion": {L: 3}, "sensation_c5": {L: "absent"}})
    )


# ----------------------------------------------------------------------------- pattern


def groups(result: dict[str, Any]) -> dict[str, int]:
    return {g: v["points"] for g, v in result["pattern"]["groups"].items()}


RADICULAR = {
    "pain_below_elbow": "yes",
    "arm_paraesthesia": "yes",
    "spurling_test": {L: "positive"},
    "reflex_triceps": (1, 2),
}
SHOULDER = {
    "painful_arc": {L: "positive"},
    "hawkins_kennedy": {L: "positive"},
    "empty_can_test": {L: "positive"},
    "pain_lateral_upper_arm": "yes",
}


def test_a_radicular_pattern_scores_4_of_4(judge: Judge) -> None:
    result = judge(RADICULAR)
    assert result["pattern"]["reading"] == "radicular"
    assert groups(result) == {"radicular": 4, "shoulder": 0}
    assert result["pattern"]["groups"]["radicular"]["max"] == 4
    assert result["pattern"]["groups"]["shoulder"]["max"] == 4


def test_a_shoulder_pattern_scores_4_of_4(judge: Judge) -> None:
    result = judge(SHOULDER)
    assert result["pattern"]["reading"] == "shoulder"
    assert groups(result) == {"radicular": 0, "shoulder": 4}


def test_a_shoulder_pattern_with_a_root_deficit_is_read_as_mixed(judge: Judge) -> None:
    result = judge({**SHOULDER, "sensation_c5": {L: "reduced"}})
    assert groups(result) == {"radicular": 1, "shoulder": 4}
    assert result["pattern"]["reading"] == "mixed"
    assert result["pattern"]["reading_label"] == (
        "mixed pattern (both problems, or shoulder pain with a root lesion)"
    )
    assert result["pattern"]["neuro_deficit"] is True
    assert (
        "Read as mixed, not shoulder: an objective neurological deficit is present (Sensation: "
        "lateral antecubital fossa (C5) L: reduced), so the picture is not purely a shoulder "
        "problem." in result["pattern"]["note"]
    )


def test_a_shoulder_pattern_with_a_umn_sign_is_read_as_mixed(judge: Judge) -> None:
    result = judge({**SHOULDER, "hoffmann_sign": {R: "positive"}})
    assert groups(result) == {"radicular": 0, "shoulder": 4}
    assert result["pattern"]["reading"] == "mixed"


def test_shoulder_abduction_weakness_is_not_a_root_deficit(judge: Judge) -> None:
    result = judge({**SHOULDER, "strength_shoulder_abduction": {L: 4}})
    assert result["pattern"]["reading"] == "shoulder"
    assert result["pattern"]["neuro_deficit"] is False


def test_both_groups_at_2_read_mixed(judge: Judge) -> None:
    result = judge(
        {
            "pain_below_elbow": "yes",
            "neck_movement_provokes_arm_pain": "yes",
            "neer_sign": {R: "positive"},
            "pain_lying_on_shoulder": "yes",
        }
    )
    assert groups(result) == {"radicular": 2, "shoulder": 2}
    assert result["pattern"]["reading"] == "mixed"


def test_three_radicular_points_read_radicular_only_with_at_most_one_shoulder_point(
    judge: Judge,
) -> None:
    three = {"pain_below_elbow": "yes", "arm_paraesthesia": "yes", "spurling_test": {L: "positive"}}
    result = judge({**three, "painful_arc": {L: "positive"}})
    assert groups(result) == {"radicular": 3, "shoulder": 1}
    assert result["pattern"]["reading"] == "radicular"
    result = judge({**three, "painful_arc": {L: "positive"}, "pain_lateral_upper_arm": "yes"})
    assert groups(result) == {"radicular": 3, "shoulder": 2}
    assert result["pattern"]["reading"] == "mixed"


def test_two_points_each_way_short_of_mixed_is_indeterminate(judge: Judge) -> None:
    result = judge(
        {"pain_below_elbow": "yes", "arm_paraesthesia": "yes", "painful_arc": {L: "positive"}}
    )
    assert groups(result) == {"radicular": 2, "shoulder": 1}
    assert result["pattern"]["reading"] == "indeterminate"


def test_each_neck_provocation_counts_one_point_at_most(judge: Judge) -> None:
    result = judge(
        {
            "spurling_test": ("positive", "positive"),
            "neck_distraction_test": {L: "positive"},
            "shoulder_abduction_relief": {L: "positive"},
            "neck_movement_provokes_arm_pain": "yes",
        }
    )
    assert groups(result)["radicular"] == 1


def test_the_wainner_cluster_counts_on_one_side_only(judge: Judge) -> None:
    """3 of 4 on one side. Spurling or distraction always scores on its own, so the cluster
    shows in the point's reasons: the neck rotation is named only when the three are on one side.
    """
    same = {
        "ulnt_median": {L: "positive"},
        "cervical_rotation_degrees": {L: 55},
        "neck_distraction_test": {L: "positive"},
    }
    point = judge(same)["pattern"]["groups"]["radicular"]
    assert point["points"] == 1
    assert "55" in " ".join(point["reasons"])
    spread = {
        "ulnt_median": {L: "positive"},
        "cervical_rotation_degrees": {L: 55},
        "neck_distraction_test": {R: "positive"},
    }
    point = judge(spread)["pattern"]["groups"]["radicular"]
    assert point["points"] == 1
    assert "55" not in " ".join(point["reasons"])


def test_the_frozen_shoulder_sign_is_a_shoulder_point(judge: Judge) -> None:
    assert groups(judge({"passive_er_restricted": {L: "positive"}})) == {
        "radicular": 0,
        "shoulder": 1,
    }


# ----------------------------------------------------------------------------- consistency


def test_arm_weakness_answered_no_while_a_deficit_progressed_is_a_warning(judge: Judge) -> None:
    """The normal exam answers "Arm getting weaker" no; a weaker myotome than at the previous
    exam contradicts it: a warning beside P1, never a flag."""
    result = judge({"strength_elbow_extension": {L: 3}}, prior={"strength_elbow_extension": {L: 4}})
    assert "P1" in flags(result) and "W1" not in flags(result)
    w1 = warnings(result)["W1"]
    assert "progressive_arm_weakness" in w1["items"]
    assert "W1" not in warnings(judge({"strength_elbow_extension": {L: 3}}))  # no previous exam
    same = judge({"strength_elbow_extension": {L: 4}}, prior={"strength_elbow_extension": {L: 4}})
    assert "W1" not in warnings(same)
    said_yes = judge(
        {"strength_elbow_extension": {L: 3}, "progressive_arm_weakness": "yes"},
        prior={"strength_elbow_extension": {L: 4}},
    )
    assert "W1" not in warnings(said_yes)
