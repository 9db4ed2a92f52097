"""The exam record: its model, validation against a checklist, and the edits an exam makes to it."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar, Literal

from exam_tui import conditions as cond
from exam_tui.checklist import Checklist, Item
from exam_tui.errors import RecordError

#: The record format this program writes. Older versions are migrated on load (storage.py).
SCHEMA_VERSION = 1

Status = Literal["draft", "completed", "amended"]
AffectedSide = Literal["left", "right", "both"]
Side = cond.Side
Value = str | int | float
#: The record statuses and affected sides (the models in schema.py use the same).
STATUSES: tuple[str, ...] = ("draft", "completed", "amended")
AFFECTED_SIDES: tuple[str, ...] = ("left", "right", "both")

#: A checklist is named by its id, never by a path: a record must not be able to make the app
#: read any TOML file it likes as its rules ("/abs/evil", "../x").
CHECKLIST_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def is_checklist_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 100 and bool(CHECKLIST_ID.fullmatch(value))


def checklist_id_error(value: str) -> str | None:
    """Why this is not a checklist id, or None (shared by the model and the fast check)."""
    if not is_checklist_id(value):
        return "must be a checklist id (a-z, 0-9 and '-'), not a file name or path"
    return None


def timestamp_error(value: datetime) -> str | None:
    """Why this aware date-time cannot be a record's time, or None."""
    # 9999-12-31T23:59:59-12:00 is a valid TOML datetime, but in UTC it is in year 10000:
    # comparing or converting it raises OverflowError wherever it is shown.
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        return "is outside the years 1-9999 once converted to UTC"
    return None


def patient_id_error(value: str) -> str | None:
    """Why this cannot be a patient id (beyond its length, 1-200), or None."""
    if not value.strip():
        return "patient id is blank"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "patient id contains control characters"
    return None


def patient_key(patient_id: str) -> str:
    """The form of a patient id used to match records of one patient: NFKC-normalised, so
    "é" typed as one character or as e + combining accent, or fullwidth digits from an input
    method, are one patient. The record keeps the id exactly as typed."""
    return unicodedata.normalize("NFKC", patient_id).strip()


def now_utc() -> datetime:
    """The current time in UTC, to the second (records do not need more)."""
    return datetime.now(UTC).replace(microsecond=0)


class _Plain:
    """A record part as plain attributes: built only from data the models in ``schema.py``
    accept (see :func:`record_from_data`). Unknown keys of parts that keep them (``extra``)
    are written back after the known ones, as pydantic's ``model_dump`` does."""

    #: (field, default) in the models' order; a default that is a type is called for each object.
    FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = ()
    #: Field -> the key it is written under (``from``/``to`` of an amendment).
    ALIASES: ClassVar[dict[str, str]] = {}
    #: Whether unknown keys are kept (the model's ``extra="allow"``).
    KEEPS_EXTRA: ClassVar[bool] = False

    def __init__(self, **values: Any) -> None:
        d = self.__dict__
        for name, default in self.FIELDS:
            if name in values:
                d[name] = values.pop(name)
            else:
                d[name] = default() if isinstance(default, type) else default
        if values and not self.KEEPS_EXTRA:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(values)}")
        #: Unknown keys, kept as read.
        self.extra: dict[str, Any] = values

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        return all(getattr(self, n) == getattr(other, n) for n, _ in self.FIELDS) and (
            self.extra == other.extra
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n, _ in self.FIELDS)
        return f"{type(self).__name__}({shown})"

    def to_dict(self) -> dict[str, Any]:
        """The data as written: keys by alias, None left out, unknown keys last (the models'
        ``model_dump(mode="python", by_alias=True, exclude_none=True)``)."""
        out: dict[str, Any] = {}
        for name, _ in self.FIELDS:
            v = _dump(getattr(self, name))
            if v is not None:
                out[self.ALIASES.get(name, name)] = v
        for k, v in self.extra.items():
            if v is not None:
                out[k] = copy.deepcopy(v)
        return out


