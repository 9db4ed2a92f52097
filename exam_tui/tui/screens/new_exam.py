"""The new-exam dialog: patient id, examiner and affected side. Enter confirms, escape cancels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from exam_tui.tui.screens.dialog import Dialog
from exam_tui.tui.widgets.checklist_select import ChecklistSelect
from exam_tui.tui.widgets.side_select import SideSelect

#: Returned (instead of a NewExam) when the user asks for the record picker.
OPEN_RECORD = "open"


class FieldInput(Input):
    """An Input that hands a paste with tabs or line breaks to its dialog (a plain Input keeps
    the first line, and tabs in it)."""

    class BurstPasted(Message):
        """Text with tabs or line breaks was pasted into the field ``field_id``."""

        def __init__(self, field_id: str, text: str) -> None:
            self.field_id, self.text = field_id, text
            super().__init__()

    def _on_paste(self, event: events.Paste) -> None:
        if re.search(r"[\t\r\n]", event.text) and self.id is not None:
            event.stop()
            event.prevent_default()
            # prevent_default: Input's own handler (Textual calls each class's) is skipped.
            self.post_message(self.BurstPasted(self.id, event.text))


@dataclass(frozen=True)
class NewExam:
    patient: str
    examiner: str
    side: str
    #: The bundled checklist chosen (None: the app's checklist).
    checklist_id: str | None = None


class NewExamDialog(Dialog[NewExam | str | None]):
    """Asks what is missing for a new exam. Dismisses with a NewExam, OPEN_RECORD, or None."""

    DEFAULT_CSS = """
    NewExamDialog Input { margin: 0 0 1 0; }
    NewExamDialog SideSelect { margin: 0 0 1 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        # Priority bindings run when the key arrives, before the keys after it are handed to
        # the focused field: a burst "MRN-7<Tab>Dr Name<Tab>l<Enter>" (a scanner, fast
        # typing) puts each part into the field it was typed for. Without this, every key
        # of the burst was queued to the patient field before its Tab moved the focus.
        Binding("tab", "focus_field(1)", "next field", show=False, priority=True),
        Binding("shift+tab", "focus_field(-1)", "previous field", show=False, priority=True),
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
            yield FieldInput(
                self._patient,
                placeholder="patient identifier",
                id="patient",
                max_length=200,
                compact=True,
            )
            yield Label("Examiner (your name)")
            yield FieldInput(
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

    FIELDS = ("patient", "examiner", "side")

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields in tab order: the exam choice last, when there is one."""
        return (*self.FIELDS, "exam") if len(self.checklists) > 1 else self.FIELDS

    def action_focus_field(self, delta: int) -> None:
        fields = self.fields
        focused = self.focused.id if self.focused is not None else None
        n = fields.index(focused) if focused in fields else -delta
        # Screen.set_focus at once: Widget.focus() waits its turn in the app's queue, behind
        # the rest of the burst.
        self.set_focus(self.query_one(f"#{fields[(n + delta) % len(fields)]}"))

    @on(FieldInput.BurstPasted)
    def _burst_pasted(self, event: FieldInput.BurstPasted) -> None:
        """A paste with tabs or line breaks: each part into the next field, from the one it
        was pasted into; a final line break confirms, as it would when typed."""
        parts = re.split(r"\t|\r\n|\r|\n", event.text)
        fields = self.fields
        n = fields.index(event.field_id)
        for part in parts[: len(fields) - n]:
            field = fields[n]
            if field == "exam":
                if part.strip().isdigit():
                    self.query_one(ChecklistSelect).action_choose(int(part.strip()) - 1)
            elif field == "side":
                side = {"l": "left", "r": "right", "b": "both"}.get(part.strip()[:1].lower())
                if side is not None:
                    self.query_one(SideSelect).value = side
            else:
                self.query_one(f"#{field}", Input).insert_text_at_cursor(part)
            n += 1
        self.query_one(f"#{fields[min(n, len(fields)) - 1]}").focus()
        if re.search(r"[\r\n]\s*$", event.text):
            self.action_confirm()

    def action_confirm(self) -> None:
        """Confirm once every field has handled the keys typed before the enter: in a burst
        they may still wait in a field's queue (each widget handles its keys in turn), so the
        check runs after each field's queue, in field order."""
        patient = self.query_one("#patient", Input)
        examiner = self.query_one("#examiner", Input)
        patient.call_later(examiner.call_later, self._confirm_now)

    def _confirm_now(self) -> None:
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
