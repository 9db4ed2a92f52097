"""posterior-thigh-pain 2.0.0 against clinical reference 2: ids, order, kinds, figures, rules.

The expected values are copied from the clinical reference (version 2), not from the checklist:
this file is the contract that saved records and rules rely on. Roles and normal values are in
test_rules_v2.py; what the rules do, there and in test_red_flags_v2.py.
"""

from __future__ import annotations

import pytest

from exam_tui.checklist import Checklist, load_checklist
from tests.conftest import CHECKLIST_V2

EXPECTED_SECTIONS: dict[str, list[str]] = {
    "history": [
        "onset",
        "mechanism",
        "felt_pop",
        "duration_weeks",
        "conservative_care_weeks",
        "pain_score",
        "pain_below_knee",
        "leg_pain_worse_than_back",
        "leg_pain_worse_cough_sneeze",
        "pain_worse_sitting",
        "foot_paraesthesia",
        "intolerable_pain",
        "intervention_candidate",
        "age_under_18",
        "walking_leg_pain",
    ],
    "red_flags": [
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
        "recent_infection_or_spinal_procedure",
        "significant_trauma",
        "osteoporosis_or_steroids",
        "age_over_50",
        "inflammatory_features",
    ],
    "nerve_tension": [
        "slr",
        "slr_angle",
        "slr_dorsiflexion",
        "crossed_slr",
        "slump",
        "bowstring_cram",
        "femoral_nerve_stretch",
    ],
    "muscle_loading": [
        "resisted_knee_flexion_90",
        "resisted_knee_flexion_30",
        "bent_knee_stretch",
        "modified_bent_knee_stretch",
        "puranen_orava",
        "hamstring_stretch_differentiation",
        "taking_off_shoe",
        "single_leg_bridge_reps",
    ],
    "palpation": [
        "ischial_tuberosity_tenderness",
        "sciatic_nerve_tenderness_at_tuberosity",
        "posterior_thigh_tenderness",
        "palpable_gap",
        "ecchymosis",
    ],
    "reflexes": [
        "reflex_patellar",
        "reflex_medial_hamstring",
        "reflex_achilles",
        "plantar_response",
    ],
    "sensation": [
        "sensation_l4",
        "sensation_l5",
        "sensation_s1",
        "sensation_s2",
        "sensation_saddle",
    ],
    "strength": [
        "strength_hip_flexion",
        "strength_knee_extension",
        "sit_to_stand_single_leg",
        "strength_ankle_dorsiflexion",
        "strength_great_toe_extension",
        "strength_hip_abduction",
        "strength_ankle_inversion",
        "strength_ankle_eversion",
        "strength_plantarflexion",
        "heel_walk",
        "toe_walk",
        "strength_knee_flexion",
    ],
    "other_sources": [
        "seated_piriformis_stretch",
        "active_piriformis",
        "retrotrochanteric_tenderness",
        "fadir",
        "faber",
        "foot_pulses",
    ],
}
NOT_BILATERAL_SECTIONS = {"history", "red_flags"}

