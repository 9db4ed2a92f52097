"""A small declarative condition language over exam findings, shared by show-conditions and rules.

Conditions are written as TOML inline tables; docs/checklist-format.md documents every form
with an example:

    { item = "x", is = "positive" }                        # either side (default)
    { item = "x", in = ["positive", "equivocal"], side = "left" }
    { item = "x", le = 3 }                                 # eq ne lt le gt ge
    { item = "x", le = 1, lower_than_other_side = true }   # several tests: all, on one side
    { item = "x", answered = false }
    { item = "x", worse_by = 1 }                           # against the previous exam
    { item = "x", newly = "positive" }                     # or newly = "abnormal"
    { all = [ ... ] }   { any = [ ... ] }   { not = { ... } }   { at_least = 2, of = [ ... ] }
    { side = "left", any = [ ... ] }                       # binds the side of the items inside
    { on = "same", at_least = 2, of = [ ... ] }            # two findings on one side
    { on = "both", ref = "deficit_on_a_side" }             # one on the left and one on the right
    { ref = "name" }                                       # a named condition of the checklist
    { pattern = ["reading"] }                              # the pattern reading (rules only)
    { score = "group", ge = 3 }                            # a pattern group's points (readings)

Unanswered items satisfy no value test (only ``answered = false``); ``not`` is plain negation.
Evaluation returns whether the condition holds and *every* finding that satisfied it, so a
flag can list all of its reasons, not only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, Protocol

from exam_tui import kinds
from exam_tui.values import Struct, field

Side = Literal["left", "right"]
SideSpec = Literal["any", "left", "right", "both", "other"]
On = Literal["either", "same", "both"]
SIDES: tuple[Side, Side] = ("left", "right")
SIDE_SPECS: tuple[str, ...] = ("any", "left", "right", "both", "other")
ON_SPECS: tuple[str, ...] = ("either", "same", "both")
COMPARISONS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge")
#: Tests that compare with the patient's previous exam.
PRIOR_OPS: tuple[str, ...] = ("worse_by", "newly")
ITEM_OPS: tuple[str, ...] = (
    "is",
    "in",
    *COMPARISONS,
    "answered",
    "lower_than_other_side",
    *PRIOR_OPS,
)
GROUP_KEYS: tuple[str, ...] = ("all", "any", "at_least", "not", "ref", "pattern", "score")

Value = str | int | float


def other(side: Side) -> Side:
    return "right" if side == "left" else "left"


class Match(NamedTuple):
    """One finding that satisfied a condition: an item and, for bilateral items, its side.

    ``since_prior``: the finding is a change since the previous exam (its reason shows both).

    A tuple: matches are hashed to drop repeats and sort them, thousands of times an
    evaluation with several flags, and a tuple's hash is worked out in C (a Struct's was
    ~40% of an evaluation kept from key to key).
    """

    item: str
    side: Side | None = None
    since_prior: bool = False


class ItemTest(Struct):
    item: str
    #: (op, operand) pairs; all must hold on the same side.
    tests: tuple[tuple[str, Any], ...]
    side: SideSpec | None = None  # None: inherit a bound side, else "any"
    #: Compares with the previous exam (its matches are changes since then).
    since_prior: bool = False
    #: Whether its matches are findings to cite (not for ``answered = false``).
    cite: bool = True

    @property
    def op(self) -> str:
        """The first (usually only) test's operator."""
        return self.tests[0][0]

    @property
    def operand(self) -> Any:
        return self.tests[0][1]


class AllOf(Struct):
    children: tuple[Condition, ...]
    side: Side | None = None
    on: On | None = None


class AnyOf(Struct):
    children: tuple[Condition, ...]
    side: Side | None = None
    on: On | None = None


class AtLeast(Struct):
    n: int
    children: tuple[Condition, ...]
    side: Side | None = None
    on: On | None = None


class Not(Struct):
    child: Condition


class Ref(Struct):
    name: str
    side: Side | None = None
    on: On | None = None


class PatternIs(Struct):
    readings: tuple[str, ...]


class Score(Struct):
    group: str
    op: str
    operand: int | float


