"""The exam screen: sections, the current section's items, the current item, and live flags."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from exam_tui.errors import RecordConflictError, RecordError
from exam_tui.session import ExamSession, answer_keys
from exam_tui.textclean import clean
from exam_tui.tui.commands import exam_bindings
from exam_tui.tui.widgets import FlagsPanel, ItemDetail, ItemTable, SectionList
from exam_tui.tui.widgets.text_line import TextLine

if TYPE_CHECKING:
    from exam_tui.storage import LoadedRecord

# The dialogs and screens pushed from here are imported when first opened: none is needed to
# show the exam, and the compare screen alone pulls in exam_tui.compare (~35 ms at start-up).

SIDE_MARK = {"left": "L", "right": "R", "both": "L+R"}

#: What a session call returns to ``_do``'s caller when its save failed (the error is shown).
FAILED = object()


#: The collector's first threshold while the exam is open: more objects than a key leaves
#: (~900 median, ~4,000 at the 95th percentile, in the benchmark's exams), so that a key's
#: young objects are collected after its frame (``_collect_young``), not during the key.
YOUNG_THRESHOLD = 10_000

#: Shown in the flags panel until the previous exam has been looked for.
PRIOR_PENDING = "Looking for the previous exam: a flag that compares with it may still appear."


class ExamScreen(Screen[None]):
    """Draws an ExamSession; every key is a call on the session, then a redraw."""

    BINDINGS = exam_bindings()
    # The screen has no border and no content of its own, only its children, which cover it:
    # Textual draws a blank widget's lines at once instead of one at a time (~2 ms a full frame).
    BLANK = True
    # Textual types these as ClassVar[...] | None on Screen, so no ClassVar annotation here.
    # Below 70 columns the sidebar collapses (the section list goes, the flags go above the
    # table): at 60 columns the right-side column was off-screen.
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (70, "-narrow"), (110, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # noqa: RUF012

    def __init__(self, session: ExamSession) -> None:
        # The breakpoint classes for the terminal's size from the start: Textual sets them
        # on the screen's first resize, which comes after its first frame, so that frame was
        # drawn in another layout (at 60×20, the wide one) and redrawn whole ~20 ms later.
        super().__init__(classes=" ".join(self.breakpoint_classes(self.app.size)))
        self.session = session
        #: The last save error shown to the user, until a save succeeds again.
        self.last_error: str | None = None
        #: The status bar on screen (redrawn only when it changes).
        self._bar: Text | None = None
        #: Who amends a completed record has been asked (or the record is a draft).
        self._amender_known = session.record.status == "draft"
        #: The section the cursor was in at the last redraw (entering another is announced).
        self._section_shown = session.cursor.section

    # The panels, kept from compose: looked up by a query, they were ~8 queries a key.
    _status_bar: TextLine
    _sections: SectionList
    _flags: FlagsPanel
    _items: ItemTable
    _detail: ItemDetail
    _message: TextLine

    def compose(self) -> ComposeResult:
        yield (bar := TextLine(id="status-bar"))
        with Horizontal(id="body"):
            with Vertical(id="side-column"):
                yield (sections := SectionList(id="sections"))
                yield (flags := FlagsPanel(id="flags"))
            with Vertical(id="main-column"):
                yield (items := ItemTable(id="items"))
                yield (detail := ItemDetail(id="detail"))
        yield (message := TextLine(id="message"))
        yield Footer(compact=True)
        self._status_bar, self._sections, self._flags = bar, sections, flags
        self._items, self._detail, self._message = items, detail, message

    @classmethod
    def breakpoint_classes(cls, size: Size) -> list[str]:
        """The classes Textual's breakpoints give a screen of ``size`` (for each direction,
        the class of the highest breakpoint the size reaches), as it works them out."""
        classes = []
        for breakpoints, length in (
            (cls.HORIZONTAL_BREAKPOINTS or [], size.width),
            (cls.VERTICAL_BREAKPOINTS or [], size.height),
        ):
            reached = [(at, name) for at, name in breakpoints if length >= at]
            if reached:
                classes.append(max(reached)[1])
        return classes

    def on_resize(self) -> None:
        # The breakpoint classes decide how much is shown: redrawn when they change (a resize
        # event comes twice at start-up, each redraw ~2 ms, with nothing to change). The
        # status bar fits its names to the width.
        if self._breakpoints() != self._drawn_at:
            self.refresh_view()
        else:
            self._show_status_bar()

    def _breakpoints(self) -> tuple[bool, bool]:
        return self.has_class("-wide"), self.has_class("-tall")

    #: The breakpoint classes the view was last drawn for.
    _drawn_at: tuple[bool, bool] | None = None

    def on_mount(self) -> None:
        self._flags.border_title = "Flags"
        self._detail.border_title = "Item"
        self._sections.border_title = "Sections"
        self._show_prior()
        self.refresh_view()
        warnings = self.session.warnings
        # Once, on opening, before any answer: each in full as a notification (they can be
        # several and long), and the first in the message line, which stays.
        for warning in warnings:
            self.notify(clean(warning), title="Record", severity="warning", timeout=8)
        if warnings:
            more = f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else ""
            self.say(f"Record: {warnings[0]}{more}", "warning")  # say() cleans it
        status = self.session.record.status
        if status != "draft":
            n = len(self.session.record.amendments)
            log = f" ({n} so far; A shows them)" if n else ""
            self.say(
                f"This exam is {status}: a change is logged as an amendment, with who and why"
                f"{log}.",
                "warning",
            )
        if not self.session.prior_checked:
            # After the first frame: the thread imports exam_tui.compare (~35 ms) and reads
            # the folder's headers, holding the GIL while the first screen is being drawn.
            self.call_after_refresh(self._look_up_prior)
        # Everything loaded so far (Textual, the models, the checklist, this screen) lives as
        # long as the app: out of the collector's sight, a full collection during the exam
        # takes ~1 ms instead of ~50 ms (one in ~75 keys landed on one, and was that slow).
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        gc.freeze()
        gc.enable()  # off during start-up (cli.cmd_app)
        self._gc_threshold = gc.get_threshold()
        gc.set_threshold(YOUNG_THRESHOLD, *self._gc_threshold[1:])
        self._prepare_next()

    #: The collector's thresholds before the exam screen changed them (restored on unmount).
    _gc_threshold: tuple[int, ...] | None = None

    def _collect_young(self) -> None:
        """After a key's frame, the objects it left are collected and the survivors frozen
        with the rest: the collector then only ever looks at what the next key allocates,
        and with ``YOUNG_THRESHOLD`` it rarely looks during a key at all (young collections
        were ~0.5 ms of the slowest answer keys, up to ~1 ms when one scanned the survivors
        of every key since the exam opened). Garbage among frozen objects (a dialog closed
        later) waits until the exam closes (``on_unmount``): a few MB over a long exam."""
        gc.collect(1)
        gc.freeze()

    def on_unmount(self) -> None:
        # An answer drawn but not yet saved (the app closed within that frame, e.g. from the
        # command palette's quit): written now.
        s = self.session
        if s.save_pending:
            try:
                s.flush()
            except RecordError:
                with contextlib.suppress(RecordError):
                    s.save_as_new()  # as action_quit does when the file cannot be written
        gc.unfreeze()  # collectable again when the exam closes (tests run many apps)
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)

    # -- the previous exam (looked up once, off the key path) ---------------------------------

    @work(thread=True, exclusive=True, group="prior")
    def _look_up_prior(self) -> None:
        """Find the patient's latest earlier exam in a thread: it reads every record header in
        the folder (10,000 records: ~0.2 s from the folder's index, seconds without), and the
        clinician can start meanwhile."""
        prior = self.session.find_prior()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._prior_found, prior)

    def _prior_found(self, prior: LoadedRecord | None) -> None:
        if self._gone():  # the screen closed (or is closing) while the thread was reading
            return
        try:
            self.session.set_prior(prior)
        except RecordError as exc:  # latest_prior keeps to the patient; this is a safeguard
            self.session.set_prior(None)  # looked for: none is used, and the message says why
            self.say(f"Previous exam not used: {exc}", "error")
        self._show_prior()
        self.refresh_view()

    def _show_prior(self) -> None:
        """The previous exam's date on the items table (its values are in the cells and the item
        panel). A first exam gets no title: nothing to say until there is something to compare."""
        s = self.session
        if s.prior is not None:
            self._items.border_title = f"previous exam {s.prior_date} · c compare"

    # -- messages: one line above the footer, never over the table -------------------------

    def say(self, message: str, severity: str = "information") -> None:
        """Show a message in the message line (it stays until the next one): stacked
        notifications covered the table for seconds, and vanished before they were read."""
        style = {"error": "bold reverse", "warning": "bold"}.get(severity, "")
        message = clean(message)  # record text (ids, warnings) never reaches the terminal raw
        line = self._message
        line.update(Text(f" {message}", style=style, no_wrap=True, overflow="ellipsis"))
        line.set_class(severity == "error", "-error")
        line.set_class(severity == "warning", "-warning")
        #: The last message, for the tests and for a screen reader's log.
        self.message = message

    message = ""

    # -- drawing ----------------------------------------------------------------------------

    def refresh_view(self) -> None:
        s = self.session
        self._drawn_at = self._breakpoints()
        self._show_status_bar()
        if s.cursor.section != self._section_shown:
            self._section_shown = s.cursor.section
            if not s.dirty:  # a save error stays on the line until it is dealt with
                done, total = s.progress(s.cursor.section)
                self.say(f"Now in {s.section.title} ({done}/{total} answered)")
        if s.refusal:
            self.say(s.refusal, "warning")
            s.refusal = None
        self._sections.show(s)
        self._items.show(s)
        self._detail.show(s)  # a new text is shown from its top
        box = self._flags
        box.show(
            s.evaluation,
            reasons=self.has_class("-tall"),
            advice=self.has_class("-tall") and self.has_class("-wide"),
            pending=PRIOR_PENDING if self._prior_pending() else None,
        )
        flags = s.evaluation.flags
        title = f"Flags ({len(flags)})" if flags else "Flags"
        if box.border_title != title:  # setting it repaints the box even when unchanged
            box.border_title = title
        box.set_class(any(f.urgency == "emergency" for f in flags), "-emergency")

    def _show_status_bar(self) -> None:
        """Who and what: the patient, the examiner, the affected side, the record's status and
        whether the last change is on disk. On a narrow terminal the names give way (they end
        in "…") so that the exam's state always shows: "NOT SAVED" was cut off at 60 columns
        behind a long examiner name."""
        s = self.session
        # Record text is cleaned before it reaches the terminal (an id or examiner with an
        # escape sequence would otherwise retitle or recolour it): textclean.clean.
        patient = Text(f" {clean(s.record.patient.id)}", style="bold")
        who = Text(f" · {clean(s.record.exam.examiner or '?')}")
        if self._amender_known and s.record.status != "draft" and s.user != s.record.exam.examiner:
            who.append(f" (amending: {clean(s.user)})")
        state = Text(f" · affected {SIDE_MARK[s.record.exam.affected_side]} · ")
        status = s.record.status
        state.append(
            status.upper() if status != "draft" else "draft",
            style="bold" if status != "draft" else "",
        )
        more = Text()  # what may be cut at the end of the line
        if s.dirty:
            state.append(" · NOT SAVED", style="bold reverse")
            if self.last_error:
                more.append(f" {self.last_error}", style="bold")
        elif s.save_pending:
            # An answer drawn before its save (right after this frame): never "saved" until
            # it is on disk.
            state.append(" · saving…", style="dim")
        elif s.path is not None:
            state.append(" · saved ✓", style="dim")
            if self.has_class("-wide"):
                more.append(f" {clean(s.path.name)}", style="dim")  # `open FILE`: any name
        else:  # no file yet: nothing to lose, so the names come first
            more.append(" · nothing entered yet", style="dim")
        # (one cell more when more follows: the line's own "…" takes the last cell)
        must = patient.cell_len + who.cell_len + state.cell_len + (1 if more else 0)
        over = must - self.app.size.width
        for name in (who, patient):  # the examiner gives way first
            if over > 0 and name.cell_len > 4:
                keep = max(4, name.cell_len - over)  # " · D…" at the least
                over -= name.cell_len - keep
                name.truncate(keep, overflow="ellipsis")
        bar = Text(no_wrap=True, overflow="ellipsis")
        for part in (patient, who, state, more):
            bar.append_text(part)
        if bar != self._bar:
            self._bar = bar
            self._status_bar.update(bar)  # a repaint, not a layout

    def _do(self, change: Callable[[], Any], *, draw_first: bool = False) -> Any:
        """Run a session call; show a failed save instead of crashing. Always redraw.

        ``draw_first`` (answer keys): the change is drawn, then saved right after that frame
        (``_flush_save``). The save with its two fsyncs took ~4 ms a key, up to ~18 ms on a
        busy disk, before the answer could be shown. Every other call first writes a save
        still pending, so nothing reads or replaces the file ahead of an answer.
        """
        s = self.session
        if not draw_first:
            self._flush_save(redraw=False)
        result: Any = FAILED
        try:
            s.defer_save = draw_first
            try:
                result = change()
            finally:
                s.defer_save = False
        except RecordError as exc:
            self._save_failed(exc)
        else:
            if not s.dirty:
                self.last_error = None
        self.refresh_view()
        if s.save_pending and not self._flush_scheduled:
            self._flush_scheduled = True
            self.call_after_refresh(self._flush_save)
        self._prepare_next()
        return result

    def _prepare_next(self) -> None:
        """After the frame (and the save), the panels prepare what the next answer will show:
        the item panel wraps the next value's text (a new item's method and evidence was ~2 ms
        of a key), and at a section's end the table draws the next section's cells."""
        if not self._prepare_scheduled:
            self._prepare_scheduled = True
            self.call_after_refresh(self._prepared)

    def _prepared(self) -> None:
        self._prepare_scheduled = False
        if self._gone():
            return  # closing: on_unmount has given the collector back its own
        self._collect_young()
        s = self.session
        following = s.next_position()
        if following is None:
            return
        self._detail.prepare_at(s, following)
        self._items.prepare(s, following)

    #: A ``_prepared`` is waiting for the next frame.
    _prepare_scheduled = False

    def _gone(self) -> bool:
        """Whether the screen is closed, or closing: the app removes a screen's widgets before
        the screen itself, and a callback that arrives in between (the previous exam found
        by its thread, work after a frame) has nothing left to draw on."""
        return not self.is_attached or not self._items.is_attached

    def _flush_save(self, redraw: bool = True) -> None:
        """Write the answer saved after its frame (see ``_do``), if it is still pending."""
        self._flush_scheduled = False
        s = self.session
        if not s.save_pending or self._gone():
            return  # closing: on_unmount writes what is pending (or a new file if it cannot)
        try:
            s.flush()
        except RecordError as exc:
            self._save_failed(exc)
        else:
            self.last_error = None
        if redraw:
            self.refresh_view()

    #: A ``_flush_save`` is waiting for the next frame.
    _flush_scheduled = False

    def _save_failed(self, exc: RecordError) -> None:
        self.last_error = str(exc)
        if isinstance(exc, RecordConflictError):
            what = "deleted" if "deleted" in str(exc) else "changed"
            self.say(
                f"Not saved: the file was {what} elsewhere. R reloads it and re-applies your "
                "changes · W saves them as a new record",
                "error",
            )
        else:
            self.say(f"Not saved: {exc}", "error")

    # -- actions (declared once in tui/commands.py) -------------------------------------------

    def _amending(self, change: Callable[[], None]) -> bool:
        """On a completed record, the first change asks who is amending (and why) first; the
        change is made once they have said. True: the change waits for the answer."""
        if self._amender_known:
            return False
        from exam_tui.tui.screens.amend import AmendDialog, Amender

        s = self.session
        app_examiner = getattr(self.app, "start_args", (None, None, None))[1]

        def done(who: Amender | None) -> None:
            if who is None:
                self.say("Nothing changed: the record stays as it was.")
                return
            s.user, s.amend_reason = who.name, who.reason or None
            self._amender_known = True
            self.say(f"Amending as {who.name}: every change is logged (A shows the log).")
            change()

        self.app.push_screen(AmendDialog(s.record.status, app_examiner or ""), done)
        return True

    def _would_change(self, key: str) -> bool:
        s = self.session
        if s.item.kind == "number":
            return key not in ("enter", "backspace") or bool(s.number_buffer)
        return key in answer_keys(s.item)

    def action_answer(self, key: str) -> None:
        s = self.session
        if self._would_change(key) and self._amending(lambda: self.action_answer(key)):
            return
        if s.item.kind == "number" and key == "enter":
            problem = self._do(s.commit_number, draw_first=True)
            if isinstance(problem, str):
                self.say(f"{s.item.label}: {problem}", "warning")
            return
        handled = self._do(lambda: s.answer(key), draw_first=True)
        if handled is False and key not in ("enter", "backspace"):
            self.say(f"'{key}' does not answer {s.item.kind.replace('_', '/')} items")

    def action_next_item(self) -> None:
        self._do(lambda: self.session.move_item(1))

    def action_previous_item(self) -> None:
        self._do(lambda: self.session.move_item(-1))

    def action_next_section(self) -> None:
        self._do(lambda: self.session.move_section(1))

    def action_previous_section(self) -> None:
        self._do(lambda: self.session.move_section(-1))

    def action_side(self, side: str) -> None:
        self._do(lambda: self.session.move_side(side))  # type: ignore[arg-type]

    def action_clear(self) -> None:
        s = self.session
        if (s.value is not None or s.number_buffer) and self._amending(self.action_clear):
            return
        self._do(s.clear)

    def action_undo(self) -> None:
        s = self.session
        if not s.can_undo:
            self.say("Nothing to undo.")
            return
        if self._amending(self.action_undo):
            return
        what = self._do(s.undo)
        if isinstance(what, str):
            self.say(f"Undone: {what} (ctrl+z again undoes the change before)")

    def _leave_cell(self) -> bool:
        """Commit a typed number before a command that leaves the cell (False: refused)."""
        ok = self._do(self.session.leave_cell)
        return ok is True

    def action_fill_normal(self) -> None:
        """N, as the section's role allows (see ExamSession.fill_normal_section)."""
        s = self.session
        # Who is amending a completed record is asked only when N would change something:
        # a typed number to commit, or values to fill (never in a history section).
        changes = bool(s.number_buffer) or bool(s.normal_fill().values)
        if (changes and self._amending(self.action_fill_normal)) or not self._leave_cell():
            return
        plan = s.normal_fill()
        title = plan.section.title
        if plan.role == "history":
            self._do(s.fill_normal_section)
            self.say(f"{title}: the patient's own account is never filled in; nothing recorded.")
            return
        if plan.needs_confirmation:
            shown = {i.id for i, _, _ in plan.values}
            left_out = [
                i.label
                for i in plan.section.items
                if i.id not in shown
                and i.normal is None
                and any(s.record.get(i.id, side) is None for side in s.shown_sides(i))
            ]

            def done(confirmed: bool | None) -> None:
                if confirmed:
                    filled = self._do(lambda: s.fill_normal_section(confirmed=True))
                    if isinstance(filled, int) and filled:
                        self.say(f"{title}: {filled} answers recorded (ctrl+z undoes them all)")

            from exam_tui.tui.screens.confirm_normal import ConfirmNormalDialog

            self.app.push_screen(ConfirmNormalDialog(title, plan.labels(), left_out), done)
            return
        filled = self._do(s.fill_normal_section)
        if isinstance(filled, int) and filled:
            self.say(f"{title}: {filled} values marked normal (ctrl+z undoes them all)")

    def action_note(self) -> None:
        if self._amending(self.action_note) or not self._leave_cell():
            return
        item = self.session.item

        def done(text: str | None) -> None:
            if text is not None:
                self._do(lambda: self.session.set_note(text, item.id))

        from exam_tui.tui.screens.note import NoteDialog

        self.app.push_screen(NoteDialog(item.label, self.session.note(item.id)), done)

    def action_next_unanswered(self) -> None:
        s = self.session
        if not self._do(s.goto_next_unanswered) and not s.number_buffer:
            self.say("Every shown item is answered.")

    def action_jump(self) -> None:
        if not self._leave_cell():
            return
        from exam_tui.tui.screens.jump import JumpDialog

        s = self.session
        choices = [
            (item.id, f"{item.label}  ·  {section.title}")
            for n, section in enumerate(s.sections)
            for item in s.shown_items(n)
        ]

        def done(item_id: str | None) -> None:
            if item_id is not None:
                self._do(lambda: s.goto(item_id))

        self.app.push_screen(JumpDialog(choices), done)

    def action_amendments(self) -> None:
        from exam_tui.tui.screens.amend import AmendmentLog

        self.app.push_screen(AmendmentLog(self.session))

    def action_reload(self) -> None:
        self._flush_save(redraw=False)  # R re-applies this window's changes: all of them
        s = self.session
        if s.path is None:
            self.say("Nothing saved yet: there is no file to reload.")
            return
        try:
            clashes = s.reload_and_reapply()
        except RecordConflictError:
            # Changed again between the reading and the writing: the next R tries again.
            self.last_error = "changed elsewhere"
            self.say("Changed again while reloading: press R once more, or W.", "error")
        except RecordError as exc:
            self.say(f"Cannot reload ({exc}). W saves your record as a new file.", "error")
        else:
            self.last_error = None
            if clashes:
                from exam_tui.tui.screens.amend import ClashList

                self.app.push_screen(ClashList(clashes))
                self.say(
                    f"Reloaded; {len(clashes)} of your changes clash and kept the file's value.",
                    "warning",
                )
            else:
                self.say("Reloaded from the file, and your changes re-applied and saved.")
        self.refresh_view()

    def action_save_new(self) -> None:
        self._flush_save(redraw=False)
        s = self.session
        if not s.dirty:
            self.say("Everything is saved: nothing to save as a new record.")
            return
        path = self._do(s.save_as_new)
        if isinstance(path, Path):
            self.say(f"Saved as a new record: {path.name}")

    def action_complete(self) -> None:
        if not self._leave_cell():
            return
        s = self.session
        titles = {sec.id: sec.title for sec in s.sections}
        already = s.record.status if s.record.status != "draft" else None

        def done(ok: bool | str | None) -> None:
            if ok == "next":  # the first one of the exam: the list named them in that order
                self._do(s.goto_first_unanswered)
            elif ok:
                self._do(s.complete)
                if not s.dirty:
                    self.say(f"Exam {s.record.status}: {s.path}")

        from exam_tui.tui.screens.complete import CompleteDialog, unanswered_text

        self.app.push_screen(CompleteDialog(unanswered_text(titles, s.unanswered()), already), done)

    def _prior_pending(self) -> bool:
        """Whether a flag may still appear once the previous exam is found (a progression
        rule): until then the panel must not say that nothing is indicated."""
        s = self.session
        return not s.prior_checked and s.checklist.compares_with_prior

    def action_summary(self) -> None:
        if not self._leave_cell():
            return
        if self._prior_pending():
            # The summary is pasted into the notes: it waits for the previous exam (a read of
            # the folder's index, ~0.2 s at 10,000 records) rather than leave a flag out.
            self._prior_found(self.session.find_prior())
        from exam_tui.tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.session))

    def action_compare(self) -> None:
        s = self.session
        if s.prior is None:
            why = "still looking for one" if not s.prior_checked else "nothing to compare with"
            self.say(f"No earlier exam of {s.record.patient.id} ({why}).")
            return
        from exam_tui.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(s))

    def action_help(self) -> None:
        from exam_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        if not self._leave_cell():  # a typed number is recorded, not dropped
            return
        s = self.session
        if s.dirty:
            if self.app.screen is self and getattr(self, "_quit_warned", False):
                # Quitting anyway: what this window holds goes to a new record rather than
                # being thrown away (a failed save here leaves nothing more to try).
                try:
                    path = s.save_as_new()
                except RecordError as exc:
                    self.app.exit(message=f"exam-tui: not saved, lost on quitting: {exc}")
                else:
                    self.app.exit(message=f"exam-tui: your unsaved changes are in {path}")
                return
            self.say(
                "Not saved! R reloads and re-applies your changes · W saves them as a new "
                "record · q again saves them as a new record and quits",
                "error",
            )
            self._quit_warned = True
            return
        self.app.exit()
