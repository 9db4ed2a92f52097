"""The current section's items as a table: one row per item, left and right side by side."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from exam_tui.checklist import Item
from exam_tui.record import Side
from exam_tui.session import ExamSession, Value

NOT_ANSWERED = "·"
#: Width of the L and R columns: "equivocal" fits.
VALUE_WIDTH = 9


def short_value(item: Item, value: Value | None) -> str:
    """A value as it fits in a table cell (the detail panel shows it in full)."""
    if value is None:
        return NOT_ANSWERED
    if item.kind == "mrc":
        return f"{value}/5"
    if item.kind == "choice" and isinstance(value, str):
        return item.option_label(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


class ItemTable(DataTable[Text]):
    """Items of one section. Not focusable: the exam screen moves its cursor from the session."""

    can_focus = False

    DEFAULT_CSS = """
    ItemTable { height: auto; }
    ItemTable > .datatable--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._shape: tuple[object, ...] = ()

    def show(self, session: ExamSession) -> None:
        section = session.section
        items = session.shown_items()
        bilateral = any(i.bilateral for i in section.items)
        affected = session.record.exam.affected_side
        # Each column's padding takes 2 cells; 2 more for the vertical scrollbar.
        room = max(40, self.size.width - 2) if self.size.width else 60
        shape = (section.id, bilateral, tuple(i.id for i in items), room)
        if shape != self._shape:
            self.clear(columns=True)
            if bilateral:
                left = "L*" if affected in ("left", "both") else "L"
                right = "R*" if affected in ("right", "both") else "R"
                self.add_column(section.title, key="item", width=room - 2 * VALUE_WIDTH - 6)
                self.add_column(left, key="left", width=VALUE_WIDTH)
                self.add_column(right, key="right", width=VALUE_WIDTH)
            else:
                label_width = min(max(len(i.label) for i in section.items) + 3, room - 4 - 14)
                self.add_column(section.title, key="item", width=label_width)
                self.add_column("answer", key="value", width=room - 4 - label_width)
            for item in items:
                self.add_row(*self._cells(session, item, bilateral), key=item.id)
            self._shape = shape
        else:
            for item in items:
                for col, cell in zip(
                    self._columns(bilateral), self._cells(session, item, bilateral), strict=True
                ):
                    self.update_cell(item.id, col, cell)
        row = next(n for n, i in enumerate(items) if i.id == session.cursor.item) if items else 0
        column = 1 if session.side in (None, "left") else 2
        self.move_cursor(row=row, column=column, animate=False)

    def on_resize(self) -> None:
        session = getattr(self.screen, "session", None)
        if session is not None:
            self.show(session)

    @staticmethod
    def _columns(bilateral: bool) -> tuple[str, ...]:
        return ("item", "left", "right") if bilateral else ("item", "value")

    def _cells(self, session: ExamSession, item: Item, bilateral: bool) -> list[Text]:
        here = item.id == session.cursor.item
        label = Text(("▶ " if here else "  ") + item.label, no_wrap=True, overflow="ellipsis")
        if session.note(item.id):
            label.append(" ✎", style="italic")
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
            cells.append(Text(short_value(item, value), style="dim" if value is None else ""))
        if bilateral and not item.bilateral:
            cells.append(Text("(one)", style="dim"))
        return cells
