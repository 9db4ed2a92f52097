"""A vertical scrollbar a Line API widget draws in its own last columns.

Textual's scrollbar is a widget of its own: showing or hiding it lays the whole screen out,
and it is repainted (~1.5 ms at 80×24) each time the view scrolls, which the items table
did on most answer keys of a long section (the cursor row is kept in view). Drawn by the
widget, it is a few cells of the lines being drawn anyway. Same glyphs, colours and place
as Textual's (ScrollBarRender).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    from exam_tui.tui.widgets.frame_style import FrameStyled

    class _Base(FrameStyled, ScrollView): ...
else:
    _Base = object


class DrawnScrollbar(_Base):
    """Mixin for a FrameStyled ScrollView with ``overflow-y: hidden``: ``scrollbar_rows()``
    gives the bar's cells, one strip a row; the mouse wheel scrolls while the content
    overflows (``overflows()``)."""

    #: The bar's cells, one strip a row, for the scroll offset and content height drawn.
    _bar: tuple[tuple[int, int, int], list[Strip]] | None = None

    def overflows(self) -> bool:
        """Whether the content is higher than the widget (the bar is drawn)."""
        size = self.frame_size
        return self.virtual_size.height > size.height and size.width > self.bar_width

    @property
    def bar_width(self) -> int:
        return self.styles.scrollbar_size_vertical

    def forget_scrollbar(self) -> None:
        """Draw the bar afresh (new colours)."""
        self._bar = None

    def scrollbar_rows(self) -> list[Strip]:
        """The scrollbar's rows, as Textual's ScrollBar draws them (its colours and glyphs)."""
        offset, height = round(self.scroll_y), self.frame_size.height
        key = (offset, height, self.virtual_size.height)
        if self._bar is not None and self._bar[0] == key:
            return self._bar[1]
        styles = self.styles
        background, color = styles.scrollbar_background, styles.scrollbar_color
        if background.a < 1:
            background = self.background_colors[0] + background
        color = background + color
        thickness = self.bar_width
        bar = ScrollBarRender.render_bar(
            size=height,
            virtual_size=self.virtual_size.height,
            window_size=height,
            position=offset,
            thickness=thickness,
            vertical=True,
            back_color=background.rich_color,
            bar_color=color.rich_color,
        )
        base = self.base_style
        rows = [Strip([seg], thickness).apply_style(base) for seg in bar.segments if seg.text]
        self._bar = key, rows
        return rows

    def with_scrollbar(self, strip: Strip, y: int) -> Strip:
        """A content line of ``y`` (cut to the width left of the bar) with the bar's cell."""
        bar = self.scrollbar_rows()
        if 0 <= y < len(bar):
            return Strip.join([strip, bar[y]])
        return strip

    # -- the mouse wheel scrolls (Textual's own handling needs its scrollbar) ---------------

    def _scroll_by(self, lines: int) -> None:
        if self.overflows():
            self.scroll_to(y=self.scroll_y + lines, animate=False, force=True)
            self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.overflows():
            event.stop()
            self._scroll_by(1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.overflows():
            event.stop()
            self._scroll_by(-1)
