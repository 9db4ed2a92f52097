"""The help screen: every key of the exam screen, and the answer keys of each kind of finding."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from exam_tui.tui.commands import ANSWER_HELP, EXAM_COMMANDS
from exam_tui.tui.screens.dialog import Dialog


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
        "Amending",
        "a completed record asks once, at the first change, who is amending and why; every "
        "change (an undo too) is logged: A shows the log",
    )
    table.add_row(
        "Not saved?",
        "the file changed in another window or was deleted: R reloads it and re-applies your "
        "changes, W saves them as a new record",
    )
    table.add_row(
        "Follow-up",
        "beside a value, since the previous exam: ▼ worse  ▲ better  + new finding  "
        "− no longer present  ≠ changed (the item panel says it in words)",
    )
    return table


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen #dialog { width: 90; height: 100%; }
    HelpScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Keys", classes="title")
            with VerticalScroll():
                yield Static(help_table())
            yield Static("esc close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
