"""The items table and the item panel draw their own scrollbars (scrollbar.py), and scroll
without Textual's: the table keeps the cursor row in view as answers move it down a long
section, and the mouse wheel scrolls a panel whose text overflows (with overflow hidden,
Textual refuses to scroll a widget unless forced: the wheel did nothing in the item panel)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.pilot import Pilot

from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.widgets import ItemDetail, ItemTable
from tests.tui.waiting import wait_for_screen, wait_until

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-018", "examiner": "Dr A", "side": "left"}


def lines(widget: ItemTable | ItemDetail) -> list[str]:
    """The widget's content lines as drawn, inside its border (its scrollbar cells included)."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def wheel(pilot: Pilot[None], widget: ItemTable | ItemDetail, down: bool = True) -> None:
    """One turn of the mouse wheel over the widget, as the terminal driver hands it over."""
    app = pilot.app
    x, y = widget.region.center
    cls = events.MouseScrollDown if down else events.MouseScrollUp
    app.post_message(cls(None, x, y, 0, 0, 0, False, False, False, screen_x=x, screen_y=y))
    await pilot.pause()


async def test_the_cursor_row_stays_in_view_down_a_long_section(make_app: MakeApp) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, ExamScreen)
        table = screen.query_one(ItemTable)
        s = screen.session
        # The longest section: more rows than the table shows at 80×24.
        longest = max(range(len(s.sections)), key=lambda n: len(s.shown_items(n)))
        s.goto_section(longest)
        screen.refresh_view()
        await pilot.pause()
        assert table.virtual_size.height > table.size.height, "the section fits: no scrolling"
        start = s.cursor.section
        visible = table.size.height - 1  # rows under the header
        moved, scrolls = 0, 0
        while True:
            before, top = s.cursor, table.scroll_y
            await pilot.press("down")
            await wait_until(pilot, lambda b=before: s.cursor != b, "the cursor moved")
            if s.cursor.section != start:
                break
            moved += 1
            await wait_until(
                pilot, lambda m=moved: table.cursor_coordinate[0] == m, "the table's cursor row"
            )
            drawn = lines(table)
            assert any("▶" in line for line in drawn[1:]), (moved, drawn)
            if table.scroll_y != top:
                # Moved by most of a page: the cursor a third of the way down, the rows that
                # come next in view (or the section's last rows, at its end).
                scrolls += 1
                at = drawn[1:].index(next(line for line in drawn[1:] if "▶" in line))
                last = table.scroll_y == table.max_scroll_y
                assert at == visible // 3 or (last and at > visible // 3), (at, drawn)
            # The scrollbar's column: Textual's glyphs, drawn by the table.
            assert {line[-1] for line in drawn} & {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█", " "}
        assert moved > visible, "the cursor never went below the first screenful"
        assert 0 < scrolls < moved - visible, "the table moved on (nearly) every row"
        # And back up to the section's first row: the cursor stays in view all the way.
        s.goto_section(start)
        screen.refresh_view()
        s.goto(s.shown_items()[-1].id)
        screen.refresh_view()
        await pilot.pause()
        for _ in range(moved):
            before = s.cursor
            await pilot.press("up")
            await wait_until(pilot, lambda b=before: s.cursor != b, "the cursor moved")
            assert any("▶" in line for line in lines(table)[1:])
        assert table.scroll_y == 0


async def test_the_mouse_wheel_scrolls_an_overflowing_item_panel(make_app: MakeApp) -> None:
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, ExamScreen)
        detail = screen.query_one(ItemDetail)
        s = screen.session
        for _ in range(200):  # to an item whose text is longer than the panel
            if detail.virtual_size.height > detail.size.height:
                break
            await pilot.press("down")
        assert detail.virtual_size.height > detail.size.height, "no item overflows at 80×24"
        top = lines(detail)
        await wheel(pilot, detail)
        assert detail.scroll_y == 1
        scrolled = lines(detail)
        assert scrolled != top
        text = detail.size.width - detail.bar_width  # the columns left of the scrollbar
        assert scrolled[0][:text] == top[1][:text]
        await wheel(pilot, detail, down=False)
        assert detail.scroll_y == 0
        assert lines(detail) == top
        # A new item's text is shown from its top again.
        await wheel(pilot, detail)
        await pilot.press("down")
        await wait_until(pilot, lambda: detail.scroll_y == 0, "the next item from its top")
        assert s.item.label in lines(detail)[0]


async def test_a_section_entered_from_a_scrolled_one_is_drawn_whole(make_app: MakeApp) -> None:
    """Between two sections longer than the table, the table keeps its height and is only
    repainted (no layout): the new rows must still be drawn whole, scrolled within them, with
    the cursor in view, wherever the cursor lands (here: the new section's last row, with the
    old section scrolled to its end)."""
    app = make_app(**NEW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, ExamScreen)
        table = screen.query_one(ItemTable)
        s = screen.session
        await pilot.pause()
        capacity = table.size.height - 1  # rows under the header
        long = [n for n in range(len(s.sections)) if len(s.shown_items(n)) > capacity]
        assert len(long) >= 2, "fewer than two sections overflow the table at 80×24"
        for old, new in zip(long, long[1:] + long[:1], strict=True):
            s.goto_section(old)
            s.goto(s.shown_items()[-1].id)
            screen.refresh_view()
            await wait_until(pilot, lambda: table.scroll_y > 0, "the old section scrolled")
            height = table.size.height
            s.goto_section(new)
            rows = s.shown_items()
            for target in (rows[-1], rows[len(rows) // 2], rows[0]):
                s.goto(target.id)
                screen.refresh_view()
                await pilot.pause()
                assert table.size.height == height
                assert 0 <= table.scroll_y <= table.max_scroll_y
                drawn = lines(table)
                assert s.section.title[:10] in drawn[0]
                shown = drawn[1:]
                assert all(line.strip() for line in shown), drawn  # no blank row
                assert any("▶" in line for line in shown), drawn
                top = round(table.scroll_y)
                labels = [table.get_cell(i.id, "item").plain for i in rows[top : top + capacity]]
                assert [line[:8] for line in shown] == [f" {label}"[:8] for label in labels]
