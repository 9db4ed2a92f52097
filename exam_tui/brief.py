"""The brief summary for the notes field of an electronic health record: at most 20 lines
at 80 columns, from the public objects (the checklist, the record, rules.evaluate's result).

Flags with their action, positive findings with their sides, the red-flag screen's status,
what was not tested (one line) and the safety-net line. The full summary (summary.py) has
everything else.
"""

from __future__ import annotations

import textwrap
from typing import Any

from exam_tui import kinds, rules
from exam_tui.checklist import Checklist, Item
from exam_tui.record import Record, Side, is_shown, slots
from exam_tui.rules import Evaluation
from exam_tui.timefmt import local_time_text


def sentences(evaluation: Evaluation) -> tuple[str | None, str | None]:
    """The safety-net and no-flags sentences: the checklist's own, as the evaluation carries them
    (the safety net already replaced when its danger is flagged)."""
    return evaluation.safety_net, evaluation.no_flags


#: The most lines the brief takes (an EHR notes field shows about this many).
MAX_LINES = 20
URGENCY_MARK = {
    "emergency": "!! EMERGENCY",
    "urgent": "! URGENT",
    "soon": "! SOON",
    "routine": "ROUTINE",
}
SIDE_LETTER = {"left": "L", "right": "R"}


def _abnormal(item: Item, value: Any) -> bool:
    """A finding: a value that differs from what is normal for the item (its own ``normal``,
    else its kind's: a background "yes", a saddle sensation "reduced"). Numbers and choices
    without a normal are measurements, not findings."""
    return kinds.is_abnormal(item, value)


def _finding(checklist: Checklist, item: Item, record: Record) -> str | None:
    """An item with a positive finding, with its sides ("Tap test L positive"); else None."""
    values = {side: record.get(item.id, side) for side in slots(checklist, item)}
    if not any(_abnormal(item, v) for v in values.values()):
        return None
    if not item.bilateral:
        value = values[None]
        return item.label if value == "yes" else f"{item.label} {rules.format_value(item, value)}"
    left, right = values["left"], values["right"]
    if left == right:
        return f"{item.label} L+R {rules.format_value(item, left)}"
    parts = [
        f"{SIDE_LETTER[s]} {rules.format_value(item, v)}"
        for s, v in (("left", left), ("right", right))
        if v is not None
    ]
    return f"{item.label} {', '.join(parts)}"


def _wrap(text: str, width: int, indent: int = 2) -> list[str]:
    return textwrap.wrap(
        text, width, subsequent_indent=" " * indent, break_long_words=False, break_on_hyphens=False
    ) or [""]


def _screening_ids(checklist: Checklist) -> list[str]:
    ids = [r.screening_section for r in checklist.rules if r.screening_section]
    return list(dict.fromkeys(i for i in ids if i is not None))


def _unanswered(checklist: Checklist, record: Record, item: Item) -> list[Side | None]:
    return [
        s
        for s in slots(checklist, item)
        if is_shown(checklist, record, item.id, s) and record.get(item.id, s) is None
    ]


def render_brief(
    checklist: Checklist, record: Record, evaluation: Evaluation, *, width: int = 80
) -> str:
    """The brief summary, at most :data:`MAX_LINES` lines of at most ``width`` columns."""
    exam = record.exam
    head = (
        f"{record.patient.id} · {local_time_text(exam.started_at)} · "
        f"{exam.examiner or 'examiner?'} · affected {exam.affected_side} · {record.status}"
    )
    top = _wrap(head, width)

    flags: list[str] = []
    for flag in evaluation.flags:
        action = " + ".join(flag.actions) or "consider action"
        mark = URGENCY_MARK.get(flag.urgency, flag.urgency.upper())
        flags += _wrap(f"{mark} {flag.title}: {action}", width, 4)
    safety_text, no_flags_text = sentences(evaluation)
    if not flags:
        flags = _wrap(no_flags_text, width) if no_flags_text else []
    else:
        flags = ["Flags:", *("  " + line for line in flags)]

    screening = _screening_ids(checklist)
    screen_lines: list[str] = []
    for section in checklist.sections:
        if section.id not in screening:
            continue
        positive = [i.label for i in section.items if _finding(checklist, i, record) is not None]
        missing = [i.label for i in section.items if _unanswered(checklist, record, i)]
        if positive:
            state = "POSITIVE: " + ", ".join(positive)
        elif missing:
            state = "no positive answer"
        else:
            state = "screened, all negative"
        if missing:
            state += f"; NOT ASKED ({len(missing)}): " + ", ".join(missing)
        screen_lines += _wrap(f"{section.title}: {state}", width, 4)

    not_tested: list[str] = []
    for section in checklist.sections:
        if section.id in screening:
            continue
        n = sum(len(_unanswered(checklist, record, i)) for i in section.items)
        if n:
            not_tested.append(f"{section.title} {n}")
    line = "Not tested (values): " + (", ".join(not_tested) if not_tested else "none")
    if len(line) > width:
        line = line[: width - 1] + "…"

    safety = _wrap(safety_text, width) if safety_text else []

    findings = [
        text
        for section in checklist.sections
        if section.id not in screening
        for item in section.items
        if (text := _finding(checklist, item, record)) is not None
    ]
    room = MAX_LINES - len(top) - len(flags) - len(screen_lines) - 1 - len(safety)
    positive = _wrap("Positive: " + ("; ".join(findings) if findings else "none") + ".", width, 4)
    if len(positive) > room:
        # Cut whole findings until the rest fits, and say how many the full summary has.
        for keep in range(len(findings) - 1, -1, -1):
            more = f" (+{len(findings) - keep} more in the full summary)"
            shown = "; ".join(findings[:keep]) or "see the full summary"
            positive = _wrap(f"Positive: {shown}.{more if keep else ''}", width, 4)
            if len(positive) <= room:
                break
        positive = positive[: max(room, 1)]
    lines = [*top, *flags, *positive, *screen_lines, line, *safety]
    return "\n".join(lines[:MAX_LINES]) + "\n"
