"""Whether a checklist's flags depend on the previous exam: until that exam has been looked
for, a progression rule cannot fire, so "nothing indicated" is not yet known."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from exam_tui.checklist import load_checklist, parse_checklist

PAW = Path(__file__).parent / "data" / "checklists" / "paw-exam.toml"


def _paw_data() -> dict[str, Any]:
    return tomllib.loads(PAW.read_text("utf-8"))


def test_a_progression_rule_makes_the_flags_depend_on_the_previous_exam() -> None:
    assert load_checklist(PAW).compares_with_prior


def test_without_one_they_do_not() -> None:
    data = _paw_data()
    data["rules"] = [r for r in data["rules"] if "worse_by" not in str(r.get("when"))]
    data["safety_net"]["replaced_when"] = [
        ref
        for ref in data["safety_net"]["replaced_when"]
        if ref["rule"] in {r["id"] for r in data["rules"]}
    ]
    assert not parse_checklist(data).compares_with_prior


def test_through_a_named_condition_or_an_escalation_too() -> None:
    data = _paw_data()
    progression = next(r for r in data["rules"] if "worse_by" in str(r.get("when")))
    data["rules"].remove(progression)
    data["safety_net"]["replaced_when"] = [
        ref for ref in data["safety_net"]["replaced_when"] if ref["rule"] != progression["id"]
    ]
    data.setdefault("conditions", {})["got_worse"] = progression["when"]
    via_ref = {**data, "rules": [*data["rules"], {**progression, "when": {"ref": "got_worse"}}]}
    assert parse_checklist(via_ref).compares_with_prior
    first = dict(data["rules"][0])
    first["escalate"] = {"urgency": "emergency", "when": {"ref": "got_worse"}, "reason": "worse"}
    via_escalation = {**data, "rules": [first, *data["rules"][1:]]}
    assert parse_checklist(via_escalation).compares_with_prior