#: Every figure of the reference: (sensitivity, specificity, LR+, LR−, source) per entry.
EXPECTED_FIGURES: dict[
    str, list[tuple[float | None, float | None, float | None, float | None, str]]
] = {
    "slr": [(0.91, 0.26, None, None, "Devillé 2000"), (0.92, 0.28, None, None, "Cochrane 2010")],
    "crossed_slr": [
        (0.29, 0.88, None, None, "Devillé 2000"),
        (0.28, 0.90, None, None, "Cochrane 2010"),
    ],
    "slump": [(0.84, 0.83, None, None, "Majlesi 2008")],
    "bent_knee_stretch": [(0.84, 0.87, 6.5, 0.18, "Cacchio 2012")],
    "modified_bent_knee_stretch": [(0.89, 0.91, 10.2, 0.12, "Cacchio 2012")],
    "puranen_orava": [(0.76, 0.82, 4.2, 0.29, "Cacchio 2012")],
    "taking_off_shoe": [(1.00, 1.00, None, None, "Zeren & Oztekin 2006 (Clin J Sport Med)")],
    "seated_piriformis_stretch": [(0.52, 0.90, 5.22, 0.53, "Martin 2014")],
    "active_piriformis": [
        (0.78, 0.80, 3.90, 0.27, "Martin 2014"),
        (0.91, 0.80, 4.57, 0.11, "Martin 2014"),
    ],
}
#: Figures the reference gives in words: (item, words that must be in its evidence, source).
EXPECTED_WORDED = [
    ("leg_pain_worse_cough_sneeze", "DOR 2.3", "Verwoerd 2016"),
    ("history_of_cancer", "33%", "Downie 2013"),
    ("osteoporosis_or_steroids", "33%", "Downie 2013"),
    ("fever", "13%", "Davis 2004"),
    ("fever", "98%", "Davis 2004"),
    ("slr_angle", "5°", "Boyd 2012"),
    ("bowstring_cram", "69% of 50 surgically confirmed", "Supik & Broom 1994"),
    ("femoral_nerve_stretch", "LR ∞, in 54 patients", "Suri 2011"),
    ("femoral_nerve_stretch", "LR 7.0 (95% CI 2.3–21)", "Suri 2011"),
    ("reflex_achilles", "LR 7.1 (95% CI 0.96–53)", "Suri 2011"),
    ("sit_to_stand_single_leg", "LR ∞", "Suri 2011"),
    ("taking_off_shoe", "not blinded", "Zeren & Oztekin 2006 (Clin J Sport Med)"),
    ("resisted_knee_flexion_90", "not verified", "Martin 2018"),
    ("resisted_knee_flexion_30", "not verified", "Martin 2018"),
    ("strength_hip_abduction", "level-specific for L5", "Suri 2011"),
]

EXPECTED_ROOTS = {
    "femoral_nerve_stretch": "L2–L4",
    "reflex_patellar": "L3–L4",
    "reflex_medial_hamstring": "L5",
    "reflex_achilles": "S1",
    "sensation_l4": "L4",
    "sensation_l5": "L5",
    "sensation_s1": "S1",
    "sensation_s2": "S2",
    "sensation_saddle": "S3–S5",
    "strength_hip_flexion": "L2–L3",
    "strength_knee_extension": "L3–L4",
    "sit_to_stand_single_leg": "L3–L4",
    "strength_ankle_dorsiflexion": "L4–L5",
    "strength_great_toe_extension": "L5",
    "strength_hip_abduction": "L5",
    "strength_ankle_inversion": "L5",
    "strength_ankle_eversion": "L5–S1",
    "strength_plantarflexion": "S1",
    "heel_walk": "L4–L5",
    "toe_walk": "S1",
}

EXPECTED_RULES = {
    # id: (urgency, escalated urgency, actions)
    "R1": ("emergency", None, {"imaging", "referral"}),
    "R2": ("emergency", None, {"imaging", "referral"}),
    "R3": ("urgent", None, {"imaging", "referral"}),
    "R4": ("urgent", "emergency", {"imaging", "referral"}),
    "R5": ("urgent", "emergency", {"imaging", "referral"}),
    "R6": ("urgent", None, {"imaging"}),
    "R7": ("urgent", None, {"imaging", "referral"}),
    "R8": ("routine", None, {"imaging", "referral"}),
    "R9": ("urgent", None, {"referral"}),
    "R10": ("routine", None, {"imaging", "referral"}),
    "R11": ("routine", None, {"referral"}),
    "R13": ("routine", None, {"referral"}),
    "R14": ("urgent", "emergency", {"imaging", "referral"}),
    "R15": ("urgent", None, {"imaging", "referral"}),
    "R16": ("routine", None, {"referral"}),
    "P1": ("urgent", "emergency", {"imaging", "referral"}),
    "R12": ("warning", None, set()),
    # Consistency checks (issue 14): a red-flag answer contradicted by a finding.
    "W1": ("warning", None, set()),
    "W2": ("warning", None, set()),
}


@pytest.fixture(scope="module")
def cl() -> Checklist:
    return load_checklist(CHECKLIST_V2)


