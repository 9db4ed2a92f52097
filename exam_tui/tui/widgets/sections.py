"""The list of sections with answered/total per section; the current one is marked."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from exam_tui.session import ExamSession
from exam_tui.tui.widgets.frame_style import FrameStyled


class SectionList(FrameStyled, Widget):
    """Sections and their progress. Not focusable: `]` and `[` move between sections.

    A Line API widget: one line per section and one for the whole exam, each rendered once and
    kept until its text changes. An answer changes one or two lines (its section's count and
    the total); as a Static the list was rendered whole again (~2–5 ms a key at 80×24).
    """

    DEFAULT_CSS = """
    SectionList { height: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: What is on screen, one Text a line, and each line rendered (None: to be rendered).
        self._rows: list[Text] = []
        self._strips: list[Strip | None] = []
        #: What the rows were made from: the checklist, each section's progress, the
        #: cursor's section.
        self._drawn_for: object | None = None
        self._progress: tuple[tuple[int, int], ...] = ()
        self._current = -1

    def show(self, session: ExamSession) -> None:
        progress, current = session.section_progress(), session.cursor.section
        same_checklist = self._drawn_for is session.checklist
        if same_checklist and progress == self._progress and current == self._current:
            return  # a key that changes no count and stays in its section
        old_progress = self._progress if same_checklist else ()
        old_current = self._current
        self._drawn_for, self._progress, self._current = session.checklist, progress, current
        rows: list[Text] = []
        answered = applicable = 0
        for n, section in enumerate(session.sections):
            done, total = progress[n]
            # The whole exam's count is the sum of the sections' (record.progress): not
            # counted a second time.
            answered, applicable = answered + done, applicable + total
            here = n == current
            if (
                n < len(old_progress)
                and n < len(self._rows)
                and old_progress[n] == (done, total)
                and (n == old_current) == here
            ):
                rows.append(self._rows[n])  # unchanged: an answer changes one section's row
                continue
            mark = "▶" if here else ("✓" if total and done == total else " ")
            style = "bold reverse" if here else ("dim" if total and done == total else "")
            row = Text(no_wrap=True, overflow="ellipsis", end="")
            row.append(f"{mark} {section.title}", style=style)
            row.append(f" {done}/{total}", style=style or "dim")
            rows.append(row)
        # A span, not the Text's own style: Text.render leaves a span-less Text unstyled.
        rows.append(Text(end="").append(f"  all {answered}/{applicable}", style="italic"))
        if rows == self._rows:
            return
        old = self._rows
        self._rows = rows
        if len(rows) != len(old):
            self._strips = [None] * len(rows)
            self.refresh(layout=True)  # one line per section: another height
            return
        for n, (new, was) in enumerate(zip(rows, old, strict=True)):
            if new is not was and new != was:
                self._strips[n] = None
                self.refresh(Region(0, n, self.size.width, 1))

    @property
    def text(self) -> str:
        """The list as plain text (for tests and screen readers' logs)."""
        return "\n".join(row.plain for row in self._rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = [None] * len(self._rows)  # the theme (colours) may have changed

    def on_resize(self) -> None:
        self._strips = [None] * len(self._rows)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        if not 0 <= y < len(self._rows):
            return Strip.blank(width, base)
        strip = self._strips[y]
        if strip is None or strip.cell_length != width:
            row = self._rows[y].copy()
            row.truncate(width, overflow="ellipsis")
            segments = list(row.render(self.app.console))
            strip = Strip(segments, row.cell_len).apply_style(base)
            strip = strip.adjust_cell_length(width, base)
            self._strips[y] = strip
        return strip
