"""The compare screen: what changed since the patient's previous exam (compare.format_text)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from exam_tui import compare
from exam_tui.session import ExamSession
from exam_tui.textclean import clean, clean_lines


def compare_text(session: ExamSession) -> str:
    """The comparison with the previous exam, as ``exam-tui compare OLD NEW`` prints it."""
    result = session.comparison()
    if result is None:
        none = f"No earlier exam of patient {session.record.patient.id} in {session.records_dir}."
        return clean(none) + "\n"
    return clean_lines(compare.format_text(result))


class CompareScreen(Screen[None]):
    """Read-only; the comparison is taken when the screen opens (press c again to refresh)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,c,q", "close", "back")]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="compare-scroll"):
            yield Static(compare_text(self.session), id="compare", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
