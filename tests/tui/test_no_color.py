"""NO_COLOR (no-color.org): the app draws in shades of grey only, and loses no meaning."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.terminal_theme import SVG_EXPORT_THEME

from exam_tui.checklist import Checklist
from exam_tui.tui.app import ExamApp
from tests.tui.test_snapshots import RECORDS, flagged_record
from tests.tui.waiting import wait_for_exam

#: The colours of the terminal's cells in Rich's SVG: text styles (".terminal-N-rM { fill: ...")
#: and cell backgrounds ("<rect fill=..."), not the window frame drawn around them.
CELL_COLOURS = re.compile(r"(?:-r\d+ \{ fill: |<rect fill=\")#([0-9a-fA-F]{6})\b")
#: Rich's own default text colour, for cells whose style sets none (nearly grey, not quite).
EXPORT_DEFAULT = SVG_EXPORT_THEME.foreground_color.hex.lstrip("#").lower()


def hues(svg: str) -> set[str]:
    """The colours of a screenshot's cells that are not a shade of grey."""
    found = set()
    for code in CELL_COLOURS.findall(svg):
        r, g, b = (int(code[i : i + 2], 16) for i in (0, 2, 4))
        if max(r, g, b) - min(r, g, b) > 2 and code.lower() != EXPORT_DEFAULT:
            found.add(code)
    return found


async def screenshot(app: ExamApp) -> str:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_exam(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        return app.export_screenshot()


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_no_color_draws_the_exam_screen_in_grey(
    make_app: Callable[..., ExamApp],
    checklist: Checklist,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_color: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    path = flagged_record(checklist)
    svg = await screenshot(make_app(records_dir=RECORDS, mode="open", record_path=path))
    if no_color:
        assert not hues(svg), sorted(hues(svg))[:5]
    else:
        assert hues(svg)  # the urgency colours, so the check above can fail
    # the urgency is in words and symbols, not only in colour
    assert "!!&#160;EMERGENCY" in svg or "!! EMERGENCY" in svg
