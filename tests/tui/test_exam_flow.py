"""Whole exams driven by the keyboard only, then the saved TOML checked with storage.load_record."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input, Static

from exam_tui import rules
from exam_tui.checklist import Checklist
from exam_tui.record import progress
from exam_tui.storage import load_record
from exam_tui.timefmt import local_time_text
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.screens.help import HelpScreen
from exam_tui.tui.screens.new_exam import NewExamDialog
from exam_tui.tui.screens.picker import RecordPicker
from exam_tui.tui.screens.resume import ResumeDialog
from exam_tui.tui.screens.summary import SummaryScreen
from exam_tui.tui.widgets import FlagsPanel
from exam_tui.tui.widgets.text_line import TextLine
from tests.tui.waiting import wait_for_screen

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-001", "examiner": "Dr A", "side": "left"}


def only_record(folder: Path) -> Path:
    (path,) = sorted(folder.glob("*.toml"))
    return path


#: History keyed in: onset gradual, mechanism none, no pop, 4 weeks, 2 weeks of care, pain 5/10,
#: seven yes/no questions, under 18 no, walking leg pain none.
HISTORY_NORMAL = ("2", "1", "n", "4", "enter", "2", "enter", "5", "enter", *"nnnnnnn", "n", "1")


async def test_normal_exam_by_history_then_N_per_section(
    make_app: MakeApp, records_dir: Path
) -> None:
    """History is asked (N never answers for the patient); red flags are screened with N and
    confirmed, background facts asked one by one; each exam section by N."""
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        screen = app.screen
        await pilot.press("N")  # in History: records nothing, says so
        await pilot.pause()
        assert screen.session.record.findings == {}
        await pilot.press("left_square_bracket")  # back to History
        await pilot.press(*HISTORY_NORMAL)
        assert screen.session.section.id == "red_flags"
        await pilot.press("N")
        await pilot.pause()
        from exam_tui.tui.screens.confirm_normal import ConfirmNormalDialog

        assert isinstance(app.screen, ConfirmNormalDialog)
        listed = str(app.screen.query_one("#confirm-list").render())
        assert "Fever: no" in listed and "History of cancer" not in listed
        await pilot.press("escape")  # cancelled: nothing recorded
        await pilot.pause()
        assert screen.session.record.get("fever") is None
        await pilot.press("N", "enter")
        await pilot.pause()
        assert screen.session.record.get("fever") == "no"
        assert screen.session.record.get("history_of_cancer") is None  # a fact: ask it
        for item in ("history_of_cancer", "iv_drug_use_or_immunosuppression",
                     "recent_infection_or_spinal_procedure", "osteoporosis_or_steroids",
                     "age_over_50"):  # fmt: skip
            screen.session.goto(item)
            await pilot.press("n")
        screen.session.goto("slr", "left")
        for _ in range(7):  # one N per exam section
            await pilot.press("N")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    loaded = load_record(only_record(records_dir))
    r = loaded.record
    assert r.status == "completed"
    assert r.patient.id == "P-001" and r.exam.examiner == "Dr A" and r.exam.affected_side == "left"
    assert (r.get("onset"), r.get("mechanism"), r.get("felt_pop")) == ("gradual", "none", "no")
    assert (r.get("duration_weeks"), r.get("conservative_care_weeks"), r.get("pain_score")) == (
        4,
        2,
        5,
    )
    assert r.get("pain_below_knee") == "no" and r.get("saddle_anaesthesia") == "no"
    assert r.get("slr", "left") == "negative" and r.get("slr", "right") == "negative"
    assert (
        r.get("reflex_achilles", "right") == 2
        and r.get("strength_great_toe_extension", "left") == 5
    )
    assert r.get("sensation_saddle") is None  # only recorded when actually tested
    assert r.get("plantar_response", "left") == "flexor"
    assert r.get("foot_pulses", "right") == "present"
    assert r.get("single_leg_bridge_reps", "left") is None  # numbers are not "normal"-filled
    ev = rules.evaluate(loaded.checklist, r)
    assert ev.flags == () and ev.warnings == ()


async def test_l5_radiculopathy_typed_finding_by_finding(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # History: gradual, lifting, no pop, 8 weeks, 6 weeks of care, pain 7, then yes/no items,
        # not under 18, no walking leg pain.
        await pilot.press("2", "4", "n", "8", "enter", "6", "enter", "7", "enter")
        await pilot.press("y", "y", "y", "n", "y", "n", "y", "n", "1")
        await pilot.press("N", "enter")  # red flags: the screen confirmed "no"
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.session.section.id == "nerve_tension"
        # ... but background facts are asked: the cancer history here
        screen.session.goto("history_of_cancer")
        await pilot.press("n")
        screen.session.goto("slr", "left")
        # Nerve tension: SLR L+ R-, left angle 40, Bragard L+, crossed SLR -, slump L+ R-,
        # Cram L+, femoral nerve stretch -
        await pilot.press("p", "n", "4", "0", "enter", "p", "n", "n", "p", "n", "p", "n", "n")
        await pilot.press("N", "N")  # hamstring loading and palpation normal
        await pilot.press(
            "2", "2", "1", "2", "2", "2", "f", "f"
        )  # reflexes: left medial hamstring 1
        await pilot.press("n", "n", "r", "n", "n", "n", "n", "n", "n")  # sensation: left L5 reduced
        # strength: hip flexion, knee extension, sit-to-stand, dorsiflexion, then EHL and hip
        # abduction 4 on the left (one root: L5), the rest normal
        await pilot.press("5", "5", "5", "5", "n", "n", "5", "5", "4", "5", "4", "5")
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        flags_text = screen.query_one(FlagsPanel).text.plain
        assert "· ROUTINE" in flags_text and "Pattern: radicular" in flags_text
    r = load_record(only_record(records_dir)).record
    assert r.status == "draft"
    expected = {
        ("slr", "left"): "positive",
        ("slr", "right"): "negative",
        ("slr_angle", "left"): 40,
        ("slr_angle", "right"): None,
        ("slr_dorsiflexion", "left"): "positive",
        ("slump", "left"): "positive",
        ("bowstring_cram", "left"): "positive",
        ("reflex_medial_hamstring", "left"): 1,
        ("reflex_medial_hamstring", "right"): 2,
        ("sensation_l5", "left"): "reduced",
        ("sensation_saddle", None): "normal",
        ("strength_great_toe_extension", "left"): 4,
        ("strength_hip_abduction", "left"): 4,
        ("strength_knee_flexion", "right"): 5,
        ("bent_knee_stretch", "left"): "negative",
        ("intervention_candidate", None): "yes",
        ("history_of_cancer", None): "no",
    }
    assert {k: r.get(*k) for k in expected} == expected
    ev = rules.evaluate(load_record(only_record(records_dir)).checklist, r)
    assert ev.pattern is not None and ev.pattern.reading == "radicular"
    assert [f.id for f in ev.flags] == ["R8"]


async def test_moving_clearing_and_notes(make_app: MakeApp, records_dir: Path) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        s = screen.session
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert s.item.id == "slr" and s.side == "left"
        await pilot.press("l", "p")  # right leg positive; the cursor moves on to the right angle
        assert s.record.get("slr", "right") == "positive"
        assert (s.item.id, s.side) == ("slr_angle", "right")
        await pilot.press("k", "x")  # back up to SLR (right side kept), clear it
        assert s.item.id == "slr" and s.record.get("slr", "right") is None
        await pilot.press("h", "e", "up", "j")
        assert s.record.get("slr", "left") == "equivocal"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"calf pain", "ctrl+s")
        await pilot.pause()
        await pilot.press("left_square_bracket")
        assert s.section.id == "red_flags"
    r = load_record(only_record(records_dir)).record
    assert r.get("slr", "right") is None and r.get("slr", "left") == "equivocal"
    assert r.note("slr_angle") == "calf pain" or r.note("slr") == "calf pain"


async def test_editing_a_completed_record_makes_it_amended(
    make_app: MakeApp, saved_record: Path
) -> None:
    from exam_tui.session import ExamSession

    s = ExamSession.open(saved_record)
    s.complete()
    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert "completed" in screen.message and "amendment" in screen.message  # the banner
        screen.session.goto("slr", "left")
        await pilot.press("n")
        await pilot.pause()
        # The first change asks who amends (opened from the picker or `open` without
        # --examiner: nobody is assumed, least of all the original examiner) and why.
        from exam_tui.tui.screens.amend import AmendDialog

        assert isinstance(app.screen, AmendDialog)
        assert load_record(saved_record).record.status == "completed"  # nothing changed yet
        await pilot.press(*"Dr B", "enter", *"wrong side", "enter")
        await pilot.pause()
        assert "AMENDED" in str(screen.query_one("#status-bar", TextLine).render())
        await pilot.press("A")  # the amendment log
        await pilot.pause()
        from rich.console import Console

        from exam_tui.tui.screens.amend import AmendmentLog, amendment_table

        assert isinstance(app.screen, AmendmentLog)
        console = Console(width=110, record=True, file=io.StringIO())
        console.print(amendment_table(screen.session))
        log = console.export_text()
        assert "Dr B" in log and "wrong side" in log and "positive → negative" in log
    r = load_record(saved_record).record
    assert r.status == "amended"
    (a,) = r.amendments
    assert (a.item, a.side, a.old, a.new, a.by, a.reason) == (
        "slr",
        "left",
        "positive",
        "negative",
        "Dr B",
        "wrong side",
    )


async def test_a_failed_save_is_shown_and_the_app_goes_on(
    make_app: MakeApp, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(**{**NEW, "records_dir": blocker / "records"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        bar = str(screen.query_one("#status-bar", TextLine).render())
        assert "NOT SAVED" in bar and "cannot create the records folder" in bar
        await pilot.press("2")  # still answering
        assert screen.session.record.get("mechanism") == "sprint"
        await pilot.press("q")
        assert app.is_running  # first q warns that the change is not saved
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_record_changed_elsewhere_is_not_overwritten(
    make_app: MakeApp, saved_record: Path
) -> None:
    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        saved_record.write_text(saved_record.read_text() + "\n# other window\n")
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.last_error is not None and "changed by another program" in screen.last_error
        assert "NOT SAVED" in str(screen.query_one("#status-bar", TextLine).render())
    assert "# other window" in saved_record.read_text()


async def test_summary_copies_and_writes_a_private_txt(
    make_app: MakeApp, saved_record: Path
) -> None:
    app = make_app(mode="open", record_path=saved_record)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        await pilot.press("c", "w")
        await pilot.pause()
        assert app.clipboard == screen.text and "MRN-0042" in screen.text
        await pilot.press("escape")
        assert isinstance(app.screen, ExamScreen)
    txt = saved_record.with_suffix(".txt")
    assert txt.read_text() == app.clipboard
    assert stat.S_IMODE(os.stat(txt).st_mode) == 0o600


async def test_help_and_palette_list_every_command(make_app: MakeApp) -> None:
    from exam_tui.tui.commands import EXAM_COMMANDS

    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        exam = app.screen
        palette = {c.title: c.help for c in app.get_system_commands(exam)}
        for c in EXAM_COMMANDS:
            assert palette[c.help] == f"key: {c.display}"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is exam
        await pilot.press("q")
    assert app.return_code == 0


async def test_palette_command_runs_the_action(make_app: MakeApp) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next section", "enter")
        await pilot.pause()
        assert app.screen is exam
        assert exam.session.section.id == "red_flags"


async def test_start_without_drafts_asks_for_a_new_exam_and_can_open_instead(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, NewExamDialog)  # once a thread found no drafts
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, RecordPicker)
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewExamDialog)
        await pilot.press(*"P-9", "tab", *"Dr B", "tab", "b", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        await pilot.press("y")  # nothing: onset is a choice
        await pilot.press("1")
    r = load_record(only_record(records_dir)).record
    assert (r.patient.id, r.exam.examiner, r.exam.affected_side, r.get("onset")) == (
        "P-9",
        "Dr B",
        "both",
        "sudden_injury",
    )


async def test_start_with_a_draft_offers_to_resume_it(
    make_app: MakeApp, saved_record: Path, checklist: Checklist
) -> None:
    """The newest draft is offered by name, start time and progress; enter resumes it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_for_screen(pilot, ResumeDialog)  # a thread found the draft
        question = str(dialog.query_one("#resume-question", Static).render())
        # The sample draft: its patient, start time (another day than the frozen clock's, so
        # with its date) and how far it got.
        answered, applicable = progress(checklist, load_record(saved_record).record)
        assert 0 < answered < applicable
        # In local time with its UTC offset (the record keeps UTC).
        started = local_time_text(datetime(2026, 11, 28, 9, 30, tzinfo=UTC))
        assert question == (
            f"Resume MRN-0042, started {started}, {answered} of {applicable} answered?"
        )
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.session.path == saved_record