def test_identity_and_default(cl: Checklist) -> None:
    assert (cl.id, cl.version) == ("posterior-thigh-pain", "2.0.0")
    newest = load_checklist()
    assert (newest.id, newest.version) == ("posterior-thigh-pain", "2.0.0")


def test_sections_and_items_in_reference_order(cl: Checklist) -> None:
    assert [s.id for s in cl.sections] == list(EXPECTED_SECTIONS)
    for section in cl.sections:
        assert [i.id for i in section.items] == EXPECTED_SECTIONS[section.id], section.id


def test_bilateral(cl: Checklist) -> None:
    for section in cl.sections:
        for item in section.items:
            expected = section.id not in NOT_BILATERAL_SECTIONS and item.id != "sensation_saddle"
            assert item.bilateral is expected, item.id


def test_kinds(cl: Checklist) -> None:
    kinds = {i.id: i.kind for i in cl.items.values()}
    by_kind: dict[str, set[str]] = {}
    for item_id, kind in kinds.items():
        by_kind.setdefault(kind, set()).add(item_id)
    assert by_kind["number"] == {
        "duration_weeks",
        "conservative_care_weeks",
        "pain_score",
        "slr_angle",
        "single_leg_bridge_reps",
    }
    assert by_kind["choice"] == {"onset", "mechanism", "walking_leg_pain", "foot_pulses"}
    assert by_kind["plantar"] == {"plantar_response"}
    assert by_kind["reflex"] == {"reflex_patellar", "reflex_medial_hamstring", "reflex_achilles"}
    assert by_kind["mrc"] == {
        i
        for i in EXPECTED_SECTIONS["strength"]
        if i not in ("sit_to_stand_single_leg", "heel_walk", "toe_walk")
    }
    assert by_kind["sensation"] == set(EXPECTED_SECTIONS["sensation"])
    assert by_kind["yes_no"] == {
        i for i in EXPECTED_SECTIONS["history"] if i not in by_kind["number"] | by_kind["choice"]
    } | set(EXPECTED_SECTIONS["red_flags"])
    assert "text" not in by_kind


def test_choice_options(cl: Checklist) -> None:
    assert cl.items["onset"].options == ["sudden_injury", "gradual"]
    assert cl.items["mechanism"].options == [
        "none",
        "sprint",
        "forced_hip_flexion_knee_straight",
        "lifting_or_bending",
        "fall_or_trauma",
        "other",
    ]
    assert cl.items["walking_leg_pain"].options == [
        "none",
        "eased_by_standing_still",
        "eased_by_sitting_or_bending",
    ]
    assert cl.items["foot_pulses"].options == ["present", "reduced", "absent"]


@pytest.mark.parametrize(
    ("item_id", "lo", "hi", "worse"),
    [
        ("slr_angle", 0, 90, "lower"),
        ("duration_weeks", 0, 520, None),
        ("conservative_care_weeks", 0, 520, None),
        ("pain_score", 0, 10, "higher"),
        ("single_leg_bridge_reps", 0, 100, "lower"),
    ],
)
def test_number_ranges(cl: Checklist, item_id: str, lo: int, hi: int, worse: str | None) -> None:
    item = cl.items[item_id]
    assert (item.min, item.max, item.worse) == (lo, hi, worse)
    assert item.unit


def test_every_figure_is_the_references(cl: Checklist) -> None:
    actual = {
        i.id: [
            (e.sensitivity, e.specificity, e.lr_positive, e.lr_negative, e.source)
            for e in i.evidence
            if (e.sensitivity, e.specificity, e.lr_positive, e.lr_negative) != (None,) * 4
        ]
        for i in cl.items.values()
    }
    assert {k: v for k, v in actual.items() if v} == EXPECTED_FIGURES


@pytest.mark.parametrize(("item_id", "words", "source"), EXPECTED_WORDED)
def test_worded_figures_and_caveats(cl: Checklist, item_id: str, words: str, source: str) -> None:
    entries = [e for e in cl.items[item_id].evidence if e.source == source]
    assert any(e.text and words in e.text for e in entries), (item_id, words)


