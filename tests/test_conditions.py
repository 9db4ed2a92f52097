"""The condition language on its own: every form, sides and quantifiers, unanswered items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from exam_tui import conditions as cond


@dataclass
class Item:
    """Just what kinds need (worse_by / newly)."""

    id: str
    kind: str
    normal: Any = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    options: list[str] | None = None
    option_labels: dict[str, str] = field(default_factory=dict)
    worse: Any = None


BILATERAL = {"tap", "grip", "jerk", "feel"}
ITEMS = {
    "tap": Item("tap", "sign", "negative"),
    "grip": Item("grip", "mrc", 5),
    "jerk": Item("jerk", "reflex", 2),
    "feel": Item("feel", "sensation", "normal"),
    "fire": Item("fire", "yes_no", "no"),
    "weeks": Item("weeks", "number", min=0, max=100, worse="higher"),
}


class Values(dict[tuple[str, str | None], Any]):
    def get(self, item: str, side: str | None) -> Any:  # type: ignore[override]
        return super().get((item, side))


def ctx(values: dict[tuple[str, str | None], Any], **kw: Any) -> cond.Context:
    prior = kw.pop("prior", None)
    return cond.Context(
        findings=Values(values),
        is_bilateral=lambda i: i in BILATERAL,
        items=ITEMS,  # type: ignore[arg-type]
        prior=Values(prior) if prior is not None else None,
        **kw,
    )


def holds(raw: dict[str, Any], values: dict[tuple[str, str | None], Any], **kw: Any) -> bool:
    return cond.evaluate(cond.parse(raw), ctx(values, **kw))[0]


def test_item_test_either_side_by_default_and_cites_each_side() -> None:
    c = cond.parse({"item": "tap", "is": "positive"})
    ok, matches = cond.evaluate(c, ctx({("tap", "left"): "positive", ("tap", "right"): "positive"}))
    assert ok and matches == [cond.Match("tap", "left"), cond.Match("tap", "right")]
    assert not holds({"item": "tap", "is": "positive"}, {("tap", "left"): "negative"})


@pytest.mark.parametrize(
    ("op", "operand", "value", "expected"),
    [
        ("eq", 3, 3, True),
        ("ne", 3, 4, True),
        ("ne", 3, 3, False),
        ("lt", 4, 3, True),
        ("lt", 4, 4, False),
        ("le", 4, 4, True),
        ("gt", 4, 5, True),
        ("gt", 4, 4, False),
        ("ge", 4, 4, True),
    ],
)
def test_comparisons(op: str, operand: int, value: int, expected: bool) -> None:
    assert holds({"item": "grip", op: operand}, {("grip", "left"): value}) is expected


def test_ne_on_words_needs_an_answer() -> None:
    assert holds({"item": "fire", "ne": "no"}, {("fire", None): "yes"})
    assert not holds({"item": "fire", "ne": "no"}, {})


def test_unanswered_satisfies_no_value_test_and_not_is_plain_negation() -> None:
    for raw in (
        {"item": "tap", "is": "positive"},
        {"item": "tap", "in": ["positive", "negative"]},
        {"item": "grip", "le": 5},
        {"item": "grip", "ne": 3},
        {"item": "jerk", "lower_than_other_side": True},
    ):
        assert not holds(raw, {}), raw
    assert holds({"not": {"item": "tap", "is": "positive"}}, {})
    assert holds({"item": "tap", "answered": False}, {})
    ok, matches = cond.evaluate(cond.parse({"item": "tap", "answered": False}), ctx({}))
    assert ok and matches == []  # nothing to cite


def test_several_tests_in_one_item_test_hold_on_the_same_side() -> None:
    raw = {"item": "jerk", "le": 1, "lower_than_other_side": True}
    assert holds(raw, {("jerk", "left"): 1, ("jerk", "right"): 2})
    assert not holds(raw, {("jerk", "left"): 2, ("jerk", "right"): 3})  # lower, but not ≤ 1
    assert not holds(raw, {("jerk", "left"): 1, ("jerk", "right"): 1})  # symmetric


def test_side_binding_and_other_side() -> None:
    raw = {
        "side": "left",
        "all": [
            {"item": "tap", "is": "positive"},
            {"item": "feel", "side": "other", "is": "absent"},
        ],
    }
    assert holds(raw, {("tap", "left"): "positive", ("feel", "right"): "absent"})
    assert not holds(raw, {("tap", "left"): "positive", ("feel", "left"): "absent"})


def test_on_same_needs_every_finding_on_one_side() -> None:
    raw = {"on": "same", "all": [{"item": "tap", "is": "positive"}, {"item": "grip", "le": 4}]}
    assert holds(raw, {("tap", "right"): "positive", ("grip", "right"): 4})
    assert not holds(raw, {("tap", "left"): "positive", ("grip", "right"): 4})
    # Without a quantifier each test looks at either side on its own.
    either = {"all": [{"item": "tap", "is": "positive"}, {"item": "grip", "le": 4}]}
    assert holds(either, {("tap", "left"): "positive", ("grip", "right"): 4})
    assert holds({**either, "on": "either"}, {("tap", "left"): "positive", ("grip", "right"): 4})


def test_on_both_allows_different_findings_on_each_side() -> None:
    named = {
        "weak": cond.parse({"any": [{"item": "grip", "le": 4}, {"item": "feel", "is": "absent"}]})
    }
    raw = {"on": "both", "ref": "weak"}
    c = cond.parse(raw)
    ok, matches = cond.evaluate(
        c, ctx({("grip", "left"): 3, ("feel", "right"): "absent"}, named=named)
    )
    assert ok and set(matches) == {cond.Match("grip", "left"), cond.Match("feel", "right")}
    assert not cond.evaluate(
        c, ctx({("grip", "left"): 3, ("feel", "left"): "absent"}, named=named)
    )[0]


def test_same_inside_both_reads_each_side_in_turn() -> None:
    """`on = "same"` nested in `on = "both"`: two findings on the left and two on the right."""
    raw = {
        "on": "both",
        "all": [
            {"on": "same", "all": [{"item": "tap", "is": "positive"}, {"item": "grip", "le": 4}]}
        ],
    }
    both = {("tap", "left"): "positive", ("grip", "left"): 4}
    assert not holds(raw, both)
    both |= {("tap", "right"): "positive", ("grip", "right"): 3}
    assert holds(raw, both)


def test_at_least() -> None:
    raw = {
        "at_least": 2,
        "of": [
            {"item": "fire", "is": "yes"},
            {"item": "grip", "le": 4},
            {"item": "tap", "is": "positive"},
        ],
    }
    assert holds(raw, {("fire", None): "yes", ("grip", "left"): 3})
    assert not holds(raw, {("fire", None): "yes"})


def test_worse_by_and_newly_compare_with_the_previous_exam() -> None:
    prior = {
        ("grip", "left"): 5,
        ("tap", "left"): "negative",
        ("jerk", "left"): 2,
        ("weeks", None): 4,
    }
    now = {
        ("grip", "left"): 4,
        ("tap", "left"): "positive",
        ("jerk", "left"): 3,
        ("weeks", None): 6,
    }
    assert holds({"item": "grip", "worse_by": 1}, now, prior=prior)
    assert not holds({"item": "grip", "worse_by": 2}, now, prior=prior)
    assert holds({"item": "tap", "newly": "positive"}, now, prior=prior)
    assert holds({"item": "tap", "newly": "abnormal"}, now, prior=prior)
    assert holds({"item": "weeks", "worse_by": 2}, now, prior=prior)  # worse = higher
    assert not holds({"item": "jerk", "worse_by": 1}, now, prior=prior)  # brisk is not a loss
    # No previous exam, or no value in it: never holds.
    assert not holds({"item": "grip", "worse_by": 1}, now)
    assert not holds({"item": "grip", "worse_by": 1}, now, prior={})
    ok, matches = cond.evaluate(cond.parse({"item": "grip", "worse_by": 1}), ctx(now, prior=prior))
    assert ok and matches == [cond.Match("grip", "left", since_prior=True)]


@pytest.mark.parametrize(
    ("old", "new", "steps"),
    [(2, 1, 1), (3, 1, 1), (2, 0, 2), (3, 2, 0), (2, 3, 0), (2, 4, 1), (4, 1, 1), (1, 2, -1)],
)
def test_reflex_worsening_counts_steps_below_normal_and_clonus(
    old: int, new: int, steps: int
) -> None:
    from exam_tui import kinds

    assert kinds.worsening(ITEMS["jerk"], old, new) == steps  # type: ignore[arg-type]


def test_score_and_pattern_forms() -> None:
    assert holds({"score": "g", "ge": 2}, {}, scores={"g": 2})
    assert not holds({"score": "g", "ge": 2}, {}, scores={"g": 1})
    assert holds({"pattern": ["x", "y"]}, {}, pattern_reading="y")


@pytest.mark.parametrize(
    "raw",
    [
        {"item": "tap"},
        {"item": "tap", "is": "positive", "colour": "red"},
        {"item": "tap", "in": []},
        {"item": "grip", "le": "four"},
        {"item": "grip", "worse_by": 0},
        {"item": "tap", "is": True},
        {"all": []},
        {"at_least": 3, "of": [{"item": "tap", "is": "positive"}]},
        {"on": "sometimes", "all": [{"item": "tap", "is": "positive"}]},
        {"side": "both", "all": [{"item": "tap", "is": "positive"}]},
        {"side": "left", "on": "same", "all": [{"item": "tap", "is": "positive"}]},
        {"item": "tap", "is": "positive", "on": "same"},
        {"score": "g"},
        {"not": {"item": "tap", "is": "positive"}, "on": "both"},
        "tap is positive",
    ],
)
def test_malformed_conditions_are_refused_with_a_reason(raw: Any) -> None:
    with pytest.raises(cond.ConditionSyntaxError):
        cond.parse(raw)
