"""Rules and pattern: the findings that call for imaging or referral; the pattern count.

Pure functions over a checklist and a record (no I/O, no Textual): the app calls ``evaluate`` on
every key press, so the parsed conditions are cached per checklist and one evaluation of a
bundled checklist costs well under a millisecond. Every clinical word comes from the checklist:
rule titles and advice, the pattern's groups and readings, the no-flags sentence, the safety net.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from exam_tui import conditions as cond
from exam_tui import kinds
from exam_tui.checklist import (
    URGENCY_ORDER,
    Checklist,
    Item,
    PatternOverride,
    PatternPoint,
    Rule,
    urgency_rank,
)
from exam_tui.record import Record, findings_context
from exam_tui.values import Struct, field, replace

__all__ = ["URGENCY_ORDER", "Evaluation", "Flag", "PatternResult", "evaluate"]


class Flag(Struct):
    """A rule that fired: what to consider, how soon, and the findings behind it."""

    id: str
    title: str
    urgency: str  # "emergency" | "urgent" | "soon" | "routine"
    actions: tuple[str, ...]
    advice: str
    #: Every item that satisfied the rule, in checklist order, without repeats.
    triggered_by: tuple[str, ...]
    #: One line per finding, e.g. "Ankle dorsiflexion (L4) L: MRC 3/5".
    reasons: tuple[str, ...]
    source: str
    #: Set when the urgency was raised (the escalation's reason).
    escalated_because: str | None = None


class ScreeningWarning(Struct):
    """A screening check not met (e.g. red flags left unasked), or a warning rule that holds."""

    id: str
    message: str
    items: tuple[str, ...]


class PatternPointResult(Struct):
    group: str
    id: str
    label: str
    reasons: tuple[str, ...]


class GroupScore(Struct):
    id: str
    title: str
    points: int
    max: int


class PatternResult(Struct):
    """The pattern count: a summary of findings, not a diagnosis."""

    reading: str
    reading_label: str
    groups: tuple[GroupScore, ...]
    points: tuple[PatternPointResult, ...]
    #: Override id -> whether its condition held.
    overrides: dict[str, bool] = field(default_factory=dict)
    #: Said under the reading (the overrides' notes, then the pattern's note).
    note: str = ""
    #: The held notes of overrides whose condition held without changing the reading.
    held_notes: tuple[str, ...] = ()

    def score(self, group: str) -> int:
        return next((g.points for g in self.groups if g.id == group), 0)

    def __getattr__(self, name: str) -> Any:
        # ``result.<group id>`` (a group's points) and ``result.<override id>`` (whether it held):
        # the names come from the checklist.
        if name.startswith("__"):
            raise AttributeError(name)
        groups = object.__getattribute__(self, "groups")
        for g in groups:
            if g.id == name:
                return g.points
        overrides = object.__getattribute__(self, "overrides")
        if name in overrides:
            return overrides[name]
        raise AttributeError(name)

    def counts_text(self) -> str:
        """ "alpha 3/4, beta 0/4": each group's id and points."""
        return ", ".join(f"{g.id} {g.points}/{g.max}" for g in self.groups)


class Evaluation(Struct):
    flags: tuple[Flag, ...]
    warnings: tuple[ScreeningWarning, ...]
    pattern: PatternResult | None
    #: The checklist's sentence for "no flag fired" (None: the checklist says nothing).
    no_flags: str | None = None
    no_flags_detail: str | None = None
    #: The safety-net line to print (the replacement once its danger is flagged), or None.
    safety_net: str | None = None
    #: Whether the safety net was replaced because a flag named in the checklist fired.
    safety_net_replaced: bool = False

    def with_flags(self, extra: Iterable[Flag]) -> Evaluation:
        """Flags from elsewhere merged in urgency order (kept for callers that add their own)."""
        merged = {f.id: f for f in (*self.flags, *extra)}
        order = {f.id: n for n, f in enumerate(self.flags)}
        flags = sorted(
            merged.values(),
            key=lambda f: (urgency_rank(f.urgency), order.get(f.id, len(order))),
        )
        return replace(self, flags=tuple(flags))

    @property
    def highest_urgency(self) -> str | None:
        return self.flags[0].urgency if self.flags else None


# ----------------------------------------------------------------------------- formatting


