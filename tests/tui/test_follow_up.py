"""Follow-up exams in the app, by keyboard: the previous exam's values and date, progression
(P1) in the live flags and in the saved record's ``flags --prior``, the compare screen, the
summary's "Since" section; another patient's records are never the prior."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from exam_tui.checklist import Checklist
from exam_tui.session import ExamSession
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.compare import CompareScreen
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.screens.new_exam import NewExamDialog
from exam_tui.tui.screens.resume import ResumeDialog
from exam_tui.tui.screens.summary import SummaryScreen
from exam_tui.tui.widgets import ItemTable
from exam_tui.tui.widgets.text_panel import TextPanel
from tests.tui.waiting import wait_for_exam, wait_for_screen

MakeApp = Callable[..., ExamApp]
#: Before conftest's frozen clock (2026-03-02 09:30 UTC), the time of every new exam here.
JAN = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 20, 10, 0, tzinfo=UTC)
TO_STRENGTH = ["right_square_bracket"] * 7  # History → … → Strength


@pytest.fixture(scope="session")
def checklist(checklist_v1: Checklist) -> Checklist:
    """These screens were drawn for posterior-thigh-pain 1.0.0's strength section (follow-up
    display, not clinical content): the app runs on it here."""
    return checklist_v1


RECORDS = Path("records")


def earlier_exam(
    checklist: Checklist,
    folder: Path,
    patient: str,
    when: datetime,
    *,
    toe_left: str = "4",
    complete: bool = True,
) -> Path:
    """A saved exam: every section normal, then great toe extension (L5) left at ``toe_left``."""
    s = ExamSession.start(
        checklist,
        folder,
        patient=patient,
        examiner="Dr A",
        side="left",
        clock=lambda: when,
        find_prior=False,
    )
    for n in range(len(checklist.sections)):
        s.goto_section(n)
        s.fill_normal_section(confirmed=True)
    s.goto("strength_great_toe_extension", "left")
    s.answer(toe_left)
    if complete:
        s.complete()
    return s.save()


async def start_new_exam(pilot: Pilot[Any], patient: str) -> ExamScreen:
    """From the start screen: the new-exam dialog, typed as a clinician would."""
    await wait_for_screen(pilot, NewExamDialog)  # once a thread found no drafts
    await pilot.press(*patient, "tab", *"Dr B", "tab", "l", "enter")
    return await wait_for_exam(pilot)  # with the previous exam looked up


def text_of(screen: Any, selector: str) -> str:
    widget = screen.query_one(selector)
    if isinstance(widget, TextPanel):  # the item and flags panels scroll their text
        return widget.text.plain
    return str(screen.query_one(selector, Static).render())


async def test_follow_up_shows_previous_values_and_raises_progression(
    make_app: MakeApp,
    checklist: Checklist,
    records_dir: Path,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    old = earlier_exam(checklist, records_dir, "P-7", JAN)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_new_exam(pilot, "P-7")
        items = exam.query_one(ItemTable)
        assert items.border_title == "previous exam 2026-01-15 · c compare"
        await pilot.press(*TO_STRENGTH)
        assert exam.session.section.id == "strength"
        assert "Was: MRC 5/5 on 2026-01-15" in text_of(exam, "#detail")  # ankle dorsiflexion L
        await pilot.press("5", "5")  # ankle dorsiflexion L and R, as before
        detail = text_of(exam, "#detail")
        assert "Great toe extension — left leg" in detail
        assert "Now: not answered" in detail  # not pre-filled from the previous exam
        assert "Was: MRC 4/5 on 2026-01-15" in detail
        assert str(items.get_cell("strength_great_toe_extension", "left")) == "·"
        assert "Progressive" not in text_of(exam, "#flags")
        await pilot.press("3")  # one MRC grade weaker than in January: progression
        assert str(items.get_cell("strength_great_toe_extension", "left")) == "3/5 ▼"
        assert (
            str(items.get_cell("strength_ankle_dorsiflexion", "left")) == "5/5"
        )  # unchanged: no mark
        flags = text_of(exam, "#flags")
        assert "! URGENT Progressive neurological deficit" in " ".join(flags.split())
        # The item panel of the value just entered says how it changed, in words.
        await pilot.press("left")
        assert "Was: MRC 4/5 on 2026-01-15 · now worse" in text_of(exam, "#detail")

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        compared = text_of(app.screen, "#compare")
        assert "compared with 2026-01-15" in compared
        assert "Great toe extension (L5) L: MRC 4/5 → 3/5 (worse)" in compared
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen_stack[-1] is exam

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Since 2026-01-15" in app.screen.text
        assert "Great toe extension (L5) L: MRC 4/5 → 3/5 (worse)" in app.screen.text
        await pilot.press("escape")
        new = exam.session.path
    assert new is not None and new != old
    with_prior = run_cli("flags", new, "--prior", old, "--json")
    assert with_prior.returncode == 0, with_prior.stderr
    p1 = [f for f in json.loads(with_prior.stdout)["flags"] if f["id"] == "P1"]
    assert len(p1) == 1 and p1[0]["triggered_by"] == ["strength_great_toe_extension"]
    alone = run_cli("flags", new, "--json")
    assert "P1" not in [f["id"] for f in json.loads(alone.stdout)["flags"]]


async def test_another_patients_records_are_never_the_prior(
    make_app: MakeApp, checklist: Checklist, records_dir: Path
) -> None:
    # Later than any P-7 exam and with look-alike ids: would win if the patient were ignored.
    earlier_exam(checklist, records_dir, "P-70", FEB, toe_left="5")
    earlier_exam(checklist, records_dir, "p-7", FEB, toe_left="5")
    earlier_exam(checklist, records_dir, "P-8", FEB, toe_left="5")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_new_exam(pilot, "P-7")
        assert exam.session.prior is None and exam.session.prior_checked
        assert not exam.query_one(ItemTable).border_title
        await pilot.press(*TO_STRENGTH, "3")
        assert "Was:" not in text_of(exam, "#detail")
        assert "Progressive" not in text_of(exam, "#flags")
        assert (
            str(exam.query_one(ItemTable).get_cell("strength_ankle_dorsiflexion", "left")) == "3/5"
        )
        await pilot.press("c")  # nothing to compare with: a message, no screen
        await pilot.pause()
        assert app.screen is exam


async def test_with_several_patients_the_prior_is_this_patients_latest(
    make_app: MakeApp, checklist: Checklist, records_dir: Path
) -> None:
    earlier_exam(checklist, records_dir, "P-7", datetime(2025, 12, 1, tzinfo=UTC))
    jan = earlier_exam(checklist, records_dir, "P-7", JAN)
    earlier_exam(checklist, records_dir, "P-70", FEB, toe_left="5")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_new_exam(pilot, "P-7")
        assert exam.session.prior is not None and exam.session.prior.path == jan
        assert exam.query_one(ItemTable).border_title == "previous exam 2026-01-15 · c compare"


async def test_resuming_a_draft_shows_the_exam_before_it(
    make_app: MakeApp, checklist: Checklist, records_dir: Path
) -> None:
    earlier_exam(checklist, records_dir, "P-7", JAN)
    draft = earlier_exam(checklist, records_dir, "P-7", FEB, toe_left="2", complete=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, ResumeDialog)  # the unfinished exam is offered first
        await pilot.press("enter")
        exam = await wait_for_exam(pilot)
        assert exam.session.path == draft
        assert exam.query_one(ItemTable).border_title == "previous exam 2026-01-15 · c compare"
        assert "Progressive neurological deficit" in " ".join(text_of(exam, "#flags").split())


async def test_the_command_palette_opens_the_comparison(
    make_app: MakeApp, checklist: Checklist, records_dir: Path
) -> None:
    earlier_exam(checklist, records_dir, "P-7", JAN)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_new_exam(pilot, "P-7")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"what changed since", "enter")
        compared = await wait_for_screen(pilot, CompareScreen)
        assert "No change in the 0 values recorded at both exams." in text_of(compared, "#compare")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen_stack[-1] is exam


async def test_wide_screens_give_previous_values_their_own_columns(
    make_app: MakeApp, checklist: Checklist, records_dir: Path
) -> None:
    earlier_exam(checklist, records_dir, "P-7", JAN)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        exam = await start_new_exam(pilot, "P-7")
        await pilot.press(*TO_STRENGTH)
        items = exam.query_one(ItemTable)
        labels = [str(c.label) for c in items.columns.values()]
        assert labels == ["Strength", "L*", "R", "was L", "was R"]
        assert str(items.get_cell("strength_great_toe_extension", "was_left")) == "4/5"
        assert str(items.get_cell("strength_great_toe_extension", "left")) == "·"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Work in tmp_path so the records folder is the same relative path on every run; dates
    (shown in local time) in UTC, so the picture is the same in every zone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


def test_snapshot_follow_up_exam_screen(
    snap_compare: Callable[..., bool],
    make_app: MakeApp,
    checklist: Checklist,
    in_tmp: Path,
) -> None:
    """A follow-up exam of P-7 at 80×24, on the Strength section: the items table titled
    "previous exam 2026-01-15 · c compare"; ankle dorsiflexion 5/5 both sides (no mark: as
    before); great toe extension left "3/5 ▼" (weaker than January's 4/5), right not yet
    answered; the cursor on great toe extension right, whose item panel says "Now: not
    answered" and "Was: MRC 5/5 on 2026-01-15"; the flags panel with "! URGENT" major or
    progressive motor deficit and "! URGENT Progressive neurological deficit"."""
    earlier_exam(checklist, RECORDS, "P-7", JAN)
    app = make_app(records_dir=RECORDS, mode="new", patient="P-7", examiner="Dr B", side="left")

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_exam(pilot)  # the previous exam found, its values in the table
        await pilot.press(*TO_STRENGTH, "5", "5", "3")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
