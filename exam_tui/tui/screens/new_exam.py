"""The new-exam dialog: patient id, examiner and affected side. Enter confirms, escape cancels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from exam_tui.tui.widgets import SideSelect
from exam_tui.tui.widgets.checklist_select import ChecklistSelect

#: Returned (instead of a NewExam) when the user asks for the record picker.
OPEN_RECORD = "open"


@dataclass(frozen=True)
class NewExam:
    patient: str
    examiner: str
    side: str
    #: The bundled checklist chosen (None: the app's checklist).
    checklist_id: str | None = None


class NewExamDialog(ModalScreen[NewExam | str | None]):
    """Asks what is missing for a new exam. Dismisses with a NewExam, OPEN_RECORD, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        # Not a priority binding: in an Input, enter arrives as Input.Submitted *after* the
        # characters typed before it, so a burst (a barcode scanner sending "MRN123\r") is
        # confirmed with the whole id, not before the field has received it.
        Binding("enter", "confirm", "start exam"),
        Binding("ctrl+o", "open_record", "open a record", show=False),
    ]

    def __init__(
        self,
        patient: str | None = None,
        examiner: str | None = None,
        side: str | None = None,
        *,
        allow_open: bool = True,
        checklists: list[tuple[str, str]] | None = None,
        checklist_id: str | None = None,
    ) -> None:
        super().__init__()
        self._patient, self._examiner, self._side = patient or "", examiner or "", side
        self.allow_open = allow_open
        #: (id, title) of each bundled exam; a choice is shown when there is more than one.
        self.checklists = checklists or []
        self._checklist_id = checklist_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("New exam", classes="title")
            yield Label("Patient id (e.g. MRN)")
            yield Input(
                self._patient,
                placeholder="patient identifier",
                id="patient",
                max_length=200,
                compact=True,
            )
            yield Label("Examiner (your name)")
            yield Input(
                self._examiner, placeholder="your name", id="examiner", max_length=200, compact=True
            )
            yield Label("Affected side  (← → or l r b)")
            yield SideSelect(self._side, id="side")
            if len(self.checklists) > 1:
                # After the side, so a scanner or a fast typist's patient-tab-examiner-tab-side
                # burst lands where it did before a second exam was bundled.
                yield Label("Exam  (← → or 1–9)")
                yield ChecklistSelect(self.checklists, self._checklist_id, id="exam")
            yield Static("", id="problem", classes="problem")
            hint = "enter start · tab next field · esc cancel"
            if self.allow_open:
                hint += " · ctrl+o open a saved record"
            yield Static(hint, classes="hint")

    def on_mount(self) -> None:
        for widget_id, filled in (("patient", self._patient), ("examiner", self._examiner)):
            if not filled:
                self.query_one(f"#{widget_id}").focus()
                return
        self.query_one("#side" if not self._side else "#patient").focus()

    def _missing(self) -> tuple[str, str] | None:
        if not self.query_one("#patient", Input).value.strip():
            return "patient", "Enter the patient id."
        if not self.query_one("#examiner", Input).value.strip():
            return "examiner", "Enter your name (it goes into the record and its amendment log)."
        if self.query_one(SideSelect).value is None:
            return "side", "Choose the affected side: l left, r right, b both."
        return None

    def action_confirm(self) -> None:
        missing = self._missing()
        if missing is not None:
            widget_id, message = missing
            self.query_one("#problem", Static).update(message)
            self.query_one(f"#{widget_id}").focus()
            return
        side = self.query_one(SideSelect).value
        assert side is not None
        chosen = self.query(ChecklistSelect)
        self.dismiss(
            NewExam(
                self.query_one("#patient", Input).value.strip(),
                self.query_one("#examiner", Input).value.strip(),
                side,
                chosen.first().value if chosen else None,
            )
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_confirm()

    @on(SideSelect.Changed)
    def _side_chosen(self) -> None:
        self.query_one("#problem", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_open_record(self) -> None:
        if self.allow_open:
            self.dismiss(OPEN_RECORD)
