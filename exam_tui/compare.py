"""Follow-up exams: what changed since a patient's previous exam.

Headless (never imports textual). The CLI's ``compare`` and ``summary --prior`` and the app use
it. Progression flags are rules of the checklist (``worse_by``, ``newly``), evaluated by
``rules.evaluate(prior=...)``; this module only lists and classifies the changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exam_tui import kinds
from exam_tui.checklist import Checklist, Item
from exam_tui.errors import RecordError
from exam_tui.record import Record, Side, patient_key
from exam_tui.values import Struct

if TYPE_CHECKING:
    from exam_tui.storage import LoadedRecord

ChangeKind = kinds.ChangeKind
Value = str | int | float

NOT_IN_CHECKLIST = "not in current checklist"


class Change(Struct):
    """One item (and side) whose value differs between the two exams."""

    item: str
    side: Side | None
    label: str
    old: Value
    new: Value
    kind: ChangeKind
    section: str = ""
    old_text: str = ""
    new_text: str = ""

    def line(self) -> str:
        """E.g. ``Great toe extension (L5) L: MRC 4/5 → 3/5 (worse)``."""
        where = f"{self.label}{_side_suffix(self.side)}"
        return f"{where}: {self.old_text} → {self.new_text} ({self.kind})"


class Uncompared(Struct):
    """A value of the prior exam the current checklist cannot place (item gone, or no longer
    recorded per side / recorded per side now)."""

    item: str
    side: Side | None
    old: Value
    reason: str = NOT_IN_CHECKLIST

    def line(self) -> str:
        return f"{self.item}{_side_suffix(self.side)}: {_plain(self.old)} ({self.reason})"


class Comparison(Struct):
    """What changed between an earlier and a later exam of one patient."""

    patient_id: str
    old_path: Path | None
    new_path: Path | None
    old_started: datetime
    new_started: datetime
    changes: tuple[Change, ...]
    uncompared: tuple[Uncompared, ...]
    #: Values recorded at both exams and equal.
    unchanged: int

    @property
    def old_date(self) -> str:
        return self.old_started.date().isoformat()

    @property
    def new_date(self) -> str:
        return self.new_started.date().isoformat()

    @property
    def interval_days(self) -> int:
        """Calendar days between the exam dates (as recorded)."""
        return (self.new_started.date() - self.old_started.date()).days

    @property
    def interval_weeks(self) -> float:
        return round(self.interval_days / 7, 1)

    def interval_text(self) -> str:
        d = self.interval_days
        days = f"{d} day" + ("" if d == 1 else "s")
        return days if d < 7 else f"{days}, {self.interval_weeks:g} weeks"


# ----------------------------------------------------------------------------- checks


def _aware(dt: datetime) -> datetime:
    """Naive times (a hand-written record) are taken as UTC, so they compare with aware ones."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def check_same_patient(prior: LoadedRecord, current: LoadedRecord) -> None:
    """Refuse (RecordError naming the prior file) to relate two records that are not an earlier
    and a later exam of the same patient: a comparison across patients would be a clinical error."""
    old_id, new_id = prior.record.patient.id.strip(), current.record.patient.id.strip()
    if patient_key(old_id) != patient_key(new_id):
        raise RecordError(
            f"is an exam of patient {old_id!r}, but {current.path} is of patient {new_id!r}: "
            "refusing to compare exams of different patients",
            path=prior.path,
        )
    old_t, new_t = _aware(prior.record.exam.started_at), _aware(current.record.exam.started_at)
    if old_t >= new_t:
        same = " (the same exam?)" if old_t == new_t else ""
        raise RecordError(
            f"the prior exam ({prior.record.exam.started_at:%Y-%m-%d %H:%M}) is not earlier than "
            f"{current.path} ({current.record.exam.started_at:%Y-%m-%d %H:%M}){same}: "
            "give the earlier record as the prior (OLD)",
            path=prior.path,
        )


# ----------------------------------------------------------------------------- formatting


def _side_suffix(side: Side | None) -> str:
    return {"left": " L", "right": " R"}.get(side or "", "")


