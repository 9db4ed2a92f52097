"""Property: the exam screen's evaluator, kept from key to key (it re-evaluates only the
conditions whose items changed), always gives what evaluating the record afresh gives, after
every step of a random exam: answers, changes, clears, a previous exam that arrives, changes
or goes, and another record evaluated in between. A stale flag here would be a wrong
"nothing indicated" on screen.

The checklists are the bundled exams and the engine's own test checklist (a pattern with
readings and overrides, a screening section, escalation, a rule that compares with the
previous exam, a rule that reads the pattern reading).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui import conditions as cond
from exam_tui import kinds, rules
from exam_tui.checklist import Checklist, Item, load_bundled, load_checklist
from exam_tui.record import Record, new_record

DATA = Path(__file__).parent / "data" / "checklists"
CHECKLISTS: dict[str, Checklist] = {
    "posterior-thigh-pain": load_bundled("posterior-thigh-pain"),
    "arm-pain": load_bundled("arm-pain"),
    "paw-exam": load_checklist(DATA / "paw-exam.toml"),
}


def _conditions(checklist: Checklist) -> list[cond.Condition]:
    """Every condition of the checklist: rules, escalations, the pattern, show-conditions."""
    return [
        *checklist.rule_conditions.values(),
        *checklist.escalate_conditions.values(),
        *checklist.pattern_conditions.values(),
        *checklist.show_conditions.values(),
        *checklist.named_conditions.values(),
    ]


def _near(item: Item, op: str, operand: Any) -> list[Any]:
    """Values on either side of a test's line: where a condition flips."""
    if op == "in":
        return list(operand)
    if op in cond.COMPARISONS and isinstance(operand, int | float) and item.kind == "number":
        assert item.min is not None and item.max is not None
        steps = (operand - 1, operand, operand + 1)
        return [v for v in steps if item.min <= v <= item.max]
    if op in ("is", "ne", *cond.COMPARISONS):
        return [operand]
    if op == "newly" and operand != "abnormal":
        return [operand]
    return []


def _tested_values(checklist: Checklist) -> dict[str, list[Any]]:
    """Per item, the values its conditions test for (a random value seldom makes a rule
    fire: most need one value, or several at once)."""
    out: dict[str, list[Any]] = {}
    for c in _conditions(checklist):
        for node in cond.walk(c):
            if isinstance(node, cond.ItemTest):
                item = checklist.items[node.item]
                for op, operand in node.tests:
                    out.setdefault(item.id, []).extend(_near(item, op, operand))
    return out


def values_for(item: Item, tested: list[Any]) -> st.SearchStrategy[Any]:
    """A valid value of the item, often one its conditions test for; None clears it."""
    values = kinds.KINDS[item.kind].values
    if values is not None:
        drawn: st.SearchStrategy[Any] = st.sampled_from(values)
    elif item.kind == "choice":
        drawn = st.sampled_from(item.options or [])
    elif item.kind == "text":
        drawn = st.sampled_from(["", "x", "a note"])
    else:
        assert item.min is not None and item.max is not None
        drawn = st.integers(int(item.min), int(item.max))
        if not item.integer:
            drawn = drawn | st.floats(item.min, item.max, allow_nan=False)
    if tested:
        drawn = st.sampled_from(tested) | st.sampled_from(tested) | drawn
    return st.none() | drawn


@st.composite
def steps(draw: st.DrawFn, checklist: Checklist) -> list[tuple[Any, ...]]:
    tested = _tested_values(checklist)
    # Items that conditions read, mostly: answering the others changes no flag.
    read = [checklist.items[i] for i in tested]
    every = list(checklist.items.values())
    out: list[tuple[Any, ...]] = []

    def answer(what: str, item: Item) -> None:
        for side in ("left", "right") if item.bilateral else (None,):
            if side is None or draw(st.booleans()):
                out.append((what, item, side, draw(values_for(item, tested.get(item.id, [])))))

    for _ in range(draw(st.integers(1, 40))):
        what = draw(
            st.sampled_from(["set"] * 10 + ["section", "prior-set", "prior", "no-prior", "other"])
        )
        if what == "section":  # a whole section answered (N, or a screening section asked)
            for item in draw(st.sampled_from(checklist.sections)).items:
                answer("set", item)
        elif what in ("set", "prior-set"):
            answer(
                what,
                draw(st.sampled_from(read) if draw(st.integers(0, 5)) else st.sampled_from(every)),
            )
        else:
            out.append((what,))
    return out


def _record(checklist: Checklist) -> Record:
    return new_record(checklist, "P", "E", "left")


@pytest.mark.parametrize("cid", list(CHECKLISTS))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_kept_evaluator_equals_a_fresh_evaluation_after_every_step(
    cid: str, data: st.DataObject
) -> None:
    checklist = CHECKLISTS[cid]
    record, prior_record = _record(checklist), _record(checklist)
    prior: Record | None = None
    kept = rules.Evaluator(checklist)
    for step in data.draw(steps(checklist)):
        if step[0] == "set":
            _, item, side, value = step
            record.set_value(item, side, value)
        elif step[0] == "prior-set":  # the previous exam changed in place (never, in the app)
            _, item, side, value = step
            prior_record.set_value(item, side, value)
        elif step[0] == "prior":  # it arrives (found by its thread), or another one does
            prior = prior_record = copy.deepcopy(prior_record)
        elif step[0] == "no-prior":
            prior = None
        else:  # the evaluator is shown another record, then this one again
            kept.evaluate(_record(checklist), None)
        got = kept.evaluate(record, prior)
        want = rules.evaluate(checklist, record, prior=prior)
        assert got == want, step