def format_value(item: Item, value: Any) -> str:
    """A value in clinical notation: "MRC 3/5", "reflex 1 (reduced)", "40 degrees", "yes"."""
    return kinds.long_text(item, value)


def describe(item: Item, side: cond.Side | None, value: Any, other: Any = None) -> str:
    """One finding as a line: "Ankle dorsiflexion (L4) L: MRC 3/5", "Saddle anaesthesia: yes".

    ``other`` (the other side's value) is shown for reflex items, whose asymmetry is the sign.
    """
    root = f" ({item.root})" if item.root else ""
    where = f" {'L' if side == 'left' else 'R'}" if side else ""
    text = f"{item.label}{root}{where}: {format_value(item, value)}"
    if side and item.kind == "reflex" and isinstance(other, int) and other != value:
        text += f", {'R' if side == 'left' else 'L'}: {format_value(item, other)}"
    return text


def describe_change(item: Item, side: cond.Side | None, old: Any, new: Any, when: str) -> str:
    """A finding that changed since the previous exam: "... L: MRC 4/5 on 2026-11-01 → 3/5 now"."""
    root = f" ({item.root})" if item.root else ""
    where = f" {'L' if side == 'left' else 'R'}" if side else ""
    return (
        f"{item.label}{root}{where}: {format_value(item, old)} on {when} "
        f"→ {kinds.short_text(item, new)} now"
    )


# ----------------------------------------------------------------------------- compiled checklist


class _CompiledRule(Struct):
    rule: Rule
    when: cond.Condition | None
    escalate: cond.Condition | None
    #: Pattern readings this rule's condition asks for (its reasons then cite the pattern).
    readings: frozenset[str]


class _Compiled(Struct):
    order: dict[str, int]
    rules: tuple[_CompiledRule, ...]
    points: tuple[tuple[str, PatternPoint, cond.Condition], ...]
    readings: tuple[tuple[str, cond.Condition | None], ...]
    overrides: tuple[tuple[PatternOverride, cond.Condition], ...]
    #: What each evaluated condition looks at, by its place ("when:3", "point:0", ...): the
    #: items it reads (through named conditions too) and whether it reads the pattern reading.
    #: Worked out when first needed (``_reads_by_place``): a second evaluation with the same
    #: Evaluator; the first frame and the command line never need it (~0.7 ms).
    reads: dict[str, tuple[frozenset[str], bool]]


def _reads(
    conditions: Iterable[cond.Condition | None], named: dict[str, cond.Condition]
) -> tuple[frozenset[str], bool]:
    """Every item ``conditions`` can look at (either side, either exam), and whether they look
    at the pattern reading. A ``score`` outside the pattern's readings has no scores to read
    (always false), so it reads nothing."""
    items: set[str] = set()
    reading = False
    for c in conditions:
        if c is None:
            continue
        for node in cond.reachable(c, named):
            if isinstance(node, cond.ItemTest):
                items.add(node.item)
            elif isinstance(node, cond.PatternIs):
                reading = True
    return frozenset(items), reading


_CACHE: dict[int, tuple[weakref.ref[Checklist], _Compiled]] = {}


def _compiled(checklist: Checklist) -> _Compiled:
    """Parsed conditions of a checklist, built once (checklists are immutable)."""
    key = id(checklist)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is checklist:
        return hit[1]
    # The checklist's parsed conditions (from its cache entry when it came from the cache).
    whens, escalations = checklist.rule_conditions, checklist.escalate_conditions
    asked, parsed = checklist.rule_readings, checklist.pattern_conditions
    rules = [
        _CompiledRule(r, whens.get(r.id), escalations.get(r.id), asked.get(r.id, frozenset()))
        for r in checklist.rules
    ]
    points: list[tuple[str, PatternPoint, cond.Condition]] = []
    readings: list[tuple[str, cond.Condition | None]] = []
    overrides: list[tuple[PatternOverride, cond.Condition]] = []
    if checklist.pattern is not None:
        for group in checklist.pattern.groups:
            for n, p in enumerate(group.points):
                points.append((group.id, p, parsed[f"point:{group.id}:{n}"]))
        for rd in checklist.pattern.readings:
            readings.append((rd.id, parsed.get(f"reading:{rd.id}")))
        for n, o in enumerate(checklist.pattern.overrides):
            overrides.append((o, parsed[f"override:{n}"]))
    compiled = _Compiled(
        order={item_id: n for n, item_id in enumerate(checklist.items)},
        rules=tuple(rules),
        points=tuple(points),
        readings=tuple(readings),
        overrides=tuple(overrides),
        reads={},
    )
    _CACHE[key] = (weakref.ref(checklist, lambda _ref: _CACHE.pop(key, None)), compiled)
    return compiled


