"""Drives a scripted exam through the real app by key presses, choosing keys like a practised user.

The plan is made live from the app's ExamSession after every key: record each value that `N`
(every unanswered value of the section normal) would not give, moving there by the fewest
navigation keys (a breadth-first search over the same session calls the keys make), then `N`
for the rest of the section; at the end `ctrl+s` and `enter` to complete. The app decides what
each key does: if it ignored one, the saved record would not match and the run fails.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common as c

#: Navigation keys and the session call each makes (exam_tui/tui/commands.py).
NAV: dict[str, Callable[[Any], bool]] = {
    "down": lambda s: s.move_item(1),
    "up": lambda s: s.move_item(-1),
    "left": lambda s: s.move_side("left"),
    "right": lambda s: s.move_side("right"),
    "right_square_bracket": lambda s: s.move_section(1),
    "left_square_bracket": lambda s: s.move_section(-1),
}


def _keys_for(item: Any, value: Any) -> list[str]:
    from exam_tui.session import answer_keys

    if item.kind == "number":
        return [*("full_stop" if ch == "." else ch for ch in str(value)), "enter"]
    for key, v in answer_keys(item).items():
        if v == value:
            return [key]
    raise ValueError(f"no key answers {item.id} = {value!r}")


def _path_to(session: Any, goal: Callable[[Any], bool], max_depth: int = 12) -> list[str]:
    """Fewest navigation keys from the cursor to a position satisfying ``goal``."""
    start = session.cursor
    seen = {start}
    queue: deque[tuple[Any, list[str]]] = deque([(start, [])])
    try:
        while queue:
            pos, keys = queue.popleft()
            if goal(pos):
                return keys
            if len(keys) >= max_depth:
                continue
            for key, move in NAV.items():
                session.cursor = pos
                if move(session) and session.cursor not in seen:
                    seen.add(session.cursor)
                    queue.append((session.cursor, [*keys, key]))
    finally:
        session.cursor = start
        session.number_buffer = ""
    raise RuntimeError("no path to the next value")


def next_keys(session: Any, scenario: dict[str, Any]) -> list[str] | None:
    """The next keys to press (None: every value of the scenario is recorded)."""
    cl = session.checklist
    targets, fill_sections, fillable = set(), set(), set()
    positions = session._positions()
    for pos in positions:
        item = cl.items[pos.item]
        want = c.wanted_value(cl, scenario, pos.item, pos.side)
        have = session.record.get(pos.item, pos.side)
        if want is None or have == want:
            continue
        if have is None and want == item.normal:
            fill_sections.add(pos.section)  # `N` will record it
            fillable.add(pos)
        else:
            targets.add(pos)
    here = session.cursor
    if here in targets:
        return _keys_for(cl.items[here.item], c.wanted_value(cl, scenario, here.item, here.side))
    in_section = {t for t in targets if t.section == here.section}
    i = positions.index(here) if here in positions else -1
    if (
        here in fillable
        and any(positions.index(t) > i for t in in_section)
        and (here.side is None or (i + 1 < len(positions) and positions[i + 1] in in_section))
    ):
        # On the way to the next value, answering this one moves on just like a navigation key
        # (`down` for a one-value item, `right` to a target on the other leg), and `N` may be out
        # of reach once the section's last value has moved the cursor on.
        item = cl.items[here.item]
        return _keys_for(item, item.normal)
    if in_section:
        return _path_to(session, lambda p: p in in_section)
    if here.section in fill_sections:
        # A screening section asks before N records anything: Enter confirms the list.
        return ["N", "enter"] if cl.sections[here.section].role == "screening" else ["N"]
    if not targets and not fill_sections:
        return None
    return _path_to(session, lambda p: p in targets or p.section in fill_sections)


async def run_exam(
    scenario_name: str,
    records_dir: Path,
    on_key: Callable[[str, float], None] | None = None,
    size: tuple[int, int] = (120, 40),
    on_frame: Callable[[Any], None] | None = None,
) -> tuple[list[str], Path]:
    """Start `exam-tui new`, type the scripted exam, complete it; returns (keys, record path).

    ``on_key(key, seconds)`` gets the time from each press to the screen refreshed, through
    Pilot's waits. With ``on_frame`` instead, keys are timed inside Textual (_frames.py) and
    ``on_frame`` gets a ``_frames.KeyTiming`` per key.
    """
    from exam_tui.checklist import load_bundled
    from exam_tui.tui.app import create_app
    from exam_tui.tui.screens.exam import ExamScreen

    scenario = {**c.SCENARIOS, **c.OTHER_SCENARIOS}[scenario_name]
    app = create_app(
        records_dir=records_dir,
        checklist=load_bundled(scenario.get("checklist")),
        mode="new",
        patient=f"MRN-{scenario_name}",
        examiner="Dr Bench",
        side=scenario["affected_side"],
    )
    pressed: list[str] = []
    clock = None
    if on_frame is not None:
        import _frames

        clock = _frames.FrameClock(app)

    async def press(pilot: Any, key: str) -> None:
        if clock is not None and on_frame is not None:
            in_dialog = not isinstance(app.screen, ExamScreen)
            timing = await clock.press(pilot, key)
            if in_dialog:
                # `enter` confirming N's list or completing the exam: not an answer key.
                timing.key = f"{key}_dialog"
            on_frame(timing)
            pressed.append(key)
            return
        t0 = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        dt = time.perf_counter() - t0
        pressed.append(key)
        if on_key:
            on_key(key, dt)

    async with app.run_test(size=size) as pilot:
        while not isinstance(app.screen, ExamScreen):
            await pilot.pause(0.01)
        await pilot.pause()
        session = app.session
        assert session is not None
        while (keys := next_keys(session, scenario)) is not None:
            for key in keys:
                await press(pilot, key)
            if len(pressed) > 1000:
                raise RuntimeError(
                    f"runaway: the app does not do what the keys say ({pressed[-10:]})"
                )
        await press(pilot, "ctrl+s")
        await press(pilot, "enter")
        path = session.path
        status = session.record.status
        app.exit()
    if path is None or status != "completed":
        raise RuntimeError(f"the exam was not completed and saved (status {status}, path {path})")
    return pressed, path


async def frame_keys_on(app: Any, keys: list[str], size: tuple[int, int] = (120, 40)) -> list[Any]:
    """In-app key → frame timings (_frames.KeyTiming) of each key on any app (the baseline)."""
    import _frames

    clock = _frames.FrameClock(app)
    out = []
    async with app.run_test(size=size) as pilot:
        for key in keys:
            out.append(await clock.press(pilot, key))
        app.exit()
    return out


async def time_keys_on(app: Any, keys: list[str], size: tuple[int, int] = (120, 40)) -> list[float]:
    """Press + refresh time of each key on any app (the baseline)."""
    out = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            out.append(time.perf_counter() - t0)
        app.exit()
    return out
