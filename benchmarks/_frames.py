"""Key → frame latency measured inside Textual, not through Pilot's waits.

``pilot.press`` + ``pilot.pause`` costs ~60 ms a key even on an app that does nothing (Pilot
waits until the process looks idle by comparing CPU and wall time, so it also waits out other
threads and a loaded machine). Here the key event is handed to the app the way the terminal
driver hands it over, and the time is taken when Textual's compositor has produced the frame
and turned it into the string a terminal driver writes (``App._display``; headless Textual
skips that last step, so it is done here to keep its cost in). Only the write to a real
terminal is left out.

Per key: ``first`` is the first frame after the key, ``last`` the last frame before the app
went quiet again (Pilot's idle wait, outside the timed span): the screen fully updated,
including any follow-up work (e.g. DataTable's deferred sizing) and Textual's update timer
(frames are at most 60 a second, so up to ~17 ms of each figure is that timer).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: How long a key may take to draw before it counts as one that draws nothing (seconds).
FIRST_FRAME_WAIT = 1.0


@dataclass
class KeyTiming:
    key: str
    first: float | None
    last: float | None
    frames: int


@dataclass
class FrameClock:
    """Wraps an app's ``_display`` to timestamp every frame it renders."""

    app: Any
    frames: list[float] = field(default_factory=list)
    #: Set by every frame: a key's first frame is awaited on it, not through Pilot.
    drawn: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        from textual._compositor import CompositorUpdate

        app = self.app
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if app.is_headless and isinstance(renderable, CompositorUpdate):
                # What the Linux driver writes; headless Textual does not build it.
                renderable.render_segments(app.console)
            self.frames.append(time.perf_counter())
            self.drawn.set()

        app._display = display

    def send_key(self, key: str) -> None:
        """Post a key event as the terminal driver would (as Pilot does, without its waits)."""
        from textual import events
        from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(self.app)
        # The driver's input thread does this through run_coroutine_threadsafe; posting here
        # puts the key in the app's queue at once, so the wait below cannot start before it.
        self.app.post_message(event)

    async def quiet(self, pilot: Any) -> None:
        """Until nothing is pending: Pilot's idle wait, then no new frame for 50 ms."""
        await pilot.pause()
        seen = -1
        while seen != len(self.frames):
            seen = len(self.frames)
            await asyncio.sleep(0.05)
            await pilot.pause()

    async def press(self, pilot: Any, key: str) -> KeyTiming:
        """Send one key when the app is quiet; time its frames until it is quiet again.

        The first frame is awaited on ``drawn`` alone: Pilot's idle wait posts a callback to
        every widget on screen and waits for each, and those ~40 callbacks (~0.12 ms each)
        were handled by the app between the key's hops from the app to the screen and back,
        adding ~5 ms to every key of any app (measured on the minimal one). Only after the
        first frame (or a second without one: a key that draws nothing) does Pilot wait.
        """
        await self.quiet(pilot)
        n = len(self.frames)
        self.drawn.clear()
        t0 = time.perf_counter()
        self.send_key(key)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drawn.wait(), FIRST_FRAME_WAIT)
        await self.quiet(pilot)
        frames = self.frames[n:]
        if not frames:
            return KeyTiming(key, None, None, 0)
        return KeyTiming(key, frames[0] - t0, frames[-1] - t0, len(frames))
