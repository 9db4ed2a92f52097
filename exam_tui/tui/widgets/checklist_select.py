"""A one-line choice of the exam (bundled checklist) for a new exam: arrows or digits 1–9."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widget import Widget


class ChecklistSelect(Widget, can_focus=True):
    """Which exam to start. ← → move the choice; 1–9 choose directly."""

    DEFAULT_CSS = """
    ChecklistSelect { height: auto; width: 1fr; padding: 0 1; background: $surface; }
    ChecklistSelect:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,up", "move(-1)", "previous", show=False),
        Binding("right,down", "move(1)", "next", show=False),
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, 10)),
    ]

    index: reactive[int] = reactive(0)
    """The position of the chosen exam in ``choices``."""

    def __init__(self, choices: list[tuple[str, str]], value: str | None = None, **kw: str) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        #: (checklist id, title) pairs, in the order shown.
        self.choices = choices
        ids = [c[0] for c in choices]
        self.set_reactive(ChecklistSelect.index, ids.index(value) if value in ids else 0)

    @property
    def value(self) -> str:
        return self.choices[self.index][0]

    def render(self) -> Text:
        text = Text()
        for n, (_cid, title) in enumerate(self.choices):
            on = n == self.index
            if n:
                text.append("\n")
            text.append(f"{'(●)' if on else '( )'} {n + 1} ", style="bold" if on else "")
            text.append(title, style="bold" if on else "")
        return text

    def action_move(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.choices)

    def action_choose(self, n: int) -> None:
        if 0 <= n < len(self.choices):
            self.index = n
