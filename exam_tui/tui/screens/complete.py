"""The confirmation before marking an exam completed, listing what is still unanswered."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from exam_tui.checklist import Item
from exam_tui.record import Side
from exam_tui.tui.screens.dialog import Dialog


def unanswered_text(
    titles: dict[str, str], missing: list[tuple[str, list[tuple[Item, Side | None]]]]
) -> Text:
    text = Text()
    if not missing:
        text.append("Every applicable item is answered.")
        return text
    for n, (section_id, values) in enumerate(missing):
        if n:
            text.append("\n")
        # One entry per item, its missing sides together: "Tap test L+R".
        sides: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for item, side in values:
            labels[item.id] = item.label
            sides.setdefault(item.id, []).extend([side[0].upper()] if side else [])
        text.append(f"{titles.get(section_id, section_id)} ({len(values)}): ", style="bold")
        text.append(", ".join(f"{labels[i]} {'+'.join(s)}".rstrip() for i, s in sides.items()))
    return text


class CompleteDialog(Dialog[bool | str]):
    """Dismisses with True (mark completed), False (go back to the exam) or "next" (go to the
    first unanswered item)."""

    DEFAULT_CSS = """
    CompleteDialog #missing { height: auto; max-height: 14; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "back to the exam"),
        Binding("enter", "confirm", "mark completed"),
        Binding("g", "next_unanswered", "first unanswered"),
    ]

    def __init__(self, unanswered: Text, already: str | None = None) -> None:
        super().__init__()
        self.unanswered, self.already = unanswered, already

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = (
                "Mark this exam completed?"
                if not self.already
                else f"Save this {self.already} exam?"
            )
            yield Static(title, classes="title")
            yield Static("Still unanswered:", classes="label")
            with VerticalScroll(id="missing"):
                yield Static(self.unanswered)
            yield Static(
                "enter complete · g go to the first unanswered · esc back to the exam",
                classes="hint",
            )

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_next_unanswered(self) -> None:
        self.dismiss("next")
