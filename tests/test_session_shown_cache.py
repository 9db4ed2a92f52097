"""The session's remembered "is this item shown?" always equals asking the record afresh,
whatever the clinician does: answers, clears, N fills, undo (property test, both bundled
exams). The screen asks it ~300 times a key, so it is cached against the record's revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui import record as rec
from exam_tui.checklist import Checklist, load_bundled
from exam_tui.session import ExamSession, answer_keys

CHECKLISTS = {cid: load_bundled(cid) for cid in ("posterior-thigh-pain", "arm-pain")}
#: Items with a show-condition, and the items those conditions read: where a stale answer
#: would show.
action = st.one_of(
    st.tuples(
        st.just("answer"),
        st.integers(0, 10_000),
        st.integers(0, 20),
        st.sampled_from(["left", "right"]),
    ),
    st.tuples(
        st.just("clear"), st.integers(0, 10_000), st.just(0), st.sampled_from(["left", "right"])
    ),
    st.tuples(st.just("fill"), st.integers(0, 30), st.just(0), st.just("left")),
    st.tuples(st.just("undo"), st.just(0), st.just(0), st.just("left")),
)


def _agrees(s: ExamSession, cl: Checklist) -> None:
    for item in cl.items.values():
        for side in rec.slots(cl, item):
            assert s.is_shown(item, side) == rec.is_shown(cl, s.record, item.id, side), (
                item.id,
                side,
            )
    for n, section in enumerate(cl.sections):
        assert s.progress(n) == rec.progress(cl, s.record, section.id)
    assert s.unanswered() == rec.unanswered(cl, s.record)


@pytest.mark.parametrize("cid", list(CHECKLISTS))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(action, max_size=25))
def test_cached_shown_state_equals_the_records(
    cid: str, steps: list[tuple[str, int, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    cl = CHECKLISTS[cid]
    folder: Path = tmp_path_factory.mktemp("records")
    s = ExamSession.start(cl, folder, patient="P", examiner="E", side="left", find_prior=False)
    # The items that show-conditions look at, and those conditions' own items, come first.
    watched = sorted(
        {i for i in cl.show_conditions}
        | {t.item for c in cl.show_conditions.values() for t in _tests(c)}
    )
    items = [cl.items[i] for i in watched] + list(cl.items.values())
    _agrees(s, cl)
    for what, n, k, side in steps:
        item = items[n % len(items)]
        if what in ("answer", "clear"):
            s.goto(item.id, side if item.bilateral else None)
            if what == "clear":
                s.clear()
            else:
                keys = list(answer_keys(s.item))
                if keys:
                    s.answer(keys[k % len(keys)])
        elif what == "fill":
            s.goto_section(n % len(cl.sections))
            s.fill_normal_section(confirmed=True)
        else:
            s.undo()
        _agrees(s, cl)


def _tests(c: object) -> list[rec.cond.ItemTest]:
    return [node for node in rec.cond.walk(c) if isinstance(node, rec.cond.ItemTest)]  # type: ignore[arg-type]