def _dump(v: Any) -> Any:
    if isinstance(v, _Plain):
        return v.to_dict()
    if isinstance(v, dict):
        return {k: _dump(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_dump(x) for x in v]
    return v


class Finding(_Plain):
    """The values of one item: left/right for bilateral items, ``value`` otherwise, and a note."""

    FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = (
        ("left", None),
        ("right", None),
        ("value", None),
        ("note", None),
    )

    left: Value | None
    right: Value | None
    value: Value | None
    note: str | None

    def is_empty(self) -> bool:
        return self.left is None and self.right is None and self.value is None and not self.note


class Patient(_Plain):
    FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = (("id", None),)
    KEEPS_EXTRA: ClassVar[bool] = True

    id: str


class Exam(_Plain):
    FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = (
        ("examiner", ""),
        ("started_at", None),
        ("affected_side", None),
        ("updated_at", None),
        ("completed_at", None),
    )
    KEEPS_EXTRA: ClassVar[bool] = True

    examiner: str
    started_at: datetime
    affected_side: AffectedSide
    updated_at: datetime | None
    completed_at: datetime | None


class Amendment(_Plain):
    """One change made after the record was completed: who, when, what, from what, to what."""

    FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = (
        ("at", None),
        ("by", None),
        ("item", None),
        ("side", None),
        ("field", "value"),
        ("old", None),
        ("new", None),
        ("reason", None),
    )
    ALIASES: ClassVar[dict[str, str]] = {"old": "from", "new": "to"}

    at: datetime
    by: str
    item: str
    side: Literal["left", "right"] | None
    field: Literal["value", "note"]
    old: Value | None
    new: Value | None
    #: Why the record was amended, when the amending clinician said so.
    reason: str | None


class Record(_Plain):
    """One exam of one patient. Unknown top-level keys are kept and written back."""

    FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = (
        ("schema_version", SCHEMA_VERSION),
        ("checklist", None),
        ("checklist_version", None),
        ("status", "draft"),
        ("patient", None),
        ("exam", None),
        ("findings", dict),
        ("amendments", list),
    )
    KEEPS_EXTRA: ClassVar[bool] = True

    schema_version: int
    checklist: str
    checklist_version: str
    status: Status
    patient: Patient
    exam: Exam
    findings: dict[str, Finding]
    amendments: list[Amendment]

    #: Changes made through set_value and set_note (never written; not part of equality): what
    #: is derived from the findings (which items are shown) is cached against it.
    revision: int = 0

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
                Amendment(at=at, by=by, item=item, side=side, field=fld, old=old, new=new)
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
        self.revision += 1
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
        self.revision += 1
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
    data = {
        "checklist": checklist.id,
        "checklist_version": checklist.version,
        "patient": {"id": patient_id},
        "exam": {
            "examiner": examiner,
            "started_at": started_at or now_utc(),
            "affected_side": affected_side,
        },
    }
    try:
        return record_from_data(data)
    except InvalidRecordData as exc:
        err = exc.errors[0]
        raise RecordError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None


# ----------------------------------------------------------------------------- validation
#
# What a valid record is, is defined once: by the pydantic models in schema.py. Importing
# pydantic and building those models costs more than the rest of `exam-tui summary`, so the
# common case (data as tomllib reads it, or as this program builds it) is checked here, by a
# check that refuses anything unusual: exact types only (a str subclass, a bool for an int,
# a tuple for a list are refused here), and everything the models refuse. What it refuses goes
# to the models, which decide, and whose error message the user sees. The equivalence of the
# two on every TOML-shaped input is tested (tests/test_schema_equivalence.py).

_FINDING_KEYS = frozenset(name for name, _ in Finding.FIELDS)
_AMENDMENT_KEYS = frozenset(
    ("at", "by", "item", "side", "field", "from", "to", "old", "new", "reason")
)
_EXAM_KEYS = frozenset(name for name, _ in Exam.FIELDS)
_RECORD_KEYS = frozenset(name for name, _ in Record.FIELDS)


def _is_value(v: object) -> bool:
    t = type(v)
    return t is str or t is int or t is float


def _is_timestamp(v: object) -> bool:
    return (
        type(v) is datetime
        and v.tzinfo is not None
        and v.utcoffset() is not None
        and timestamp_error(v) is None
    )


def _check_finding(f: object) -> bool:
    if type(f) is not dict or not f.keys() <= _FINDING_KEYS:
        return False
    for k, v in f.items():
        if v is None:
            continue
        if k == "note" and type(v) is not str:
            return False
        if k != "note" and not _is_value(v):
            return False
    return True


def _check_amendment(a: object) -> bool:
    if type(a) is not dict or not a.keys() <= _AMENDMENT_KEYS:
        return False
    if ("from" in a and "old" in a) or ("to" in a and "new" in a):
        return False
    if not _is_timestamp(a.get("at")) or type(a.get("by")) is not str:
        return False
    if type(a.get("item")) is not str:
        return False
    if a.get("side") not in (None, "left", "right") or a.get("field", "value") not in (
        "value",
        "note",
    ):
        return False
    if type(a.get("side")) not in (type(None), str) or type(a.get("field", "")) is not str:
        return False
    for key in ("from", "to", "old", "new"):
        v = a.get(key)
        if v is not None and not _is_value(v):
            return False
    reason = a.get("reason")
    return reason is None or type(reason) is str


def check_record_data(data: object) -> bool:
    """Whether the models would accept this data as a record, decided without pydantic for
    the common case; False sends the data to the models (which may still accept it)."""
    if type(data) is not dict:
        return False
    sv = data.get("schema_version", SCHEMA_VERSION)
    cid = data.get("checklist")
    status = data.get("status", "draft")
    if type(sv) is not int or type(cid) is not str or checklist_id_error(cid) is not None:
        return False
    if type(data.get("checklist_version")) is not str:
        return False
    if type(status) is not str or status not in STATUSES:
        return False
    patient = data.get("patient")
    if type(patient) is not dict:
        return False
    pid = patient.get("id")
    if type(pid) is not str or not 1 <= len(pid) <= 200 or patient_id_error(pid) is not None:
        return False
    exam = data.get("exam")
    if type(exam) is not dict:
        return False
    if type(exam.get("examiner", "")) is not str or not _is_timestamp(exam.get("started_at")):
        return False
    side = exam.get("affected_side")
    if type(side) is not str or side not in AFFECTED_SIDES:
        return False
    for key in ("updated_at", "completed_at"):
        if exam.get(key) is not None and not _is_timestamp(exam[key]):
            return False
    findings = data.get("findings", {})
    if type(findings) is not dict:
        return False
    for k, f in findings.items():
        if type(k) is not str or not _check_finding(f):
            return False
    amendments = data.get("amendments", [])
    if type(amendments) is not list:
        return False
    return all(_check_amendment(a) for a in amendments)


def _build_record(data: dict[str, Any]) -> Record:
    """The plain record of data the models accept (keys by alias: ``from``/``to``)."""
    rest = {k: v for k, v in data.items() if k not in ("patient", "exam", "findings", "amendments")}
    amendments = []
    for a in data.get("amendments") or []:
        a = dict(a)
        if "from" in a:
            a["old"] = a.pop("from")
        if "to" in a:
            a["new"] = a.pop("to")
        amendments.append(Amendment(**a))
    return Record(
        **rest,
        patient=Patient(**data["patient"]),
        exam=Exam(**data["exam"]),
        findings={k: Finding(**f) for k, f in (data.get("findings") or {}).items()},
        amendments=amendments,
    )


class InvalidRecordData(Exception):
    """The models refused record data; ``errors`` is pydantic's list of errors, to word."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["msg"] if errors else "invalid record")
        self.errors = errors


def record_from_data(data: dict[str, Any]) -> Record:
    """The record this data describes, validated; InvalidRecordData when the models refuse it.

    Data the fast check accepts is built directly; anything else is validated by the models in
    schema.py, which decide and give the errors."""
    if check_record_data(data):
        return _build_record(data)
    from pydantic import ValidationError

    from exam_tui import schema

    try:
        model = schema.Record.model_validate(data)
    except ValidationError as exc:
        raise InvalidRecordData([dict(e) for e in exc.errors()]) from None
    return _build_record(model.model_dump(mode="python", by_alias=True))


def copy_record(record: Record) -> Record:
    """An independent copy (an upgrade or a merge changes it, not the record shown)."""
    return copy.deepcopy(record)


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
    checklist: Checklist,
    record: Record,
    section_id: str | None = None,
    shown: Callable[[str, Side | None], bool] | None = None,
) -> tuple[int, int]:
    """(answered, applicable) values, over one section or the whole exam.

    Hidden items (show-condition unmet) do not count. ``shown`` answers is_shown for this
    record (a session's cache of it)."""
    if shown is None:
        shown = partial(is_shown, checklist, record)
    answered = total = 0
    for section in checklist.sections:
        if section_id is not None and section.id != section_id:
            continue
        for item in section.items:
            for side in slots(checklist, item):
                if not shown(item.id, side):
                    continue
                total += 1
                answered += record.get(item.id, side) is not None
    return answered, total


def unanswered(
    checklist: Checklist,
    record: Record,
    shown: Callable[[str, Side | None], bool] | None = None,
) -> list[tuple[str, list[tuple[Item, Side | None]]]]:
    """Per section, the applicable values still unanswered, in checklist order."""
    if shown is None:
        shown = partial(is_shown, checklist, record)
    out = []
    for section in checklist.sections:
        missing = [
            (item, side)
            for item in section.items
            for side in slots(checklist, item)
            if shown(item.id, side) and record.get(item.id, side) is None
        ]
        if missing:
            out.append((section.id, missing))
    return out
