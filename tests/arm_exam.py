"""Arm-pain exam records for tests: a complete normal exam, changes to it, written as record files.

The tests of the arm checklist go through its public interfaces: a record file on disk, read
by ``storage.load_record`` and judged by ``rules.evaluate`` (what ``exam-tui flags --json``
prints), or the CLI itself. A test states only what differs from a complete, normal exam.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exam_tui import rules
from exam_tui.storage import load_record

REPO = Path(__file__).resolve().parent.parent
CHECKLIST_FILE = REPO / "exam_tui" / "checklists" / "arm-pain.toml"

Value = str | int | float
Pair = tuple[Value | None, Value | None]


def _bilateral_items() -> set[str]:
    data = tomllib.loads(CHECKLIST_FILE.read_text("utf-8"))
    return {
        item["id"]
        for section in data["sections"]
        for item in section["items"]
        if item.get("bilateral", section.get("bilateral", False))
    }


BILATERAL = _bilateral_items()

_HISTORY: dict[str, Value] = {
    "age_years": 45,
    "onset_mode": "gradual",
    "injury_mechanism": "none",
    "weeks_since_onset": 4,
    "weeks_conservative_care": 2,
    "arm_pain_score": 5,
}
_HISTORY_NO = [
    "neck_pain", "pain_below_elbow", "arm_paraesthesia", "neck_movement_provokes_arm_pain",
    "pain_lateral_upper_arm", "pain_lying_on_shoulder", "diabetes", "instability_episodes",
    "wants_injection_or_surgery",
]  # fmt: skip
# Every red flag asked and denied, the background facts too; neck_trauma "no" hides the ccr_*.
_RED_FLAGS_NO = [
    "hand_clumsiness", "gait_imbalance", "bilateral_arm_symptoms", "bladder_bowel_change",
    "progressive_arm_weakness", "cancer_history", "weight_loss_unexplained",
    "constant_night_pain", "mass_or_swelling", "ever_smoked", "horner_features",
    "respiratory_symptoms", "fever_or_unwell", "immunosuppressed_or_ivdu", "neck_trauma",
    "exertional_arm_pain", "posterior_circulation_symptoms", "arm_ischaemia_signs",
    "shoulder_girdle_stiffness", "gca_symptoms", "red_hot_swollen_joint",
    "deformity_after_injury_or_fit",
]  # fmt: skip
_SIGNS_NEGATIVE = [
    "spurling_test", "neck_distraction_test", "ulnt_median", "shoulder_abduction_relief",
    "painful_arc", "hawkins_kennedy", "neer_sign", "empty_can_test", "full_can_test",
    "resisted_external_rotation", "external_rotation_lag_sign", "drop_arm_sign",
    "belly_press_test", "lift_off_test", "passive_er_restricted", "apprehension_test",
    "cervical_paraspinal_tenderness", "ac_joint_tenderness", "greater_tuberosity_tenderness",
    "supraclavicular_fullness", "shoulder_warm_swollen", "hoffmann_sign",
    "inverted_supinator_sign", "hand_intrinsic_wasting",
]  # fmt: skip
REFLEXES = ["reflex_biceps", "reflex_brachioradialis", "reflex_triceps"]
DERMATOMES = ["sensation_c5", "sensation_c6", "sensation_c7", "sensation_c8", "sensation_t1"]
ROOT_MYOTOMES = [
    "strength_elbow_flexion",
    "strength_wrist_extension",
    "strength_elbow_extension",
    "strength_finger_flexion",
    "strength_finger_abduction",
]

#: A complete exam with every finding normal: no flag, no warning, an indeterminate pattern.
NORMAL: dict[str, Value | Pair] = {
    **_HISTORY,
    **dict.fromkeys(_HISTORY_NO, "no"),
    **dict.fromkeys(_RED_FLAGS_NO, "no"),
    **{i: ("negative", "negative") for i in _SIGNS_NEGATIVE},
    "cervical_rotation_degrees": (80, 80),
    "active_abduction_degrees": (170, 170),
    "passive_external_rotation_degrees": (80, 80),
    "midline_cervical_tenderness": "negative",
    **{i: (2, 2) for i in REFLEXES},
    "babinski_sign": ("flexor", "flexor"),
    "gait_deviation": "negative",
    **{i: ("normal", "normal") for i in DERMATOMES},
    "strength_shoulder_abduction": (5, 5),
    **{i: (5, 5) for i in ROOT_MYOTOMES},
    "grip_strength_kg": (35, 35),
}


def exam(changes: Mapping[str, Any] | None = None, **more: Any) -> dict[str, Value | Pair]:
    """The normal exam with ``changes``: a value (one-sided item), a (left, right) pair, a
    ``{"left": v}`` / ``{"right": v}`` dict changing one side, or None to leave it unanswered."""
    findings = dict(NORMAL)
    for item, value in {**(changes or {}), **more}.items():
        if value is None:
            findings.pop(item, None)
        elif isinstance(value, dict):
            left, right = findings.get(item, (None, None))  # type: ignore[misc]
            findings[item] = (value.get("left", left), value.get("right", right))
        else:
            findings[item] = value
    return findings


def _toml_value(v: Value) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)


def record_text(
    findings: Mapping[str, Value | Pair],
    *,
    patient: str = "ARM-TEST",
    when: str = "2026-11-02 09:00:00+00:00",
    examiner: str = "Dr T. Test",
    affected_side: str = "left",
    status: str = "completed",
    notes: Mapping[str, str] | None = None,
    header: str = "",
) -> str:
    """A record file of the arm checklist holding ``findings``."""
    notes = notes or {}
    lines = [header.rstrip()] if header else []
    lines += [
        "schema_version = 1",
        'checklist = "arm-pain"',
        'checklist_version = "1.0.0"',
        f'status = "{status}"',
        "",
        "[patient]",
        f"id = {_toml_value(patient)}",
        "",
        "[exam]",
        f"examiner = {_toml_value(examiner)}",
        f"started_at = {when}",
        f'affected_side = "{affected_side}"',
        f"updated_at = {when}",
    ]
    if status != "draft":
        lines.append(f"completed_at = {when}")
    for item, value in findings.items():
        lines += ["", f"[findings.{item}]"]
        if item in BILATERAL:
            if not isinstance(value, tuple):
                raise ValueError(f"{item} is bilateral: give (left, right)")
            for side, v in zip(("left", "right"), value, strict=True):
                if v is not None:
                    lines.append(f"{side} = {_toml_value(v)}")
        else:
            if isinstance(value, tuple):
                raise ValueError(f"{item} is not bilateral: give one value")
            lines.append(f"value = {_toml_value(value)}")
        if item in notes:
            lines.append(f"note = {_toml_value(notes[item])}")
    return "\n".join(lines) + "\n"


def write_record(path: Path, findings: Mapping[str, Value | Pair], **kw: Any) -> Path:
    path.write_text(record_text(findings, **kw), encoding="utf-8")
    return path


def flags_json(path: Path, prior: Path | None = None) -> dict[str, Any]:
    """What ``exam-tui flags PATH [--prior PRIOR] --json`` reports, through the core functions."""
    loaded = load_record(path)
    prior_record = load_record(prior).record if prior is not None else None
    ev = rules.evaluate(loaded.checklist, loaded.record, prior=prior_record)
    return rules.to_json(ev)
