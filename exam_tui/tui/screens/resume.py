"""The start-up offer to resume the newest unfinished exam: "Resume MRN-0042, started 09:30, …?"."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from exam_tui.tui.screens.dialog import Dialog

ResumeChoice = Literal["resume", "new", "pick"]


class ResumeDialog(Dialog[ResumeChoice | None]):
    """Dismisses with "resume", "new" (a new exam), "pick" (the list of records) or None
    (escape: back to the start screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "choose('resume')", "resume", priority=True),
        Binding("n", "choose('new')", "new exam"),
        Binding("o", "choose('pick')", "other records"),
        Binding("escape", "cancel", "start screen", show=False),
    ]

    def __init__(
        self, question: str, others: int = 0, *, pick: Callable[[], None] | None = None
    ) -> None:
        """``pick``: called for "o" instead of closing with "pick" (it opens the list of
        records over this dialog, which the caller then closes)."""
        super().__init__()
        self.question = question
        self.others = others
        self.pick = pick

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Unfinished exam", classes="title")
            yield Static(self.question, id="resume-question")
            if self.others:
                more = "exam" if self.others == 1 else "exams"
                others = f"{self.others} other unfinished {more}: o lists them."
                yield Static(others, classes="label")
            yield Static("enter/y resume · n new exam · o other records · esc back", classes="hint")

    def action_choose(self, choice: ResumeChoice) -> None:
        if choice == "pick" and self.pick is not None:
            self.pick()
        else:
            self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
