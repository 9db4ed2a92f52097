"""One line of Rich text, cut to the width with an ellipsis: the exam screen's status bar and
message line.

A Static turns its text into Textual content and lays it out again on every update and every
frame it is drawn in (~0.6 ms for the status bar, which changes on every answer: "saving…",
then "saved ✓"). This widget draws its line once per text, width and colours.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from exam_tui.textclean import clean
from exam_tui.tui.widgets.frame_style import FrameStyled


class TextLine(FrameStyled, Widget):
    """Shows one ``Text`` on one line; longer text ends in "…"."""

    DEFAULT_CSS = """
    TextLine { height: 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = Text()
        #: The line drawn, and the width and style it was drawn for.
        self._strip: Strip | None = None
        self._drawn_for: tuple[int, Style] | None = None

    @property
    def text(self) -> Text:
        """What the line shows."""
        return self._text

    def render(self) -> Text:
        """The text (as a Static's render gives it: what the tests and a screen reader read);
        the line is drawn by ``render_line``."""
        return self._text

    def update(self, text: Text) -> None:
        """Show ``text``; an unchanged text is not even repainted."""
        if text == self._text and text.style == self._text.style:
            return
        self._text = text
        self._strip = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None  # the colours may have changed

    def render_line(self, y: int) -> Strip:
        width, base = self.frame_size.width, self.base_style
        if y:
            return Strip.blank(width, base)
        if self._strip is None or self._drawn_for != (width, base):
            console = self.app.console
            line = self._text.copy()
            # Every record string is cleaned where it is put in; this is the second line of
            # defence a Static had (Textual drops control characters from its content).
            line.plain = clean(line.plain)  # one character for one: the styles stay in place
            line.truncate(width, overflow="ellipsis")
            segments = list(line.render(console))
            if not line.spans and line.style:  # Rich applies the text's own style with spans only
                segments = list(Segment.apply_style(segments, console.get_style(line.style)))
            # The rest of the line in the background colour alone, as Textual pads a Static.
            blank = Style(bgcolor=base.bgcolor)
            strip = Strip(segments, line.cell_len).apply_style(base)
            self._strip = strip.adjust_cell_length(width, blank)
            self._drawn_for = (width, base)
        return self._strip
