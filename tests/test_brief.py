"""The brief summary for an EHR notes field: at most 20 lines of at most 80 columns."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exam_tui.brief import MAX_LINES, render_brief, sentences
from exam_tui.checklist import Checklist
from exam_tui.session import ExamSession


def clock() -> datetime:
    return datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def l5_with_red_flag(checklist: Checklist, folder: Path) -> ExamSession:
    s = ExamSession.start(
        checklist, folder, patient="MRN-0042", examiner="A. Clinician", side="left", clock=clock
    )
    s.goto("saddle_anaesthesia")
    s.answer("y")
    s.goto("slr", "left")
    for key in ("p", "n"):
        s.answer(key)
    s.goto("reflex_achilles", "left")
    s.answer("1")
    s.goto("strength_great_toe_extension", "left")
    s.answer("3")
    return s


def brief(s: ExamSession, width: int = 80) -> str:
    return render_brief(s.checklist, s.record, s.evaluation, width=width)


def check_shape(text: str, width: int = 80) -> list[str]:
    lines = text.splitlines()
    assert 0 < len(lines) <= MAX_LINES, text
    assert all(len(line) <= width for line in lines), text
    return lines


def test_flags_findings_red_flags_not_tested_and_safety_net(
    checklist: Checklist, tmp_path: Path
) -> None:
    s = l5_with_red_flag(checklist, tmp_path)
    text = brief(s)
    check_shape(text)
    flags = s.evaluation.flags
    assert flags and all(f.title in text for f in flags)
    assert "!! EMERGENCY" in text
    flat = " ".join(text.split())
    assert "Straight leg raise (SLR) L positive, R negative" in flat
    assert "Achilles reflex L reflex 1 (reduced)" in flat
    screening = checklist.sections[1]  # red flags
    asked = 1
    expected = f"{screening.title}: POSITIVE: Saddle anaesthesia; NOT ASKED "
    assert f"{expected}({len(s.shown_items(1)) - asked})" in flat
    assert "Not tested (values): History" in text
    safety_net, _ = sentences(s.evaluation)
    assert safety_net and " ".join(text.split()).endswith(" ".join(safety_net.split()))


def test_a_normal_exam_says_so(checklist: Checklist, tmp_path: Path) -> None:
    s = ExamSession.start(checklist, tmp_path, patient="P", examiner="E", side="right", clock=clock)
    for item in s.shown_items(1):  # every red flag asked: "no" (N may not fill them)
        s.set_value("no", item.id)
    for n in range(2, len(checklist.sections)):
        s.goto_section(n)
        s.fill_normal_section()
    text = brief(s)
    check_shape(text)
    _, no_flags = sentences(s.evaluation)
    assert no_flags and no_flags in " ".join(text.split())
    assert "Red flags: screened, all negative" in text


def test_many_findings_are_cut_to_20_lines_and_say_how_many_more(
    checklist: Checklist, tmp_path: Path
) -> None:
    s = l5_with_red_flag(checklist, tmp_path)
    for item in checklist.items.values():
        if item.kind == "sign" and item.bilateral:
            for side in ("left", "right"):
                if s.is_shown(item, side):
                    s.set_value("positive", item.id, side)
    text = brief(s)
    check_shape(text)
    assert "more in the full summary" in text


@pytest.mark.parametrize("width", [60, 80])
def test_cli_summary_brief(
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
    checklist: Checklist,
    tmp_path: Path,
    width: int,
) -> None:
    s = l5_with_red_flag(checklist, tmp_path)
    assert s.path is not None
    result = run_cli("summary", "--brief", "--width", str(width), s.path)
    assert result.returncode == 0, result.stderr
    lines = check_shape(result.stdout, width)
    assert lines[0].startswith("MRN-0042 · 2026-03-02")


def test_a_finding_on_an_item_without_a_normal_is_still_a_finding(
    checklist: Checklist, tmp_path: Path
) -> None:
    """Saddle sensation has no normal for N (never filled automatically), but reduced is a
    finding the brief must show, as is a "yes" to a background fact."""
    s = ExamSession.start(
        checklist, tmp_path, patient="MRN-7", examiner="A. Clinician", side="left", clock=clock
    )
    s.goto("sensation_saddle")
    s.answer("r")
    s.goto("history_of_cancer")
    s.answer("y")
    flat = " ".join(brief(s).split())
    assert "Sensation: saddle reduced" in flat or "Saddle reduced" in flat, flat
    assert "History of cancer" in flat
