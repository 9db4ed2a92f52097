"""The exam record: its model, validation against a checklist, and the edits an exam makes to it."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from exam_tui import conditions as cond
from exam_tui.checklist import Checklist, Item
from exam_tui.errors import RecordError

#: The record format this program writes. Older versions are migrated on load (storage.py).
SCHEMA_VERSION = 1

Status = Literal["draft", "completed", "amended"]
AffectedSide = Literal["left", "right", "both"]
Side = cond.Side
Value = StrictStr | StrictInt | StrictFloat

#: A checklist is named by its id, never by a path: a record must not be able to make the app
#: read any TOML file it likes as its rules ("/abs/evil", "../x").
CHECKLIST_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def is_checklist_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 100 and bool(CHECKLIST_ID.fullmatch(value))


def _checklist_id(value: str) -> str:
    if not is_checklist_id(value):
        raise ValueError("must be a checklist id (a-z, 0-9 and '-'), not a file name or path")
    return value


def _in_range(value: datetime) -> datetime:
    # 9999-12-31T23:59:59-12:00 is a valid TOML datetime, but in UTC it is in year 10000:
    # comparing or converting it raises OverflowError wherever it is shown.
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is outside the years 1-9999 once converted to UTC") from None
    return value


#: A TOML date-time with an offset (``2026-11-28T09:30:00Z``). Strict: an integer (``0``, read
#: as 1970 otherwise) or a string is refused, and so is a local time without an offset.
Timestamp = Annotated[AwareDatetime, Strict(), AfterValidator(_in_range)]
ChecklistId = Annotated[StrictStr, AfterValidator(_checklist_id)]


def patient_key(patient_id: str) -> str:
    """The form of a patient id used to match records of one patient: NFKC-normalised, so
    "é" typed as one character or as e + combining accent, or fullwidth digits from an input
    method, are one patient. The record keeps the id exactly as typed."""
    return unicodedata.normalize("NFKC", patient_id).strip()


def now_utc() -> datetime:
    """The current time in UTC, to the second (records do not need more)."""
    return datetime.now(UTC).replace(microsecond=0)


class Finding(BaseModel):
    """The values of one item: left/right for bilateral items, ``value`` otherwise, and a note."""

    model_config = ConfigDict(extra="forbid")

    left: Value | None = None
    right: Value | None = None
    value: Value | None = None
    note: StrictStr | None = None

    def is_empty(self) -> bool:
        return self.left is None and self.right is None and self.value is None and not self.note


class Patient(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1, max_length=200)

    @field_validator("id")
    @classmethod
    def _no_control(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("patient id is blank")
        if any(ord(c) < 32 or ord(c) == 127 for c in v):
            raise ValueError("patient id contains control characters")
        return v


class Exam(BaseModel):
    model_config = ConfigDict(extra="allow")

    examiner: StrictStr = ""
    started_at: Timestamp
    affected_side: AffectedSide
    updated_at: Timestamp | None = None
    completed_at: Timestamp | None = None


class Amendment(BaseModel):
    """One change made after the record was completed: who, when, what, from what, to what."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    at: Timestamp
    by: StrictStr
    item: StrictStr
    side: Literal["left", "right"] | None = None
    field: Literal["value", "note"] = "value"
    old: Value | None = Field(default=None, alias="from")
    new: Value | None = Field(default=None, alias="to")


