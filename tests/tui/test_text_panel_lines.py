"""A text panel draws exactly what wrapping its text afresh gives, whatever it showed before:
its lines come from a cache of lines wrapped earlier (and from texts prepared ahead), so a
text shown again, a text prepared but not shown, a narrower panel and a new theme must each
draw as a panel that never saw another text."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from exam_tui.tui.widgets.text_panel import TextPanel

LONG = (
    "How: lie the patient supine, lift the straight leg slowly until the pain comes, then "
    "lower it a little and dorsiflex the foot; note the angle and where the pain is felt."
)


def texts() -> list[Text]:
    a = Text()
    a.append("Straight leg raise", style="bold")
    a.append("\nNow: ", style="dim")
    a.append("not answered")
    a.append(f"\n{LONG}")
    b = Text()
    b.append("Slump test", style="bold")
    b.append("\nNow: ", style="dim")
    b.append("positive", style="italic")
    b.append(f"\n{LONG}")  # the same line as in a: from the cache
    c = Text("\n".join(f"line {n}" for n in range(30)))  # longer than the panel: a scrollbar
    return [a, b, c]


class Panels(App[None]):
    CSS = "TextPanel { height: 8; width: 40; border: round $primary; }"

    def compose(self) -> ComposeResult:
        yield TextPanel(id="used")


def drawn(panel: TextPanel) -> list[str]:
    """What the panel draws, as text with each segment's style (colours included)."""
    region = Region(0, 0, panel.outer_size.width, panel.outer_size.height)
    return [
        "".join(f"{seg.text}\x00{seg.style}\x01" for seg in strip)
        for strip in panel.render_lines(region)
    ]


async def fresh(app: Panels, pilot: Pilot[None], text: Text, width: int) -> list[str]:
    """What a new panel (nothing cached) of that width draws for ``text``."""
    panel = TextPanel()
    panel.styles.width = width
    await app.mount(panel)
    panel.set_text(text.copy())
    await pilot.pause()
    lines = drawn(panel)
    await panel.remove()
    return lines


async def test_a_panel_draws_as_a_fresh_one_whatever_it_showed_before() -> None:
    app = Panels()
    async with app.run_test(size=(50, 30)) as pilot:
        used = app.query_one("#used", TextPanel)
        a, b, c = texts()
        for text in (a, b, c, a):
            used.set_text(text)
        used.prepare(b)  # prepared, not shown: the panel still shows a
        await pilot.pause()
        assert used.text.plain == a.plain
        assert drawn(used) == await fresh(app, pilot, a, 40)

        for text in (b, c):
            used.set_text(text)
            await pilot.pause()
            assert drawn(used) == await fresh(app, pilot, text, 40), text.plain[:20]

        # Narrower: the same text wraps again, no line is taken from the wider panel.
        used.styles.width = 26
        await pilot.pause()
        used.set_text(a)
        await pilot.pause()
        assert drawn(used) == await fresh(app, pilot, a, 26)

        # Another theme: other colours, none kept from lines drawn in the old ones.
        before = drawn(used)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert drawn(used) == await fresh(app, pilot, a, 26)
        assert drawn(used) != before


async def test_every_line_that_draws_differently_is_repainted() -> None:
    """A new text repaints only some lines (those that changed; from the first change down
    when the line count changed): every content line that draws differently afterwards must
    be among them, or the terminal keeps showing the old line. Texts of flag-like lines, some
    shared, some wrapping, some longer than the panel, in a seeded random order."""
    import random

    rng = random.Random(18)
    pool = [
        "!! EMERGENCY Cauda equina",
        "  urgent MRI + same-day spinal referral",
        "? Red flags not fully screened (16)",
        "? Red flags not fully screened (15)",
        "Pattern: indeterminate (radicular 0/4, hamstring 0/4)",
        "Pattern: radicular (radicular 3/4, hamstring 1/4)",
        "No imaging or referral indicated by these findings.",
        LONG,
        "",
    ]
    app = Panels()
    async with app.run_test(size=(50, 30)) as pilot:
        panel = app.query_one("#used", TextPanel)
        await pilot.pause()
        height = panel.size.height

        def content() -> list[str]:
            return [
                "".join(f"{seg.text}\x00{seg.style}\x01" for seg in panel.render_line(y))
                for y in range(height)
            ]

        repainted: list[Region] = []
        whole = False
        original = panel.refresh

        def spy(*regions: Region, **kwargs: object) -> object:
            nonlocal whole
            if regions:
                repainted.extend(regions)
            else:
                whole = True
            return original(*regions, **kwargs)  # type: ignore[arg-type]

        panel.refresh = spy  # type: ignore[method-assign]
        partial = 0
        for _ in range(300):
            lines = rng.choices(pool, k=rng.randint(1, 12 if rng.random() < 0.2 else 4))
            before = content()
            repainted.clear()
            whole = False
            panel.set_text(Text("\n".join(lines)))
            after = content()
            if whole:
                continue
            partial += 1
            covered = {y for r in repainted for y in range(r.y, r.y + r.height)}
            changed = {y for y in range(height) if before[y] != after[y]}
            assert changed <= covered, (changed - covered, lines)
        assert partial > 100, "too few texts were repainted in part to test anything"
