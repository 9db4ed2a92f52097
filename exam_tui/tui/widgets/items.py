"""The current section's items as a table: one row per item, left and right side by side.

At a follow-up exam (the session has a prior), a value that differs from the previous exam
carries a mark (▼ worse, + new finding, ▲ better, − no longer present, ≠ changed; the item
panel says it in words), and when the table is wide enough the previous values get their own
dim "was" columns. Unanswered cells are never filled from the previous exam.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from exam_tui.checklist import Item
from exam_tui.record import Side
from exam_tui.session import ExamSession, Value

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
        #: Whether the previous exam's values have columns of their own (wide tables).
        self._was_columns = False
        #: Width of the current-value cells (a change mark needs one more cell).
        self._value_width = VALUE_WIDTH

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
            self.clear(columns=True)
            width = self._value_width = PRIOR_VALUE_WIDTH if prior else VALUE_WIDTH
            if bilateral:
                left = "L*" if affected in ("left", "both") else "L"
                right = "R*" if affected in ("right", "both") else "R"
                label_width = room - 2 * width - 6
                was_width = label_width - 2 * VALUE_WIDTH - 4
                self._was_columns = prior and was_width >= MIN_LABEL_WITH_PRIOR
                if self._was_columns:
                    label_width = was_width
                self.add_column(section.title, key="item", width=label_width)
                self.add_column(left, key="left", width=width)
                self.add_column(right, key="right", width=width)
                if self._was_columns:
                    self.add_column("was L", key="was_left", width=VALUE_WIDTH)
                    self.add_column("was R", key="was_right", width=VALUE_WIDTH)
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
                self.add_column(section.title, key="item", width=label_width)
                self.add_column("answer", key="value", width=answer_width)
                if self._was_columns:
                    self.add_column("was", key="was_value", width=was_width)
            for item in items:
                self.add_row(*self._cells(session, item, bilateral), key=item.id)
            self._shape = shape
        else:
            # Only the cells that changed (an answer changes one or two, and the ▶ moves): any
            # update makes DataTable re-render every visible cell, so none is cheaper still.
            for item in items:
                for col, cell in zip(
                    self._columns(bilateral), self._cells(session, item, bilateral), strict=True
                ):
                    if self.get_cell(item.id, col) != cell:
                        self.update_cell(item.id, col, cell)
        row = next(n for n, i in enumerate(items) if i.id == session.cursor.item) if items else 0
        column = 1 if session.side in (None, "left") else 2
        if self.cursor_coordinate != (row, column):
            self.move_cursor(row=row, column=column, animate=False)

    def on_resize(self) -> None:
        session = getattr(self.screen, "session", None)
        if session is not None:
            self.show(session)

    def _columns(self, bilateral: bool) -> tuple[str, ...]:
        columns: tuple[str, ...] = ("item", "left", "right") if bilateral else ("item", "value")
        if self._was_columns:
            columns += ("was_left", "was_right") if bilateral else ("was_value",)
        return columns

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
