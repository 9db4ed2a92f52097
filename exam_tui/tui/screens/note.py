"""The note editor: one line of free text on an item. Enter saves, escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from exam_tui.textclean import clean


class NoteDialog(ModalScreen[str | None]):
    """Dismisses with the new note text ("" removes the note), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, item_label: str, note: str = "") -> None:
        super().__init__()
        # Shown in an editable field: a note with an escape sequence is shown (and, if saved
        # from here, kept) cleaned.
        self.item_label, self.note = item_label, clean(note)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Note on {self.item_label}", classes="title")
            yield Input(self.note, placeholder="free text", id="note", compact=True)
            yield Static("enter save (empty removes the note) · esc cancel", classes="hint")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
