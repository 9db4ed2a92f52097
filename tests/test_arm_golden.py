"""The arm-pain golden vignettes: summaries and flags through the CLI, and nothing of the thigh.

``tests/golden/arm/<name>.toml`` is a record; ``<name>.txt`` its ``exam-tui summary`` and
``<name>.json`` its ``exam-tui flags --json``. After a deliberate change, regenerate them with
``.venv/bin/python tests/golden/arm/regenerate.py`` and read every changed file against
clinical-reference-arm.md before committing. The clinical content is also asserted in words
below, so a regenerated golden file cannot silently lose a flag or a reading.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from arm_exam import CHECKLIST_FILE

CLI = Callable[..., subprocess.CompletedProcess[str]]
GOLDEN = Path(__file__).resolve().parent / "golden" / "arm"
RECORDS = sorted(GOLDEN.glob("*.toml"))
ARM = tomllib.loads(CHECKLIST_FILE.read_text("utf-8"))
SAFETY_NET = ARM["safety_net"]["text"]
#: Words of the thigh exam that must never reach an arm exam's screens, flags or summaries.
THIGH_WORDS = re.compile(r"\b(legs?|lumbar|sciatica|sciatic|cauda|hamstrings?|NG59)\b", re.I)

#: What the reference requires of each vignette: the flags (id, urgency) and the reading.
EXPECTED = {
    "normal_exam": ([], "indeterminate"),
    "radicular_c7_left": ([("A15", "routine")], "radicular"),
    "myelopathy": ([("A1", "urgent")], "indeterminate"),
    "cuff_tear_right": ([("A13", "emergency"), ("A14", "soon")], "shoulder"),
    "frozen_shoulder_left": ([("A16", "routine")], "shoulder"),
}


def flat(text: str) -> str:
    return " ".join(text.split())


def without_safety_net(text: str) -> str:
    flattened = flat(text)
    assert flattened.count(SAFETY_NET) <= 1
    return flattened.replace(SAFETY_NET, "")


def test_the_required_vignettes_have_golden_files() -> None:
    assert {p.stem for p in RECORDS} == set(EXPECTED)
    for record in RECORDS:
        assert record.with_suffix(".txt").exists() and record.with_suffix(".json").exists()


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_summary_matches_golden_file(run_cli: CLI, record: Path) -> None:
    done = run_cli("summary", record)
    assert done.returncode == 0, done.stderr
    assert done.stdout == record.with_suffix(".txt").read_text("utf-8")


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_flags_json_matches_golden_file(run_cli: CLI, record: Path) -> None:
    done = run_cli("flags", record, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(record.with_suffix(".json").read_text("utf-8"))


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_golden_vignette_gives_what_the_reference_requires(record: Path) -> None:
    flags, reading = EXPECTED[record.stem]
    result = json.loads(record.with_suffix(".json").read_text("utf-8"))
    assert [(f["id"], f["urgency"]) for f in result["flags"]] == flags
    assert result["warnings"] == []
    assert result["pattern"]["reading"] == reading
    assert result["safety_net"] == SAFETY_NET
    summary = record.with_suffix(".txt").read_text("utf-8")
    assert summary.splitlines()[-1] == "Checklist: arm-pain 1.0.0 (exam-tui)"
    assert all(len(line) <= 80 for line in summary.splitlines())
    assert SAFETY_NET in flat(summary)
    no_flags = ARM["texts"]["no_flags"]
    assert (no_flags in summary) == (not flags)


def test_the_myelopathy_vignette_says_the_picture_is_not_purely_a_shoulder_problem() -> None:
    summary = flat((GOLDEN / "myelopathy.txt").read_text("utf-8"))
    assert ARM["pattern"]["overrides"][0]["held_note"] in summary


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_nothing_of_the_thigh_exam_appears(run_cli: CLI, record: Path) -> None:
    """Only the safety net mentions the legs (cord compression), as the reference says."""
    texts = [
        record.with_suffix(".txt").read_text("utf-8"),
        record.with_suffix(".json").read_text("utf-8"),
        run_cli("flags", record).stdout,
    ]
    for text in texts:
        assert not THIGH_WORDS.findall(without_safety_net(text))
    assert "in the legs" in SAFETY_NET


def test_the_checklist_file_has_no_thigh_words_outside_the_safety_net() -> None:
    """Every screen of the arm exam (labels, how-to, meanings, intros) comes from this file."""
    text = CHECKLIST_FILE.read_text("utf-8").replace(json.dumps(SAFETY_NET, ensure_ascii=False), "")
    assert not THIGH_WORDS.findall(text)
    assert ARM["texts"]["side_noun"] == "arm"
