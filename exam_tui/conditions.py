"""A small declarative condition language over exam findings, shared by show-conditions and rules.

Conditions are written as TOML inline tables (see docs/checklist-format.md):

    { item = "slr", is = "positive" }                      # either side (default)
    { item = "slr", in = ["positive", "equivocal"], side = "left" }
    { item = "strength_ankle_dorsiflexion", le = 3 }        # graded and numeric: le / ge / eq
    { item = "reflex_achilles", lower_than_other_side = true }
    { item = "onset", answered = false }
    { all = [ ... ] }   { any = [ ... ] }   { not = { ... } }
    { at_least = 2, of = [ ... ] }
    { side = "left", at_least = 2, of = [ ... ] }           # binds the side of the items inside
    { ref = "root_deficit" }                                # a named condition of the checklist
    { pattern = ["radicular"] }                             # the pattern reading (rules only)

Evaluation returns whether the condition holds and *every* finding that satisfied it, so a
flag can list all of its reasons, not only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Side = Literal["left", "right"]
SideSpec = Literal["any", "left", "right", "both"]
SIDES: tuple[Side, Side] = ("left", "right")
SIDE_SPECS: tuple[str, ...] = ("any", "left", "right", "both")
ITEM_OPS: tuple[str, ...] = ("is", "in", "le", "ge", "eq", "answered", "lower_than_other_side")

Value = str | int | float


@dataclass(frozen=True)
class Match:
    """One finding that satisfied a condition: an item and, for bilateral items, its side."""

    item: str
    side: Side | None = None


@dataclass(frozen=True)
class ItemTest:
    item: str
    op: str
    operand: Any
    side: SideSpec | None = None  # None: inherit a bound side, else "any"


@dataclass(frozen=True)
class AllOf:
    children: tuple[Condition, ...]
    side: Side | None = None


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Condition, ...]
    side: Side | None = None


@dataclass(frozen=True)
class AtLeast:
    n: int
    children: tuple[Condition, ...]
    side: Side | None = None


@dataclass(frozen=True)
class Not:
    child: Condition


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class PatternIs:
    readings: tuple[str, ...]


Condition = ItemTest | AllOf | AnyOf | AtLeast | Not | Ref | PatternIs


class ConditionSyntaxError(ValueError):
    """A condition table that does not parse; the message says what is wrong."""


def parse(raw: Any) -> Condition:
    """Parse a TOML table into a condition, or raise ConditionSyntaxError."""
    if not isinstance(raw, Mapping):
        raise ConditionSyntaxError(f"a condition must be a table, not {raw!r}")
    keys = set(raw)
    side = raw.get("side")
    if side is not None and side not in SIDE_SPECS:
        raise ConditionSyntaxError(f"side must be one of {', '.join(SIDE_SPECS)}, not {side!r}")
    if "item" in keys:
        ops = [k for k in keys if k in ITEM_OPS]
        extra = keys - {"item", "side", *ITEM_OPS}
        if extra:
            raise ConditionSyntaxError(f"unknown key(s) {sorted(extra)} in item test")
        if len(ops) != 1:
            raise ConditionSyntaxError(
                f"an item test needs exactly one of {', '.join(ITEM_OPS)} "
                f"(got {sorted(ops) or 'none'})"
            )
        op = ops[0]
        operand = raw[op]
        if op == "in":
            if not isinstance(operand, list) or not operand:
                raise ConditionSyntaxError("'in' needs a non-empty list of values")
            operand = tuple(operand)
        elif op in ("le", "ge", "eq"):
            if isinstance(operand, bool) or not isinstance(operand, int | float):
                raise ConditionSyntaxError(f"'{op}' needs a number, not {operand!r}")
        elif op in ("answered", "lower_than_other_side"):
            if not isinstance(operand, bool):
                raise ConditionSyntaxError(f"'{op}' needs true or false")
        elif op == "is" and (
            isinstance(operand, bool) or not isinstance(operand, str | int | float)
        ):
            raise ConditionSyntaxError(f"'is' needs a value, not {operand!r}")
        if not isinstance(raw["item"], str):
            raise ConditionSyntaxError("'item' must be an item id")
        return ItemTest(item=raw["item"], op=op, operand=operand, side=side)
    composite = [k for k in ("all", "any", "at_least", "not", "ref", "pattern") if k in keys]
    if len(composite) != 1:
        raise ConditionSyntaxError(
            "a condition needs exactly one of item, all, any, at_least, not, ref, pattern"
            f" (got {sorted(keys)})"
        )
    kind = composite[0]
    if side in ("any", "both"):
        raise ConditionSyntaxError("a group may bind side = 'left' or 'right' only")
    bound: Side | None = side
    if kind in ("all", "any"):
        allowed = {kind, "side"}
        children = raw[kind]
    elif kind == "at_least":
        allowed = {"at_least", "of", "side"}
        children = raw.get("of")
        n = raw["at_least"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ConditionSyntaxError("'at_least' needs a whole number ≥ 1")
    else:
        allowed = {kind}
    if keys - allowed:
        raise ConditionSyntaxError(f"unknown key(s) {sorted(keys - allowed)} with '{kind}'")
    if kind in ("all", "any", "at_least"):
        if not isinstance(children, list) or not children:
            raise ConditionSyntaxError(
                f"'{'of' if kind == 'at_least' else kind}' needs a non-empty list"
            )
        parsed = tuple(parse(c) for c in children)
        if kind == "all":
            return AllOf(parsed, bound)
        if kind == "any":
            return AnyOf(parsed, bound)
        if n > len(parsed):
            raise ConditionSyntaxError(
                f"at_least = {n} of only {len(parsed)} conditions can never hold"
            )
        return AtLeast(n, parsed, bound)
    if kind == "not":
        return Not(parse(raw["not"]))
    if kind == "ref":
        if not isinstance(raw["ref"], str):
            raise ConditionSyntaxError("'ref' needs the name of a condition")
        return Ref(raw["ref"])
    readings = raw["pattern"]
    if isinstance(readings, str):
        readings = [readings]
    if not isinstance(readings, list) or not readings:
        raise ConditionSyntaxError("'pattern' needs a reading or a list of readings")
    return PatternIs(tuple(readings))


def walk(cond: Condition) -> list[Condition]:
    """Every node of a condition tree, depth first (refs are not followed)."""
    out: list[Condition] = [cond]
    if isinstance(cond, AllOf | AnyOf | AtLeast):
        for c in cond.children:
            out.extend(walk(c))
    elif isinstance(cond, Not):
        out.extend(walk(cond.child))
    return out


class Findings(Protocol):
    """What evaluation needs from a record: a value per item and side."""

    def get(self, item: str, side: Side | None) -> Value | None: ...


@dataclass
class Context:
    """Everything a condition can look at."""

    findings: Findings
    is_bilateral: Callable[[str], bool]
    named: Mapping[str, Condition] = field(default_factory=dict)
    pattern_reading: str | None = None


Result = tuple[bool, list[Match]]


def _dedupe(matches: Sequence[Match]) -> list[Match]:
    seen: dict[Match, None] = {}
    for m in matches:
        seen.setdefault(m, None)
    return list(seen)


def _test_value(op: str, operand: Any, value: Value | None) -> bool:
    if op == "answered":
        return (value is not None) is bool(operand)
    if value is None:
        return False
    if op == "is":
        return bool(value == operand)
    if op == "in":
        return bool(value in operand)
    if isinstance(value, str):
        return False
    if op == "le":
        return bool(value <= operand)
    if op == "ge":
        return bool(value >= operand)
    return bool(value == operand)  # eq


def _item_test(t: ItemTest, ctx: Context, bound: Side | None) -> Result:
    if not ctx.is_bilateral(t.item):
        value = ctx.findings.get(t.item, None)
        if t.op == "lower_than_other_side":
            return False, []
        ok = _test_value(t.op, t.operand, value)
        return ok, ([Match(t.item)] if ok and value is not None else [])
    spec = t.side or bound or "any"
    sides: tuple[Side, ...] = SIDES if spec in ("any", "both") else (spec,)  # type: ignore[assignment]
    hits: list[Match] = []
    for s in sides:
        if t.op == "lower_than_other_side":
            here = ctx.findings.get(t.item, s)
            there = ctx.findings.get(t.item, "right" if s == "left" else "left")
            ok = (
                isinstance(here, int | float)
                and isinstance(there, int | float)
                and (here < there) == t.operand
            )
        else:
            ok = _test_value(t.op, t.operand, ctx.findings.get(t.item, s))
        if ok:
            hits.append(Match(t.item, s))
    ok = len(hits) == 2 if spec == "both" else bool(hits)
    if t.op == "answered" and not t.operand:
        hits = []  # an unanswered value is not a finding to cite
    return ok, (hits if ok else [])


def evaluate(cond: Condition, ctx: Context, bound: Side | None = None) -> Result:
    """Whether ``cond`` holds, and every finding that satisfied it."""
    if isinstance(cond, ItemTest):
        return _item_test(cond, ctx, bound)
    if isinstance(cond, AllOf | AnyOf | AtLeast):
        side = cond.side or bound
        results = [evaluate(c, ctx, side) for c in cond.children]
        true = [m for ok, ms in results if ok for m in ms]
        count = sum(ok for ok, _ in results)
        if isinstance(cond, AllOf):
            ok = count == len(results)
        elif isinstance(cond, AnyOf):
            ok = count >= 1
        else:
            ok = count >= cond.n
        return ok, (_dedupe(true) if ok else [])
    if isinstance(cond, Not):
        ok, _ = evaluate(cond.child, ctx, bound)
        return not ok, []
    if isinstance(cond, Ref):
        return evaluate(ctx.named[cond.name], ctx, bound)
    return ctx.pattern_reading in cond.readings, []
