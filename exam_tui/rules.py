"""Rules and pattern: the findings that call for imaging or referral; the radicular/hamstring count.

Pure functions over a checklist and a record (no I/O, no Textual): the app calls ``evaluate`` on
every key press, so the parsed conditions are cached per checklist and one evaluation of the
bundled checklist costs well under a millisecond.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from exam_tui import conditions as cond
from exam_tui.checklist import Checklist, Item, PatternPoint, Rule
from exam_tui.record import Record, findings_context

#: Most urgent first; flags are sorted by this, then by their order in the checklist.
URGENCY_ORDER: tuple[str, ...] = ("emergency", "urgent", "routine")

NO_FLAGS_TEXT = "No imaging or referral indicated by these findings."
NO_FLAGS_DETAIL = "NICE NG59 1.1.4: do not routinely offer imaging in a non-specialist setting."
SAFETY_NET_TEXT = (
    "Safety net: advise the patient to seek emergency care at once if they develop numbness in"
    " the saddle area, a change in bladder or bowel control, sexual dysfunction, or symptoms in"
    " both legs (possible cauda equina syndrome)."
)

REFLEX_WORDS: dict[int, str] = {0: "absent", 1: "reduced", 2: "normal", 3: "brisk", 4: "clonus"}

READINGS: tuple[str, ...] = ("radicular", "hamstring", "mixed", "indeterminate")


@dataclass(frozen=True)
class Flag:
    """A rule that fired: what to consider, how soon, and the findings behind it."""

    id: str
    title: str
    urgency: str  # "emergency" | "urgent" | "routine"
    actions: tuple[str, ...]
    advice: str
    #: Every item that satisfied the rule, in checklist order, without repeats.
    triggered_by: tuple[str, ...]
    #: One line per finding, e.g. "Ankle dorsiflexion (L4) L: MRC 3/5".
    reasons: tuple[str, ...]
    source: str
    #: Set when the urgency was raised (e.g. infection with a neurological deficit).
    escalated_because: str | None = None


@dataclass(frozen=True)
class ScreeningWarning:
    """A screening check not met, e.g. red flags left unasked."""

    id: str
    message: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class PatternPointResult:
    group: str  # "radicular" | "hamstring"
    id: str
    label: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PatternResult:
    """The radicular/hamstring count: a summary of findings, not a diagnosis."""

    reading: str  # "radicular" | "hamstring" | "mixed" | "indeterminate"
    radicular: int
    hamstring: int
    points: tuple[PatternPointResult, ...]
    neuro_deficit: bool
    note: str


@dataclass(frozen=True)
class Evaluation:
    flags: tuple[Flag, ...]
    warnings: tuple[ScreeningWarning, ...]
    pattern: PatternResult | None

    def with_flags(self, extra: Iterable[Flag]) -> Evaluation:
        """Hook for flags from elsewhere (e.g. progression since a prior exam), merged, sorted."""
        merged = {f.id: f for f in (*self.flags, *extra)}
        order = {f.id: n for n, f in enumerate(self.flags)}
        flags = sorted(
            merged.values(),
            key=lambda f: (_urgency_rank(f.urgency), order.get(f.id, len(order))),
        )
        return replace(self, flags=tuple(flags))

    @property
    def highest_urgency(self) -> str | None:
        return self.flags[0].urgency if self.flags else None


# ----------------------------------------------------------------------------- formatting


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def format_value(item: Item, value: Any) -> str:
    """A value in clinical notation: "MRC 3/5", "reflex 1 (reduced)", "40 degrees", "yes"."""
    if value is None:
        return "not answered"
    if item.kind == "reflex" and isinstance(value, int):
        return f"reflex {value} ({REFLEX_WORDS.get(value, '?')})"
    if item.kind == "mrc":
        return f"MRC {value}/5"
    if item.kind == "number" and isinstance(value, int | float):
        return f"{_number(value)} {item.unit}" if item.unit else _number(value)
    if item.kind == "choice" and isinstance(value, str):
        return item.option_label(value)
    return str(value)


def describe(item: Item, side: cond.Side | None, value: Any, other: Any = None) -> str:
    """One finding as a line: "Ankle dorsiflexion (L4) L: MRC 3/5", "Saddle anaesthesia: yes".

    ``other`` (the other side's value) is shown for reflexes, whose asymmetry is the sign.
    """
    root = f" ({item.root})" if item.root else ""
    where = f" {'L' if side == 'left' else 'R'}" if side else ""
    text = f"{item.label}{root}{where}: {format_value(item, value)}"
    if side and item.kind == "reflex" and isinstance(other, int) and other != value:
        text += f", {'R' if side == 'left' else 'L'}: {format_value(item, other)}"
    return text


# ----------------------------------------------------------------------------- compiled checklist


@dataclass(frozen=True)
class _CompiledRule:
    rule: Rule
    when: cond.Condition | None
    escalate: cond.Condition | None
    #: Pattern readings this rule's condition asks for (its reasons then cite the pattern).
    readings: frozenset[str]


@dataclass(frozen=True)
class _Compiled:
    order: dict[str, int]
    rules: tuple[_CompiledRule, ...]
    points: tuple[tuple[str, PatternPoint, cond.Condition], ...]
    neuro_deficit: cond.Condition | None


_CACHE: dict[int, tuple[weakref.ref[Checklist], _Compiled]] = {}


def _compiled(checklist: Checklist) -> _Compiled:
    """Parsed conditions of a checklist, built once (checklists are immutable)."""
    key = id(checklist)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is checklist:
        return hit[1]
    rules = []
    for r in checklist.rules:
        when = checklist.rule_conditions.get(r.id)
        readings = frozenset(
            reading
            for node in (cond.walk(when) if when is not None else [])
            if isinstance(node, cond.PatternIs)
            for reading in node.readings
        )
        escalate = cond.parse(r.escalate.when) if r.escalate else None
        rules.append(_CompiledRule(r, when, escalate, readings))
    points: list[tuple[str, PatternPoint, cond.Condition]] = []
    neuro = None
    if checklist.pattern is not None:
        for group in ("radicular", "hamstring"):
            for p in getattr(checklist.pattern, group):
                points.append((group, p, cond.parse(p.when)))
        neuro = cond.parse(checklist.pattern.neuro_deficit)
    compiled = _Compiled(
        order={item_id: n for n, item_id in enumerate(checklist.items)},
        rules=tuple(rules),
        points=tuple(points),
        neuro_deficit=neuro,
    )
    _CACHE[key] = (weakref.ref(checklist, lambda _ref: _CACHE.pop(key, None)), compiled)
    return compiled


def _urgency_rank(urgency: str) -> int:
    return URGENCY_ORDER.index(urgency) if urgency in URGENCY_ORDER else len(URGENCY_ORDER)


def _sorted_matches(compiled: _Compiled, matches: Iterable[cond.Match]) -> list[cond.Match]:
    unique = dict.fromkeys(matches)
    return sorted(
        unique,
        key=lambda m: (compiled.order.get(m.item, len(compiled.order)), m.side != "left", m.item),
    )


def _reasons(checklist: Checklist, record: Record, matches: Sequence[cond.Match]) -> list[str]:
    out = []
    for m in matches:
        item = checklist.items.get(m.item)
        if item is None:
            continue
        other = None
        if m.side is not None:
            other = record.get(m.item, "right" if m.side == "left" else "left")
        out.append(describe(item, m.side, record.get(m.item, m.side), other))
    return out


def _item_ids(matches: Sequence[cond.Match]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.item for m in matches))


# ----------------------------------------------------------------------------- pattern


def pattern_reading(radicular: int, hamstring: int) -> str:
    """The reading of the two counts, exactly as the clinical reference states it."""
    if radicular >= 3 and hamstring <= 1:
        return "radicular"
    if hamstring >= 3 and radicular <= 1:
        return "hamstring"
    if radicular >= 2 and hamstring >= 2:
        return "mixed"
    return "indeterminate"


def _pattern(
    checklist: Checklist, record: Record, compiled: _Compiled
) -> tuple[PatternResult | None, dict[str, list[cond.Match]]]:
    if checklist.pattern is None or compiled.neuro_deficit is None:
        return None, {}
    ctx = findings_context(checklist, record)
    points: list[PatternPointResult] = []
    by_group: dict[str, list[cond.Match]] = {"radicular": [], "hamstring": []}
    for group, point, condition in compiled.points:
        ok, matches = cond.evaluate(condition, ctx)
        if not ok:
            continue
        ordered = _sorted_matches(compiled, matches)
        by_group[group].extend(ordered)
        points.append(
            PatternPointResult(
                group, point.id, point.label, tuple(_reasons(checklist, record, ordered))
            )
        )
    radicular = sum(p.group == "radicular" for p in points)
    hamstring = sum(p.group == "hamstring" for p in points)
    reading = pattern_reading(radicular, hamstring)
    deficit, deficit_matches = cond.evaluate(compiled.neuro_deficit, ctx)
    notes = []
    if deficit and reading == "hamstring":
        # Clinical reference: any objective neurological deficit means the picture is never
        # called purely muscular.
        reading = "mixed"
        why = "; ".join(_reasons(checklist, record, _sorted_matches(compiled, deficit_matches)))
        notes.append(
            f"Read as mixed, not hamstring: an objective neurological deficit is present ({why}),"
            " so the picture is never purely muscular."
        )
    if checklist.pattern.note:
        notes.append(checklist.pattern.note)
    result = PatternResult(
        reading=reading,
        radicular=radicular,
        hamstring=hamstring,
        points=tuple(points),
        neuro_deficit=deficit,
        note=" ".join(notes),
    )
    return result, by_group


# ----------------------------------------------------------------------------- evaluation


def _screening_warning(
    checklist: Checklist,
    record: Record,
    rule: _CompiledRule,
    ctx: cond.Context,
    compiled: _Compiled,
) -> ScreeningWarning | None:
    r = rule.rule
    if r.screening_section is not None:
        section = next(s for s in checklist.sections if s.id == r.screening_section)
        missing: list[str] = []
        for item in section.items:
            sides: tuple[cond.Side | None, ...] = cond.SIDES if item.bilateral else (None,)
            for side in sides:
                show = checklist.show_conditions.get(item.id)
                if show is not None and not cond.evaluate(show, ctx, side)[0]:
                    continue
                if record.get(item.id, side) is None and item.id not in missing:
                    missing.append(item.id)
        if not missing:
            return None
        labels = ", ".join(checklist.items[i].label for i in missing)
        return ScreeningWarning(r.id, f"{r.title}: {labels}.", tuple(missing))
    if rule.when is None:
        return None
    ok, matches = cond.evaluate(rule.when, ctx)
    if not ok:
        return None
    return ScreeningWarning(
        r.id, f"{r.title}: {r.advice}", _item_ids(_sorted_matches(compiled, matches))
    )


def evaluate(checklist: Checklist, record: Record, prior: Record | None = None) -> Evaluation:
    """Every flag, screening warning and the pattern for this record.

    ``prior`` (an earlier exam of the same patient) adds the progression flag (P1, see
    compare.progression_flags), merged in urgency order.
    """
    compiled = _compiled(checklist)
    pattern, pattern_matches = _pattern(checklist, record, compiled)
    reading = pattern.reading if pattern else None
    ctx = findings_context(checklist, record, reading)
    flags: list[tuple[int, int, Flag]] = []
    warnings: list[ScreeningWarning] = []
    for n, rule in enumerate(compiled.rules):
        r = rule.rule
        if r.urgency == "warning":
            warning = _screening_warning(checklist, record, rule, ctx, compiled)
            if warning is not None:
                warnings.append(warning)
            continue
        if rule.when is None:
            continue
        ok, matches = cond.evaluate(rule.when, ctx)
        if not ok:
            continue
        lead: list[str] = []
        cited = list(matches)
        if pattern is not None and reading in rule.readings:
            lead.append(
                f"Pattern: {reading} (radicular {pattern.radicular}/4,"
                f" hamstring {pattern.hamstring}/4)"
            )
            for group in ("radicular", "hamstring"):
                if reading in (group, "mixed"):
                    cited.extend(pattern_matches.get(group, []))
        urgency: str = r.urgency
        escalated = None
        tail: list[cond.Match] = []
        if r.escalate is not None and rule.escalate is not None:
            esc_ok, esc_matches = cond.evaluate(rule.escalate, ctx)
            if esc_ok:
                urgency = r.escalate.urgency
                escalated = r.escalate.reason
                seen = set(cited)
                tail = [m for m in _sorted_matches(compiled, esc_matches) if m not in seen]
        ordered = _sorted_matches(compiled, cited)
        reasons = lead + _reasons(checklist, record, ordered)
        if tail:
            reasons += [f"{line} (raises urgency)" for line in _reasons(checklist, record, tail)]
        flag = Flag(
            id=r.id,
            title=r.title,
            urgency=urgency,
            actions=tuple(r.actions),
            advice=r.advice,
            triggered_by=_item_ids(_sorted_matches(compiled, [*ordered, *tail])),
            reasons=tuple(reasons),
            source=r.source,
            escalated_because=escalated,
        )
        flags.append((_urgency_rank(urgency), n, flag))
    flags.sort(key=lambda t: (t[0], t[1]))
    ev = Evaluation(
        flags=tuple(f for _, _, f in flags),
        warnings=tuple(warnings),
        pattern=pattern,
    )
    if prior is not None:
        # Lazy import: compare imports this module for Flag and format_value.
        from exam_tui.compare import progression_flags

        ev = ev.with_flags(progression_flags(checklist, prior, record))
    return ev


# ----------------------------------------------------------------------------- output


def to_json(ev: Evaluation) -> dict[str, Any]:
    """The evaluation as plain JSON-able data (``exam-tui flags --json``)."""
    pattern: dict[str, Any] | None = None
    if ev.pattern is not None:
        p = ev.pattern
        pattern = {
            "reading": p.reading,
            "radicular": p.radicular,
            "hamstring": p.hamstring,
            "points": [pt.id for pt in p.points],
            "point_details": [
                {"group": pt.group, "id": pt.id, "label": pt.label, "reasons": list(pt.reasons)}
                for pt in p.points
            ],
            "neuro_deficit": p.neuro_deficit,
            "note": p.note,
        }
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
        "pattern": pattern,
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
        lines += [NO_FLAGS_TEXT, NO_FLAGS_DETAIL, ""]
    for w in ev.warnings:
        lines.append(f"WARNING  {w.id}  {w.message}")
    if ev.warnings:
        lines.append("")
    if ev.pattern is not None:
        p = ev.pattern
        lines.append(f"Pattern: {p.reading} (radicular {p.radicular}/4, hamstring {p.hamstring}/4)")
        for pt in p.points:
            lines.append(f"  {pt.group}: {pt.label} ({'; '.join(pt.reasons)})")
        if p.note:
            lines.append(f"  {p.note}")
        lines.append("")
    if not any(f.urgency == "emergency" for f in ev.flags):
        lines.append(SAFETY_NET_TEXT)
    return "\n".join(lines).rstrip()