def _plain(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def item_label(item: Item) -> str:
    """The item's label with its root level, e.g. ``Great toe extension (L5)``."""
    return f"{item.label} ({item.root})" if item.root else item.label


def format_value(item: Item, value: Value, *, short: bool = False) -> str:
    """A value in the rules' clinical notation; ``short`` drops the scale name, for the value
    after the arrow: ``MRC 4/5 → 3/5``, ``reflex 2 (normal) → 1 (reduced)``."""
    if item.kind == "text":
        text = " ".join(str(value).split())
        return repr(text if len(text) <= 40 else text[:39] + "…")
    return kinds.short_text(item, value) if short else kinds.long_text(item, value)


def classify(item: Item, old: Value, new: Value) -> ChangeKind | None:
    """The clinical direction of a change of ``item`` from ``old`` to ``new`` (None: unchanged);
    the kind (and, for numbers, the item's ``worse``) says which way is worse."""
    return kinds.classify(item, old, new)


# ----------------------------------------------------------------------------- comparing


def _slots(item: Item) -> tuple[Side | None, ...]:
    return ("left", "right") if item.bilateral else (None,)


def compare_records(
    checklist: Checklist,
    prior: Record,
    current: Record,
    *,
    old_path: Path | None = None,
    new_path: Path | None = None,
) -> Comparison:
    """Every changed value, per item and side, in checklist (clinical) order."""
    changes: list[Change] = []
    unchanged = 0
    for section in checklist.sections:
        for item in section.items:
            for side in _slots(item):
                old, new = prior.get(item.id, side), current.get(item.id, side)
                if old is None or new is None:
                    continue  # examined only once: nothing to compare
                kind = classify(item, old, new)
                if kind is None:
                    unchanged += 1
                    continue
                changes.append(
                    Change(
                        item=item.id,
                        side=side,
                        label=item_label(item),
                        old=old,
                        new=new,
                        kind=kind,
                        section=section.title,
                        old_text=format_value(item, old),
                        new_text=format_value(item, new, short=True),
                    )
                )
    return Comparison(
        patient_id=current.patient.id,
        old_path=old_path,
        new_path=new_path,
        old_started=prior.exam.started_at,
        new_started=current.exam.started_at,
        changes=tuple(changes),
        uncompared=tuple(_uncompared(checklist, prior)),
        unchanged=unchanged,
    )


def _uncompared(checklist: Checklist, prior: Record) -> Iterable[Uncompared]:
    """Prior values the current checklist has no place for (never a crash: reported instead)."""
    for item_id, f in prior.findings.items():
        item = checklist.items.get(item_id)
        for side, v in (("left", f.left), ("right", f.right), (None, f.value)):
            if v is None:
                continue
            if item is None:
                yield Uncompared(item_id, side, v)  # type: ignore[arg-type]
            elif item.bilateral and side is None:
                yield Uncompared(
                    item_id, None, v, "recorded for one side only before; per side now"
                )
            elif not item.bilateral and side is not None:
                yield Uncompared(item_id, side, v, "recorded per side before; one value now")  # type: ignore[arg-type]


def compare_loaded(old: LoadedRecord, new: LoadedRecord) -> Comparison:
    """Compare two records of one patient (earlier first), in the newer record's checklist."""
    check_same_patient(old, new)
    return compare_records(
        new.checklist, old.record, new.record, old_path=old.path, new_path=new.path
    )


# ----------------------------------------------------------------------------- output


def to_json(result: Comparison) -> dict[str, Any]:
    return {
        "patient_id": result.patient_id,
        "old": {
            "file": str(result.old_path) if result.old_path else None,
            "date": result.old_date,
            "started_at": result.old_started.isoformat(),
        },
        "new": {
            "file": str(result.new_path) if result.new_path else None,
            "date": result.new_date,
            "started_at": result.new_started.isoformat(),
        },
        "interval": {"days": result.interval_days, "weeks": result.interval_weeks},
        "changes": [
            {
                "item": c.item,
                "side": c.side,
                "label": c.label,
                "section": c.section,
                "old": c.old,
                "new": c.new,
                "kind": c.kind,
                "text": c.line(),
            }
            for c in result.changes
        ],
        "not_compared": [
            {"item": u.item, "side": u.side, "old": u.old, "reason": u.reason}
            for u in result.uncompared
        ],
        "unchanged": result.unchanged,
    }


def _no_change_line(result: Comparison) -> str:
    n = result.unchanged
    return f"No change in the {n} value{'s' if n != 1 else ''} recorded at both exams."


def change_lines(result: Comparison) -> list[str]:
    """The interval, one line per change (clinical order), then the prior values not compared;
    for the summary's "Since <date>" section."""
    lines = [f"Interval: {result.interval_text()}."]
    lines += [c.line() for c in result.changes]
    if not result.changes:
        lines.append(_no_change_line(result))
    lines.extend(u.line() for u in result.uncompared)
    return lines


def format_text(result: Comparison) -> str:
    out = [
        f"Patient {result.patient_id}: exam of {result.new_date} compared with {result.old_date} "
        f"({result.interval_text()} later)"
    ]
    if result.old_path or result.new_path:
        out.append(f"Earlier: {result.old_path}  Later: {result.new_path or 'not saved yet'}")
    out.append("")
    section = None
    for c in result.changes:
        if c.section != section:
            if section is not None:
                out.append("")
            section = c.section
            out.append(section)
        out.append(f"  {c.line()}")
    if not result.changes:
        out.append(_no_change_line(result))
    elif result.unchanged:
        out += [
            "",
            f"Unchanged: {result.unchanged} other value{'s' if result.unchanged != 1 else ''}"
            " recorded at both exams.",
        ]
    if result.uncompared:
        out += ["", f"Recorded on {result.old_date} but not compared:"]
        out += [f"  {u.line()}" for u in result.uncompared]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- the folder


def latest_prior(
    records_dir: Path, patient_id: str, before: datetime, exclude: Path | None = None
) -> LoadedRecord | None:
    """The latest record of this patient in the folder started before ``before`` (not
    ``exclude``, the exam being edited); unreadable or invalid files are skipped."""
    from exam_tui.storage import list_records, load_record

    skip = exclude.resolve() if exclude is not None else None
    limit = _aware(before)
    for summary in list_records(records_dir):  # newest exam first
        if (
            summary.error
            or summary.started_at is None
            or patient_key(summary.patient_id) != patient_key(patient_id)
        ):
            continue
        if _aware(summary.started_at) >= limit or (
            skip is not None and summary.path.resolve() == skip
        ):
            continue
        try:
            loaded = load_record(summary.path)
        except RecordError:
            continue
        if patient_key(loaded.record.patient.id) == patient_key(patient_id):
            return loaded
    return None
