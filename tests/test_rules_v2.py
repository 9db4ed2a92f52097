"""posterior-thigh-pain 2.0.0 against clinical reference version 2: every changed and new rule.

Each changed or new rule and each escalation is tested on a record that fires it (id, urgency,
advice, reasons) and on one just short of it. The issue's cases (issue 12) each have a test.
Records are built through the public core (``new_record`` + ``Record.set_value``) and evaluated
with ``rules.evaluate``; a few go through ``exam-tui flags --json`` and ``exam-tui summary``.
Version 1.0.0 keeps its own regression tests in test_rules.py.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from exam_tui import rules, summary
from exam_tui.checklist import Checklist, load_checklist
from exam_tui.record import Record, new_record
from exam_tui.storage import save_record
from tests.conftest import CHECKLIST_V2
from tests.test_red_flags_v2 import RED_FLAGS

SAFETY_NET_START = "Safety net: advise the patient to seek emergency care at once"
CES_LINE = (
    "Cauda equina syndrome suspected: arrange same-day emergency assessment by the on-call"
    " spinal team and an emergency MRI now; safety-net advice is not a substitute."
)
NO_FLAGS = "No imaging or referral indicated by these findings."
PRIOR_DAY = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
TODAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def cl() -> Checklist:
    checklist = load_checklist(CHECKLIST_V2)
    assert (checklist.id, checklist.version) == ("posterior-thigh-pain", "2.0.0")
    return checklist


def build(
    cl: Checklist,
    spec: dict[str, Any] | None = None,
    *,
    screened: bool = True,
    started: datetime = TODAY,
) -> Record:
    """A record with every red flag answered "no" (unless ``screened=False``), then ``spec``.

    In ``spec`` a bilateral item takes a (left, right) pair (None leaves a side unanswered).
    """
    rec = new_record(cl, "T-2", "Tester", "left", started_at=started)
    if screened:
        for item_id in RED_FLAGS:
            rec.set_value(cl.items[item_id], None, "no", at=started)
    for item_id, value in (spec or {}).items():
        item = cl.items[item_id]
        if item.bilateral:
            left, right = value
            if left is not None:
                rec.set_value(item, "left", left, at=started)
            if right is not None:
                rec.set_value(item, "right", right, at=started)
        else:
            rec.set_value(item, None, value, at=started)
    return rec


def evaluate(cl: Checklist, rec: Record, prior: Record | None = None) -> rules.Evaluation:
    return rules.evaluate(cl, rec, prior)


def flag_ids(cl: Checklist, rec: Record, prior: Record | None = None) -> list[str]:
    return [f.id for f in evaluate(cl, rec, prior).flags]


def flag(cl: Checklist, rec: Record, rule_id: str, prior: Record | None = None) -> rules.Flag:
    found = [f for f in evaluate(cl, rec, prior).flags if f.id == rule_id]
    assert found, f"{rule_id} did not fire: {flag_ids(cl, rec, prior)}"
    return found[0]


#: The checklist file as written, to check its structure and texts without the engine's models.
RAW: dict[str, Any] = tomllib.loads(CHECKLIST_V2.read_text("utf-8"))


def rule_advice(rule_id: str, escalated: bool = False) -> str:
    rule = next(r for r in RAW["rules"] if r["id"] == rule_id)
    advice: str = rule["escalate"]["advice"] if escalated else rule["advice"]
    return advice


def render(cl: Checklist, rec: Record, prior: Record | None = None) -> str:
    """The summary with its wrapping undone."""
    ev = evaluate(cl, rec, prior)
    text = summary.render_summary(cl, rec, ev, width=200)
    return " ".join(text.split())


# ----------------------------------------------------------------------------- the file


def test_every_1_0_0_item_id_is_kept(cl: Checklist) -> None:
    old = load_checklist(CHECKLIST_V2.parent / "versions" / "posterior-thigh-pain-1.0.0.toml")
    assert set(old.items) <= set(cl.items)


def test_new_items_and_section_of_the_reference(cl: Checklist) -> None:
    new = {
        "strength_hip_flexion",
        "strength_knee_extension",
        "sit_to_stand_single_leg",
        "strength_ankle_inversion",
        "strength_ankle_eversion",
        "heel_walk",
        "toe_walk",
        "walking_leg_pain",
        "age_under_18",
        "recent_infection_or_spinal_procedure",
        "hamstring_stretch_differentiation",
        "seated_piriformis_stretch",
        "active_piriformis",
        "retrotrochanteric_tenderness",
        "fadir",
        "faber",
        "foot_pulses",
    }
    assert new <= set(cl.items)
    other = next(s for s in RAW["sections"] if s["id"] == "other_sources")
    assert [i["id"] for i in other["items"]] == [
        "seated_piriformis_stretch",
        "active_piriformis",
        "retrotrochanteric_tenderness",
        "fadir",
        "faber",
        "foot_pulses",
    ]


def test_section_roles() -> None:
    roles = {s["id"]: s.get("role") for s in RAW["sections"]}
    assert roles == {
        "history": "history",
        "red_flags": "screening",
        "nerve_tension": "exam",
        "muscle_loading": "exam",
        "palpation": "exam",
        "reflexes": "exam",
        "sensation": "exam",
        "strength": "exam",
        "other_sources": "exam",
    }


#: Items the reference marks "—" (never filled automatically).
NO_NORMAL = {
    "history_of_cancer",
    "iv_drug_use_or_immunosuppression",
    "recent_infection_or_spinal_procedure",
    "osteoporosis_or_steroids",
    "age_over_50",
    "slr_angle",
    "single_leg_bridge_reps",
    "sensation_saddle",
}


def test_normal_values_as_the_reference_tables() -> None:
    expected = {"yes_no": "no", "sign": "negative", "reflex": 2, "mrc": 5}
    expected |= {"sensation": "normal", "plantar": "flexor"}
    for section in RAW["sections"]:
        for item in section["items"]:
            normal, kind, item_id = item.get("normal"), item["kind"], item["id"]
            if section["id"] == "history" or item_id in NO_NORMAL:
                assert normal is None, item_id
            elif kind in expected:
                assert normal == expected[kind], item_id
            else:
                assert (item_id, normal) == ("foot_pulses", "present")


# ----------------------------------------------------------------------------- baseline


def test_screened_record_with_nothing_else_raises_nothing(cl: Checklist) -> None:
    ev = evaluate(cl, build(cl))
    assert ev.flags == () and ev.warnings == ()


# ----------------------------------------------------------------------------- R1 and the CES line


@pytest.mark.parametrize(
    "item_id",
    [
        "saddle_anaesthesia",
        "bladder_dysfunction",
        "bowel_dysfunction",
        "sexual_dysfunction",
        "bilateral_leg_symptoms",
    ],
)
def test_r1_each_ces_symptom(cl: Checklist, item_id: str) -> None:
    f = flag(cl, build(cl, {item_id: "yes"}), "R1")
    assert f.urgency == "emergency"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.triggered_by == (item_id,)
    assert "whole spine" in f.advice


@pytest.mark.parametrize(
    ("value", "fires"),
    [("reduced", True), ("absent", True), ("normal", False), ("increased", False)],
)
def test_r1_saddle_sensation(cl: Checklist, value: str, fires: bool) -> None:
    assert ("R1" in flag_ids(cl, build(cl, {"sensation_saddle": value}))) is fires


def test_urinary_retention_gets_the_emergency_line_not_the_safety_net(cl: Checklist) -> None:
    """Issue 12: a patient already in retention is not told to "seek care if" it happens."""
    rec = build(cl, {"bladder_dysfunction": "yes"})
    rec.set_note("bladder_dysfunction", "urinary retention, 800 ml residual")
    text = render(cl, rec)
    assert CES_LINE in text
    assert SAFETY_NET_START not in text
    assert NO_FLAGS not in text


def test_without_a_ces_flag_the_safety_net_ends_the_summary(cl: Checklist) -> None:
    text = render(cl, build(cl))
    assert SAFETY_NET_START in text and "new symptoms in both legs" in text
    assert CES_LINE not in text
    assert NO_FLAGS in text


# ----------------------------------------------------------------------------- R2


@pytest.mark.parametrize(
    "item_id", ["reflex_patellar", "reflex_medial_hamstring", "reflex_achilles"]
)
def test_r2_clonus_fires_brisk_does_not(cl: Checklist, item_id: str) -> None:
    assert "R2" not in flag_ids(cl, build(cl, {item_id: (3, 3)}))
    f = flag(cl, build(cl, {item_id: (2, 4)}), "R2")
    assert f.urgency == "emergency"
    assert set(f.actions) == {"imaging", "referral"}
    assert "whole spine" in f.advice
    assert f.triggered_by == (item_id,)


def test_r2_extensor_plantar(cl: Checklist) -> None:
    assert "R2" in flag_ids(cl, build(cl, {"plantar_response": ("flexor", "extensor")}))
    assert "R2" not in flag_ids(cl, build(cl, {"plantar_response": ("flexor", "equivocal")}))


# ----------------------------------------------------------------------------- R3

ROOT_MYOTOMES = [
    "strength_hip_flexion",
    "strength_knee_extension",
    "strength_ankle_dorsiflexion",
    "strength_great_toe_extension",
    "strength_hip_abduction",
    "strength_ankle_inversion",
    "strength_ankle_eversion",
    "strength_plantarflexion",
]


@pytest.mark.parametrize("item_id", ROOT_MYOTOMES)
def test_r3_every_root_myotome_at_3_fires_at_4_does_not(cl: Checklist, item_id: str) -> None:
    assert "R3" not in flag_ids(cl, build(cl, {item_id: (4, 5)}))
    f = flag(cl, build(cl, {item_id: (3, 5)}), "R3")
    assert f.urgency == "urgent"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.triggered_by == (item_id,)
    assert f.reasons[0].endswith(" L: MRC 3/5")


def test_r3_knee_flexion_is_never_a_root_sign(cl: Checklist) -> None:
    assert flag_ids(cl, build(cl, {"strength_knee_flexion": (2, 5)})) == []


def test_r3_progressive_weakness_reported(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"progressive_weakness": "yes"}), "R3")
    assert f.triggered_by == ("progressive_weakness",)


W4 = (4, 5)
POS = ("positive", "negative")


@pytest.mark.parametrize(
    ("spec", "fires"),
    [
        # Two of the three root-level groups on the left.
        ({"strength_hip_flexion": W4, "strength_great_toe_extension": W4}, True),
        ({"sit_to_stand_single_leg": POS, "toe_walk": POS}, True),
        ({"strength_ankle_inversion": W4, "strength_plantarflexion": W4}, True),
        ({"strength_knee_extension": W4, "strength_plantarflexion": W4}, True),
        # Spanning items beside a group they share no root with.
        ({"strength_ankle_dorsiflexion": W4, "strength_plantarflexion": W4}, True),
        ({"heel_walk": POS, "toe_walk": POS}, True),
        ({"strength_ankle_eversion": W4, "strength_knee_extension": W4}, True),
        ({"strength_ankle_eversion": W4, "sit_to_stand_single_leg": POS}, True),
        # Just short: one group only.
        ({"strength_hip_flexion": W4, "strength_knee_extension": W4}, False),
        ({"strength_great_toe_extension": W4, "strength_hip_abduction": W4}, False),
        ({"strength_plantarflexion": W4, "toe_walk": POS}, False),
        # Just short: a spanning item beside a group it shares a root with.
        ({"strength_ankle_dorsiflexion": W4, "strength_great_toe_extension": W4}, False),
        ({"heel_walk": POS, "strength_ankle_inversion": W4}, False),
        ({"strength_ankle_dorsiflexion": W4, "strength_hip_flexion": W4}, False),
        ({"strength_ankle_eversion": W4, "strength_plantarflexion": W4}, False),
        ({"strength_ankle_eversion": W4, "strength_great_toe_extension": W4}, False),
        ({"strength_ankle_dorsiflexion": W4, "strength_ankle_eversion": W4}, False),
        # Just short: two levels, but on different sides.
        ({"strength_hip_flexion": (4, 5), "strength_great_toe_extension": (5, 4)}, False),
        # Just short: knee flexion is not a root level.
        ({"strength_great_toe_extension": W4, "strength_knee_flexion": W4}, False),
    ],
)
def test_r3_weakness_at_two_root_levels(cl: Checklist, spec: dict[str, Any], fires: bool) -> None:
    ids = flag_ids(cl, build(cl, spec))
    assert ("R3" in ids) is fires
    if fires:
        assert set(flag(cl, build(cl, spec), "R3").triggered_by) == set(spec)


# ----------------------------------------------------------------------------- R4

DEFICIT = {"reflex_achilles": (1, 2)}  # a root deficit on the left


@pytest.mark.parametrize(
    "spec",
    [
        {"iv_drug_use_or_immunosuppression": "yes", "fever": "yes"},
        {"iv_drug_use_or_immunosuppression": "yes", "night_pain": "yes"},
        {"recent_infection_or_spinal_procedure": "yes", "fever": "yes"},
        {"recent_infection_or_spinal_procedure": "yes", "night_pain": "yes"},
    ],
)
def test_r4_risk_factor_with_fever_or_night_pain_is_urgent(
    cl: Checklist, spec: dict[str, Any]
) -> None:
    f = flag(cl, build(cl, spec), "R4")
    assert f.urgency == "urgent"
    assert f.escalated_because is None
    assert set(f.triggered_by) == set(spec)
    assert f.advice == rule_advice("R4")
    assert "blood cultures" in f.advice


def test_r4_afebrile_drug_user_with_a_deficit_is_an_emergency(cl: Checklist) -> None:
    """Issue 12: an afebrile intravenous drug user with a new deficit gets R4."""
    rec = build(cl, {"iv_drug_use_or_immunosuppression": "yes", "fever": "no", **DEFICIT})
    f = flag(cl, rec, "R4")
    assert f.urgency == "emergency"
    assert f.escalated_because == "neurological deficit with a possible spinal infection"
    assert f.advice == rule_advice("R4", escalated=True)
    assert f.triggered_by == ("iv_drug_use_or_immunosuppression", "reflex_achilles")


def test_r4_fever_with_a_deficit_without_a_risk_factor(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"fever": "yes", "sensation_l5": ("reduced", "normal")}), "R4")
    assert f.urgency == "emergency"


@pytest.mark.parametrize(
    "spec",
    [
        {"iv_drug_use_or_immunosuppression": "yes"},
        {"recent_infection_or_spinal_procedure": "yes"},
        {"fever": "yes"},
        {"fever": "yes", "night_pain": "yes"},
        DEFICIT,
        {"night_pain": "yes", **DEFICIT},
        # Knee flexion weakness is not a neurological deficit.
        {"iv_drug_use_or_immunosuppression": "yes", "strength_knee_flexion": (4, 5)},
        {"fever": "yes", "strength_knee_flexion": (3, 5)},
    ],
)
def test_r4_just_short(cl: Checklist, spec: dict[str, Any]) -> None:
    assert "R4" not in flag_ids(cl, build(cl, spec))


# ----------------------------------------------------------------------------- R5


def test_r5_cancer_alone_is_urgent(cl: Checklist) -> None:
    f = flag(cl, build(cl, {"history_of_cancer": "yes", "pain_below_knee": "no"}), "R5")
    assert f.urgency == "urgent"
    assert f.escalated_because is None
    assert "MSCC" in f.advice and f.advice == rule_advice("R5")


def test_r5_cancer_with_new_radicular_weakness_is_an_emergency(cl: Checklist) -> None:
    """Issue 12: cancer history and new radicular weakness: MSCC coordinator now."""
    rec = build(cl, {"history_of_cancer": "yes", "strength_great_toe_extension": (4, 5)})
    f = flag(cl, rec, "R5")
    assert f.urgency == "emergency"
    assert f.escalated_because is not None and "metastatic spinal cord" in f.escalated_because
    assert f.advice == rule_advice("R5", escalated=True)
    assert "MSCC coordinator immediately" in f.advice and "24 hours" in f.advice
    assert "strength_great_toe_extension" in f.triggered_by


@pytest.mark.parametrize(
    "extra",
    [
        {"pain_below_knee": "yes"},
        {"foot_paraesthesia": "yes"},
        {"progressive_weakness": "yes"},
        {"slump": ("positive", "negative")},
        {"femoral_nerve_stretch": ("negative", "positive")},
        {"plantar_response": ("extensor", "flexor")},
        {"sensation_saddle": "reduced"},
        {"bladder_dysfunction": "yes"},
        {"toe_walk": ("positive", "negative")},
    ],
)
def test_r5_escalates_on_any_neurological_symptom_or_sign(
    cl: Checklist, extra: dict[str, Any]
) -> None:
    f = flag(cl, build(cl, {"history_of_cancer": "yes", **extra}), "R5")
    assert f.urgency == "emergency"


@pytest.mark.parametrize(
    "spec",
    [
        # No cancer history: radicular pain with two other features stays urgent.
        {"unexplained_weight_loss": "yes", "night_pain": "yes", "pain_below_knee": "yes"},
        # Cancer, but the neurological findings are negative or not neurological.
        {"history_of_cancer": "yes", "pain_below_knee": "no", "foot_paraesthesia": "no"},
        {"history_of_cancer": "yes", "strength_knee_flexion": (3, 5)},
        {"history_of_cancer": "yes", "slr": ("positive", "negative")},  # SLR without Bragard
    ],
)
def test_r5_stays_urgent_just_short_of_the_escalation(cl: Checklist, spec: dict[str, Any]) -> None:
    assert flag(cl, build(cl, spec), "R5").urgency == "urgent"


def test_r5_one_background_feature_is_not_enough(cl: Checklist) -> None:
    assert flag_ids(cl, build(cl, {"night_pain": "yes", "pain_below_knee": "yes"})) == []


# ----------------------------------------------------------------------------- R7

ACUTE = {"onset": "sudden_injury"}


@pytest.mark.parametrize(
    ("spec", "fires"),
    [
        # (a) a palpable gap.
        ({"palpable_gap": ("positive", "negative")}, True),
        ({"palpable_gap": ("equivocal", "negative")}, False),
        # (b) acute: pop or mechanism, and bruising or knee flexion <= 4.
        ({**ACUTE, "felt_pop": "yes", "ecchymosis": POS}, True),
        (
            {**ACUTE, "mechanism": "forced_hip_flexion_knee_straight", "strength_knee_flexion": W4},
            True,
        ),
        ({**ACUTE, "felt_pop": "yes", "ecchymosis": ("negative", "negative")}, False),
        # (c) history-led, any interval: pop or mechanism with tuberosity tenderness.
        ({"felt_pop": "yes", "ischial_tuberosity_tenderness": POS}, True),
        (
            {
                "mechanism": "forced_hip_flexion_knee_straight",
                "ischial_tuberosity_tenderness": POS,
            },
            True,
        ),
        ({"felt_pop": "yes", "strength_knee_flexion": (3, 5)}, True),
        # Just short of (c): loading weakness not marked, and no acute onset for (b).
        ({"onset": "gradual", "felt_pop": "yes", "strength_knee_flexion": W4}, False),
        ({"felt_pop": "yes", "ischial_tuberosity_tenderness": ("equivocal", "negative")}, False),
        ({"mechanism": "sprint", "ischial_tuberosity_tenderness": POS}, False),
        ({"felt_pop": "no", "ischial_tuberosity_tenderness": POS}, False),
    ],
)
def test_r7_trigger(cl: Checklist, spec: dict[str, Any], fires: bool) -> None:
    assert ("R7" in flag_ids(cl, build(cl, spec))) is fires


def test_r7_avulsion_seen_at_six_weeks_with_the_bruising_gone(cl: Checklist) -> None:
    """Issue 12: a proximal hamstring avulsion seen at six weeks is not missed."""
    spec = {
        **ACUTE,
        "felt_pop": "yes",
        "duration_weeks": 6,
        "ecchymosis": ("negative", "negative"),
        "palpable_gap": ("negative", "negative"),
        "ischial_tuberosity_tenderness": POS,
        "strength_knee_flexion": (5, 5),
    }
    f = flag(cl, build(cl, spec), "R7")
    assert f.urgency == "urgent"
    assert set(f.actions) == {"imaging", "referral"}
    assert "refer now" in f.advice and "whatever the time since injury" in f.advice
    assert {"felt_pop", "ischial_tuberosity_tenderness"} <= set(f.triggered_by)


# ----------------------------------------------------------------------------- R8, R9

RADICULAR = {
    "pain_below_knee": "yes",
    "leg_pain_worse_than_back": "yes",
    "slump": ("positive", "negative"),
}
#: Two hamstring points: tenderness and a bent-knee stretch (differentiation negative).
HAMSTRING_2 = {
    "ischial_tuberosity_tenderness": POS,
    "bent_knee_stretch": POS,
    "hamstring_stretch_differentiation": ("negative", None),
}
PERSISTENT = {"conservative_care_weeks": 6, "intervention_candidate": "yes"}


def reading(cl: Checklist, rec: Record) -> str:
    ev = evaluate(cl, rec)
    assert ev.pattern is not None
    return ev.pattern.reading


@pytest.mark.parametrize(
    ("spec", "expected_reading"),
    [
        (RADICULAR, "radicular"),
        # Mixed with nerve tension.
        ({"pain_below_knee": "yes", "slump": POS, **HAMSTRING_2}, "mixed"),
        # Mixed with a root deficit.
        ({"pain_below_knee": "yes", **DEFICIT, **HAMSTRING_2}, "mixed"),
        # Nerve tension with a root deficit, whatever the reading.
        ({"femoral_nerve_stretch": POS, "reflex_patellar": (1, 2)}, "indeterminate"),
    ],
)
def test_r8_r9_fire_on_radiculopathy_evidence(
    cl: Checklist, spec: dict[str, Any], expected_reading: str
) -> None:
    assert reading(cl, build(cl, spec)) == expected_reading
    r8 = flag(cl, build(cl, {**spec, **PERSISTENT}), "R8")
    assert r8.urgency == "routine" and set(r8.actions) == {"imaging", "referral"}
    r9 = flag(cl, build(cl, {**spec, "intolerable_pain": "yes"}), "R9")
    assert r9.urgency == "urgent" and r9.actions == ("referral",)


@pytest.mark.parametrize(
    ("spec", "expected_reading"),
    [
        # Mixed, but neither nerve tension nor a root deficit.
        (
            {"pain_below_knee": "yes", "leg_pain_worse_than_back": "yes", **HAMSTRING_2},
            "mixed",
        ),
        # Nerve tension alone, or a deficit alone, without a radicular or mixed reading.
        ({"slump": POS}, "indeterminate"),
        (DEFICIT, "indeterminate"),
    ],
)
def test_r8_r9_just_short_of_radiculopathy_evidence(
    cl: Checklist, spec: dict[str, Any], expected_reading: str
) -> None:
    assert reading(cl, build(cl, spec)) == expected_reading
    assert "R8" not in flag_ids(cl, build(cl, {**spec, **PERSISTENT}))
    assert "R9" not in flag_ids(cl, build(cl, {**spec, "intolerable_pain": "yes"}))


def test_r8_needs_six_weeks_and_a_candidate(cl: Checklist) -> None:
    assert "R8" not in flag_ids(
        cl, build(cl, {**RADICULAR, **PERSISTENT, "conservative_care_weeks": 5})
    )
    assert "R8" not in flag_ids(
        cl, build(cl, {**RADICULAR, **PERSISTENT, "intervention_candidate": "no"})
    )


def test_l3_l4_radiculopathy_with_femoral_stretch_reads_radicular(cl: Checklist) -> None:
    """Issue 12: an L3/L4 radiculopathy with a positive femoral stretch is not indeterminate."""
    spec = {
        "leg_pain_worse_than_back": "yes",
        "pain_below_knee": "no",
        "slr": ("negative", "negative"),
        "femoral_nerve_stretch": POS,
        "reflex_patellar": (1, 2),
        "strength_knee_extension": W4,
    }
    ev = evaluate(cl, build(cl, spec))
    assert ev.pattern is not None and ev.pattern.reading == "radicular"
    assert ev.pattern.score("radicular") == 3


# ----------------------------------------------------------------------------- R10 and the pattern

HAMSTRING_3 = {
    "ischial_tuberosity_tenderness": POS,
    "bent_knee_stretch": POS,
    "resisted_knee_flexion_30": POS,
}


def test_r10_persistent_hamstring_origin_pain(cl: Checklist) -> None:
    f = flag(cl, build(cl, {**HAMSTRING_3, "duration_weeks": 12}), "R10")
    assert f.urgency == "routine"
    assert "R10" not in flag_ids(cl, build(cl, {**HAMSTRING_3, "duration_weeks": 11}))


def test_hamstring_reading_with_a_neuro_deficit_is_mixed_and_r10_does_not_fire(
    cl: Checklist,
) -> None:
    rec = build(cl, {**HAMSTRING_3, "duration_weeks": 16, "sensation_s1": ("reduced", "normal")})
    assert reading(cl, rec) == "mixed"
    assert "R10" not in flag_ids(cl, rec)


@pytest.mark.parametrize(
    ("spec", "points"),
    [
        ({"posterior_thigh_tenderness": POS}, 1),
        ({"taking_off_shoe": POS}, 1),
        ({"pain_worse_sitting": "yes"}, 0),
        ({"mechanism": "sprint"}, 1),
        # A stretch test counts unless the differentiation is positive on its side.
        ({"bent_knee_stretch": POS}, 1),
        ({"bent_knee_stretch": POS, "hamstring_stretch_differentiation": ("equivocal", None)}, 1),
        ({"bent_knee_stretch": POS, "hamstring_stretch_differentiation": POS}, 0),
        ({"modified_bent_knee_stretch": POS, "hamstring_stretch_differentiation": POS}, 0),
        ({"puranen_orava": POS, "hamstring_stretch_differentiation": POS}, 0),
        # Positive differentiation on the other side only: the left stretch still counts.
        (
            {
                "bent_knee_stretch": ("positive", "positive"),
                "hamstring_stretch_differentiation": ("negative", "positive"),
            },
            1,
        ),
        (
            {
                "puranen_orava": ("positive", "positive"),
                "hamstring_stretch_differentiation": ("positive", "negative"),
            },
            1,
        ),
        # Other sources never enter the pattern.
        (
            {
                "seated_piriformis_stretch": POS,
                "active_piriformis": POS,
                "retrotrochanteric_tenderness": POS,
                "fadir": POS,
                "faber": POS,
                "foot_pulses": ("absent", "present"),
            },
            0,
        ),
    ],
)
def test_hamstring_points(cl: Checklist, spec: dict[str, Any], points: int) -> None:
    ev = evaluate(cl, build(cl, spec))
    assert ev.pattern is not None
    assert ev.pattern.score("hamstring") == points


def test_differentiation_positive_is_a_radicular_nerve_tension_point(cl: Checklist) -> None:
    rec = build(cl, {"bent_knee_stretch": POS, "hamstring_stretch_differentiation": POS})
    ev = evaluate(cl, rec)
    assert ev.pattern is not None
    assert (ev.pattern.score("radicular"), ev.pattern.score("hamstring")) == (1, 0)


def test_other_sources_score_nothing_on_either_side(cl: Checklist) -> None:
    spec = {"seated_piriformis_stretch": POS, "fadir": POS, "foot_pulses": ("reduced", "present")}
    ev = evaluate(cl, build(cl, spec))
    assert ev.pattern is not None
    assert (ev.pattern.score("radicular"), ev.pattern.score("hamstring")) == (0, 0)


# ----------------------------------------------------------------------------- R12


def test_r12_is_only_a_warning(cl: Checklist) -> None:
    rec = build(cl, screened=False)
    rec.set_value(cl.items["fever"], None, "no")
    ev = evaluate(cl, rec)
    assert ev.flags == ()
    assert [w.id for w in ev.warnings] == ["R12"]
    assert ev.warnings[0].items == tuple(i for i in RED_FLAGS if i != "fever")
    assert NO_FLAGS in render(cl, rec)


def test_r12_unanswered_background_facts_keep_warning(cl: Checklist) -> None:
    rec = build(cl)
    rec.set_value(cl.items["history_of_cancer"], None, None)
    assert [w.items for w in evaluate(cl, rec).warnings] == [("history_of_cancer",)]


# ----------------------------------------------------------------------------- R14

BILATERAL: dict[str, dict[str, Any]] = {
    "absent ankle jerks": {"reflex_achilles": (0, 0)},
    "absent knee jerks": {"reflex_patellar": (0, 0)},
    "different deficits": {"sensation_l5": ("reduced", "normal"), "reflex_achilles": (2, 1)},
    "weakness in both legs": {"strength_plantarflexion": (4, 4)},
    "functional tests": {
        "heel_walk": ("positive", "negative"),
        "toe_walk": ("negative", "positive"),
    },
}


@pytest.mark.parametrize("name", list(BILATERAL))
def test_r14_objective_deficit_in_both_legs(cl: Checklist, name: str) -> None:
    f = flag(cl, build(cl, BILATERAL[name]), "R14")
    assert f.urgency == "urgent"
    assert f.escalated_because is None
    assert set(f.actions) == {"imaging", "referral"}
    assert f.advice == rule_advice("R14")
    assert set(f.triggered_by) == set(BILATERAL[name])


def test_absent_ankle_reflexes_and_weakness_in_both_legs_are_never_no_imaging(
    cl: Checklist,
) -> None:
    """Issue 12: the no-flags sentence never appears with deficits in both legs."""
    rec = build(cl, {"reflex_achilles": (0, 0), "strength_plantarflexion": (4, 4)})
    assert "R14" in flag_ids(cl, rec)
    text = render(cl, rec)
    assert NO_FLAGS not in text
    assert SAFETY_NET_START in text and CES_LINE not in text  # urgent R14: safety net kept


@pytest.mark.parametrize(
    "spec",
    [
        {"reflex_achilles": (0, 2)},  # one side only
        {"reflex_achilles": (1, 1)},  # symmetric 1 is not a deficit
        {"reflex_medial_hamstring": (0, 0)},  # absent on both sides is not a deficit
        {"reflex_achilles": (2, 3)},  # lower, but not 1 or less
        {"sensation_l4": ("reduced", "normal"), "strength_great_toe_extension": (4, 5)},
        {"strength_knee_flexion": (4, 4)},  # knee flexion never counts
        {"sensation_s1": ("increased", "increased")},
    ],
)
def test_r14_just_short(cl: Checklist, spec: dict[str, Any]) -> None:
    assert "R14" not in flag_ids(cl, build(cl, spec))


def test_reflex_grade_0_is_a_deficit_whatever_the_other_side(cl: Checklist) -> None:
    # 0 on the left and 0 on the right: not lower than the other side, still a root sign.
    ev = evaluate(cl, build(cl, {"reflex_patellar": (0, 0)}))
    assert ev.pattern is not None and ev.pattern.score("radicular") == 1


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ({"strength_ankle_dorsiflexion": (3, 3)}, "bilateral major weakness"),
        ({"strength_hip_flexion": (3, 5), "strength_ankle_eversion": (5, 2)}, "different muscles"),
        ({"reflex_achilles": (0, 0), "progressive_weakness": "yes"}, "progressive"),
    ],
)
def test_r14_escalates_to_emergency(cl: Checklist, spec: dict[str, Any], why: str) -> None:
    rec = build(cl, spec)
    f = flag(cl, rec, "R14")
    assert f.urgency == "emergency", why
    assert f.escalated_because is not None and "cauda equina" in f.escalated_because
    assert f.advice == rule_advice("R14", escalated=True)
    text = render(cl, rec)
    assert CES_LINE in text and SAFETY_NET_START not in text


def test_r14_major_weakness_on_one_side_only_stays_urgent(cl: Checklist) -> None:
    rec = build(cl, {"strength_ankle_dorsiflexion": (3, 4)})
    assert flag(cl, rec, "R14").urgency == "urgent"


# ----------------------------------------------------------------------------- R15, R16

ADOLESCENT = {
    "age_under_18": "yes",
    "mechanism": "sprint",
    "ischial_tuberosity_tenderness": POS,
}


@pytest.mark.parametrize(
    ("spec", "fires"),
    [
        (ADOLESCENT, True),
        ({**ADOLESCENT, "mechanism": "none", "onset": "sudden_injury"}, True),
        ({**ADOLESCENT, "mechanism": "none", "felt_pop": "yes"}, True),
        ({**ADOLESCENT, "mechanism": "forced_hip_flexion_knee_straight"}, True),
        ({**ADOLESCENT, "age_under_18": "no"}, False),
        ({**ADOLESCENT, "mechanism": "lifting_or_bending", "onset": "gradual"}, False),
        ({**ADOLESCENT, "ischial_tuberosity_tenderness": ("equivocal", "negative")}, False),
    ],
)
def test_r15_adolescent_apophyseal_avulsion(
    cl: Checklist, spec: dict[str, Any], fires: bool
) -> None:
    ids = flag_ids(cl, build(cl, spec))
    assert ("R15" in ids) is fires
    if fires:
        f = flag(cl, build(cl, spec), "R15")
        assert f.urgency == "urgent" and set(f.actions) == {"imaging", "referral"}
        assert "pelvic X-ray" in f.advice


@pytest.mark.parametrize(
    ("pulses", "walking", "fires"),
    [
        (("reduced", "present"), "eased_by_standing_still", True),
        (("present", "absent"), "eased_by_standing_still", True),
        (("present", "present"), "eased_by_standing_still", False),
        (("absent", "absent"), "eased_by_sitting_or_bending", False),
        (("absent", "absent"), "none", False),
    ],
)
def test_r16_peripheral_arterial_disease(
    cl: Checklist, pulses: tuple[str, str], walking: str, fires: bool
) -> None:
    rec = build(cl, {"foot_pulses": pulses, "walking_leg_pain": walking})
    assert flag_ids(cl, rec) == (["R16"] if fires else [])
    if fires:
        f = flag(cl, rec, "R16")
        assert f.urgency == "routine" and f.actions == ("referral",)
        assert "ankle–brachial pressure index" in f.advice
        assert set(f.triggered_by) == {"foot_pulses", "walking_leg_pain"}


# ----------------------------------------------------------------------------- P1


def follow_up(
    cl: Checklist, before: dict[str, Any], after: dict[str, Any]
) -> tuple[Record, Record]:
    """A previous exam and today's, with the same findings except where ``after`` differs."""
    prior = build(cl, before, started=PRIOR_DAY)
    now = build(cl, {**before, **after}, started=TODAY)
    return prior, now