def test_a_change_re_evaluates_only_the_conditions_that_read_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What makes it fast: after one answer, the conditions that do not read that item keep
    their results (counted through the conditions module's evaluate); with no change, none
    is evaluated again."""
    checklist = CHECKLISTS["paw-exam"]
    record = _record(checklist)
    kept = rules.Evaluator(checklist)
    calls: list[object] = []
    original = rules.cond.evaluate

    def counting(condition: Any, ctx: Any, bound: Any = None) -> Any:
        if not ctx.scores:  # the pattern's readings look at its scores only, every time
            calls.append(condition)
        return original(condition, ctx, bound)

    kept.evaluate(record)
    monkeypatch.setattr(rules.cond, "evaluate", counting)
    kept.evaluate(record)
    unchanged = len(calls)
    item = next(i for i in checklist.items.values() if i.kind == "yes_no")
    record.set_value(item, "left" if item.bilateral else None, "yes")
    calls.clear()
    kept.evaluate(record)
    one_answer = len(calls)
    calls.clear()
    rules.evaluate(checklist, record)
    fresh = len(calls)
    assert unchanged == 0
    assert 0 < one_answer < fresh


#: A checklist of its own for the cases a random exam seldom reaches: a screening section
#: whose item is shown or hidden by answers outside it, an escalation read again after its
#: rule stopped firing and fired again, and a previous exam that arrives or changes while the
#: record does not.
SMALL = """
id = "incremental-test"
version = "1.0.0"
title = "Incremental evaluation test"

[[sections]]
id = "history"
title = "History"

[[sections.items]]
id = "trauma"
label = "Trauma"
kind = "yes_no"

[[sections.items]]
id = "age"
label = "Age"
kind = "number"
min = 0
max = 120
integer = true

[[sections]]
id = "alarms"
title = "Alarms"
role = "screening"

[[sections.items]]
id = "alarm"
label = "Alarm"
kind = "yes_no"

[[sections.items]]
id = "asked_after_trauma"
label = "Asked after trauma"
kind = "yes_no"
show_when = { all = [{ item = "trauma", is = "yes" }, { not = { item = "age", ge = 65 } }] }

[[rules]]
id = "alarm_rule"
title = "Alarm"
urgency = "soon"
actions = ["referral"]
advice = "Refer."
source = "test"
when = { item = "alarm", is = "yes" }
escalate = { when = { item = "age", ge = 65 }, urgency = "urgent", reason = "older" }

[[rules]]
id = "new_alarm"
title = "New alarm"
urgency = "routine"
actions = ["referral"]
advice = "Refer."
source = "test"
when = { item = "alarm", newly = "yes" }

[[rules]]
id = "unasked"
title = "Alarms not all asked"
urgency = "warning"
advice = "Ask every alarm."
source = "test"
screening_section = "alarms"
"""


@pytest.fixture
def small(tmp_path: Path) -> Checklist:
    path = tmp_path / "incremental-test.toml"
    path.write_text(SMALL, encoding="utf-8")
    return load_checklist(path)


def _run(checklist: Checklist, changes: list[tuple[str, Any]]) -> list[rules.Evaluation]:
    """Each change in turn, the kept evaluator's result checked against a fresh one."""
    record = _record(checklist)
    kept = rules.Evaluator(checklist)
    out = []
    for item_id, value in changes:
        record.set_value(checklist.items[item_id], None, value)
        got, want = kept.evaluate(record), rules.evaluate(checklist, record)
        assert got == want, (item_id, value)
        out.append(got)
    return out


def test_a_screening_item_shown_or_hidden_from_outside_its_section(small: Checklist) -> None:
    evs = _run(small, [("alarm", "no"), ("trauma", "yes"), ("age", 70), ("age", 40)])
    assert [[w.items for w in ev.warnings] for ev in evs] == [
        [],
        [("asked_after_trauma",)],  # trauma: asked after it, not yet answered
        [],  # 70: not asked at that age
        [("asked_after_trauma",)],
    ]


def test_an_escalation_read_again_after_its_rule_stopped_firing(small: Checklist) -> None:
    evs = _run(small, [("alarm", "yes"), ("alarm", "no"), ("age", 70), ("alarm", "yes")])
    assert [[f.urgency for f in ev.flags] for ev in evs] == [["soon"], [], [], ["urgent"]]


def test_a_previous_exam_that_arrives_or_changes_while_the_record_does_not(
    small: Checklist,
) -> None:
    record = _record(small)
    record.set_value(small.items["alarm"], None, "yes")
    was_no, was_yes = _record(small), _record(small)
    was_no.set_value(small.items["alarm"], None, "no")
    was_yes.set_value(small.items["alarm"], None, "yes")
    kept = rules.Evaluator(small)
    fired = []
    for prior in (None, was_no, was_yes, was_no):
        got = kept.evaluate(record, prior)
        assert got == rules.evaluate(small, record, prior=prior)
        fired.append([f.id for f in got.flags])
    assert fired == [["alarm_rule"], ["alarm_rule", "new_alarm"], ["alarm_rule"], fired[1]]