Condition = ItemTest | AllOf | AnyOf | AtLeast | Not | Ref | PatternIs | Score
#: The group kinds, as a tuple: ``isinstance`` with ``A | B | C`` builds the union each call.
_GROUPS = (AllOf, AnyOf, AtLeast)


class ConditionSyntaxError(ValueError):
    """A condition table that does not parse; the message says what is wrong."""


def _number(op: str, operand: Any) -> int | float:
    if isinstance(operand, bool) or not isinstance(operand, int | float):
        raise ConditionSyntaxError(f"'{op}' needs a number, not {operand!r}")
    return operand


#: The keys an item test may have; the types of a value to compare (a tuple: ``A | B`` in
#: ``isinstance`` builds the union on every call, and conditions are parsed on every start).
_ITEM_KEYS = frozenset({"item", "side", *ITEM_OPS})
_SCALARS = (str, int, float)


def _item_test(raw: Mapping[str, Any], side: Any) -> ItemTest:
    keys = raw.keys()
    extra = keys - _ITEM_KEYS
    if extra:
        raise ConditionSyntaxError(f"unknown key(s) {sorted(extra)} in item test")
    ops = [k for k in ITEM_OPS if k in keys]
    if not ops:
        raise ConditionSyntaxError(f"an item test needs one of {', '.join(ITEM_OPS)}")
    if not isinstance(raw["item"], str):
        raise ConditionSyntaxError("'item' must be an item id")
    tests: list[tuple[str, Any]] = []
    for op in ops:
        operand = raw[op]
        if op == "in":
            if not isinstance(operand, list) or not operand:
                raise ConditionSyntaxError("'in' needs a non-empty list of values")
            operand = tuple(operand)
        elif op == "ne" and isinstance(operand, str):
            pass
        elif op in COMPARISONS:
            operand = _number(op, operand)
        elif op == "worse_by":
            operand = _number(op, operand)
            if operand <= 0:
                raise ConditionSyntaxError("'worse_by' needs a number above 0")
        elif op in ("answered", "lower_than_other_side"):
            if not isinstance(operand, bool):
                raise ConditionSyntaxError(f"'{op}' needs true or false")
        elif op in ("is", "newly") and (
            isinstance(operand, bool) or not isinstance(operand, _SCALARS)
        ):
            raise ConditionSyntaxError(f"'{op}' needs a value, not {operand!r}")
        tests.append((op, operand))
    return ItemTest(  # every field, in order: Struct's fast path
        raw["item"],
        tuple(tests),
        side,
        any(op in PRIOR_OPS for op, _ in tests),  # since_prior
        not any(op == "answered" and not operand for op, operand in tests),  # cite
    )