def _reads_by_place(
    checklist: Checklist, compiled: _Compiled
) -> dict[str, tuple[frozenset[str], bool]]:
    """``compiled.reads``, filled in on first use (whole, or not at all)."""
    if compiled.reads:
        return compiled.reads
    named = checklist.named_conditions
    reads: dict[str, tuple[frozenset[str], bool]] = {}
    for n, rule in enumerate(compiled.rules):
        reads[f"when:{n}"] = _reads([rule.when], named)
        reads[f"escalate:{n}"] = _reads([rule.escalate], named)
        section = rule.rule.screening_section
        if section is not None:
            shown = checklist.show_conditions
            screened = next(s for s in checklist.sections if s.id == section).items
            looked_at, reading = _reads([shown.get(i.id) for i in screened], named)
            reads[f"screening:{n}"] = (looked_at | {i.id for i in screened}, reading)
    for n, (_, _, condition) in enumerate(compiled.points):
        reads[f"point:{n}"] = _reads([condition], named)
    for n, (_, condition) in enumerate(compiled.overrides):
        reads[f"override:{n}"] = _reads([condition], named)
    compiled.reads.update(reads)
    return compiled.reads


def _sorted_matches(compiled: _Compiled, matches: Iterable[cond.Match]) -> list[cond.Match]:
    unique = dict.fromkeys(matches)
    return sorted(
        unique,
        key=lambda m: (compiled.order.get(m.item, len(compiled.order)), m.side != "left", m.item),
    )


def _reasons(
    checklist: Checklist,
    record: Record,
    matches: Sequence[cond.Match],
    prior: Record | None = None,
) -> list[str]:
    out: list[str] = []
    for m in matches:
        item = checklist.items.get(m.item)
        if item is None:
            continue
        line: str | None = None
        if m.since_prior and prior is not None:
            old = prior.get(m.item, m.side)
            if old is not None:
                when = prior.exam.started_at.date().isoformat()
                line = describe_change(item, m.side, old, record.get(m.item, m.side), when)
        if line is None:
            other = None
            if m.side is not None:
                other = record.get(m.item, cond.other(m.side))
            line = describe(item, m.side, record.get(m.item, m.side), other)
        if line not in out:
            out.append(line)
    return out


def _item_ids(matches: Sequence[cond.Match]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.item for m in matches))


# ----------------------------------------------------------------------------- pattern


def _pattern(
    checklist: Checklist, record: Record, compiled: _Compiled, ctx: cond.Context, check: _Check
) -> tuple[PatternResult | None, dict[str, list[cond.Match]]]:
    pattern = checklist.pattern
    if pattern is None:
        return None, {}
    points: list[PatternPointResult] = []
    by_group: dict[str, list[cond.Match]] = {g.id: [] for g in pattern.groups}
    for n, (group, point, condition) in enumerate(compiled.points):
        ok, matches = check(f"point:{n}", condition, ctx)
        if not ok:
            continue
        ordered = _sorted_matches(compiled, matches)
        by_group[group].extend(ordered)
        points.append(
            PatternPointResult(
                group, point.id, point.label, tuple(_reasons(checklist, record, ordered))
            )
        )
    scores = {g.id: sum(p.group == g.id for p in points) for g in pattern.groups}
    score_ctx = cond.Context(findings=ctx.findings, scores=scores)
    reading = compiled.readings[-1][0]
    for rid, when in compiled.readings:
        if when is None or cond.evaluate(when, score_ctx)[0]:
            reading = rid
            break
    notes: list[str] = []
    held_notes: list[str] = []
    held: dict[str, bool] = {}
    for n, (override, when) in enumerate(compiled.overrides):
        ok, matches = check(f"override:{n}", when, ctx)
        held[override.id] = ok
        if not ok:
            continue
        if reading in override.from_:
            reading = override.to
            why = "; ".join(_reasons(checklist, record, _sorted_matches(compiled, matches)))
            if override.note:
                notes.append(override.note.replace("{findings}", why))
        elif override.held_note and reading not in override.held_note_unless:
            held_notes.append(override.held_note)
    if pattern.note:
        notes.append(pattern.note)
    result = PatternResult(
        reading=reading,
        reading_label=pattern.reading_label(reading),
        groups=tuple(
            GroupScore(g.id, g.title, scores[g.id], len(g.points)) for g in pattern.groups
        ),
        points=tuple(points),
        overrides=held,
        note=" ".join(notes),
        held_notes=tuple(held_notes),
    )
    return result, by_group


