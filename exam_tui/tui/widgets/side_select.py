"""A one-line choice of the affected side: left, right or both, chosen with arrows or l/r/b."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

SIDES = ("left", "right", "both")


class SideSelect(Widget, can_focus=True):
    """Affected side. Arrow keys move the choice; l, r or b choose directly."""

    DEFAULT_CSS = """
    SideSelect { height: 1; width: 1fr; padding: 0 1; background: $surface; }
    SideSelect:focus { background: $boost; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "previous", show=False),
        Binding("right", "move(1)", "next", show=False),
        Binding("l", "choose('left')", "left", show=False),
        Binding("r", "choose('right')", "right", show=False),
        Binding("b", "choose('both')", "both", show=False),
    ]

    value: reactive[str | None] = reactive(None)
    """The chosen side, or None until one is chosen."""

    class Changed(Message):
        """The chosen side changed."""

        def __init__(self, value: str | None) -> None:
            self.value = value
            super().__init__()

    def __init__(self, value: str | None = None, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(SideSelect.value, value)

    def render(self) -> Text:
        text = Text()
        for side in SIDES:
            on = side == self.value
            text.append("(●) " if on else "( ) ", style="bold" if on else "")
            text.append(side[0], style="underline")
            text.append(side[1:] + "   ", style="bold" if on else "")
        return text

    def action_move(self, delta: int) -> None:
        n = SIDES.index(self.value) + delta if self.value else (0 if delta > 0 else 2)
        self.value = SIDES[n % len(SIDES)]

    def action_choose(self, side: str) -> None:
        self.value = side

    def watch_value(self, value: str | None) -> None:
        self.post_message(self.Changed(value))
