"""The note editor: free text on an item, several lines kept whole. ctrl+s saves, escape
cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from exam_tui.textclean import clean
from exam_tui.tui.screens.dialog import Dialog


class NoteDialog(Dialog[str | None]):
    """Dismisses with the new note text ("" removes the note), or None when cancelled.

    A multi-line editor: a one-line Input kept only the first line of a pasted paragraph,
    silently. Enter starts a new line; ctrl+s (or ctrl+enter where the terminal tells it
    apart) saves."""

    DEFAULT_CSS = """
    NoteDialog TextArea { height: auto; min-height: 3; max-height: 12; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", priority=True),
        Binding("ctrl+s,ctrl+enter", "save", "save", priority=True),
    ]

    def __init__(self, item_label: str, note: str = "") -> None:
        super().__init__()
        # Shown in an editable field: a note with an escape sequence is shown (and, if saved
        # from here, kept) cleaned.
        self.item_label, self.note = item_label, clean(note)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Note on {self.item_label}", classes="title")
            yield TextArea(self.note, id="note", soft_wrap=True, show_line_numbers=False)
            yield Static(
                "ctrl+s save (empty removes the note) · enter new line · esc cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
