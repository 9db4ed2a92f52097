"""One timed start for bench_startup.py: run a program until its first frame shows a marker.

    python _startup_child.py exam|minimal T_SPAWN OUT_JSON [exam-tui arguments...]

``exam`` runs ``exam_tui.cli.main`` with the arguments, exactly as the ``exam-tui`` console
script does; ``minimal`` runs a Header/Static/Footer app. Both run under Textual's headless
driver (``TEXTUAL_DRIVER``, set by the parent). Every frame is rendered to the string a terminal
driver writes (headless Textual skips that step); the start is "ready" at the first frame of
the wanted screen whose text holds the marker: the patient id on the exam screen, "Hello" in
the minimal app, drawn in its final layout (``settled``: before the eighth run's fix, the
exam's first frame was drawn without its breakpoint classes and redrawn ~20 ms later, and
that first, provisional frame was the one timed). The times (since the parent's
``time.time()`` just before spawning) go to OUT_JSON; then the app exits.

This file imports only what the measured programs import anyway: its own cost is the same
for both.
"""

from __future__ import annotations

import sys
import time
from typing import Any


def main() -> int:
    kind, t_spawn, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    args = sys.argv[4:]
    marks: dict[str, float] = {}

    from textual._compositor import CompositorUpdate
    from textual.app import App

    if kind == "exam":
        marker = args[args.index("--patient") + 1]
        wanted_screen = "ExamScreen"
    else:
        marker, wanted_screen = "Hello", "Screen"

    original_display = App._display
    original_run = App.run

    def display(self: App[object], screen: object, renderable: object) -> None:
        original_display(self, screen, renderable)  # type: ignore[arg-type]
        if "ready" in marks or renderable is None or self._batch_count:
            return
        if not isinstance(renderable, CompositorUpdate):
            return
        marks.setdefault("first_frame", time.time() - t_spawn)
        text = renderable.render_segments(self.console)
        if type(screen).__name__ == wanted_screen and marker in text and settled(screen):
            marks["ready"] = time.time() - t_spawn
            self.exit()

    def settled(screen: Any) -> bool:
        # A screen with breakpoints is in its final layout once it has its breakpoint
        # classes: a frame drawn before Textual set them (on the screen's first resize) is
        # redrawn in another layout, and is not what the user is left looking at.
        points = screen.HORIZONTAL_BREAKPOINTS
        points = screen.app.HORIZONTAL_BREAKPOINTS if points is None else points
        names = {name for _, name in points or ()}
        return not names or bool(names & set(screen.classes))

    def run(self: App[object], *a: object, **kw: object) -> object:
        marks["run"] = time.time() - t_spawn  # imports, arguments, settings, checklist done
        return original_run(self, *a, **kw)  # type: ignore[arg-type]

    App._display = display  # type: ignore[method-assign]
    App.run = run  # type: ignore[method-assign]

    if kind == "exam":
        from exam_tui.cli import main as cli_main

        code = cli_main(args)
    else:
        from textual.app import ComposeResult
        from textual.widgets import Footer, Header, Static

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("Hello")
                yield Footer()

        Minimal().run()
        code = 0
    import json

    with open(out, "w", encoding="utf-8") as fh:
        json.dump(marks, fh)
    return code if "ready" in marks else 3


if __name__ == "__main__":
    sys.exit(main())
