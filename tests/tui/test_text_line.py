"""The status bar and the message line are TextLines: one line drawn once per text, width and
colours. A text that fits looks exactly as it did in a Static (every cell's character and
style); a longer one ends in "…" (a Static cut it at a word); a control character never
reaches the terminal."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from exam_tui.tui.widgets.text_line import TextLine

CSS = """
#static, #line { height: 1; }
.bar { background: $primary-muted; color: $text; }
.msg { color: $text-muted; }
.msg.-warning { color: $warning; }
.msg.-error { color: $error; }
"""


class Pair(App[None]):
    CSS = CSS

    def compose(self) -> ComposeResult:
        yield Static(id="static")
        yield TextLine(id="line")


def status_bar() -> Text:
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(" MRN-0042", style="bold")
    t.append(" · Dr A · affected L · ")
    t.append("draft")
    t.append(" · saved ✓", style="dim")
    t.append(" MRN-0042_20260302T093000.toml", style="dim")
    return t


TEXTS = [
    status_bar(),
    status_bar().append(" · NOT SAVED", style="bold reverse"),
    Text(" Now in Nerve tension (0/12 answered)", no_wrap=True, overflow="ellipsis"),
    Text(" Record: the file could not be written", style="bold reverse", no_wrap=True),
    Text(" 日本語の名前 · wide characters", style="bold", no_wrap=True, overflow="ellipsis"),
    Text(""),
]


def cells(strip: Strip) -> list[tuple[str, str]]:
    return [(ch, str(seg.style)) for seg in strip for ch in seg.text]


async def drawn(app: Pair, widget_id: str, width: int) -> list[tuple[str, str]]:
    widget: Any = app.query_one(f"#{widget_id}")
    return cells(widget.render_lines(Region(0, 0, width, 1))[0])


@pytest.mark.parametrize("classes", ["bar", "msg", "msg -warning", "msg -error"])
async def test_a_text_that_fits_looks_as_in_a_static(classes: str) -> None:
    app = Pair()
    async with app.run_test(size=(120, 4)) as pilot:
        static, line = app.query_one(Static), app.query_one(TextLine)
        for widget in (static, line):
            widget.set_classes(classes)
        for text in TEXTS:
            static.update(text)
            line.update(text)
            await pilot.pause()
            assert await drawn(app, "line", 120) == await drawn(app, "static", 120), text.plain


async def test_a_longer_text_ends_in_an_ellipsis_and_controls_are_replaced() -> None:
    app = Pair()
    async with app.run_test(size=(30, 4)) as pilot:
        line = app.query_one(TextLine)
        line.update(Text(" P-\x1b[31m1\u202e · a very long examiner name indeed", style="bold"))
        await pilot.pause()
        text = "".join(ch for ch, _ in await drawn(app, "line", 30))
        assert len(text) == 30 and text.endswith("…")
        assert "\x1b" not in text and "\u202e" not in text
        assert str(line.render()).startswith(" P-")  # what the tests and a screen reader read