def test_no_figure_where_the_reference_has_none(cl: Checklist) -> None:
    for item_id in (
        "slr_dorsiflexion",
        "hamstring_stretch_differentiation",
        "resisted_knee_flexion_90",
        "resisted_knee_flexion_30",
        "retrotrochanteric_tenderness",
        "fadir",
        "faber",
    ):
        for e in cl.items[item_id].evidence:
            assert (e.sensitivity, e.specificity, e.lr_positive, e.lr_negative) == (None,) * 4


def test_roots(cl: Checklist) -> None:
    assert {i.id: i.root for i in cl.items.values() if i.root} == EXPECTED_ROOTS
    assert cl.items["strength_knee_flexion"].root is None


def test_every_item_is_explained(cl: Checklist) -> None:
    for item in cl.items.values():
        assert item.label and len(item.label) <= 28, item.id
        assert item.meaning, item.id
        assert item.how, item.id
        if item.kind == "sign":
            assert item.positive_if, item.id


def test_follow_up_items_are_shown_only_after_their_test(cl: Checklist) -> None:
    slr = {"item": "slr", "in": ["positive", "equivocal"]}
    assert set(cl.show_conditions) == {
        "slr_angle",
        "slr_dorsiflexion",
        "bowstring_cram",
        "hamstring_stretch_differentiation",
    }
    for item_id in ("slr_angle", "slr_dorsiflexion", "bowstring_cram"):
        assert cl.items[item_id].show_when == slr
    stretches = cl.items["hamstring_stretch_differentiation"].show_when
    assert stretches == {
        "any": [
            {"item": test, "in": ["positive", "equivocal"]}
            for test in ("bent_knee_stretch", "modified_bent_knee_stretch", "puranen_orava")
        ]
    }


def test_rules_match_reference(cl: Checklist) -> None:
    assert [r.id for r in cl.rules] == list(EXPECTED_RULES)
    for r in cl.rules:
        urgency, escalated, actions = EXPECTED_RULES[r.id]
        assert r.urgency == urgency, r.id
        assert set(r.actions) == actions, r.id
        assert r.source, r.id
        assert r.advice.startswith("Consider"), r.id
        if escalated is None:
            assert r.escalate is None, r.id
        else:
            assert r.escalate is not None and r.escalate.urgency == escalated, r.id
            assert r.escalate.advice and r.escalate.advice.startswith("Consider"), r.id
            assert r.escalate.reason, r.id
    r12 = next(r for r in cl.rules if r.id == "R12")
    assert r12.screening_section == "red_flags"


def test_pattern_groups_readings_and_override(cl: Checklist) -> None:
    p = cl.pattern
    assert p is not None
    assert {g.id: len(g.points) for g in p.groups} == {"radicular": 4, "hamstring": 4}
    assert [(r.id, r.label) for r in p.readings] == [
        ("radicular", "radicular pattern"),
        ("hamstring", "hamstring pattern"),
        ("mixed", "mixed pattern (hamstring syndrome, or both problems)"),
        ("indeterminate", "indeterminate"),
    ]
    assert [(o.id, o.from_, o.to) for o in p.overrides] == [
        ("neuro_deficit", ["hamstring"], "mixed")
    ]


def test_texts_and_safety_net(cl: Checklist) -> None:
    assert cl.texts.side_noun == "leg"
    assert cl.texts.no_flags == "No imaging or referral indicated by these findings."
    assert cl.texts.no_flags_detail is not None and "NICE NG59 1.1.4" in cl.texts.no_flags_detail
    net = cl.safety_net
    assert net is not None and "new symptoms in both legs" in net.text
    assert net.replaced_by == (
        "Cauda equina syndrome suspected: arrange same-day emergency assessment by the on-call"
        " spinal team and an emergency MRI now; safety-net advice is not a substitute."
    )
    assert [(w.rule, w.urgency) for w in net.replaced_when] == [
        ("R1", None),
        ("R14", "emergency"),
        ("P1", "emergency"),
    ]
    assert cl.items["crossed_slr"].positive_text == (
        "raising {side} reproduces {other_side} {side_noun} pain"
    )
    other = next(s for s in cl.sections if s.id == "other_sources")
    assert other.summary_heading is not None
    assert other.summary_heading.startswith("Other possible sources")
