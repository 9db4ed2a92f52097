"""Confirm N in a screening section: lists, by label, what will be recorded. Enter records it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from exam_tui.tui.screens.dialog import Dialog


class ConfirmNormalDialog(Dialog[bool]):
    """Dismisses True (record the listed answers) or False (record nothing)."""

    DEFAULT_CSS = """
    ConfirmNormalDialog VerticalScroll { height: auto; max-height: 70vh; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "confirm", "record these"),
        Binding("escape,n,q", "cancel", "cancel"),
    ]

    def __init__(self, section_title: str, lines: list[str], left_out: list[str]) -> None:
        super().__init__()
        self.section_title, self.lines, self.left_out = section_title, lines, left_out

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                f"{self.section_title}: record these answers?", classes="title", markup=False
            )
            with VerticalScroll():
                yield Static("\n".join(self.lines), markup=False, id="confirm-list")
                if self.left_out:
                    yield Static(
                        "Left unanswered (ask them): " + ", ".join(self.left_out),
                        markup=False,
                        classes="hint",
                    )
            yield Static("enter record these · esc cancel", classes="hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
