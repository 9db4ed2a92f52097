"""The list of sections with answered/total per section; the current one is marked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from exam_tui.session import ExamSession


class SectionList(Static):
    """Sections and their progress. Not focusable: `]` and `[` move between sections."""

    DEFAULT_CSS = """
    SectionList { height: auto; }
    """
    #: What is on screen. The list keeps its height (one line per section), so a change of
    #: counts needs no screen layout, only a repaint.
    _shown: Text | None = None

    def show(self, session: ExamSession) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, section in enumerate(session.sections):
            done, total = session.progress(n)
            current = n == session.cursor.section
            mark = "▶" if current else ("✓" if total and done == total else " ")
            style = "bold reverse" if current else ("dim" if total and done == total else "")
            if n:
                text.append("\n")
            text.append(f"{mark} {section.title}", style=style)
            text.append(f" {done}/{total}", style=style or "dim")
        answered, total = session.progress()
        text.append(f"\n  all {answered}/{total}", style="italic")
        if text != self._shown:
            same_height = self._shown is not None and len(self._shown.plain.split("\n")) == len(
                text.plain.split("\n")
            )
            self._shown = text
            self.update(text, layout=not same_height)
