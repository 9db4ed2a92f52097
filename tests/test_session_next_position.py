"""Where an answer moves the cursor: ``next_position`` (found from the cursor on) is always
the shown value after the cursor in exam order, computed here from the record alone, and
``advance`` goes there; on the last value it stays. Property test on both bundled exams,
after answers, clears and N fills that show and hide items."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui import record as rec
from exam_tui.checklist import Checklist, load_bundled
from exam_tui.session import Cursor, ExamSession, answer_keys

CHECKLISTS = {cid: load_bundled(cid) for cid in ("posterior-thigh-pain", "arm-pain")}

step = st.tuples(
    st.sampled_from(["answer", "clear", "fill"]),
    st.integers(0, 10_000),
    st.integers(0, 20),
    st.sampled_from(["left", "right"]),
)


def shown_positions(cl: Checklist, record: rec.Record) -> list[Cursor]:
    """Every shown (section, item, side) in exam order, from the record (not the session)."""
    return [
        Cursor(n, item.id, side)
        for n, section in enumerate(cl.sections)
        for item in section.items
        for side in rec.slots(cl, item)
        if rec.is_shown(cl, record, item.id, side)
    ]


@pytest.mark.parametrize("cid", list(CHECKLISTS))
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(step, max_size=20))
def test_next_position_is_the_following_shown_value(
    cid: str, steps: list[tuple[str, int, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    cl = CHECKLISTS[cid]
    folder: Path = tmp_path_factory.mktemp("records")
    s = ExamSession.start(cl, folder, patient="P", examiner="E", side="left", find_prior=False)
    items = list(cl.items.values())
    for what, n, k, side in steps:
        item = items[n % len(items)]
        if what == "fill":
            s.goto_section(n % len(cl.sections))
            s.fill_normal_section(confirmed=True)
            continue
        s.goto(item.id, side if item.bilateral else None)
        if what == "clear":
            s.clear()
        else:
            keys = [key for key in answer_keys(s.item) if key not in ("enter", "backspace")]
            if keys:
                s.answer(keys[k % len(keys)])
    positions = shown_positions(cl, s.record)
    for i, here in enumerate(positions):
        s.cursor = here
        expected = positions[i + 1] if i + 1 < len(positions) else None
        assert s.next_position() == expected, here
        assert s.advance() is (expected is not None)
        assert s.cursor == (expected or here)


def test_next_position_skips_hidden_values_and_sections(tmp_path: Path) -> None:
    """A hand-made case: an item hidden by its show-condition is stepped over, and the value
    after a section's last is the next section's first shown one."""
    cl = CHECKLISTS["posterior-thigh-pain"]
    s = ExamSession.start(cl, tmp_path, patient="P", examiner="E", side="left", find_prior=False)
    order = list(cl.items)
    hidden = next(
        i
        for i in cl.show_conditions
        if order.index(i) > 0
        and not any(rec.is_shown(cl, s.record, i, side) for side in rec.slots(cl, cl.items[i]))
    )
    positions = shown_positions(cl, s.record)
    before = [p for p in positions if order.index(p.item) < order.index(hidden)][-1]
    s.cursor = before
    following = s.next_position()
    assert following is not None and order.index(following.item) > order.index(hidden)
    assert following == positions[positions.index(before) + 1]
    first = positions[0].section
    last_of_first = max(i for i, p in enumerate(positions) if p.section == first)
    s.cursor = positions[last_of_first]
    assert s.next_position() == positions[last_of_first + 1]
    assert positions[last_of_first + 1].section != first
    s.cursor = positions[-1]
    assert s.next_position() is None