def parse(raw: Any) -> Condition:
    """Parse a TOML table into a condition, or raise ConditionSyntaxError."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise ConditionSyntaxError(f"a condition must be a table, not {raw!r}")
    keys = raw.keys()
    side = raw.get("side")
    if side is not None and side not in SIDE_SPECS:
        raise ConditionSyntaxError(f"side must be one of {', '.join(SIDE_SPECS)}, not {side!r}")
    if "item" in keys:
        if "on" in keys:
            raise ConditionSyntaxError("'on' applies to groups (all, any, at_least, ref)")
        return _item_test(raw, side)
    composite = [k for k in GROUP_KEYS if k in keys]
    if len(composite) != 1:
        raise ConditionSyntaxError(
            f"a condition needs exactly one of item, {', '.join(GROUP_KEYS)} (got {sorted(keys)})"
        )
    kind = composite[0]
    on = raw.get("on")
    if on is not None and on not in ON_SPECS:
        raise ConditionSyntaxError(f"on must be one of {', '.join(ON_SPECS)}, not {on!r}")
    if side is not None and side not in ("left", "right"):
        raise ConditionSyntaxError(
            "a group may bind side = 'left' or 'right' only (for both sides use on = 'both')"
        )
    if side is not None and on is not None:
        raise ConditionSyntaxError("a group takes side or on, not both")
    bound: Side | None = side
    sided = kind in ("all", "any", "at_least", "ref")
    if not sided and (side is not None or on is not None):
        raise ConditionSyntaxError(f"'{kind}' takes no side or on")
    if kind in ("all", "any"):
        allowed = {kind, "side", "on"}
        children = raw[kind]
    elif kind == "at_least":
        allowed = {"at_least", "of", "side", "on"}
        children = raw.get("of")
        n = raw["at_least"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ConditionSyntaxError("'at_least' needs a whole number ≥ 1")
    elif kind == "ref":
        allowed = {"ref", "side", "on"}
    elif kind == "score":
        allowed = {"score", *COMPARISONS}
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
            return AllOf(parsed, bound, on)
        if kind == "any":
            return AnyOf(parsed, bound, on)
        if n > len(parsed):
            raise ConditionSyntaxError(
                f"at_least = {n} of only {len(parsed)} conditions can never hold"
            )
        return AtLeast(n, parsed, bound, on)
    if kind == "not":
        return Not(parse(raw["not"]))
    if kind == "ref":
        if not isinstance(raw["ref"], str):
            raise ConditionSyntaxError("'ref' needs the name of a condition")
        return Ref(raw["ref"], bound, on)
    if kind == "score":
        ops = [k for k in COMPARISONS if k in keys]
        if len(ops) != 1 or not isinstance(raw["score"], str):
            raise ConditionSyntaxError(
                "'score' needs a pattern group and one of " + ", ".join(COMPARISONS)
            )
        return Score(raw["score"], ops[0], _number(ops[0], raw[ops[0]]))
    readings = raw["pattern"]
    if isinstance(readings, str):
        readings = [readings]
    if (
        not isinstance(readings, list)
        or not readings
        or not all(isinstance(r, str) for r in readings)
    ):
        raise ConditionSyntaxError("'pattern' needs a reading or a list of readings")
    return PatternIs(tuple(readings))


# -- a plain form of parsed conditions (for the cache of validated checklists) -----------------
#
# Parsing checks every key and value of a condition table: ~10 µs a node, ~270 nodes of a
# bundled exam's conditions on every start. A checklist's parsed conditions are kept in
# its cache entry as nested tuples of strings, numbers and booleans (what marshal writes) and
# rebuilt from them without the checks, which the parse they came from made.


def encode(c: Condition) -> tuple[Any, ...]:
    """The condition as nested tuples; ``decode`` builds it again."""
    if isinstance(c, ItemTest):
        return ("item", c.item, c.tests, c.side, c.since_prior, c.cite)
    if isinstance(c, _GROUPS):
        children = tuple(encode(child) for child in c.children)
        if isinstance(c, AtLeast):
            return ("at_least", c.n, children, c.side, c.on)
        return ("all" if isinstance(c, AllOf) else "any", children, c.side, c.on)
    if isinstance(c, Not):
        return ("not", encode(c.child))
    if isinstance(c, Ref):
        return ("ref", c.name, c.side, c.on)
    if isinstance(c, PatternIs):
        return ("pattern", c.readings)
    return ("score", c.group, c.op, c.operand)


def decode(t: tuple[Any, ...]) -> Condition:
    """The condition ``encode`` gave ``t`` for."""
    kind = t[0]
    if kind == "item":
        return ItemTest(t[1], t[2], t[3], t[4], t[5])
    if kind == "all":
        return AllOf(tuple(map(decode, t[1])), t[2], t[3])
    if kind == "any":
        return AnyOf(tuple(map(decode, t[1])), t[2], t[3])
    if kind == "at_least":
        return AtLeast(t[1], tuple(map(decode, t[2])), t[3], t[4])
    if kind == "not":
        return Not(decode(t[1]))
    if kind == "ref":
        return Ref(t[1], t[2], t[3])
    if kind == "pattern":
        return PatternIs(t[1])
    if kind == "score":
        return Score(t[1], t[2], t[3])
    raise ValueError(f"not an encoded condition: {kind!r}")


def walk(cond: Condition) -> list[Condition]:
    """Every node of a condition tree, depth first (refs are not followed)."""
    out: list[Condition] = [cond]
    if isinstance(cond, _GROUPS):
        for c in cond.children:
            out.extend(walk(c))
    elif isinstance(cond, Not):
        out.extend(walk(cond.child))
    return out


Result = tuple[bool, list[Match]]


def reachable(cond: Condition, named: Mapping[str, Condition]) -> list[Condition]:
    """Every node of a condition tree and of the named conditions it refers to, each named
    condition once (what the condition can end up looking at)."""
    out: list[Condition] = []
    seen: set[str] = set()
    stack = [cond]
    while stack:
        for node in walk(stack.pop()):
            out.append(node)
            if isinstance(node, Ref) and node.name not in seen and node.name in named:
                seen.add(node.name)
                stack.append(named[node.name])
    return out


class Findings(Protocol):
    """What evaluation needs from a record: a value per item and side."""

    def get(self, item: str, side: Side | None) -> Value | None: ...


class _NoFindings:
    """An exam with nothing recorded (for conditions that only look at pattern scores)."""

    def get(self, item: str, side: Side | None) -> Value | None:
        return None


NO_FINDINGS: Findings = _NoFindings()


def _never_bilateral(_item: str) -> bool:
    return False


class Context(Struct, frozen=False):
    """Everything a condition can look at."""

    findings: Findings
    is_bilateral: Callable[[str], bool] = _never_bilateral
    named: Mapping[str, Condition] = field(default_factory=dict)
    pattern_reading: str | None = None
    #: The patient's previous exam, for worse_by / newly (None: no previous exam).
    prior: Findings | None = None
    #: Item definitions (for a kind's direction and normal); needed by worse_by / newly.
    items: Mapping[str, kinds.ItemLike] = field(default_factory=dict)
    #: Points per pattern group (pattern readings only).
    scores: Mapping[str, int] = field(default_factory=dict)
    #: Named conditions already evaluated in this context: (name, side, reading) -> result. A
    #: named condition is reached many times per evaluation (a deficit feeds several rules and
    #: the pattern); the findings do not change meanwhile, so each is evaluated once.
    memo: dict[tuple[str, str | None, str | None], Result] = field(default_factory=dict)
    #: Named conditions that (through refs) look at the pattern reading: only their memo
    #: entries depend on it.
    reading_dependent: frozenset[str] = frozenset()


def _dedupe(matches: Sequence[Match]) -> list[Match]:
    seen: dict[Match, None] = {}
    for m in matches:
        seen.setdefault(m, None)
    return list(seen)


def compare(op: str, value: Any, operand: Any) -> bool:
    if op == "eq":
        return bool(value == operand)
    if op == "ne":
        return bool(value != operand)
    if isinstance(value, str) or isinstance(operand, str):
        return False
    if op == "lt":
        return bool(value < operand)
    if op == "le":
        return bool(value <= operand)
    if op == "gt":
        return bool(value > operand)
    return bool(value >= operand)  # ge


def _test_value(op: str, operand: Any, value: Value | None) -> bool:
    if op == "answered":
        return (value is not None) is bool(operand)
    if value is None:
        return False
    if op == "is":
        return bool(value == operand)
    if op == "in":
        return bool(value in operand)
    if op == "ne":
        return bool(value != operand)
    if isinstance(value, str):
        return False
    return compare(op, value, operand)


def _prior_test(op: str, operand: Any, item_id: str, side: Side | None, ctx: Context) -> bool:
    if ctx.prior is None:
        return False
    item = ctx.items.get(item_id)
    old, new = ctx.prior.get(item_id, side), ctx.findings.get(item_id, side)
    if item is None or old is None or new is None:
        return False
    if op == "worse_by":
        steps = kinds.worsening(item, old, new)
        return steps is not None and steps >= operand
    # newly
    if operand == "abnormal":
        return kinds.is_abnormal(item, new) and not kinds.is_abnormal(item, old)
    return bool(new == operand and old != operand)


def _holds_on(t: ItemTest, ctx: Context, side: Side | None) -> bool:
    for op, operand in t.tests:
        if op in PRIOR_OPS:
            ok = _prior_test(op, operand, t.item, side, ctx)
        elif op == "lower_than_other_side":
            if side is None:
                return False
            here = ctx.findings.get(t.item, side)
            there = ctx.findings.get(t.item, other(side))
            ok = (
                isinstance(here, int | float)
                and isinstance(there, int | float)
                and (here < there) == operand
            )
        else:
            ok = _test_value(op, operand, ctx.findings.get(t.item, side))
        if not ok:
            return False
    return True


def _item_result(t: ItemTest, ctx: Context, bound: Side | None) -> Result:
    since, cite = t.since_prior, t.cite
    if not ctx.is_bilateral(t.item):
        ok = _holds_on(t, ctx, None)
        cited = ok and cite and ctx.findings.get(t.item, None) is not None
        return ok, ([Match(t.item, None, since)] if cited else [])
    spec: str = t.side or bound or "any"
    if spec == "other":
        spec = other(bound) if bound is not None else "any"
    sides: tuple[Side, ...] = SIDES if spec in ("any", "both") else (spec,)  # type: ignore[assignment]
    hits = [Match(t.item, s, since) for s in sides if _holds_on(t, ctx, s)]
    ok = len(hits) == 2 if spec == "both" else bool(hits)
    if not cite:
        hits = []  # an unanswered value is not a finding to cite
    return ok, (hits if ok else [])


def _group(cond: AllOf | AnyOf | AtLeast, ctx: Context, side: Side | None) -> Result:
    if isinstance(cond, AllOf):
        # All must hold: the first that does not decides (the rest would change nothing;
        # evaluating has no effect but the memo). Most rules' first condition does not hold.
        results = []
        for c in cond.children:
            result = evaluate(c, ctx, side)
            if not result[0]:
                return False, []
            results.append(result)
        ok = True
    else:
        results = [evaluate(c, ctx, side) for c in cond.children]
        count = sum(1 for ok, _ in results if ok)
        ok = count >= 1 if isinstance(cond, AnyOf) else count >= cond.n
    if not ok:
        return False, []
    return True, _dedupe([m for ok, ms in results if ok for m in ms])


def _sided(
    run: Callable[[Side | None], Result], side: Side | None, on: On | None, bound: Side | None
) -> Result:
    """Apply a group's side binding or side quantifier."""
    if side is not None:
        return run(side)
    if on is None:
        return run(bound)
    if on == "either":
        return run(None)
    if on == "same" and bound is not None:
        return run(bound)  # inside a group already read on one side, that side is "the same"
    per_side = [run(s) for s in SIDES]
    held = [r for r in per_side if r[0]]
    if on == "same" and held:
        return True, _dedupe([m for _, ms in held for m in ms])
    if on == "both" and len(held) == 2:
        return True, _dedupe([m for _, ms in held for m in ms])
    return False, []