@pytest.mark.parametrize(
    ("before", "after"),
    [({item: (5, 5)}, {item: (4, 5)}) for item in ROOT_MYOTOMES]
    + [
        ({"heel_walk": ("negative", "negative")}, {"heel_walk": ("positive", "negative")}),
        ({"toe_walk": ("negative", "negative")}, {"toe_walk": ("negative", "positive")}),
        (
            {"sit_to_stand_single_leg": ("negative", "negative")},
            {"sit_to_stand_single_leg": ("positive", "negative")},
        ),
        ({"reflex_achilles": (2, 2)}, {"reflex_achilles": (1, 2)}),
        ({"reflex_achilles": (3, 2)}, {"reflex_achilles": (1, 2)}),  # brisk to reduced
        ({"reflex_patellar": (1, 2)}, {"reflex_patellar": (0, 2)}),
        ({"reflex_medial_hamstring": (2, 2)}, {"reflex_medial_hamstring": (2, 0)}),
        ({"sensation_l4": ("normal", "normal")}, {"sensation_l4": ("reduced", "normal")}),
        ({"sensation_s2": ("reduced", "normal")}, {"sensation_s2": ("absent", "normal")}),
        ({"sensation_l5": ("normal", "normal")}, {"sensation_l5": ("absent", "normal")}),
    ],
)
def test_p1_fires_on_a_worsened_finding(
    cl: Checklist, before: dict[str, Any], after: dict[str, Any]
) -> None:
    prior, now = follow_up(cl, before, after)
    f = flag(cl, now, "P1", prior)
    assert f.urgency == "urgent"
    assert set(f.actions) == {"imaging", "referral"}
    assert f.advice == rule_advice("P1")
    assert f.triggered_by == tuple(after)
    # Its reason shows both values and the date of the previous exam.
    assert any("2026-10-05" in r for r in f.reasons), f.reasons
    # Without the previous exam it does not fire.
    assert "P1" not in flag_ids(cl, now)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"strength_knee_flexion": (5, 5)}, {"strength_knee_flexion": (3, 5)}),
        ({"strength_plantarflexion": (4, 5)}, {"strength_plantarflexion": (4, 5)}),
        ({"strength_plantarflexion": (4, 5)}, {"strength_plantarflexion": (5, 5)}),
        ({"heel_walk": ("equivocal", "negative")}, {"heel_walk": ("positive", "negative")}),
        ({"heel_walk": ("negative", "negative")}, {"heel_walk": ("equivocal", "negative")}),
        ({"reflex_achilles": (3, 2)}, {"reflex_achilles": (2, 2)}),
        ({"reflex_achilles": (1, 1)}, {"reflex_achilles": (1, 1)}),
        ({"sensation_l5": ("reduced", "normal")}, {"sensation_l5": ("reduced", "normal")}),
        ({"sensation_l5": ("absent", "normal")}, {"sensation_l5": ("reduced", "normal")}),
    ],
)
def test_p1_just_short(cl: Checklist, before: dict[str, Any], after: dict[str, Any]) -> None:
    prior, now = follow_up(cl, before, after)
    assert "P1" not in flag_ids(cl, now, prior)


