"""A line that fits the panel is kept as it is, without Rich's line breaking: it must draw
exactly as Rich's wrap draws it (the same segments, styles included), whatever its spaces,
styles, wide characters and tabs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from exam_tui.tui.widgets.text_panel import hanging_wrap

CONSOLE = Console(width=200, color_system="truecolor", force_terminal=True)

PIECES = st.sampled_from(["a", "word", " ", "  ", "\t", "é", "語", "→", "…", "-", "\n"])
STYLES = st.sampled_from(["", "bold", "dim", "italic", "bold reverse"])


@st.composite
def texts(draw: st.DrawFn) -> Text:
    text = Text(justify=draw(st.sampled_from([None, "default", "left", "full"])))
    for _ in range(draw(st.integers(0, 12))):
        text.append("".join(draw(st.lists(PIECES, max_size=5))), style=draw(STYLES))
    return text


def drawn(lines: list[Text]) -> list[list[Segment]]:
    return [list(line.render(CONSOLE)) for line in lines]


@settings(max_examples=300, deadline=None)
@given(texts(), st.integers(1, 60))
def test_lines_that_fit_draw_as_rich_wraps_them(text: Text, width: int) -> None:
    for line in text.split("\n", allow_blank=True):
        if line.cell_len <= width:
            assert drawn(hanging_wrap(line, CONSOLE, width)) == drawn(line.wrap(CONSOLE, width))