def read_pattern(checklist: Checklist, scores: dict[str, int]) -> str | None:
    """The reading the checklist's table gives these group scores (before any override)."""
    compiled = _compiled(checklist)
    if not compiled.readings:
        return None
    score_ctx = cond.Context(findings=cond.NO_FINDINGS, scores=scores)
    for rid, when in compiled.readings:
        if when is None or cond.evaluate(when, score_ctx)[0]:
            return rid
    return compiled.readings[-1][0]


# ----------------------------------------------------------------------------- evaluation


def _unasked(
    checklist: Checklist, record: Record, section_id: str, ctx: cond.Context
) -> cond.Result:
    """A screening section's shown values left unanswered: (whether there is one, a match
    per item with one, in the section's order)."""
    section = next(s for s in checklist.sections if s.id == section_id)
    missing: dict[str, None] = {}
    for item in section.items:
        sides: tuple[cond.Side | None, ...] = cond.SIDES if item.bilateral else (None,)
        for side in sides:
            show = checklist.show_conditions.get(item.id)
            if show is not None and not cond.evaluate(show, ctx, side)[0]:
                continue
            if record.get(item.id, side) is None:
                missing.setdefault(item.id, None)
    return bool(missing), [cond.Match(i) for i in missing]


def _screening_warning(
    checklist: Checklist,
    record: Record,
    n: int,
    ctx: cond.Context,
    compiled: _Compiled,
    check: _Check,
) -> ScreeningWarning | None:
    rule = compiled.rules[n]
    r = rule.rule
    if r.screening_section is not None:
        section_id = r.screening_section
        ok, unasked = check(
            f"screening:{n}", lambda c: _unasked(checklist, record, section_id, c), ctx
        )
        if not ok:
            return None
        missing = [m.item for m in unasked]
        labels = ", ".join(checklist.items[i].label for i in missing)
        return ScreeningWarning(r.id, f"{r.title}: {labels}.", tuple(missing))
    if rule.when is None:
        return None
    ok, matches = check(f"when:{n}", rule.when, ctx)
    if not ok:
        return None
    return ScreeningWarning(
        r.id, f"{r.title}: {r.advice}", _item_ids(_sorted_matches(compiled, matches))
    )


def _safety_net(checklist: Checklist, flags: Sequence[Flag]) -> tuple[str | None, bool]:
    net = checklist.safety_net
    fired = {f.id: f.urgency for f in flags}
    replaced = any(
        ref.rule in fired and (ref.urgency is None or fired[ref.rule] == ref.urgency)
        for ref in net.replaced_when
    )
    if replaced:
        return net.replaced_by, True
    return net.text, False


def evaluate(checklist: Checklist, record: Record, prior: Record | None = None) -> Evaluation:
    """Every flag, warning and the pattern for this record.

    ``prior`` (an earlier exam of the same patient) lets rules that compare with it
    (``worse_by``, ``newly``: e.g. a progression rule) fire.
    """
    return Evaluator(checklist).evaluate(record, prior)


#: How an evaluation looks at one of its conditions, by its place in ``_Compiled.reads``: the
#: condition (or a function of the context giving its result) and the context.
_Check = Callable[
    [str, "cond.Condition | Callable[[cond.Context], cond.Result]", cond.Context], cond.Result
]


