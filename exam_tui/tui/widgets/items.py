"""The current section's items as a table: one row per item, left and right side by side.

At a follow-up exam (the session has a prior), a value that differs from the previous exam
carries a mark (▼ worse, + new finding, ▲ better, − no longer present, ≠ changed; the item
panel says it in words), and when the table is wide enough the previous values get their own
dim "was" columns. Unanswered cells are never filled from the previous exam.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from exam_tui.checklist import Item
from exam_tui.record import Side
from exam_tui.session import Cursor, ExamSession, Value
from exam_tui.textclean import clean
from exam_tui.tui.widgets.frame_style import FrameStyled
from exam_tui.tui.widgets.scrollbar import DrawnScrollbar
from exam_tui.values import Struct

NOT_ANSWERED = "·"
#: Width of the L and R columns: "equivocal" fits (and a change mark, at a follow-up exam).
VALUE_WIDTH = 9
PRIOR_VALUE_WIDTH = VALUE_WIDTH + 1

#: How a value differs from the previous exam (compare.classify), in one cell character.
CHANGE_MARK = {
    "worse": "▼",
    "new finding": "+",
    "better": "▲",
    "no longer present": "−",
    "changed": "≠",
}
#: The item column keeps at least this width when "was" columns are added; narrower tables
#: show the change marks only (the previous value is in the item panel).
MIN_LABEL_WITH_PRIOR = 22
#: Width of the answer and "was" columns of a one-value section when both are shown.
MIN_ANSWER_WIDTH = 14
#: Drawn cells the table keeps (a whole exam's, with and without the cursor, fit).
CELL_CACHE_SIZE = 4096


def short_value(item: Item, value: Value | None) -> str:
    """A value as it fits in a table cell (the detail panel shows it in full)."""
    if value is None:
        return NOT_ANSWERED
    if item.kind == "mrc":
        return f"{value}/5"
    if item.kind == "choice" and isinstance(value, str):
        return clean(item.option_label(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))  # a text answer is record text: no escape reaches the terminal


def _longest_value(item: Item) -> int:
    """Cells the longest table value of this item takes (choices: the longest option label)."""
    if item.kind == "choice":
        return max((len(item.option_label(o)) for o in item.options or []), default=VALUE_WIDTH)
    return VALUE_WIDTH


def marked(text: str, mark: str, width: int) -> str:
    """``text`` with a change mark, within ``width`` cells ("positive ▼", "equivocal≠")."""
    if len(text) + 2 <= width:
        return f"{text} {mark}"
    return text[: width - 1] + mark


#: Marks after an item's label; the label is shortened, never the mark.
NOTE_MARK = " ✎"


def shared_prefix(labels: list[str]) -> str:
    """A "Word: " prefix that every label of a section shares ("Sensation: "), else "": the
    table shows the rest (the item panel has the full label)."""
    if len(labels) < 2 or ": " not in labels[0]:
        return ""
    prefix = labels[0].split(": ", 1)[0] + ": "
    return prefix if all(label.startswith(prefix) for label in labels) else ""


class Column(Struct):
    """One column of the table: its key (for ``get_cell``), header label and content width."""

    key: str
    label: str
    width: int


class ItemTable(DrawnScrollbar, FrameStyled, ScrollView):
    """Items of one section. Not focusable: the exam screen moves its cursor from the session.

    A Line API widget: each row is drawn as one line of Rich text, cached until one of its
    cells or the cursor on it changes, and only changed rows are repainted (a DataTable
    re-renders every visible cell on any update). The header line stays at the top; the rows
    scroll under it so that the cursor row is always visible.
    """

    can_focus = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {"item-table--header", "item-table--cursor"}

    DEFAULT_CSS = """
    ItemTable {
        height: auto;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: hidden;  /* the table draws its own scrollbar (scrollbar.py) */
    }
    ItemTable > .item-table--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    ItemTable > .item-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shape: tuple[object, ...] = ()
        #: Whether the previous exam's values have columns of their own (wide tables).
        self._was_columns = False
        #: Width of the current-value cells (a change mark needs one more cell).
        self._value_width = VALUE_WIDTH
        #: The label prefix every item of the section shares, left out of the table.
        self._prefix = ""
        #: The columns, in order, by key.
        self.columns: dict[str, Column] = {}
        self._row_keys: list[str] = []
        self._row_index: dict[str, int] = {}
        self._cells_by_row: list[list[Text]] = []
        #: (row, column) of the highlighted cell.
        self.cursor_coordinate: tuple[int, int] = (0, 1)
        #: Rendered rows (None: to be drawn).
        self._lines: list[Strip | None] = []
        #: Cells drawn before, by (column, width, text, cursor): ``_cell_segments``.
        self._cell_cache: dict[tuple[object, ...], list[Segment]] = {}
        #: Header lines drawn before, by their columns' labels and widths.
        self._headers: dict[tuple[tuple[str, int], ...], Strip] = {}

    # -- what the screen and the tests use --------------------------------------------------

    def get_cell(self, row_key: str, column_key: str) -> Text:
        """The text of one cell, by item id and column key ("item", "left", "was_left", ...)."""
        column = list(self.columns).index(column_key)
        return self._cells_by_row[self._row_index[row_key]][column]

    def show(self, session: ExamSession) -> None:
        section = session.section
        items = session.shown_items()
        bilateral = any(i.bilateral for i in section.items)
        affected = session.record.exam.affected_side
        # Each column's padding takes 2 cells; 2 more for the vertical scrollbar.
        room = max(40, self.size.width - 2) if self.size.width else 60
        prior = session.prior is not None
        shape = (section.id, bilateral, tuple(i.id for i in items), room, prior)
        if shape != self._shape:
            self._prefix = shared_prefix([i.label for i in section.items])
            self._set_columns(session, bilateral, affected, room, prior)
            self._row_keys = [i.id for i in items]
            self._row_index = {key: n for n, key in enumerate(self._row_keys)}
            self._cells_by_row = [self._cells(session, item, bilateral) for item in items]
            self._lines = [None] * len(items)
            self._shape = shape
            # The table is as high as its rows (height: auto, up to max-height): a new number
            # of rows (another section) lays the screen out once, unless the table stays as
            # high as it is: both sections have more rows than it shows.
            old, height = self.virtual_size.height, self.size.height
            virtual = Size(sum(c.width + 2 for c in self.columns.values()), len(items) + 1)
            if height and old > height and virtual.height > height:
                self.set_reactive(ItemTable.virtual_size, virtual)  # no layout: a repaint
                self.scroll_y = self.validate_scroll_y(self.scroll_y)  # within the new rows
            else:
                self.virtual_size = virtual
            self.refresh()
        else:
            # Only the rows whose cells changed are drawn again (an answer changes one or two
            # cells, and the ▶ moves).
            for n, item in enumerate(items):
                cells = self._cells(session, item, bilateral)
                if cells != self._cells_by_row[n]:
                    self._cells_by_row[n] = cells
                    self._refresh_row(n)
        row = next(n for n, i in enumerate(items) if i.id == session.cursor.item) if items else 0
        column = 1 if session.side in (None, "left") else 2
        if self.cursor_coordinate != (row, column):
            old_row = self.cursor_coordinate[0]
            self.cursor_coordinate = (row, column)
            self._refresh_row(old_row)
            self._refresh_row(row)
        self._scroll_to_cursor()

    def on_resize(self) -> None:
        session = getattr(self.screen, "session", None)
        if session is not None:
            self.show(session)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = [None] * len(self._lines)  # the theme (colours) may have changed
        self._headers.clear()
        self._cell_cache.clear()
        self.forget_scrollbar()

    # -- drawing ----------------------------------------------------------------------------

    def _refresh_row(self, row: int) -> None:
        if 0 <= row < len(self._lines):
            self._lines[row] = None
            y = row + 1 - round(self.scroll_y)
            if 1 <= y < self.size.height:
                self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        """Keep the cursor row between the header and the bottom edge. When it would leave
        the view, the rows move by most of a page, not by one: the cursor lands a third of
        the way down (going down; two thirds going up), so the rows that come next are in
        view, and the table is redrawn whole every few answers instead of on every one."""
        visible = self.scrollable_content_region.height - 1
        if visible < 1:
            return
        row, top = self.cursor_coordinate[0], round(self.scroll_y)
        if row < top:
            self.scroll_to(y=max(0, row - (2 * visible) // 3), animate=False, force=True)
        elif row >= top + visible:
            self.scroll_to(y=max(0, row - visible // 3), animate=False, force=True)

    def render_line(self, y: int) -> Strip:
        size, base = self.frame_size, self.base_style
        bar = self.overflows()
        width = size.width - self.bar_width if bar else size.width
        strip = self._content_line(y, width, base)
        if bar:
            strip = self.with_scrollbar(strip, y)
        return strip.adjust_cell_length(size.width, base)

    def _content_line(self, y: int, width: int, base: Style) -> Strip:
        if y == 0:
            return self._header_strip().adjust_cell_length(width, base)
        row = y - 1 + round(self.scroll_y)
        if not 0 <= row < len(self._lines):
            return Strip.blank(width, base)
        strip = self._lines[row]
        if strip is None:
            strip = self._lines[row] = self._render_row(row)
        return strip.adjust_cell_length(width, base)

    def _render_row(self, row: int) -> Strip:
        cursor_row, cursor_column = self.cursor_coordinate
        segments: list[Segment] = []
        for n, (col, cell) in enumerate(
            zip(self.columns.values(), self._cells_by_row[row], strict=True)
        ):
            cursor = row == cursor_row and n == cursor_column
            segments += self._cell_segments(n, col.width, cell, cursor)
        width = sum(col.width + 2 for col in self.columns.values())
        return Strip(segments, width)

    def _cell_segments(self, n: int, width: int, cell: Text, cursor: bool) -> list[Segment]:
        """One cell drawn (padded, cut to its column, in the cursor's colours if it has it),
        remembered: most cells of a changed row were drawn before (a value, a label without
        the cursor), and drawing a row's Rich texts was ~0.3 ms of each row an answer changed."""
        key = (n, width, cell.plain, tuple(cell.spans), cell.style, cursor)
        cached = self._cell_cache.get(key)
        if cached is not None:
            return cached
        content = cell.copy()
        if n == 0 and content.plain.endswith(NOTE_MARK) and content.cell_len > width:
            # Shorten the label, keep the note mark: at 80×24 it was cut off.
            mark = content[len(content.plain) - len(NOTE_MARK) :]
            content = content[: len(content.plain) - len(NOTE_MARK)]
            content.truncate(max(1, width - mark.cell_len), overflow="ellipsis")
            content.append_text(mark)
        content.truncate(width, overflow="ellipsis" if n == 0 else "crop", pad=True)
        padded = Text(" ", end="") + content + Text(" ")
        if cursor:
            padded.stylize(self.get_component_rich_style("item-table--cursor"))
        segments = list(Strip(list(padded.render(self.app.console))).apply_style(self.base_style))
        if len(self._cell_cache) >= CELL_CACHE_SIZE:
            self._cell_cache.clear()
        self._cell_cache[key] = segments
        return segments

    def _header_strip(self) -> Strip:
        """The header line for the current columns, remembered by their labels and widths."""
        key = tuple((col.label, col.width) for col in self.columns.values())
        strip = self._headers.get(key)
        if strip is None:
            style = self.get_component_rich_style("item-table--header")
            text = Text(no_wrap=True, end="")
            for col in self.columns.values():
                label = Text(col.label)
                label.truncate(col.width, overflow="ellipsis", pad=True)
                text.append(Text(" ") + label + Text(" "))
            strip = self._headers[key] = self._strip(text, style)
        return strip

    def prepare(self, session: ExamSession, cursor: Cursor) -> None:
        """Draw ahead, after a frame, the header and the cells of the section ``cursor`` is
        in, as they will look with the cursor there (where an answer moves at a section's
        end): entering a section drew every row's label afresh, in the frame that also lays
        the screen out. Only the caches of drawn cells and headers are filled, keyed by what
        they show: nothing on screen changes, and a guess that turns out wrong costs only
        the time it took."""
        if cursor.section == session.cursor.section or not self.size.width:
            return
        saved = (session.cursor, self._prefix, self.columns, self._value_width, self._was_columns)
        try:
            session.cursor = cursor
            section = session.section
            items = session.shown_items()
            bilateral = any(i.bilateral for i in section.items)
            room = max(40, self.size.width - 2)
            prior = session.prior is not None
            self._prefix = shared_prefix([i.label for i in section.items])
            self._set_columns(session, bilateral, session.record.exam.affected_side, room, prior)
            self._header_strip()
            column = 1 if cursor.side in (None, "left") else 2
            for item in items[: max(1, self.size.height)]:  # the rows that will be on screen
                here = item.id == cursor.item
                cells = self._cells(session, item, bilateral)
                for n, (col, cell) in enumerate(zip(self.columns.values(), cells, strict=True)):
                    self._cell_segments(n, col.width, cell, here and n == column)
        finally:
            session.cursor, self._prefix, self.columns, self._value_width, self._was_columns = saved

    def _strip(self, text: Text, style: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments, text.cell_len).apply_style(self.base_style + style)

    # -- the table's contents -----------------------------------------------------------------

    def _set_columns(
        self, session: ExamSession, bilateral: bool, affected: str, room: int, prior: bool
    ) -> None:
        section = session.section
        columns: list[Column] = []
        width = self._value_width = PRIOR_VALUE_WIDTH if prior else VALUE_WIDTH
        if bilateral:
            left = "L*" if affected in ("left", "both") else "L"
            right = "R*" if affected in ("right", "both") else "R"
            label_width = room - 2 * width - 6
            was_width = label_width - 2 * VALUE_WIDTH - 4
            self._was_columns = prior and was_width >= MIN_LABEL_WITH_PRIOR
            if self._was_columns:
                label_width = was_width
            columns += [
                Column("item", section.title, label_width),
                Column("left", left, width),
                Column("right", right, width),
            ]
            if self._was_columns:
                columns += [
                    Column("was_left", "was L", VALUE_WIDTH),
                    Column("was_right", "was R", VALUE_WIDTH),
                ]
        else:
            label_width = min(
                max(len(i.label) for i in section.items) + 3, room - 4 - MIN_ANSWER_WIDTH
            )
            answer_width = was_width = room - 4 - label_width
            self._was_columns = prior and answer_width - 2 >= 2 * MIN_ANSWER_WIDTH
            if self._was_columns:
                # The answer (and its change mark) gets what its longest value needs, up
                # to all but MIN_ANSWER_WIDTH; the "was" column the rest.
                available = answer_width - 2
                needed = max(_longest_value(i) for i in section.items) + 2
                answer_width = max(available // 2, min(needed, available - MIN_ANSWER_WIDTH))
                was_width = available - answer_width
            self._value_width = answer_width
            columns += [
                Column("item", section.title, label_width),
                Column("value", "answer", answer_width),
            ]
            if self._was_columns:
                columns.append(Column("was_value", "was", was_width))
        self.columns = {c.key: c for c in columns}

    def _cells(self, session: ExamSession, item: Item, bilateral: bool) -> list[Text]:
        here = item.id == session.cursor.item
        short = item.label.removeprefix(self._prefix) or item.label
        label = Text(("▶ " if here else "  ") + short, no_wrap=True, overflow="ellipsis")
        if session.note(item.id):
            label.append(NOTE_MARK, style="italic")
        if here:
            label.stylize("bold")
        sides: list[Side | None] = ["left", "right"] if item.bilateral else [None]
        cells = [label]
        for side in sides:
            if not session.is_shown(item, side):
                cells.append(Text("—", style="dim"))
                continue
            if here and side == session.side and session.number_buffer:
                cells.append(Text(session.number_buffer + "▏", style="bold"))
                continue
            value = session.record.get(item.id, side)
            text = short_value(item, value)
            change = session.change(item, side) if value is not None else None
            if change is None:
                cells.append(Text(text, style="dim" if value is None else ""))
            else:
                bad = change in ("worse", "new finding")
                cells.append(
                    Text(
                        marked(text, CHANGE_MARK[change], self._value_width),
                        style="bold" if bad else "",
                    )
                )
        if bilateral and not item.bilateral:
            cells.append(Text("(one)", style="dim"))
        if self._was_columns:
            for side in sides:
                cells.append(
                    Text(short_value(item, session.prior_value(item.id, side)), style="dim")
                )
            if bilateral and not item.bilateral:
                cells.append(Text(""))
        return cells
