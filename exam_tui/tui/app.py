"""The exam app: builds an ExamSession from the start mode and shows it."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from exam_tui.checklist import Checklist
from exam_tui.errors import ChecklistError, RecordError
from exam_tui.record import now_utc
from exam_tui.session import Clock, ExamSession
from exam_tui.tui.commands import EXAM_COMMANDS
from exam_tui.tui.screens.exam import ExamScreen

# The start screen and the new-exam dialog are imported when shown: `exam-tui new` with all
# its arguments and `exam-tui open FILE` show the exam screen first and never need them.
if TYPE_CHECKING:
    from exam_tui import storage
    from exam_tui.tui.screens.new_exam import NewExam

EXIT_ERROR = 2


class ExamApp(App[int]):
    """Start (resume a draft, a new exam, or pick a record), then the exam screen."""

    CSS_PATH = "app.tcss"
    TITLE = "exam-tui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        *,
        records_dir: Path,
        checklist: Checklist,
        clock: Clock = now_utc,
        mode: str = "start",
        patient: str | None = None,
        examiner: str | None = None,
        side: str | None = None,
        record_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.records_dir = records_dir
        self.checklist = checklist
        self.clock = clock
        self.mode = mode
        self.start_args = (patient, examiner, side)
        self.record_path = record_path
        #: The exam being shown, once there is one.
        self.session: ExamSession | None = None
        #: Why the exam asked for on the command line could not be shown (title, error).
        self._start_failure: tuple[str, RecordError] | None = None

    def get_default_screen(self) -> Screen[None]:
        # `new` with all its arguments and `open FILE` show the exam as the first screen. A
        # start screen drawn first, with the exam pushed over it, cost two frames (~240 ms)
        # before the patient's id appeared. The other modes start on the start screen.
        session = self._command_line_session()
        if session is not None:
            self.session = session
            return ExamScreen(session)
        from exam_tui.tui.screens.home import HomeScreen

        return HomeScreen()

    def _command_line_session(self) -> ExamSession | None:
        """The exam the command line asks for (`new` with every argument, `open FILE`), or
        None: another mode, or it could not be started (``_start_failure`` says why)."""
        patient, examiner, side = self.start_args
        try:
            if self.mode == "open" and self.record_path is not None:
                return self._open_session(self.record_path)
            if self.mode == "new" and patient and examiner and side:
                return self._new_session(patient, examiner, side, self.checklist)
        except RecordError as exc:
            title = "open" if self.mode == "open" else "start"
            self._start_failure = (title, exc)
        return None

    def on_mount(self) -> None:
        patient, examiner, side = self.start_args
        # The CLI keeps the garbage collector off during start-up (cli.cmd_app): on again
        # once the first screen is drawn (the exam screen also freezes what it loaded first),
        # or, when the start flow lists the records folder, once that listing is done: it
        # runs in a thread across the first frame, and a collection during it (it only makes
        # objects that live on) was ~40 ms of showing 10,000 records.
        lists_records = self.session is None and self._start_failure is None and self.mode != "new"
        if not lists_records:
            self.call_after_refresh(gc.enable)
        if self.mode in ("open", "new"):
            # Housekeeping, after the first frame (the start screen's listing thread does it
            # once the records are listed).
            self.call_after_refresh(self._clean_stray_temp_files)
        if self.session is not None:
            return  # the exam is the first screen (get_default_screen)
        if self._start_failure is not None:
            what, exc = self._start_failure
            if what == "open":
                self.exit(EXIT_ERROR, return_code=EXIT_ERROR, message=f"exam-tui: {exc}")
            else:
                self.notify(str(exc), title="Cannot start the exam", severity="error")
            return
        if self.mode == "new":
            if not (patient and examiner and side):
                from exam_tui.tui.screens.new_exam import NewExamDialog

                self.push_screen(
                    NewExamDialog(
                        patient,
                        examiner,
                        side,
                        allow_open=False,
                        checklists=self._exam_choices(),
                        checklist_id=self.checklist.id,
                    ),
                    self._new_exam_result,
                )
        else:
            self._offer_start()  # cleans up too, in its thread once the records are listed

    def _clean_stray_temp_files(self) -> None:
        # Temp files of a save interrupted by a crash are never records; a minute's grace
        # spares a save in progress in another window.
        from exam_tui import storage

        storage.clean_stray_temp_files(self.records_dir, min_age_s=60)

    @work(thread=True, exclusive=True, group="start")
    def _offer_start(self) -> None:
        """Offer to resume the newest draft if there is one, else a new exam. In a thread:
        reading the headers of 10,000 records takes ~0.15 s with the folder's index (~1 s
        without), and the start screen stays responsive meanwhile."""
        try:
            self._list_and_offer()
        finally:
            # Off since start-up (see on_mount). What start-up and the listing made lives on:
            # out of the collector's sight, or each young collection after it scanned the
            # 10,000 summaries again (as the picker and the exam screen also do; both
            # unfreeze when they close).
            gc.freeze()
            gc.enable()
            # After the listing (which skips them anyway: hidden files), not before it on the
            # event loop: looking through 10,000 names took ~16 ms before the first frame.
            self._clean_stray_temp_files()

    def _list_and_offer(self) -> None:
        # Only the headers are read (from the folder's index when the files are unchanged).
        from exam_tui import storage

        summaries = storage.list_records(self.records_dir)
        drafts = [s for s in summaries if s.status == "draft"]
        if not drafts:
            self.call_from_thread(self.action_new_exam)
            return
        # Only the newest draft is loaded in full, to say how far it got.
        found = storage.find_drafts(self.records_dir, self.checklist, limit=1, summaries=summaries)
        newest = found[0] if found else None
        self.call_from_thread(self._offer_resume, newest, len(drafts) - 1, summaries)

    def _offer_resume(
        self,
        draft: storage.Draft | None,
        others: int,
        summaries: list[storage.RecordSummary],
    ) -> None:
        from exam_tui.tui.screens.resume import ResumeChoice, ResumeDialog

        if draft is None or draft.error:
            self._resume_draft(summaries)
            return

        def chosen(choice: ResumeChoice | None) -> None:
            if choice == "resume":
                self.open_record(draft.path)
            elif choice == "pick":
                self._resume_draft(summaries)
            elif choice == "new":
                self.action_new_exam()
            # escape: the start screen, with its keys for a new exam or another record

        def pick() -> None:
            # The list opens over the dialog, which closes with it. Closing the dialog first
            # brought the start screen back for an instant, and its footer was rebuilt twice
            # while the list was being drawn (~60 ms at 10,000 records, benchmarks/).
            def picked(path: Path | None) -> None:
                dialog.dismiss(None)  # escape from the list: the start screen, as before
                self._picked(path)

            self._resume_draft(summaries, picked)

        # In local time (the clock gives UTC): the clinician reads it.
        dialog = ResumeDialog(draft.describe(now=self.clock().astimezone()), others, pick=pick)
        self.push_screen(dialog, chosen)

    def _resume_draft(
        self,
        summaries: list[storage.RecordSummary],
        then: Callable[[Path | None], None] | None = None,
    ) -> None:
        # The picker gets this listing: reading the folder a second time doubled the wait.
        from exam_tui.tui.screens.picker import RecordPicker  # not needed by `exam-tui new`

        self.push_screen(
            RecordPicker(
                self.records_dir,
                self.checklist,
                title="Unfinished exams: enter resumes one · esc: new exam or another record",
                initial_filter="draft",
                summaries=summaries,
            ),
            then or self._picked,
        )

    # -- start flow ---------------------------------------------------------------------------

    def _exam_choices(self) -> list[tuple[str, str]]:
        """(id, title) of each bundled checklist, the app's own first."""
        from exam_tui.checklist import bundled_checklists

        found = [(f.id, f.title) for f in bundled_checklists()]
        ids = [cid for cid, _ in found]
        if self.checklist.id not in ids:
            found.insert(0, (self.checklist.id, self.checklist.title))
        return found

    def action_new_exam(self) -> None:
        from exam_tui.tui.screens.new_exam import NewExamDialog

        _, examiner, side = self.start_args  # the settings file's, filled in for the clinician
        self.push_screen(
            NewExamDialog(
                None,
                examiner,
                side,
                checklists=self._exam_choices(),
                checklist_id=self.checklist.id,
            ),
            self._new_exam_result,
        )

    def action_open_record(self) -> None:
        from exam_tui.tui.screens.picker import RecordPicker

        self.push_screen(RecordPicker(self.records_dir, self.checklist), self._picked)

    def _new_exam_result(self, result: NewExam | str | None) -> None:
        from exam_tui.tui.screens.new_exam import OPEN_RECORD, NewExam

        if result == OPEN_RECORD:
            self.action_open_record()
        elif isinstance(result, NewExam):
            self.start_exam(result)
        elif self.mode == "new":
            self.exit(0)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self.open_record(path)

    def start_exam(self, new: NewExam) -> None:
        checklist = self.checklist
        try:
            if new.checklist_id and new.checklist_id != checklist.id:
                from exam_tui.checklist import load_bundled

                checklist = load_bundled(new.checklist_id)
        except ChecklistError as exc:
            self.notify(str(exc), title="Cannot start the exam", severity="error")
            return
        try:
            session = self._new_session(new.patient, new.examiner, new.side, checklist)
        except RecordError as exc:
            self.notify(str(exc), title="Cannot start the exam", severity="error")
            return
        self.show_session(session)

    def _new_session(
        self, patient: str, examiner: str, side: str, checklist: Checklist
    ) -> ExamSession:
        return ExamSession.start(
            checklist,
            self.records_dir,
            patient=patient,
            examiner=examiner,
            side=side,
            clock=self.clock,
            find_prior=False,  # the exam screen looks it up in a thread
        )

    def _open_session(self, path: Path) -> ExamSession:
        return ExamSession.open(
            path,
            checklist=self.checklist,
            clock=self.clock,
            user=self.start_args[1],
            find_prior=False,  # the exam screen looks it up in a thread
        )

    def open_record(self, path: Path, *, exit_on_error: bool = False) -> None:
        try:
            session = self._open_session(path)
        except RecordError as exc:
            if exit_on_error:
                self.exit(EXIT_ERROR, return_code=EXIT_ERROR, message=f"exam-tui: {exc}")
            else:
                self.notify(str(exc), title="Cannot open the record", severity="error")
            return
        self.show_session(session)

    def show_session(self, session: ExamSession) -> None:
        self.session = session
        self.switch_screen(ExamScreen(session)) if isinstance(
            self.screen, ExamScreen
        ) else self.push_screen(ExamScreen(session))

    # -- command palette: the exam screen's commands, from the same table as its keys ----------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ExamScreen):
            for c in EXAM_COMMANDS:
                yield SystemCommand(
                    c.help,
                    f"key: {c.display}",
                    partial(self.call_later, screen.run_action, c.action),
                )
        elif type(screen).__name__ == "HomeScreen":  # not imported unless it is shown
            yield SystemCommand("New exam (n)", "Start a new exam", self.action_new_exam)
            yield SystemCommand("Open a record (o)", "Pick a saved record", self.action_open_record)


#: The factory the CLI, the tests and the benchmarks build the app with: the App's constructor
#: already takes every dependency (records folder, checklist, clock), so no wrapper repeats it.
create_app = ExamApp

__all__ = ["ExamApp", "create_app"]
