"""The widget's own Rich style, worked out once per frame instead of once per line.

Textual's ``rich_style`` walks every ancestor's styles and blends their colours each time it
is read (it is not cached). A Line API widget that reads it for every line it draws paid that
walk ~10 times a frame per panel: ~1.5 ms of every answer key at 80×24.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class FrameStyled(_Base):
    """Mixin for a Line API widget: ``base_style`` and ``frame_size`` are ``rich_style`` and
    ``size`` read once per ``render_lines`` (one frame's drawing of the widget), and read afresh
    outside it.

    Each is read only when a line is drawn: the compositor asks every panel the frame's
    region crosses for its lines, and a panel with no line to redraw (the flags after most
    answers) gives the ones Textual kept without drawing any; reading ``rich_style`` up front
    for it was ~0.1 ms a panel, five a key."""

    _in_frame = False
    _frame_style: Style | None = None
    _frame_size: Size | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._in_frame = True
        try:
            return super().render_lines(crop)
        finally:
            self._in_frame = False
            self._frame_style = self._frame_size = None

    @property
    def base_style(self) -> Style:
        style = self._frame_style
        if style is None:
            style = self.rich_style
            if self._in_frame:
                self._frame_style = style
        return style

    @property
    def frame_size(self) -> Size:
        """``size`` (the content area, worked out from the region and the gutter each time)."""
        size = self._frame_size
        if size is None:
            size = self.size
            if self._in_frame:
                self._frame_size = size
        return size