def _values(findings: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Each item's values as conditions see them (with their types: 1 == 1.0 == True)."""
    return {
        item: (f.value, type(f.value), f.left, type(f.left), f.right, type(f.right))
        for item, f in findings.items()
    }


class Evaluator:
    """Evaluates one checklist's rules for a record again and again as it changes (the exam
    screen, after every key). A condition none of whose items has changed since the last
    evaluation keeps its result, so an answer re-evaluates only the conditions that read it:
    evaluating all of them was ~1.5 ms of every answer key with a bundled checklist.

    What a condition can read is worked out from the checklist (``_reads``). What changed is
    found by comparing every item's values, this record's and the previous exam's, with
    those of the last evaluation, whatever changed them (an answer, undo, a reload, another
    record). Everything else (reasons, the pattern's counts, the order of the flags) is worked
    out afresh every time: the result is always what ``evaluate`` gives for the record as it
    stands, which a property test checks after every step of random exams.
    """

    def __init__(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self._compiled = _compiled(checklist)
        #: Each item's values (this record's, the previous exam's) at the last evaluation.
        self._seen: tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]] | None = None
        #: The last evaluation's results by place: (the pattern reading read, the result).
        self._results: dict[str, tuple[str | None, cond.Result]] = {}
        #: Items whose values changed since the last evaluation (None: there was none).
        self._changed: set[str] | None = None
        #: This evaluation's results so far (they become ``_results``).
        self._next: dict[str, tuple[str | None, cond.Result]] = {}

    def _check(
        self,
        place: str,
        condition: cond.Condition | Callable[[cond.Context], cond.Result],
        ctx: cond.Context,
    ) -> cond.Result:
        hit = self._results.get(place)
        changed = self._changed
        reading = ctx.pattern_reading  # kept with the result: compared if the condition reads it
        if hit is not None and changed is not None:
            items, by_reading = _reads_by_place(self.checklist, self._compiled)[place]
            if (not by_reading or hit[0] == reading) and changed.isdisjoint(items):
                self._next[place] = hit
                return hit[1][0], list(hit[1][1])
        result = condition(ctx) if callable(condition) else cond.evaluate(condition, ctx)
        self._next[place] = (reading, result)
        return result[0], list(result[1])

    def evaluate(self, record: Record, prior: Record | None = None) -> Evaluation:
        """Every flag, warning and the pattern for ``record`` as it stands (see ``evaluate``)."""
        seen = (_values(record.findings), _values(prior.findings) if prior is not None else {})
        if self._seen is None:
            self._changed = None
        else:
            self._changed = {
                item
                for now, was in zip(seen, self._seen, strict=True)
                for item in now.keys() | was.keys()
                if now.get(item) != was.get(item)
            }
        self._next = {}
        try:
            result = self._evaluate(record, prior)
        except BaseException:
            self._seen, self._results = None, {}  # nothing half-done is kept
            raise
        # Only what this evaluation looked at is kept: a result it did not need (the
        # escalation of a rule that no longer fires) may be out of date by the next one.
        self._seen, self._results = seen, self._next
        return result

    def _evaluate(self, record: Record, prior: Record | None) -> Evaluation:
        checklist, compiled, check = self.checklist, self._compiled, self._check
        ctx = findings_context(checklist, record, prior=prior)
        pattern, pattern_matches = _pattern(checklist, record, compiled, ctx, check)
        ctx.pattern_reading = pattern.reading if pattern else None
        flags: list[tuple[int, int, Flag]] = []
        warnings: list[ScreeningWarning] = []
        for n, rule in enumerate(compiled.rules):
            r = rule.rule
            if r.urgency == "warning":
                warning = _screening_warning(checklist, record, n, ctx, compiled, check)
                if warning is not None:
                    warnings.append(warning)
                continue
            if rule.when is None:
                continue
            ok, matches = check(f"when:{n}", rule.when, ctx)
            if not ok:
                continue
            lead: list[str] = []
            cited = list(matches)
            if pattern is not None and pattern.reading in rule.readings:
                lead.append(f"Pattern: {pattern.reading} ({pattern.counts_text()})")
                groups = {g.id for g in pattern.groups}
                for group, found in pattern_matches.items():
                    # A group's own reading cites that group; any other reading (e.g. mixed) all.
                    if pattern.reading == group or pattern.reading not in groups:
                        cited.extend(found)
            urgency: str = r.urgency
            advice = r.advice
            escalated = None
            tail: list[cond.Match] = []
            if r.escalate is not None and rule.escalate is not None:
                esc_ok, esc_matches = check(f"escalate:{n}", rule.escalate, ctx)
                if esc_ok and urgency_rank(r.escalate.urgency) < urgency_rank(urgency):
                    urgency = r.escalate.urgency
                    escalated = r.escalate.reason
                    advice = r.escalate.advice or advice
                    seen = set(cited)
                    tail = [m for m in _sorted_matches(compiled, esc_matches) if m not in seen]
            ordered = _sorted_matches(compiled, cited)
            reasons = lead + _reasons(checklist, record, ordered, prior)
            if tail:
                reasons += [
                    f"{line} (raises urgency)" for line in _reasons(checklist, record, tail, prior)
                ]
            flag = Flag(
                id=r.id,
                title=r.title,
                urgency=urgency,
                actions=tuple(r.actions),
                advice=advice,
                triggered_by=_item_ids(_sorted_matches(compiled, [*ordered, *tail])),
                reasons=tuple(reasons),
                source=r.source,
                escalated_because=escalated,
            )
            flags.append((urgency_rank(urgency), n, flag))
        flags.sort(key=lambda t: (t[0], t[1]))
        final = tuple(f for _, _, f in flags)
        net, replaced = _safety_net(checklist, final)
        return Evaluation(
            flags=final,
            warnings=tuple(warnings),
            pattern=pattern,
            no_flags=checklist.texts.no_flags,
            no_flags_detail=checklist.texts.no_flags_detail,
            safety_net=net,
            safety_net_replaced=replaced,
        )


