"""The exam screen: sections, the current section's items, the current item, and live flags."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from exam_tui.errors import RecordConflictError, RecordError
from exam_tui.session import ExamSession
from exam_tui.storage import LoadedRecord
from exam_tui.textclean import clean
from exam_tui.tui.commands import exam_bindings
from exam_tui.tui.widgets import FlagsPanel, ItemDetail, ItemTable, SectionList

# The dialogs and screens pushed from here are imported when first opened: none is needed to
# show the exam, and the compare screen alone pulls in exam_tui.compare (~35 ms at start-up).

SIDE_MARK = {"left": "L", "right": "R", "both": "L+R"}

#: What a session call returns to ``_do``'s caller when its save failed (the error is shown).
FAILED = object()


class ExamScreen(Screen[None]):
    """Draws an ExamSession; every key is a call on the session, then a redraw."""

    BINDINGS = exam_bindings()
    # Textual types these as ClassVar[...] | None on Screen, so no ClassVar annotation here.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # noqa: RUF012

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        #: The last save error shown to the user, until a save succeeds again.
        self.last_error: str | None = None
        #: The status bar on screen (redrawn only when it changes).
        self._bar: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status-bar")
        with Horizontal(id="body"):
            with Vertical(id="side-column"):
                yield SectionList(id="sections")
                yield FlagsPanel(id="flags")
            with Vertical(id="main-column"):
                yield ItemTable(id="items")
                yield ItemDetail(id="detail")
        yield Footer(compact=True)

    def on_resize(self) -> None:
        self.refresh_view()  # the breakpoint classes decide how much is shown

    def on_mount(self) -> None:
        self.query_one("#flags").border_title = "Flags"
        self.query_one("#detail").border_title = "Item"
        self.query_one("#sections").border_title = "Sections"
        self._show_prior()
        self.refresh_view()
        for warning in self.session.warnings:
            self.notify(clean(warning), title="Record", severity="warning", timeout=8)
        if not self.session.prior_checked:
            self._look_up_prior()
        # Everything loaded so far (Textual, the models, the checklist, this screen) lives as
        # long as the app: out of the collector's sight, a full collection during the exam
        # takes ~1 ms instead of ~50 ms (one in ~75 keys landed on one, and was that slow).
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        gc.unfreeze()  # collectable again when the exam closes (tests run many apps)

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
        try:
            self.session.set_prior(prior)
        except RecordError as exc:  # latest_prior keeps to the patient; this is a safeguard
            self.notify(str(exc), title="Previous exam not used", severity="error")
            return
        self._show_prior()
        self.refresh_view()

    def _show_prior(self) -> None:
        """The previous exam's date on the items table (its values are in the cells and the item
        panel). A first exam gets no title: nothing to say until there is something to compare."""
        s = self.session
        if s.prior is not None:
            self.query_one("#items").border_title = f"previous exam {s.prior_date} · c compare"

    # -- drawing ----------------------------------------------------------------------------

    def refresh_view(self) -> None:
        s = self.session
        bar = Text(no_wrap=True, overflow="ellipsis")
        # Record text is cleaned before it reaches the terminal (an id or examiner with an
        # escape sequence would otherwise retitle or recolour it): textclean.clean.
        bar.append(f" {clean(s.record.patient.id)}", style="bold")
        affected = SIDE_MARK[s.record.exam.affected_side]
        bar.append(f" · {clean(s.record.exam.examiner or '?')} · affected {affected} · ")
        status = s.record.status
        bar.append(
            status.upper() if status != "draft" else "draft",
            style="bold" if status != "draft" else "",
        )
        if s.dirty:
            bar.append(" · NOT SAVED", style="bold reverse")
            if self.last_error:
                bar.append(f" {self.last_error}", style="bold")
        elif s.path is not None:
            bar.append(" · saved ✓", style="dim")
            if self.has_class("-wide"):
                bar.append(f" {s.path.name}", style="dim")
        else:
            bar.append(" · nothing entered yet", style="dim")
        if bar != self._bar:
            self._bar = bar
            # One line high (app.tcss): a new text needs a repaint, not a screen layout.
            self.query_one("#status-bar", Static).update(bar, layout=False)
        self.query_one(SectionList).show(s)
        self.query_one(ItemTable).show(s)
        self.query_one(ItemDetail).show(s)  # a new text is shown from its top
        self.query_one(FlagsPanel).show(s.evaluation, reasons=self.has_class("-tall"))
        flags = s.evaluation.flags
        box = self.query_one(FlagsPanel)
        title = f"Flags ({len(flags)})" if flags else "Flags"
        if box.border_title != title:  # setting it repaints the box even when unchanged
            box.border_title = title
        box.set_class(any(f.urgency == "emergency" for f in flags), "-emergency")

    def _do(self, change: Callable[[], Any]) -> Any:
        """Run a session call; show a failed save instead of crashing. Always redraw."""
        result: Any = FAILED
        try:
            result = change()
        except RecordConflictError as exc:
            self.last_error = str(exc)
            self.notify(
                f"{exc}",
                title="Not saved: the file changed elsewhere",
                severity="error",
                timeout=15,
            )
        except RecordError as exc:
            self.last_error = str(exc)
            self.notify(f"{exc}", title="Not saved", severity="error", timeout=15)
        else:
            if not self.session.dirty:
                self.last_error = None
        self.refresh_view()
        return result

    # -- actions (declared once in tui/commands.py) -------------------------------------------

    def action_answer(self, key: str) -> None:
        s = self.session
        if s.item.kind == "number" and key == "enter":
            problem = self._do(s.commit_number)
            if isinstance(problem, str):
                self.notify(problem, title=s.item.label, severity="warning")
            return
        handled = self._do(lambda: s.answer(key))
        if handled is False and key not in ("enter", "backspace"):
            self.notify(f"'{key}' does not answer {s.item.kind.replace('_', '/')} items", timeout=3)

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
        self._do(self.session.clear)

    def action_fill_normal(self) -> None:
        """N, as the section's role allows (see ExamSession.fill_normal_section)."""
        s = self.session
        plan = s.normal_fill()
        title = plan.section.title
        if plan.role == "history":
            self._do(s.fill_normal_section)
            self.notify(
                f"{title}: the patient's own account is never filled in; nothing recorded.",
                timeout=4,
            )
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
                        self.notify(f"{title}: {filled} answers recorded", timeout=3)

            from exam_tui.tui.screens.confirm_normal import ConfirmNormalDialog

            self.app.push_screen(ConfirmNormalDialog(title, plan.labels(), left_out), done)
            return
        filled = self._do(s.fill_normal_section)
        if isinstance(filled, int) and filled:
            self.notify(f"{title}: {filled} values marked normal", timeout=3)

    def action_note(self) -> None:
        item = self.session.item

        def done(text: str | None) -> None:
            if text is not None:
                self._do(lambda: self.session.set_note(text, item.id))

        from exam_tui.tui.screens.note import NoteDialog

        self.app.push_screen(NoteDialog(item.label, self.session.note(item.id)), done)

    def action_complete(self) -> None:
        s = self.session
        titles = {sec.id: sec.title for sec in s.sections}
        already = s.record.status if s.record.status != "draft" else None

        def done(ok: bool | None) -> None:
            if ok:
                self._do(s.complete)
                if not s.dirty:
                    self.notify(clean(f"Exam {s.record.status}: {s.path}"), timeout=5)

        from exam_tui.tui.screens.complete import CompleteDialog, unanswered_text

        self.app.push_screen(CompleteDialog(unanswered_text(titles, s.unanswered()), already), done)

    def action_summary(self) -> None:
        from exam_tui.tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.session))

    def action_compare(self) -> None:
        s = self.session
        if s.prior is None:
            why = "still looking for one" if not s.prior_checked else "nothing to compare with"
            self.notify(clean(f"No earlier exam of {s.record.patient.id} ({why})."), timeout=4)
            return
        from exam_tui.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(s))

    def action_help(self) -> None:
        from exam_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        if self.session.dirty:
            self.notify(
                "The last change could not be saved (see above). "
                "Press q again to quit anyway (the change is lost).",
                severity="error",
            )
            if self.app.screen is self and getattr(self, "_quit_warned", False):
                self.app.exit()
            self._quit_warned = True
            return
        self.app.exit()
