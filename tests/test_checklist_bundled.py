"""posterior-thigh-pain 1.0.0 against clinical reference 1: ids, order, figures, ranges and rules.

1.0.0 stays loadable for the records that name it, so these stay its regression tests; 2.0.0
(clinical reference 2) has its own in test_checklist_v2.py.

The expected values here are copied from the clinical reference (docs shared with the team),
not from the checklist: this file is the contract that saved records and rules rely on.
"""

from __future__ import annotations

import pytest

from exam_tui.checklist import Checklist, load_checklist
from tests.conftest import CHECKLIST_V1

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
        "strength_ankle_dorsiflexion",
        "strength_great_toe_extension",
        "strength_hip_abduction",
        "strength_plantarflexion",
        "strength_knee_flexion",
    ],
}

BILATERAL_SECTIONS = {
    "nerve_tension",
    "muscle_loading",
    "palpation",
    "reflexes",
    "sensation",
    "strength",
}

#: (sensitivity, specificity, LR+, LR−, text, source) per evidence entry, from the reference.
EXPECTED_EVIDENCE: dict[
    str, list[tuple[float | None, float | None, float | None, float | None, str | None, str]]
] = {
    "leg_pain_worse_cough_sneeze": [
        (None, None, None, None, "DOR 2.3 for root compression", "Verwoerd 2016")
    ],
    "history_of_cancer": [
        (None, None, None, None, "metastasis: post-test probability 33%", "Downie 2013")
    ],
    "osteoporosis_or_steroids": [
        (
            None,
            None,
            None,
            None,
            "fracture with prolonged steroids: post-test probability 33%",
            "Downie 2013",
        )
    ],
    "slr": [
        (0.91, 0.26, None, None, None, "Devillé 2000"),
        (0.92, 0.28, None, None, None, "Cochrane 2010"),
    ],
    "slr_angle": [
        (
            None,
            None,
            None,
            None,
            "normal range varies; side-to-side difference averages 5°",
            "Boyd 2012",
        )
    ],
    "crossed_slr": [
        (0.29, 0.88, None, None, None, "Devillé 2000"),
        (0.28, 0.90, None, None, None, "Cochrane 2010"),
    ],
    "slump": [(0.84, 0.83, None, None, None, "Majlesi 2008")],
    "bowstring_cram": [
        (
            None,
            None,
            None,
            None,
            "positive in 69% of 50 proven herniations; specificity unknown",
            "Supic 1994",
        )
    ],
    "femoral_nerve_stretch": [
        (None, None, None, None, "no false positives for L2–L4 compression", "Suri 2011")
    ],
    "bent_knee_stretch": [(0.84, 0.87, 6.5, 0.18, None, "Cacchio 2012")],
    "modified_bent_knee_stretch": [(0.89, 0.91, 10.2, 0.12, None, "Cacchio 2012")],
    "puranen_orava": [(0.76, 0.82, 4.2, 0.29, None, "Cacchio 2012")],
    "taking_off_shoe": [(1.00, 1.00, None, None, "one non-blinded study", "Zeren & Oztekin 2006")],
    "reflex_achilles": [(None, None, None, None, "LR 7.1", "Suri 2011")],
    "strength_hip_abduction": [(None, None, None, None, "level-specific for L5", "Suri 2011")],
}

EXPECTED_ROOTS = {
    "reflex_patellar": "L3–L4",
    "reflex_medial_hamstring": "L5",
    "reflex_achilles": "S1",
    "sensation_l4": "L4",
    "sensation_l5": "L5",
    "sensation_s1": "S1",
    "sensation_s2": "S2",
    "sensation_saddle": "S3–S5",
    "strength_ankle_dorsiflexion": "L4",
    "strength_great_toe_extension": "L5",
    "strength_hip_abduction": "L5",
    "strength_plantarflexion": "S1",
}

EXPECTED_RULES = {
    # id: (urgency, actions, source)
    "R1": ("emergency", {"imaging", "referral"}, "BASS 2018; NICE CKS; GIRFT CES pathway"),
    "R2": ("emergency", {"referral"}, "General clinical knowledge [GK]"),
    "R3": ("urgent", {"imaging", "referral"}, "ACP/APS (Chou 2007); NHS Lothian (foot drop)"),
    "R4": ("urgent", {"imaging", "referral"}, "ACP/APS; ACR variant 7"),
    "R5": ("urgent", {"imaging", "referral"}, "ACP/APS; Downie 2013; ACR variant 7"),
    "R6": ("urgent", {"imaging"}, "ACR variant 6; Downie 2013"),
    "R7": ("urgent", {"imaging", "referral"}, "Subbu 2015; BJO 2022 meta-analysis"),
    "R8": ("routine", {"imaging", "referral"}, "ACR variant 3; NICE NG59"),
    "R9": ("urgent", {"referral"}, "NICE NG59 (pathways)"),
    "R10": ("routine", {"imaging", "referral"}, "Puranen & Orava 1988; Lempainen 2009"),
    "R11": ("routine", {"referral"}, "Young 2008"),
    "R13": ("routine", {"referral"}, "NICE NG65 (spondyloarthritis); ACP/APS"),
    "R12": ("warning", set(), "safety"),
    # Computed in code until the checklist format could express it; the same triggers as a rule.
    "P1": ("urgent", {"imaging", "referral"}, "ACP/APS (Chou 2007)"),
}