def evaluate(cond: Condition, ctx: Context, bound: Side | None = None) -> Result:
    """Whether ``cond`` holds, and every finding that satisfied it."""
    if isinstance(cond, ItemTest):
        return _item_result(cond, ctx, bound)
    if isinstance(cond, _GROUPS):
        group = cond
        if cond.side is None and cond.on is None:
            return _group(group, ctx, bound)  # what _sided does then, without the closure
        return _sided(lambda s: _group(group, ctx, s), cond.side, cond.on, bound)
    if isinstance(cond, Not):
        ok, _ = evaluate(cond.child, ctx, bound)
        return not ok, []
    if isinstance(cond, Ref):
        named = ctx.named[cond.name]
        name = cond.name

        def run(s: Side | None) -> Result:
            reading = ctx.pattern_reading if name in ctx.reading_dependent else None
            key = (name, s, reading)
            hit = ctx.memo.get(key)
            if hit is None:
                hit = ctx.memo[key] = evaluate(named, ctx, s)
            return hit[0], list(hit[1])

        return _sided(run, cond.side, cond.on, bound)
    if isinstance(cond, Score):
        points = ctx.scores.get(cond.group)
        return (points is not None and compare(cond.op, points, cond.operand)), []
    return ctx.pattern_reading in cond.readings, []
