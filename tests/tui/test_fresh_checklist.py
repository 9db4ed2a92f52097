"""The app on a checklist with fresh ids, its own side noun and three pattern groups
(tests/data/checklists/paw-exam.toml): every word on screen comes from that file, N follows the
section roles, and nothing of a bundled checklist appears."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from exam_tui.checklist import Checklist, load_checklist
from exam_tui.storage import load_record
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.confirm_normal import ConfirmNormalDialog
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.widgets import FlagsPanel
from exam_tui.tui.widgets.text_panel import TextPanel

PAW = Path(__file__).resolve().parents[1] / "data" / "checklists" / "paw-exam.toml"
BUNDLED_WORDS = re.compile(
    r"\b(leg|legs|arm|lumbar|cervical|sciatica|cauda|equina|hamstring|radicular|shoulder"
    r"|NICE|MRI|spinal|thigh)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def paw() -> Checklist:
    return load_checklist(PAW)


def screen_text(screen: ExamScreen) -> str:
    parts = [w.text.plain for w in screen.query(TextPanel)]
    return "\n".join(parts)


async def test_a_whole_paw_exam_by_keyboard(
    make_app: Callable[..., ExamApp], paw: Checklist, records_dir: Path
) -> None:
    app = make_app(checklist=paw, mode="new", patient="PAW-9", examiner="Dr Zed", side="left")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        s = screen.session
        assert s.section.id == "story"
        await pilot.press("N")  # a history section: nothing recorded, on to the alarms
        await pilot.pause()
        assert s.record.findings == {} and s.section.id == "alarms"
        await pilot.press("N")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmNormalDialog)
        listed = str(dialog.query_one("#confirm-list").render())
        assert "Fire alarm: no" in listed and "Old alarm history" not in listed
        await pilot.press("enter")
        await pilot.pause()
        assert s.record.get("al_fire") == "no" and s.record.get("al_background") is None
        assert s.section.id == "probes"
        detail = screen_text(screen)
        assert "Tap test — left paw (affected)" in detail
        await pilot.press("l", "p")  # tap positive on the right paw
        await pilot.press("N")  # the rest of the probes normal, on both paws
        flags = screen.query_one(FlagsPanel).text.plain
        assert "Nothing to chase." in flags
        assert "Alarms not all asked (1)" in flags
        assert "(alpha 1/2, beta 0/1, gamma 0/2)" in flags
        for word in (detail, flags):
            assert not BUNDLED_WORDS.search(word), BUNDLED_WORDS.search(word)
        s.goto("pr_grip", "left")
        await pilot.press("3")
        s.goto("pr_jerk", "right")
        await pilot.press("0")
        await pilot.pause()
        flags = screen.query_one(FlagsPanel).text.plain
        assert "!! EMERGENCY Weak paw" in " ".join(flags.split())
    saved = load_record(next(records_dir.glob("*.toml")), checklist=paw)
    r = saved.record
    assert r.checklist == "paw-exam" and r.checklist_version == "3.1.0"
    assert r.get("pr_tap", "right") == "positive" and r.get("pr_tap", "left") == "negative"
    assert r.get("pr_angle", "right") is None  # numbers are never filled by N
    assert r.get("ex_squeeze", "left") is None  # another section: N fills only its own
    assert r.get("pr_grip", "left") == 3 and r.get("pr_grip", "right") == 5
