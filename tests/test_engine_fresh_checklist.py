"""The engine knows no bundled checklist: a checklist with fresh ids, another side noun and three
pattern groups (tests/data/checklists/paw-exam.toml) runs through validate, flags --json,
summary and compare with every word coming from its file and nothing of a bundled one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from exam_tui import rules
from exam_tui.checklist import Checklist, load_checklist
from exam_tui.record import Record, new_record
from exam_tui.storage import save_record

PAW = Path(__file__).resolve().parent / "data" / "checklists" / "paw-exam.toml"
OCT = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

#: Words of the bundled checklists that must never appear with this one.
BUNDLED_WORDS = re.compile(
    r"\b(leg|legs|arm|lumbar|cervical|sciatica|cauda|equina|hamstring|radicular|shoulder"
    r"|NICE|MRI|spinal)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def paw() -> Checklist:
    return load_checklist(PAW)


def record(
    paw: Checklist, values: dict[tuple[str, str | None], Any], when: datetime = NOV
) -> Record:
    rec = new_record(paw, "PAW-1", "Dr Zed", "left", started_at=when)
    for (item, side), value in values.items():
        rec.set_value(paw.items[item], side, value, at=when)
    return rec


def save(tmp_path: Path, rec: Record, name: str) -> Path:
    path = tmp_path / name
    save_record(path, rec, None)
    return path


def run(run_cli: Callable[..., Any], *args: object) -> Any:
    result = run_cli("--checklist", PAW, *args)
    assert result.returncode == 0, result.stderr
    return result


def test_validates(run_cli: Callable[..., Any]) -> None:
    result = run_cli("validate", PAW)
    assert result.returncode == 0, result.stderr
    assert "paw-exam 3.1.0" in result.stdout


def test_a_quiet_exam_says_the_checklists_own_words(
    paw: Checklist, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    rec = record(paw, {("al_fire", None): "no", ("al_background", None): "no"})
    for item in ("pr_tap", "pr_grip", "pr_jerk", "pr_feel", "pr_toe", "ex_squeeze"):
        for side in ("left", "right"):
            rec.set_value(paw.items[item], side, paw.items[item].normal)
    path = save(tmp_path, rec, "quiet.toml")
    data = json.loads(run(run_cli, "flags", path, "--json").stdout)
    assert data["flags"] == [] and data["warnings"] == []
    assert data["safety_net"] == "Come back at once if the paw goes cold."
    assert set(data["pattern"]["groups"]) == {"alpha", "beta", "gamma"}
    assert data["pattern"]["reading"] == "unsure"
    text = run(run_cli, "summary", path).stdout
    assert "Nothing to chase." in text
    assert "Come back at once if the paw goes cold." in text
    assert "Picture count (not a verdict)" in text
    assert "Alpha points 0 of 2, beta points 0 of 1, gamma points 0 of 2." in text
    flags_text = run(run_cli, "flags", path).stdout
    assert "Nothing to chase.\nZed 2020: most paws settle." in flags_text
    for out in (text, flags_text, json.dumps(data)):
        assert not BUNDLED_WORDS.search(out), BUNDLED_WORDS.search(out)


def test_flags_escalation_soon_and_the_replaced_safety_net(
    paw: Checklist, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    rec = record(
        paw,
        {
            ("al_fire", None): "no",
            ("pr_grip", "left"): 4,  # weak on the left ...
            ("pr_jerk", "right"): 0,  # ... and, differently, on the right: both paws
            ("pr_tap", "right"): "positive",
            ("pr_feel", "right"): "reduced",  # tap and numb feel on the same paw
            ("st_kind", None): "bump",
            ("st_weeks", None): 12,
        },
    )
    path = save(tmp_path, rec, "busy.toml")
    data = json.loads(run(run_cli, "flags", path, "--json").stdout)
    flags = {f["id"]: f for f in data["flags"]}
    assert [f["id"] for f in data["flags"]][:1] == ["Z2"]
    z2 = flags["Z2"]
    assert z2["urgency"] == "emergency" and z2["escalated_because"] == "both paws weak"
    assert z2["advice"] == "Picture both paws today."  # the escalation's own advice
    assert "Z4" in flags and flags["Z4"]["urgency"] == "routine"
    assert data["warnings"][0]["id"] == "Z5" and data["warnings"][0]["items"] == ["al_background"]
    assert data["pattern"]["reading"] == "mixed"  # alpha 1, gamma 2
    assert data["pattern"]["weak"] is True
    assert data["safety_net"].startswith("Paw emergency suspected")
    text = run(run_cli, "summary", path).stdout
    assert "Come back at once" not in text and "Paw emergency suspected" in text
    assert "Nothing to chase." not in text
    assert "Tap test positive: tapping R hurts the L paw" in " ".join(text.split())
    assert "EMERGENCY (same day) — Weak paw" in text
    assert not BUNDLED_WORDS.search(text), BUNDLED_WORDS.search(text)


def test_soon_reading_and_override(paw: Checklist, tmp_path: Path) -> None:
    rec = record(paw, {("st_kind", None): "bump", ("st_weeks", None): 20})
    ev = rules.evaluate(paw, rec)
    assert [(f.id, f.urgency) for f in ev.flags] == [("Z3", "soon")]
    assert ev.pattern is not None and ev.pattern.reading == "gamma"
    rec.set_value(paw.items["pr_grip"], "left", 3)
    ev = rules.evaluate(paw, rec)
    assert ev.pattern is not None and ev.pattern.reading == "mixed"
    assert "Read as mixed, not gamma: a weak paw (Grip L: MRC 3/5)." in ev.pattern.note
    assert "Z3" not in [f.id for f in ev.flags]


def test_summary_lists_a_section_under_its_own_heading(paw: Checklist, tmp_path: Path) -> None:
    from exam_tui import summary

    rec = record(paw, {("ex_squeeze", "left"): "positive", ("ex_squeeze", "right"): "negative"})
    text = summary.render_summary(paw, rec, rules.evaluate(paw, rec))
    assert "Elsewhere to look\n  Squeeze: positive L, negative R" in text
    assert "Abnormal findings\n  None" in text


def test_progression_rule_against_the_previous_exam(
    paw: Checklist, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    old = save(
        tmp_path,
        record(paw, {("pr_grip", "left"): 5, ("pr_tap", "left"): "negative"}, OCT),
        "old.toml",
    )
    new = save(
        tmp_path,
        record(paw, {("pr_grip", "left"): 5, ("pr_tap", "left"): "positive"}, NOV),
        "new.toml",
    )
    alone = json.loads(run(run_cli, "flags", new, "--json").stdout)
    assert "Z6" not in [f["id"] for f in alone["flags"]]
    data = json.loads(run(run_cli, "flags", new, "--json", "--prior", old).stdout)
    z6 = next(f for f in data["flags"] if f["id"] == "Z6")
    assert z6["reasons"] == ["Tap test L: negative on 2026-10-01 → positive now"]
    compared = run(run_cli, "compare", old, new).stdout
    assert "Tap test L: negative → positive (new finding)" in compared
    assert not BUNDLED_WORDS.search(compared)


def test_loader_names_problems_with_the_new_forms(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    text = PAW.read_text()
    bad = (
        text.replace('{ score = "alpha", ge = 2 }', '{ score = "delta", ge = 2 }')
        .replace('when = { pattern = ["gamma"] }', 'when = { pattern = ["omega"] }')
        .replace("normal = 5\n", "normal = 7\n")
        .replace('{ rule = "Z1" }', '{ rule = "Z99" }')
        .replace('worse = "lower"\n', "")
        .replace('{ item = "pr_grip", worse_by = 1 }', '{ item = "pr_angle", worse_by = 1 }')
    )
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    result = run_cli("validate", path)
    assert result.returncode == 2
    err = result.stderr
    assert "unknown pattern group 'delta'" in err
    assert "unknown pattern reading(s) ['omega']" in err
    assert "normal: 7 is not a valid mrc grade" in err
    assert "unknown rule 'Z99'" in err
    assert "has no direction for worse_by" in err
    assert "Traceback" not in err
