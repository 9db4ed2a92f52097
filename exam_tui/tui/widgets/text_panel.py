"""A panel of Rich text that keeps its size whatever the text: the text is wrapped to the
panel's width and scrolls inside it (a Line API widget).

A Static of ``height: auto`` in a scrolling container changes height with its text, and
Textual then lays the screen out twice (the second time because the widget's size changed);
a panel of fixed size whose text changes needs only a repaint.

The panel draws its own scrollbar (the same glyphs and colours as Textual's, at the same
place) instead of letting Textual show and hide one: showing or hiding Textual's scrollbar
lays the whole screen out, and the item panel's text overflows for about half the items at
80×24, so half the answer keys paid a layout (~10–20 ms) before their frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from exam_tui.tui.widgets.frame_style import FrameStyled
from exam_tui.tui.widgets.scrollbar import DrawnScrollbar

#: Continuation lines of a wrapped line are indented this much more than its first line.
HANGING_INDENT = 2
#: Wrapped lines a panel keeps (a whole checklist's item texts at two widths fit).
LINE_CACHE_SIZE = 4096


def hanging_wrap(text: Text, console: Console, width: int) -> list[Text]:
    """``text`` wrapped to ``width``, each line's continuation lines indented under it (a
    flag's action stays under the flag, a note's second line under "Note:"), so that no
    value reads as if it had lost its label."""
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        fits = line.cell_len <= width
        if fits and "\t" not in line.plain and line.justify in (None, "default"):
            # What Rich's wrap gives for a line that fits (a copy of it), without its line
            # breaking and truncating: most lines of the panels fit, and wrapping them was
            # most of the first frame's panel work.
            out.append(line)
            continue
        indent = len(line.plain) - len(line.plain.lstrip(" ")) + HANGING_INDENT
        if fits or width <= indent + 10:
            out.extend(line.wrap(console, width))
            continue
        first = line.wrap(console, width)[0]
        out.append(first)
        rest = line[len(first.plain) :]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
        out.extend(Text(" " * indent) + cont for cont in rest.wrap(console, width - indent))
    return out


class TextPanel(DrawnScrollbar, FrameStyled, ScrollView):
    """Shows one Rich ``Text``, wrapped; a new text is shown from its top."""

    can_focus = False

    DEFAULT_CSS = """
    TextPanel { overflow-x: hidden; overflow-y: hidden; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = Text()
        #: The text wrapped to ``_wrapped_for`` (width, height of the panel), one strip a line.
        self._lines: list[Strip] = []
        self._wrapped_for: tuple[int, int] | None = None
        #: Lines wrapped and rendered before, by (text, spans, style, width), drawn in
        #: ``_cache_style`` (the panel's own style when they were rendered).
        self._cache: dict[tuple[object, ...], list[Strip]] = {}
        self._cache_style: Style | None = None

    @property
    def text(self) -> Text:
        """What the panel shows (before wrapping)."""
        return self._text

    def set_text(self, text: Text) -> None:
        """Show ``text`` from its top; an unchanged text is left alone (not even repainted)."""
        if text == self._text:
            return
        self._text = text
        old_lines, old_overflow, old_scroll = self._lines, self.overflows(), round(self.scroll_y)
        self._wrapped_for = None
        self._wrap()
        self.scroll_to(0, 0, animate=False, force=True)
        lines = self._lines
        overflows = self.overflows()
        if old_scroll or overflows != old_overflow or (overflows and len(lines) != len(old_lines)):
            self.refresh()  # the scrollbar's thumb changed: every line
            return
        # Only the lines that changed are repainted (a flag added or a count changed in the
        # flags panel is one or two lines of ten): lines from the cache are the same objects.
        # With more or fewer lines, every line from the first change down (they moved, or
        # the text no longer reaches them); the lines above it stay.
        width = self.size.width
        pairs = enumerate(zip(lines, old_lines, strict=False))  # the lines both texts have
        changed = (y for y, (new, was) in pairs if new is not was and new != was)
        if len(lines) != len(old_lines):
            first = next(changed, min(len(lines), len(old_lines)))
            self.refresh(Region(0, first, width, max(len(lines), len(old_lines)) - first))
            return
        for y in changed:
            self.refresh(Region(0, y, width, 1))

    def on_resize(self) -> None:
        self._wrap()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """A panel as high as its text (``height: auto``, the flags above the table on a small
        terminal) is laid out as high as its text wrapped to ``width``, worked out here: the
        virtual size it had then came from the last wrap, none before the first frame, which
        drew the panel empty and laid the screen out again. The lines go to the cache."""
        if width <= 0:
            return 0
        lines = self._text.split("\n", allow_blank=True)
        return len(self._wrapped(lines, width, self.rich_style))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_for = None  # the colours may have changed
        self.forget_scrollbar()
        self._cache.clear()

    def _wrap(self) -> None:
        width, height = self.size
        if width <= 0 or self._wrapped_for == (width, height):
            return
        strips = self._fitted(self._text, width, height)
        self._lines = strips
        self._wrapped_for = width, height
        old_height = self.virtual_size.height
        # The panel's own size is fixed: a new virtual size needs no screen layout (it sets
        # how far the text scrolls). Only a panel as high as its text (height: auto, the
        # flags above the table on a small terminal) needs one when its line count changes.
        self.set_reactive(TextPanel.virtual_size, Size(width, len(strips)))
        self.scroll_y = self.validate_scroll_y(self.scroll_y)
        auto_height = self.styles.height is not None and self.styles.height.is_auto
        if auto_height and len(strips) != old_height:
            self.refresh(layout=True)

    def _fitted(self, text: Text, width: int, height: int) -> list[Strip]:
        """``text`` wrapped to the panel's width, or, when it is longer than the panel, to the
        width left of the panel's scrollbar."""
        lines = text.split("\n", allow_blank=True)
        base = self.base_style
        strips = self._wrapped(lines, width, base)
        if len(strips) > height and width > self.bar_width:
            strips = self._wrapped(lines, width - self.bar_width, base)
        return strips

    def _wrapped(self, lines: Iterable[Text], width: int, base: Style) -> list[Strip]:
        """The lines wrapped to ``width`` and rendered, each line looked up in the panel's
        cache first: most of a new text is lines shown before (an item's method and evidence,
        an unchanged flag), and wrapping and rendering them was most of an answer key's work
        in the panel. ``base`` is the panel's own style (read once per text: Textual works it
        out afresh on each read)."""
        if base != self._cache_style:  # the colours changed
            self._cache.clear()
            self._cache_style = base
        cache, console = self._cache, self.app.console
        out: list[Strip] = []
        for line in lines:
            key = (line.plain, tuple(line.spans), line.style, width)
            strips = cache.get(key)
            if strips is None:
                if len(cache) >= LINE_CACHE_SIZE:
                    cache.clear()
                strips = cache[key] = [
                    Strip(list(part.render(console)), part.cell_len).apply_style(base)
                    for part in hanging_wrap(line, console, width)
                ]
            out.extend(strips)
        return out

    def prepare(self, text: Text) -> None:
        """Wrap ``text`` at the panel's size ahead of showing it (after a frame, for the text
        the next key is likely to show): ``set_text`` then finds its lines ready."""
        width, height = self.size
        if width > 0:
            self._fitted(text, width, height)

    def render_line(self, y: int) -> Strip:
        size = self.frame_size
        if self._wrapped_for != (size.width, size.height):
            self._wrap()
        width = size.width
        base = self.base_style
        n = y + round(self.scroll_y)
        bar = self.overflows()
        text_width = width - self.bar_width if bar else width
        if 0 <= n < len(self._lines):
            strip = self._lines[n].adjust_cell_length(text_width, base)
        else:
            strip = Strip.blank(text_width, base)
        if bar:
            strip = self.with_scrollbar(strip, y)
        return strip.adjust_cell_length(width, base)