def test_p1_worse_in_both_legs_is_an_emergency(cl: Checklist) -> None:
    before = {"strength_ankle_dorsiflexion": (5, 5), "sensation_s1": ("normal", "normal")}
    after = {"strength_ankle_dorsiflexion": (4, 5), "sensation_s1": ("normal", "reduced")}
    prior, now = follow_up(cl, before, after)
    f = flag(cl, now, "P1", prior)
    assert f.urgency == "emergency"
    assert f.escalated_because is not None
    assert f.advice == rule_advice("P1", escalated=True)
    text = render(cl, now, prior)
    assert CES_LINE in text and SAFETY_NET_START not in text


def test_p1_two_findings_worse_in_one_leg_stay_urgent(cl: Checklist) -> None:
    before = {"strength_ankle_dorsiflexion": (5, 5), "sensation_s1": ("normal", "normal")}
    after = {"strength_ankle_dorsiflexion": (4, 5), "sensation_s1": ("reduced", "normal")}
    prior, now = follow_up(cl, before, after)
    assert flag(cl, now, "P1", prior).urgency == "urgent"


def test_p1_saddle_sensation_worse_is_an_emergency(cl: Checklist) -> None:
    prior, now = follow_up(cl, {"sensation_saddle": "normal"}, {"sensation_saddle": "reduced"})
    f = flag(cl, now, "P1", prior)
    assert f.urgency == "emergency"
    assert "R1" in flag_ids(cl, now, prior)


