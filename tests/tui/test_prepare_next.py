"""After each frame the exam screen prepares what the next answer will show (the next value's
text in the item panel; on a section's last value, the next section's table cells). Preparing
is invisible: on the last value of a section (prepared) and after the answer that moves into
the next section, the screen is exactly what an app that never prepares anything shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exam_tui.session import answer_keys
from exam_tui.tui.app import ExamApp
from exam_tui.tui.screens.exam import ExamScreen
from exam_tui.tui.widgets import ItemDetail, ItemTable
from tests.tui.waiting import wait_for_screen, wait_until

MakeApp = Callable[..., ExamApp]
NEW = {"mode": "new", "patient": "P-018", "examiner": "Dr A", "side": "left"}


def drawn(app: ExamApp) -> str:
    """The whole screen as drawn: every cell's text and style."""
    return "\n".join(
        "".join(f"{seg.text}\x00{seg.style}" for seg in strip)
        for strip in app.screen._compositor.render_strips()
    )


async def through_a_section_end(app: ExamApp) -> list[str]:
    """The screen on a section's last value, reached by a key (so the next section is
    prepared after that frame), and after the answer that moves into the next section."""
    out: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, ExamScreen)
        s = screen.session
        # A one-value section that ends with a one-key answer and is followed by a section
        # of left/right values: the table's columns differ between the two.
        for n in range(len(s.sections) - 1):
            s.goto_section(n)
            last = s.shown_items()[-1]
            two_sided = [any(i.bilateral for i in s.sections[k].items) for k in (n, n + 1)]
            if last.kind not in ("number", "text") and two_sided == [False, True]:
                break
        s.goto(last.id, "right" if last.bilateral else None)
        back, forward = ("left", "right") if last.bilateral else ("up", "down")
        await pilot.press(back, forward)  # through the screen's own key handling
        await wait_until(pilot, lambda: s.item.id == last.id, "on the section's last value")
        await pilot.pause()
        following = s.next_position()
        assert following is not None and following.section != s.cursor.section
        out.append(drawn(app))
        # Moving within the section after it was prepared: rows drawn again, as before.
        await pilot.press(back)
        await wait_until(pilot, lambda: s.cursor != following, "moved back")
        await pilot.pause()
        out.append(drawn(app))
        await pilot.press(forward)
        await wait_until(pilot, lambda: s.item.id == last.id, "on the last value again")
        await pilot.pause()
        section = s.cursor.section
        await pilot.press(next(iter(answer_keys(s.item))))
        await wait_until(pilot, lambda: s.cursor.section != section, "in the next section")
        await pilot.pause()
        out.append(drawn(app))
        app.exit()
    return out


async def test_preparing_the_next_answer_changes_nothing_on_screen(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = await through_a_section_end(make_app(**NEW))
    monkeypatch.setattr(ItemTable, "prepare", lambda *a, **k: None)
    monkeypatch.setattr(ItemDetail, "prepare_at", lambda *a, **k: None)
    plain = await through_a_section_end(make_app(**NEW))
    assert prepared[0] == plain[0], "preparing changed the screen it was prepared on"
    assert prepared[1] == plain[1], "the section is drawn otherwise after preparing the next"
    assert prepared[2] == plain[2], "the prepared section is drawn otherwise"