@pytest.fixture(scope="module")
def cl() -> Checklist:
    return load_checklist(CHECKLIST_V1)


def test_loads_with_identity(cl: Checklist) -> None:
    assert cl.id == "posterior-thigh-pain"
    assert cl.version == "1.0.0"
    assert cl.title and cl.description


def test_sections_and_items_in_reference_order(cl: Checklist) -> None:
    assert [s.id for s in cl.sections] == list(EXPECTED_SECTIONS)
    for section in cl.sections:
        assert [i.id for i in section.items] == EXPECTED_SECTIONS[section.id], section.id


def test_bilateral(cl: Checklist) -> None:
    for section in cl.sections:
        for item in section.items:
            expected = section.id in BILATERAL_SECTIONS and item.id != "sensation_saddle"
            assert item.bilateral is expected, item.id


def test_kinds(cl: Checklist) -> None:
    kinds = {i.id: i.kind for i in cl.items.values()}
    assert {k for k, v in kinds.items() if v == "number"} == {
        "duration_weeks",
        "conservative_care_weeks",
        "pain_score",
        "slr_angle",
        "single_leg_bridge_reps",
    }
    assert {k for k, v in kinds.items() if v == "choice"} == {"onset", "mechanism"}
    assert kinds["plantar_response"] == "plantar"
    assert all(kinds[i] == "yes_no" for i in EXPECTED_SECTIONS["red_flags"])
    for rid in ("reflex_patellar", "reflex_medial_hamstring", "reflex_achilles"):
        assert kinds[rid] == "reflex"
    assert all(kinds[i] == "mrc" for i in EXPECTED_SECTIONS["strength"])
    assert all(kinds[i] == "sensation" for i in EXPECTED_SECTIONS["sensation"])
    for i in [
        "slr",
        "slr_dorsiflexion",
        "crossed_slr",
        "slump",
        "bowstring_cram",
        "femoral_nerve_stretch",
    ]:
        assert kinds[i] == "sign"
    assert all(kinds[i] == "sign" for i in EXPECTED_SECTIONS["palpation"])


@pytest.mark.parametrize(
    ("item_id", "lo", "hi", "integer", "unit"),
    [
        ("slr_angle", 0, 90, False, "degrees"),
        ("duration_weeks", 0, 520, False, "weeks"),
        ("conservative_care_weeks", 0, 520, False, "weeks"),
        ("pain_score", 0, 10, True, None),
        ("single_leg_bridge_reps", 0, 100, True, None),
    ],
)
def test_number_ranges(
    cl: Checklist, item_id: str, lo: int, hi: int, integer: bool, unit: str | None
) -> None:
    item = cl.items[item_id]
    assert (item.min, item.max, item.integer) == (lo, hi, integer)
    if unit is not None:
        assert item.unit == unit
    assert item.unit


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


def test_evidence_matches_reference(cl: Checklist) -> None:
    actual = {
        i.id: [
            (e.sensitivity, e.specificity, e.lr_positive, e.lr_negative, e.text, e.source)
            for e in i.evidence
        ]
        for i in cl.items.values()
        if i.evidence
    }
    assert actual == EXPECTED_EVIDENCE


def test_no_evidence_where_reference_has_none(cl: Checklist) -> None:
    for item_id in ("slr_dorsiflexion", "resisted_knee_flexion_90", "resisted_knee_flexion_30"):
        assert cl.items[item_id].evidence == []


def test_roots(cl: Checklist) -> None:
    for item_id, root in EXPECTED_ROOTS.items():
        assert cl.items[item_id].root == root, item_id
    # Knee flexion weakness is muscular (strain, avulsion), not a root sign.
    assert cl.items["strength_knee_flexion"].root is None


def test_every_item_is_explained(cl: Checklist) -> None:
    for item in cl.items.values():
        assert item.label and len(item.label) <= 28, item.id
        assert item.meaning, item.id
        assert item.how, item.id
        if item.kind == "sign":
            assert item.positive_if, item.id


def test_slr_follow_ups_shown_only_after_a_positive_or_equivocal_slr(cl: Checklist) -> None:
    shown = {k for k in cl.show_conditions}
    assert shown == {"slr_angle", "slr_dorsiflexion", "bowstring_cram"}
    for item_id in shown:
        assert cl.items[item_id].show_when == {"item": "slr", "in": ["positive", "equivocal"]}


def test_rules_match_reference(cl: Checklist) -> None:
    assert [r.id for r in cl.rules] == [
        "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R13", "R12", "P1",
    ]  # fmt: skip
    for r in cl.rules:
        urgency, actions, source = EXPECTED_RULES[r.id]
        assert r.urgency == urgency, r.id
        assert set(r.actions) == actions, r.id
        assert r.source == source, r.id
        assert r.advice.startswith("Consider"), r.id
    r4 = next(r for r in cl.rules if r.id == "R4")
    assert r4.escalate is not None and r4.escalate.urgency == "emergency"
    r12 = next(r for r in cl.rules if r.id == "R12")
    assert r12.screening_section == "red_flags"


def test_pattern_has_four_points_per_group(cl: Checklist) -> None:
    assert cl.pattern is not None
    groups = {g.id: g.points for g in cl.pattern.groups}
    assert list(groups) == ["radicular", "hamstring"]
    assert len(groups["radicular"]) == 4
    assert len(groups["hamstring"]) == 4
    ids = [p.id for p in (*groups["radicular"], *groups["hamstring"])]
    assert len(set(ids)) == len(ids)