async def test_resume_offer_can_open_the_list_of_drafts_or_a_new_exam(
    make_app: MakeApp, saved_record: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, ResumeDialog)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, RecordPicker)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewExamDialog)


async def test_new_asks_only_what_is_missing_and_escape_quits(
    make_app: MakeApp, records_dir: Path
) -> None:
    app = make_app(mode="new", patient="P-5")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewExamDialog)
        assert app.focused is not None and app.focused.id == "examiner"
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
    assert not records_dir.exists()


async def test_open_of_a_broken_record_exits_with_an_error(
    make_app: MakeApp, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    app = make_app(mode="open", record_path=bad)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 2


async def test_amending_with_open_examiner_logs_who_changed_it(
    make_app: MakeApp, saved_record: Path
) -> None:
    """`exam-tui open FILE --examiner NAME`: the amendment log names the colleague amending,
    not the examiner who wrote the record."""
    from exam_tui.session import ExamSession

    s = ExamSession.open(saved_record)
    s.complete()
    app = make_app(mode="open", record_path=saved_record, examiner="B. Colleague")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        screen.session.goto("slr", "left")
        await pilot.press("n")
        await pilot.pause()
        # Who amends is asked once, prefilled with --examiner: enter confirms (no reason).
        amender = app.screen.query_one("#amender", Input)
        assert amender.value == "B. Colleague"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("p")  # the next change (right leg) is not asked about again
        await pilot.pause()
    first, second = load_record(saved_record).record.amendments
    assert (first.item, first.by, first.reason) == ("slr", "B. Colleague", None)
    assert (second.item, second.side, second.by) == ("slr", "right", "B. Colleague")


async def test_n_on_a_completed_record_asks_who_amends_only_when_it_records_something(
    make_app: MakeApp, saved_record: Path
) -> None:
    """N in the history records nothing (the patient's account is never filled in), so on a
    completed record it does not ask who is amending; N where it would fill values does."""
    from exam_tui.session import ExamSession

    s = ExamSession.open(saved_record)
    s.complete()
    before = saved_record.read_bytes()
    app = make_app(mode="open", record_path=saved_record, examiner="B. Colleague")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.session.section.role == "history"
        await pilot.press("N")
        await pilot.pause()
        assert app.screen is screen  # no dialog
        assert "nothing recorded" in str(screen.query_one("#message").render())
        assert saved_record.read_bytes() == before
        for _ in screen.session.checklist.sections:  # to a section N would fill
            if screen.session.normal_fill().values:
                break
            await pilot.press("right_square_bracket")
        assert screen.session.normal_fill().values
        await pilot.press("N")
        await pilot.pause()
        assert app.screen.query_one("#amender", Input).value == "B. Colleague"


async def test_start_removes_stale_temp_files_but_not_fresh_ones(
    make_app: MakeApp, records_dir: Path
) -> None:
    """A temp file left by a crashed save is cleaned up at start; one younger than a minute
    (another window mid-save) is left alone. Neither is ever listed as a record."""
    import os
    import time

    records_dir.mkdir(parents=True, exist_ok=True)
    stale = records_dir / ".exam-tui-tmp-stale.toml"
    fresh = records_dir / ".exam-tui-tmp-fresh.toml"
    stale.write_text("half a rec")
    fresh.write_text("half a rec")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert not stale.exists()
    assert fresh.exists()