# ----------------------------------------------------------------------------- summary wording


def test_crossed_slr_is_worded_by_the_leg_raised(cl: Checklist) -> None:
    text = render(cl, build(cl, {"crossed_slr": ("negative", "positive")}))
    assert "raising R reproduces L leg pain" in text
    assert "raising L reproduces" not in text


def test_other_sources_are_listed_as_other_possible_sources(cl: Checklist) -> None:
    text = render(
        cl, build(cl, {"seated_piriformis_stretch": POS, "fadir": ("negative", "positive")})
    )
    assert "Other possible sources" in text
    heading_at = text.index("Other possible sources")
    assert text.index("Seated piriformis stretch", heading_at) > heading_at
    assert text.index("FADIR", heading_at) > heading_at


# ----------------------------------------------------------------------------- the CLI

CLI = Callable[..., Any]


def saved(cl: Checklist, rec: Record, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rec.complete(at=TODAY)
    save_record(path, rec, None)
    return path


def test_flags_json_keeps_its_shape_and_r12_only_among_warnings(
    cl: Checklist, tmp_path: Path, run_cli: CLI
) -> None:
    rec = build(cl, {"reflex_achilles": (0, 0)}, screened=False)
    path = saved(cl, rec, tmp_path / "r" / "bilateral.toml")
    out = run_cli("flags", path, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"flags", "warnings", "pattern"} <= set(data)
    assert [f["id"] for f in data["flags"]] == ["R14"]
    assert [w["id"] for w in data["warnings"]] == ["R12"]
    assert data["pattern"]["reading"] == "indeterminate"
    assert {"radicular", "hamstring"} <= set(data["pattern"])


def test_cli_summary_of_a_ces_record(cl: Checklist, tmp_path: Path, run_cli: CLI) -> None:
    path = saved(cl, build(cl, {"bladder_dysfunction": "yes"}), tmp_path / "r" / "ces.toml")
    out = run_cli("summary", path)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert CES_LINE in text and SAFETY_NET_START not in text
    assert text.endswith("Checklist: posterior-thigh-pain 2.0.0 (exam-tui)")


def test_reduced_reflex_against_a_clonic_side_is_read_as_both(cl: Checklist) -> None:
    """Reference 2: a reflex 1 or less and lower than the other side is a root sign, whatever
    the other side; clonus on the other side is also an upper motor neurone sign."""
    ev = evaluate(cl, build(cl, {"reflex_achilles": (1, 4)}))
    assert [f.id for f in ev.flags] == ["R2"]
    assert ev.pattern is not None and ev.pattern.score("radicular") == 1
    ev = evaluate(cl, build(cl, {"reflex_achilles": (2, 4)}))
    assert ev.pattern is not None and ev.pattern.score("radicular") == 0


# ----------------------------------------------------------------------- consistency (issue 14)


def warning_ids(cl: Checklist, rec: Record, prior: Record | None = None) -> list[str]:
    return [w.id for w in evaluate(cl, rec, prior).warnings]


def test_progressive_weakness_no_with_a_progression_flag_is_a_warning(cl: Checklist) -> None:
    prior = build(cl, {"strength_great_toe_extension": (5, 5)}, started=PRIOR_DAY)
    rec = build(cl, {"strength_great_toe_extension": (4, 5)})  # progressive weakness: "no"
    assert "P1" in flag_ids(cl, rec, prior)
    assert "W1" in warning_ids(cl, rec, prior)
    assert "W1" not in [f.id for f in evaluate(cl, rec, prior).flags]  # never a flag
    text = render(cl, rec, prior)
    assert (
        "WARNING — Red-flag answer contradicted by the exam: Consider re-asking the patient:"
        " progressive weakness was answered no" in text
    )
    assert "Red flags: screened, all negative" not in text
    assert "Red flags: all answered negative, but contradicted by a finding" in text
    # Answered yes, or no progression: no contradiction.
    rec.set_value(cl.items["progressive_weakness"], None, "yes")
    assert "W1" not in warning_ids(cl, rec, prior)
    assert "W1" not in warning_ids(cl, build(cl, {"strength_great_toe_extension": (5, 5)}), prior)


def test_saddle_anaesthesia_no_with_reduced_saddle_sensation_is_a_warning(cl: Checklist) -> None:
    rec = build(cl, {"sensation_saddle": "reduced"})
    assert "W2" in warning_ids(cl, rec) and "R1" in flag_ids(cl, rec)
    assert "W2" not in warning_ids(cl, build(cl, {"sensation_saddle": "normal"}))
    assert "W2" not in warning_ids(cl, build(cl, {"sensation_saddle": "absent"}, screened=False))
