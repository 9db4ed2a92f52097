"""The record picker's list: every matching record, one line each, drawn only where visible.

A Line API widget (``ScrollView.render_line``), as the exam screen's item table: a DataTable
measures and renders every cell of every row it holds, so the picker held only the newest 100
of 10,000 records, and still took ~330 ms to appear and ~250 ms to clear its filter
(benchmarks/bench_records.py). Here a row is formatted when it scrolls into view and kept
until it changes, so all of them are listed: opening the picker or narrowing the list costs
the ~40 lines on screen, whatever the folder holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from exam_tui.storage import RecordSummary


@dataclass(frozen=True)
class Column:
    """A column: its key (for ``get_cell``), header label, and the most cells it may take."""

    key: str
    label: str
    max_width: int


#: Cells between two columns, and before the first (DataTable's cell padding, one each side).
PAD = 1


class RecordList(ScrollView):
    """Rows of records under a fixed header line, with a row cursor the screen moves.

    ``cells(summary)`` gives a row's texts (already cleaned for the terminal); the screen calls
    :meth:`show` with the matching records and :meth:`refresh_rows` when a row's text changed
    (a flag count arrived). Not focusable: the filter box keeps the keyboard.
    """

    can_focus = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-list--header",
        "record-list--cursor",
        "record-list--even-row",
    }

    # The look of the DataTable it replaces (header, zebra stripes, an unfocused row cursor).
    DEFAULT_CSS = """
    RecordList {
        background: $surface;
        color: $foreground;
        overflow-x: auto;
        overflow-y: auto;
    }
    RecordList > .record-list--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    RecordList:ansi > .record-list--header {
        background: ansi_bright_blue;
        color: ansi_default;
    }
    RecordList > .record-list--even-row {
        background: $surface-lighten-1 50%;
    }
    RecordList:dark > .record-list--even-row {
        background: $surface-darken-1 40%;
    }
    RecordList > .record-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    """

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[RecordSummary], Sequence[str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self._cells = cells
        self.rows: Sequence[RecordSummary] = ()
        #: The highlighted row (an index into ``rows``).
        self.cursor_row = 0
        #: Each column's width in cells, from :meth:`fit`. Wider than the screen, the list
        #: scrolls sideways (as the DataTable it replaces did).
        self._widths = [len(c.label) for c in self.columns]
        #: Drawn rows by index, with their style (cleared when the rows, the widths or the theme
        #: change).
        self._lines: dict[int, tuple[Strip, Style]] = {}
        self._header: tuple[Strip, Style] | None = None

    # -- what the screen and the tests use ------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def fit(self, widest: dict[str, int]) -> None:
        """Size the columns: each as wide as its widest text (``widest``, by column key), within
        its ``max_width``, and never narrower than its label."""
        self._widths = [
            max(len(c.label), min(c.max_width, widest.get(c.key, 0))) for c in self.columns
        ]
        self._redraw()

    def show(self, rows: Sequence[RecordSummary]) -> None:
        """List these records, the cursor on the first."""
        self.rows = rows
        self.cursor_row = 0
        self._lines.clear()
        self._set_virtual_size(Size(self._content_width(), len(rows) + 1))
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def refresh_rows(self, indexes: Sequence[int]) -> None:
        """Draw these rows again (their texts changed)."""
        for row in indexes:
            self._refresh_row(row)

    def get_cell(self, row: int, column_key: str) -> str:
        """The text of one cell, as drawn (before truncation to the column)."""
        keys = [c.key for c in self.columns]
        return self._cells(self.rows[row])[keys.index(column_key)]

    def move_cursor(self, *, row: int) -> None:
        row = max(0, min(len(self.rows) - 1, row))
        if row == self.cursor_row or not self.rows:
            return
        old, self.cursor_row = self.cursor_row, row
        self._refresh_row(old)
        self._refresh_row(row)
        self._scroll_to_cursor()

    @property
    def first_visible_row(self) -> int:
        return round(self.scroll_y)

    # -- events ----------------------------------------------------------------------------------

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_cursor(row=offset.y - 1 + self.first_visible_row)

    def on_resize(self) -> None:
        self._redraw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # the theme (colours) may have changed
        self._header = None

    # -- drawing ---------------------------------------------------------------------------------

    def _content_width(self) -> int:
        return sum(w + 2 * PAD for w in self._widths)

    def _redraw(self) -> None:
        self._lines.clear()
        self._header = None
        self.virtual_size = Size(self._content_width(), len(self.rows) + 1)
        self.refresh()

    def _set_virtual_size(self, size: Size) -> None:
        """A new number of rows. Assigning ``virtual_size`` lays the whole screen out (10-30 ms,
        the largest part of a filter key); that is needed only when the vertical scrollbar
        appears or goes. Otherwise the size is set without a layout, as Textual itself does
        when a layout is not required, and the scrollbar's thumb is resized."""
        height = self.container_size.height
        if self.show_horizontal_scrollbar:
            height -= self.scrollbar_size_horizontal
        shown = self.show_vertical_scrollbar
        if (
            not self.is_mounted
            or size.width != self.virtual_size.width
            or shown != (size.height > height)
        ):
            self.virtual_size = size
        else:
            self.set_reactive(Widget.virtual_size, size)
            if shown:
                bar = self.vertical_scrollbar
                bar.window_virtual_size = size.height
                bar.refresh()

    def _refresh_row(self, row: int) -> None:
        self._lines.pop(row, None)
        y = row + 1 - self.first_visible_row
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        """Keep the cursor row between the header and the bottom edge."""
        visible = self.scrollable_content_region.height - 1
        if visible < 1:
            return
        row, top = self.cursor_row, self.first_visible_row
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        left = round(self.scroll_x)
        if y == 0:
            if self._header is None:
                labels = [c.label for c in self.columns]
                self._header = self._strip(-1, labels, "record-list--header")
            strip, style = self._header
            return strip.crop_extend(left, left + width, style)
        row = y - 1 + self.first_visible_row
        if not 0 <= row < len(self.rows):
            return Strip.blank(width, self.rich_style)
        line = self._lines.get(row)
        if line is None:
            if row == self.cursor_row:
                component = "record-list--cursor"
            elif row % 2 == 0:  # DataTable's zebra: the first row striped
                component = "record-list--even-row"
            else:
                component = ""
            line = self._lines[row] = self._strip(row, self._cells(self.rows[row]), component)
        strip, style = line
        # The row's style runs to the right edge, past the last column, as in a DataTable.
        return strip.crop_extend(left, left + width, style)

    def _strip(self, row: int, texts: Sequence[str], component: str) -> tuple[Strip, Style]:
        """One line of cells, and the style it is drawn (and extended) in.

        Segments are made directly (the texts are plain, already cleaned): a Rich ``Text`` per
        cell cost ~1 ms a line, and a screen of them was most of a frame.
        """
        style = self.rich_style
        if component:
            style += self.get_component_rich_style(component)
        pad = " " * PAD
        segments = []
        # Each cell carries its row and column as metadata, as in a DataTable: the same
        # segments (so the same picture and snapshots), and a click knows its row.
        for n, (text, width) in enumerate(zip(texts, self._widths, strict=True)):
            segments.append(Segment(f"{pad}{_fit(text, width)}{pad}", style + _meta(row, n)))
        return Strip(segments, sum(self._widths) + 2 * PAD * len(self._widths)), style


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: cut with an ellipsis, or padded (Rich's
    ``Text.truncate(width, overflow="ellipsis", pad=True)``)."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 0 else ""
    return text + " " * (width - length)


@lru_cache(maxsize=4096)
def _meta(row: int, column: int) -> Style:
    return Style.from_meta({"row": row, "column": column})
