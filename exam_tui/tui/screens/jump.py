"""Jump to an item by typing part of its label: "/" then a few letters, then enter."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from exam_tui.tui.screens.dialog import Dialog

#: At most this many matches are listed (the dialog fits a 20-line terminal).
MAX_MATCHES = 8


class JumpDialog(Dialog[str | None]):
    """Dismisses with the chosen item id, or None. Choices: (item id, text to match and show).
    Enter takes the highlighted match (the first one unless ↑ ↓ moved)."""

    DEFAULT_CSS = """
    JumpDialog OptionList { height: auto; max-height: 10; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("down", "move(1)", "next match", show=False, priority=True),
        Binding("up", "move(-1)", "previous match", show=False, priority=True),
    ]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Go to item", classes="title")
            yield Input(placeholder="part of its label", id="query", compact=True)
            yield OptionList(id="matches")
            yield Static("enter go · ↑ ↓ choose · esc cancel", classes="hint")

    def on_mount(self) -> None:
        self._show("")

    def matches(self, query: str) -> list[tuple[str, str]]:
        words = query.lower().split()
        return [(i, t) for i, t in self.choices if all(w in t.lower() for w in words)]

    def _show(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        found = self.matches(query)[:MAX_MATCHES]
        options.add_options([Option(text, id=item_id) for item_id, text in found])
        if found:
            options.highlighted = 0
        else:
            options.add_option(Option("no shown item matches", disabled=True))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            now = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, now + delta))

    @on(Input.Submitted)
    def _go(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id is not None:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
