"""Golden summaries and flags of posterior-thigh-pain 2.0.0 records, through the CLI.

``tests/golden/v2/<name>.toml`` is a record (``<name>.prior.toml``, when present, the same
patient's previous exam), ``<name>.txt`` its ``exam-tui summary`` and ``<name>.flags.json`` its
``exam-tui flags --json``, compared byte for byte. The records are written by
``tests/golden/v2/make_records.py``; after a deliberate change regenerate the outputs with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden_v2.py

and read every changed file against the clinical reference before committing it. The clinical
point of each vignette is also asserted in words below, so a regenerated file cannot lose it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from exam_tui import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "v2"
RECORDS = sorted(p for p in GOLDEN.glob("*.toml") if not p.name.endswith(".prior.toml"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SAFETY_NET_START = "Safety net: advise the patient to seek emergency care at once"
CES_LINE = "Cauda equina syndrome suspected: arrange same-day emergency assessment"
NO_FLAGS = "No imaging or referral indicated by these findings."


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def with_prior(record: Path) -> list[str | Path]:
    prior = record.with_name(record.stem + ".prior.toml")
    return ["--prior", prior] if prior.exists() else []


def compare_golden(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        path.write_bytes(actual.encode("utf-8"))
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist: written now, read it and commit it")
    assert actual.encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_summary_matches_golden_file(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = run(capsys, "summary", record, *with_prior(record))
    compare_golden(record.with_suffix(".txt"), text)
    assert text.splitlines()[-1] == "Checklist: posterior-thigh-pain 2.0.0 (exam-tui)"
    assert all(len(line) <= 80 for line in text.splitlines())


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_flags_json_matches_golden_file(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "flags", record, "--json", *with_prior(record))
    data = json.loads(out)
    compare_golden(record.with_suffix(".flags.json"), json.dumps(data, indent=2) + "\n")
    assert {"flags", "warnings", "pattern"} <= set(data)
    assert "R12" not in [f["id"] for f in data["flags"]]


def golden(name: str) -> tuple[str, dict[str, Any]]:
    text = (GOLDEN / f"{name}.txt").read_text("utf-8")
    data = json.loads((GOLDEN / f"{name}.flags.json").read_text("utf-8"))
    return " ".join(text.split()), data


def urgencies(data: dict[str, Any]) -> dict[str, str]:
    return {f["id"]: f["urgency"] for f in data["flags"]}


def test_each_golden_summary_ends_with_the_right_safety_line() -> None:
    for record in RECORDS:
        text, data = golden(record.stem)
        ces = urgencies(data).get("R1") or "emergency" in (
            urgencies(data).get("R14"),
            urgencies(data).get("P1"),
        )
        assert (CES_LINE in text) is bool(ces), record.stem
        assert (SAFETY_NET_START in text) is not bool(ces), record.stem
        assert (NO_FLAGS in text) is (data["flags"] == []), record.stem


EXPECTED = {
    "normal_exam": ({}, "indeterminate"),
    "l5_radiculopathy_left": ({}, "radicular"),
    "l3_l4_femoral_stretch": ({}, "radicular"),
    "bilateral_absent_ankle_jerks": ({"R14": "urgent"}, "indeterminate"),
    "afebrile_ivdu_deficit": ({"R4": "emergency"}, "indeterminate"),
    "cancer_radicular_weakness": ({"R5": "emergency"}, "indeterminate"),
    "avulsion_six_weeks": ({"R7": "urgent"}, "hamstring"),
    "urinary_retention": ({"R1": "emergency"}, "radicular"),
    "crossed_slr_disc": ({}, "radicular"),
    "hamstring_tendinopathy_persistent": ({"R10": "routine"}, "hamstring"),
    "deep_gluteal_and_claudication": ({"R16": "routine"}, "indeterminate"),
    "adolescent_apophyseal_avulsion": ({"R15": "urgent"}, "hamstring"),
    "incomplete_red_flags": ({}, "indeterminate"),
    "progression_both_legs": (
        {"P1": "emergency", "R3": "urgent", "R14": "urgent"},
        "radicular",
    ),
}


def test_every_vignette_has_its_expectation() -> None:
    assert {r.stem for r in RECORDS} == set(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_golden_flags_and_reading_are_the_references(name: str) -> None:
    _, data = golden(name)
    flags, reading = EXPECTED[name]
    assert urgencies(data) == flags
    assert data["pattern"]["reading"] == reading


def test_incomplete_red_flags_warns_only() -> None:
    text, data = golden("incomplete_red_flags")
    assert data["flags"] == []
    assert [w["id"] for w in data["warnings"]] == ["R12"]
    assert NO_FLAGS in text


def test_crossed_slr_wording() -> None:
    text, _ = golden("crossed_slr_disc")
    assert "raising R reproduces L leg pain" in text


def test_other_possible_sources_are_listed() -> None:
    text, data = golden("deep_gluteal_and_claudication")
    assert "Other possible sources" in text
    assert data["pattern"]["radicular"] == 0 and data["pattern"]["hamstring"] == 0
