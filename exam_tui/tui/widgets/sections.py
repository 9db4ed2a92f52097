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
        self.update(text)
