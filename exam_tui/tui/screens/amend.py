"""Amending a completed record: who amends and why (asked at the first change), the amendment
log, and the list of changes that clashed with another window's after a reload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from exam_tui.session import ExamSession
from exam_tui.textclean import clean
from exam_tui.timefmt import local_time_text
from exam_tui.tui.screens.dialog import Dialog


@dataclass(frozen=True)
class Amender:
    """Who amends the record, and why (may be empty)."""

    name: str
    reason: str


class AmendDialog(Dialog[Amender | None]):
    """Asked before the first change of a completed record. Enter goes on (from the name to
    the reason, then confirms); escape leaves the record unchanged."""

    DEFAULT_CSS = """
    AmendDialog Input { margin: 0 0 1 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, status: str, name: str = "") -> None:
        super().__init__()
        self.status, self.amender = status, name

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Amend this {self.status} exam?", classes="title")
            yield Label("Who is amending (your name: it goes into the amendment log)")
            yield Input(self.amender, placeholder="your name", id="amender", compact=True)
            yield Label("Why (optional)")
            yield Input(placeholder="e.g. wrong side recorded", id="reason", compact=True)
            yield Static("", id="problem", classes="problem")
            yield Static("enter amend · tab next field · esc leave unchanged", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#amender" if not self.amender else "#reason").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = self.query_one("#amender", Input).value.strip()
        if not name:
            self.query_one("#problem", Static).update("Enter your name.")
            self.query_one("#amender").focus()
            return
        if event.input.id == "amender" and not self.amender:
            self.amender = name
            self.query_one("#reason").focus()
            return
        self.dismiss(Amender(name, self.query_one("#reason", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def amendment_table(session: ExamSession) -> Table | Text:
    """Every amendment of the record: when (local time), by whom, what, from → to, why."""
    record = session.record
    if not record.amendments:
        return Text("No amendments: the record is as it was completed.")
    table = Table(box=None, padding=(0, 1), expand=True)
    for heading in ("when", "by", "what", "from → to", "why"):
        table.add_column(heading, overflow="fold")
    for a in record.amendments:
        item = session.checklist.items.get(a.item)
        what = (item.label if item is not None else a.item) + (f" {a.side}" if a.side else "")
        if a.field == "note":
            what += " (note)"
        old = "—" if a.old is None else str(a.old)
        new = "—" if a.new is None else str(a.new)
        row = (local_time_text(a.at), a.by, what, f"{old} → {new}", a.reason or "")
        table.add_row(*map(clean, row))  # a record file is text anyone could have edited
    return table


class AmendmentLog(Dialog[None]):
    """The record's amendment log, newest last."""

    DEFAULT_CSS = """
    AmendmentLog #dialog { width: 110; }
    AmendmentLog VerticalScroll { height: auto; max-height: 20; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,A", "close", "close")]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        n = len(self.session.record.amendments)
        with Vertical(id="dialog"):
            yield Static(f"Amendments ({n})", classes="title")
            with VerticalScroll():
                yield Static(amendment_table(self.session), id="amendment-log")
            yield Static("esc close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class ClashList(Dialog[None]):
    """After a reload: this window's changes that clashed with the file's (the file's value
    was kept), so that the clinician can look at each again."""

    DEFAULT_CSS = """
    ClashList VerticalScroll { height: auto; max-height: 20; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "close")]

    def __init__(self, clashes: list[str]) -> None:
        super().__init__()
        self.clashes = clashes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Changed in both windows: the file's value was kept", classes="title")
            with VerticalScroll():
                text = "\n".join(f"· {clean(c)}" for c in self.clashes)
                yield Static(Text(text), id="clashes")
            yield Static("enter/esc back to the exam (check these items)", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
