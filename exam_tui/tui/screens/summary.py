"""The summary screen: the plain-text summary; keys copy it or write it beside the record."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from exam_tui import clipboard, rules
from exam_tui.session import ExamSession
from exam_tui.storage import atomic_write_bytes


def summary_text(session: ExamSession, width: int) -> str:
    """summary.render_summary when it is installed; the flags text otherwise. At a follow-up
    exam it has a "Since <date>" section, as ``exam-tui summary NEW --prior OLD``."""
    try:
        from exam_tui import summary
    except ImportError:  # the summary module is optional in this layer's contract
        return rules.format_text(session.evaluation)
    from exam_tui import compare

    result = session.comparison()
    return summary.render_summary(
        session.checklist,
        session.record,
        session.evaluation,
        width=width,
        prior=session.prior.record if session.prior is not None else None,
        changes=compare.change_lines(result) if result is not None else None,
    )


def brief_text(session: ExamSession, width: int) -> str:
    """The brief summary (at most 20 lines) for an EHR notes field."""
    from exam_tui import brief

    return brief.render_brief(session.checklist, session.record, session.evaluation, width=width)


class SummaryScreen(Screen[None]):
    DEFAULT_CSS = """
    SummaryScreen #summary-scroll { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "copy to clipboard"),
        Binding("w", "write", "write .txt"),
        Binding("b", "toggle_brief", "brief/full"),
        Binding("escape,s,q", "close", "back"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        self.text = ""
        #: Showing (and copying, writing) the brief summary rather than the full one.
        self.brief = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary-scroll"):
            yield Static(id="summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#summary-scroll").focus()

    def _show(self) -> None:
        if self.brief:
            self.text = brief_text(self.session, 80)  # the EHR field's width, not the screen's
        else:
            self.text = summary_text(self.session, max(40, min(100, self.app.size.width - 4)))
        self.query_one("#summary", Static).update(self.text)

    def action_toggle_brief(self) -> None:
        self.brief = not self.brief
        self._show()
        self.notify("Brief summary (at most 20 lines)" if self.brief else "Full summary")

    def action_copy(self) -> None:
        # Both ways, as no program can tell whether the terminal honoured OSC 52: the terminal
        # (works over SSH) and the local clipboard tool (works where the terminal ignores it).
        self.app.copy_to_clipboard(self.text)
        tool = clipboard.find_tool()
        if tool is None:
            self.notify(
                "Summary sent to the terminal's clipboard (OSC 52; some terminals ignore it). "
                "No clipboard tool found (pbcopy, wl-copy, xclip, xsel, clip.exe)."
            )
            return
        name = clipboard.tool_name(tool)
        problem = clipboard.copy_with(tool, self.text)
        if problem is None:
            self.notify(f"Summary copied to the clipboard with {name} (and OSC 52).")
        else:
            self.notify(
                f"{name} failed ({problem}): summary sent by OSC 52 only, if the terminal allows.",
                severity="warning",
            )

    def txt_path(self) -> Path | None:
        if self.session.path is None:
            return None
        path = self.session.path
        return path.with_name(path.stem + "-brief.txt") if self.brief else path.with_suffix(".txt")

    def action_write(self) -> None:
        path = self.txt_path()
        if path is None:
            self.notify("Nothing is saved yet: answer an item first.", severity="warning")
            return
        try:
            atomic_write_bytes(path, self.text.encode("utf-8"))
        except OSError as exc:
            self.notify(
                f"{path}: could not write ({exc.strerror or exc})",
                title="Not written",
                severity="error",
            )
            return
        self.notify(f"Written to {path}")

    def action_close(self) -> None:
        self.dismiss(None)
