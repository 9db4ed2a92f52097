"""The flags panel never says "nothing indicated" before the previous exam has been looked for
(a progression flag depends on it), and the summary waits for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from exam_tui.checklist import Checklist
from exam_tui.session import ExamSession
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import PRIOR_PENDING, ExamScreen
from exam_tui.tui.screens.summary import SummaryScreen
from tests.tui.test_follow_up import FEB, JAN, earlier_exam, text_of
from tests.tui.waiting import wait_until

MakeApp = Callable[..., ExamApp]


@pytest.fixture(scope="session")
def checklist(checklist_v1: Checklist) -> Checklist:
    return checklist_v1


async def test_flags_wait_for_the_previous_exam(
    make_app: MakeApp, checklist: Checklist, records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier_exam(checklist, records_dir, "P-7", JAN)  # great toe extension L 4/5
    draft = earlier_exam(checklist, records_dir, "P-7", FEB, toe_left="3", complete=False)
    # The look-up thread is held until the test lets it go; a look-up on the app's own
    # thread (the summary's) runs at once.
    release = threading.Event()
    real = ExamSession.find_prior

    def held(self: ExamSession):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            assert release.wait(60)
        return real(self)

    monkeypatch.setattr(ExamSession, "find_prior", held)
    app = make_app(mode="open", record_path=draft)
    async with app.run_test(size=(100, 40)) as pilot:
        try:
            await pilot.pause()
            exam = app.screen
            assert isinstance(exam, ExamScreen) and not exam.session.prior_checked
            flags = " ".join(text_of(exam, "#flags").split())
            assert PRIOR_PENDING in flags
            assert "Progressive" not in flags
            assert checklist.texts.no_flags is None or checklist.texts.no_flags not in flags

            await pilot.press("s")  # the summary looks the previous exam up first
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert "Progressive neurological deficit" in app.screen.text
            await pilot.press("escape")
            await pilot.pause()
            flags = " ".join(text_of(exam, "#flags").split())
            assert "Progressive neurological deficit" in flags and PRIOR_PENDING not in flags
        finally:
            release.set()
        await wait_until(pilot, lambda: not exam.workers, "the look-up thread done")
        flags = " ".join(text_of(exam, "#flags").split())
        assert "Progressive neurological deficit" in flags and PRIOR_PENDING not in flags


async def test_without_a_progression_rule_nothing_waits(
    make_app: MakeApp, checklist: Checklist, records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(type(checklist), "compares_with_prior", property(lambda self: False))
    draft = earlier_exam(checklist, records_dir, "P-8", FEB, complete=False)
    release = threading.Event()
    real = ExamSession.find_prior

    def held(self: ExamSession):  # type: ignore[no-untyped-def]
        assert release.wait(60)
        return real(self)

    monkeypatch.setattr(ExamSession, "find_prior", held)
    app = make_app(mode="open", record_path=draft)
    async with app.run_test(size=(100, 40)) as pilot:
        try:
            await pilot.pause()
            assert PRIOR_PENDING not in text_of(app.screen, "#flags")
        finally:
            release.set()


async def test_a_look_up_that_ends_after_its_screen_closed_is_dropped(
    make_app: MakeApp, checklist: Checklist, records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exam screen closed between the thread's last check and its result's arrival (the
    app quitting just after the first frame): the result finds no screen to draw on, and is
    dropped (it raised NoMatches, ending the app with a traceback)."""
    draft = earlier_exam(checklist, records_dir, "P-9", FEB, complete=False)
    release = threading.Event()
    real = ExamSession.find_prior

    def held(self: ExamSession):  # type: ignore[no-untyped-def]
        assert release.wait(60)
        return real(self)

    monkeypatch.setattr(ExamSession, "find_prior", held)
    app = make_app()  # the start screen first, the exam pushed over it
    async with app.run_test(size=(100, 40)) as pilot:
        try:
            await pilot.pause()
            app.open_record(draft)
            await pilot.pause()
            exam = app.screen
            assert isinstance(exam, ExamScreen)
            await app.pop_screen()
            await pilot.pause()
            exam._prior_found(None)  # the result the thread had already sent
        finally:
            release.set()
        await pilot.pause()
        assert app.is_running


async def test_a_look_up_that_ends_while_its_screen_is_closing_is_dropped(
    make_app: MakeApp, checklist: Checklist, records_dir: Path
) -> None:
    """The app removes a screen's widgets before the screen itself: a result arriving in
    between (the app quitting as the thread finished; seen under load) found the screen still
    attached but its widgets gone, and raised NoMatches. It is dropped, and so is the drawing
    after a frame; a save still pending is left to the screen's unmount, which writes it."""
    draft = earlier_exam(checklist, records_dir, "P-10", FEB, complete=False)
    app = make_app(mode="open", record_path=draft)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        await wait_until(pilot, lambda: not exam.workers, "the look-up thread done")
        await exam.query_one("#body").remove()  # as the app does first when it closes
        exam._prior_found(None)  # the result the thread sends
        exam._prepared()  # the work after a frame
        await pilot.pause()
        assert app.is_running