class Record(BaseModel):
    """One exam of one patient. Unknown top-level keys are kept and written back."""

    model_config = ConfigDict(extra="allow", validate_assignment=False)

    schema_version: StrictInt = SCHEMA_VERSION
    checklist: ChecklistId
    checklist_version: StrictStr
    status: Status = "draft"
    patient: Patient
    exam: Exam
    findings: dict[str, Finding] = Field(default_factory=dict)
    amendments: list[Amendment] = Field(default_factory=list)

    # -- reading ---------------------------------------------------------------------------

    def get(self, item: str, side: Side | None = None) -> str | int | float | None:
        """The value of an item (``side`` for bilateral items), or None when not answered."""
        f = self.findings.get(item)
        if f is None:
            return None
        if side is None:
            return f.value
        return f.left if side == "left" else f.right

    def note(self, item: str) -> str | None:
        f = self.findings.get(item)
        return f.note if f else None

    # -- editing ---------------------------------------------------------------------------

    def _log(
        self, by: str, at: datetime, item: str, side: Side | None, fld: str, old: Any, new: Any
    ) -> None:
        if old == new:
            return
        if self.status in ("completed", "amended"):
            self.status = "amended"
            self.amendments.append(
                Amendment.model_validate(
                    {
                        "at": at,
                        "by": by,
                        "item": item,
                        "side": side,
                        "field": fld,
                        "from": old,
                        "to": new,
                    }
                )
            )
        self.exam.updated_at = at

    def set_value(
        self,
        item: Item,
        side: Side | None,
        value: Any,
        *,
        by: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record (or, with ``value=None``, clear) a value, validated against its item."""
        if item.bilateral and side is None:
            raise ValueError(f"item {item.id!r} is bilateral: give a side")
        if not item.bilateral:
            side = None
        new = None if value is None else item.check_value(value)
        f = self.findings.setdefault(item.id, Finding())
        old = self.get(item.id, side)
        if side is None:
            f.value = new
        elif side == "left":
            f.left = new
        else:
            f.right = new
        if f.is_empty():
            del self.findings[item.id]
        self._log(by or self.exam.examiner, at or now_utc(), item.id, side, "value", old, new)

    def set_note(
        self, item_id: str, note: str | None, *, by: str | None = None, at: datetime | None = None
    ) -> None:
        note = (note or "").strip() or None
        f = self.findings.setdefault(item_id, Finding())
        old, f.note = f.note, note
        if f.is_empty():
            del self.findings[item_id]
        self._log(by or self.exam.examiner, at or now_utc(), item_id, None, "note", old, note)

    def complete(self, at: datetime | None = None) -> None:
        """Mark a draft completed (a completed or amended record keeps its status)."""
        if self.status == "draft":
            self.status = "completed"
            self.exam.completed_at = at or now_utc()


def new_record(
    checklist: Checklist,
    patient_id: str,
    examiner: str,
    affected_side: str,
    started_at: datetime | None = None,
) -> Record:
    """A fresh draft record for this checklist."""
    try:
        return Record.model_validate(
            {
                "checklist": checklist.id,
                "checklist_version": checklist.version,
                "patient": {"id": patient_id},
                "exam": {
                    "examiner": examiner,
                    "started_at": started_at or now_utc(),
                    "affected_side": affected_side,
                },
            }
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RecordError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def validate_findings(record: Record, checklist: Checklist) -> list[str]:
    """Check every value against its item; raise RecordError on the first bad one.

    Items the checklist does not know are kept (shown and written back) and reported in the
    returned list of warnings.
    """
    warnings: list[str] = []
    for item_id, f in record.findings.items():
        item = checklist.items.get(item_id)
        if item is None:
            warnings.append(
                f"item {item_id!r} is not in checklist {checklist.id} {checklist.version}: "
                "kept as is"
            )
            continue
        if item.bilateral and f.value is not None:
            raise RecordError("bilateral item has 'value'; use 'left' and 'right'", item=item_id)
        if not item.bilateral and (f.left is not None or f.right is not None):
            raise RecordError(
                "item is not bilateral; use 'value', not 'left'/'right'", item=item_id
            )
        for key in ("left", "right", "value"):
            v = getattr(f, key)
            if v is None:
                continue
            try:
                checked = item.check_value(v)
            except ValueError as exc:
                raise RecordError(f"{key}: {exc}", item=item_id) from None
            setattr(f, key, checked)
    return warnings


def is_shown(checklist: Checklist, record: Record, item_id: str, side: Side | None = None) -> bool:
    """Whether an item (side) applies: its show-condition, if any, holds for this record."""
    condition = checklist.show_conditions.get(item_id)
    if condition is None:
        return True
    ok, _ = cond.evaluate(condition, findings_context(checklist, record), side)
    return ok


def findings_context(
    checklist: Checklist,
    record: Record,
    pattern_reading: str | None = None,
    prior: Record | None = None,
) -> cond.Context:
    """What a condition can look at: this record, the checklist, and the previous exam."""
    return cond.Context(
        findings=record,
        is_bilateral=checklist.is_bilateral,
        named=checklist.named_conditions,
        pattern_reading=pattern_reading,
        prior=prior,
        items=checklist.items,
        reading_dependent=checklist.reading_dependent,
    )


def slots(checklist: Checklist, item: Item) -> tuple[Side | None, ...]:
    """The values an item takes: (left, right) for bilateral items, else (None,)."""
    return cond.SIDES if item.bilateral else (None,)


def progress(
    checklist: Checklist, record: Record, section_id: str | None = None
) -> tuple[int, int]:
    """(answered, applicable) values, over one section or the whole exam.

    Hidden items (show-condition unmet) do not count."""
    answered = total = 0
    for section in checklist.sections:
        if section_id is not None and section.id != section_id:
            continue
        for item in section.items:
            for side in slots(checklist, item):
                if not is_shown(checklist, record, item.id, side):
                    continue
                total += 1
                answered += record.get(item.id, side) is not None
    return answered, total


def unanswered(
    checklist: Checklist, record: Record
) -> list[tuple[str, list[tuple[Item, Side | None]]]]:
    """Per section, the applicable values still unanswered, in checklist order."""
    out = []
    for section in checklist.sections:
        missing = [
            (item, side)
            for item in section.items
            for side in slots(checklist, item)
            if is_shown(checklist, record, item.id, side) and record.get(item.id, side) is None
        ]
        if missing:
            out.append((section.id, missing))
    return out
