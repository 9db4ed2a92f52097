"""The help screen: every key of the exam screen, and the answer keys of each kind of finding."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from exam_tui.tui.commands import ANSWER_HELP, EXAM_COMMANDS


def help_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for c in EXAM_COMMANDS:
        table.add_row(c.display, c.help)
    table.add_row("ctrl+p", "Command palette (every command, and the light/dark theme)")
    table.add_row("", "")
    table.add_row(
        "Answers", "one key records the value and moves on: left side, right side, next item"
    )
    for kind, keys in ANSWER_HELP:
        table.add_row(kind.replace("_", "/"), keys)
    table.add_row("", "")
    table.add_row(
        "Follow-up",
        "beside a value, since the previous exam: ▼ worse  ▲ better  + new finding  "
        "− no longer present  ≠ changed (the item panel says it in words)",
    )
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Keys", classes="title")
            with VerticalScroll():
                yield Static(help_table())
            yield Static("esc close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