# ----------------------------------------------------------------------------- output


def pattern_json(p: PatternResult) -> dict[str, Any]:
    """The pattern as JSON: reading, groups, and each group's points under its own id."""
    by_group: dict[str, list[str]] = {g.id: [] for g in p.groups}
    for pt in p.points:
        by_group.setdefault(pt.group, []).extend(pt.reasons)
    out: dict[str, Any] = {
        "reading": p.reading,
        "reading_label": p.reading_label,
        "groups": {
            g.id: {"title": g.title, "points": g.points, "max": g.max, "reasons": by_group[g.id]}
            for g in p.groups
        },
    }
    for g in p.groups:
        out.setdefault(g.id, g.points)
    out["points"] = [pt.id for pt in p.points]
    out["point_details"] = [
        {"group": pt.group, "id": pt.id, "label": pt.label, "reasons": list(pt.reasons)}
        for pt in p.points
    ]
    out["overrides"] = dict(p.overrides)
    for oid, held in p.overrides.items():
        out.setdefault(oid, held)
    out["note"] = p.note
    return out


def to_json(ev: Evaluation) -> dict[str, Any]:
    """The evaluation as plain JSON-able data (``exam-tui flags --json``)."""
    return {
        "flags": [
            {
                "id": f.id,
                "title": f.title,
                "urgency": f.urgency,
                "actions": list(f.actions),
                "advice": f.advice,
                "triggered_by": list(f.triggered_by),
                "reasons": list(f.reasons),
                "source": f.source,
                "escalated_because": f.escalated_because,
            }
            for f in ev.flags
        ],
        "warnings": [
            {"id": w.id, "message": w.message, "items": list(w.items)} for w in ev.warnings
        ],
        "pattern": pattern_json(ev.pattern) if ev.pattern is not None else None,
        "safety_net": ev.safety_net,
    }


def format_text(ev: Evaluation) -> str:
    """Plain text for ``exam-tui flags FILE``: most urgent first, each with its reasons."""
    lines: list[str] = []
    for f in ev.flags:
        lines.append(f"{f.urgency.upper()}  {f.id}  {f.title}")
        lines.append(f"  {f.advice}")
        if f.escalated_because:
            lines.append(f"  Escalated to {f.urgency}: {f.escalated_because}.")
        lines.append(f"  Action: {', '.join(f.actions)}")
        lines.append("  Because:")
        lines.extend(f"    - {reason}" for reason in f.reasons)
        lines.append(f"  Source: {f.source}")
        lines.append("")
    if not ev.flags:
        lines += [t for t in (ev.no_flags, ev.no_flags_detail) if t]
        if ev.no_flags or ev.no_flags_detail:
            lines.append("")
    for w in ev.warnings:
        lines.append(f"WARNING  {w.id}  {w.message}")
    if ev.warnings:
        lines.append("")
    if ev.pattern is not None:
        p = ev.pattern
        lines.append(f"Pattern: {p.reading} ({p.counts_text()})")
        for pt in p.points:
            lines.append(f"  {pt.group}: {pt.label} ({'; '.join(pt.reasons)})")
        if p.note:
            lines.append(f"  {p.note}")
        lines.append("")
    if ev.safety_net:
        lines.append(ev.safety_net)
    return "\n".join(lines).rstrip()
