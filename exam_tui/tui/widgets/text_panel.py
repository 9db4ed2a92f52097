"""A panel of Rich text that keeps its size whatever the text: the text is wrapped to the
panel's width and scrolls inside it (a Line API widget).

A Static of ``height: auto`` in a scrolling container changes height with its text, and
Textual then lays the screen out twice (the second time because the widget's size changed);
a panel of fixed size whose text changes needs at most one layout (when the number of wrapped
lines changes, for the scrollbar), often only a repaint.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: Continuation lines of a wrapped line are indented this much more than its first line.
HANGING_INDENT = 2


def hanging_wrap(text: Text, console: Console, width: int) -> list[Text]:
    """``text`` wrapped to ``width``, each line's continuation lines indented under it (a
    flag's action stays under the flag, a note's second line under "Note:"), so that no
    value reads as if it had lost its label."""
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        indent = len(line.plain) - len(line.plain.lstrip(" ")) + HANGING_INDENT
        if line.cell_len <= width or width <= indent + 10:
            out.extend(line.wrap(console, width))
            continue
        first = line.wrap(console, width)[0]
        out.append(first)
        rest = line[len(first.plain) :]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
        out.extend(Text(" " * indent) + cont for cont in rest.wrap(console, width - indent))
    return out


class TextPanel(ScrollView):
    """Shows one Rich ``Text``, wrapped; a new text is shown from its top."""

    can_focus = False

    DEFAULT_CSS = """
    TextPanel { overflow-x: hidden; overflow-y: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = Text()
        #: The text wrapped to ``_wrapped_for`` (width, height of the panel), one strip a line.
        self._lines: list[Strip] = []
        self._wrapped_for: tuple[int, int] | None = None

    @property
    def text(self) -> Text:
        """What the panel shows (before wrapping)."""
        return self._text

    def set_text(self, text: Text) -> None:
        """Show ``text`` from its top; an unchanged text is left alone (not even repainted)."""
        if text == self._text:
            return
        self._text = text
        self._wrapped_for = None
        self._wrap()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def on_resize(self) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_for = None  # the colours may have changed

    def _wrap(self) -> None:
        width, height = self.size
        if width <= 0 or self._wrapped_for == (width, height):
            return
        console = self.app.console
        lines = hanging_wrap(self._text, console, width)
        if len(lines) > height and width > self.styles.scrollbar_size_vertical:
            # The scrollbar will take its columns: wrap to what is left.
            width -= self.styles.scrollbar_size_vertical
            lines = hanging_wrap(self._text, console, width)
        base = self.rich_style
        self._lines = [
            Strip(list(line.render(console)), line.cell_len).apply_style(base) for line in lines
        ]
        self._wrapped_for = self.size.width, self.size.height
        size = Size(width, len(lines))
        if size != self.virtual_size:
            # The panel's own size is fixed, so a new virtual size needs no screen layout:
            # only the scrollbar is updated (shown or hidden now, which does ask for a layout,
            # rather than found out during a layout, which lays the screen out again).
            self.set_reactive(TextPanel.virtual_size, size)
            self._scroll_update(size)

    def render_line(self, y: int) -> Strip:
        if self._wrapped_for != (self.size.width, self.size.height):
            self._wrap()
        width = self.scrollable_content_region.width
        n = y + round(self.scroll_y)
        if 0 <= n < len(self._lines):
            return self._lines[n].adjust_cell_length(width, self.rich_style)
        return Strip.blank(width, self.rich_style)
