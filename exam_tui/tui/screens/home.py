"""The start screen under the dialogs: start a new exam, open a record, or quit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from exam_tui.tui.screens.dialog import text_classes

WELCOME = """\
exam-tui — structured clinical exams

A structured exam, one key per finding, saved after every key.
It supports your clinical judgement; it is not a diagnosis.

  n   start a new exam
  o   open a saved record (continue a draft, or amend)
  q   quit"""


class StartFooter(Footer):
    """The start screen's footer, not rebuilt while a dialog covers the screen: Textual rebuilds
    a footer whenever its screen's keys are refreshed, and pushing the resume offer did that
    while the clinician was already pressing its keys (~40 ms and a layout, with 10,000
    records listed at the same time). It is built once, and rebuilt when the start screen is on
    top again."""

    def __init__(self) -> None:
        super().__init__()
        self._built = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.app.screen or not self._built:
            # Built once Footer can (it waits for the app to have focus, and to be attached).
            self._built = self.app.app_focus and self.is_attached
            super().bindings_changed(screen)


class HomeScreen(Screen[None]):
    DEFAULT_CSS = """
    HomeScreen #welcome {
        width: 72; height: auto; margin-top: 2; padding: 1 2; border: round $primary;
    }
    """ + text_classes("HomeScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_exam", "new exam"),
        Binding("o", "app.open_record", "open record"),
        Binding("q,ctrl+q", "app.quit", "quit"),
    ]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="welcome"):
            yield Static(WELCOME, markup=False)
            records_dir = getattr(self.app, "records_dir", None)
            yield Static(
                f"Records folder: {records_dir}" if records_dir else "",
                id="records-dir",
                classes="hint",
            )
        yield StartFooter()
