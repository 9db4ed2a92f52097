"""Three-way merge of a record changed in two windows: base (as loaded), ours, theirs (on disk)."""

from __future__ import annotations

from typing import Any

from exam_tui.errors import RecordError
from exam_tui.record import InvalidRecordData, Record, record_from_data
from exam_tui.values import Struct


class _Missing:
    """A value that one version does not have (unanswered, or no such key)."""

    def __repr__(self) -> str:
        return "<unset>"


MISSING: Any = _Missing()

#: The list that only grows: each window's new amendments are all kept.
APPEND_ONLY = ("amendments",)


class Clash(Struct):
    """One value both windows changed, to different things: only the user can choose."""

    #: Where it is in the record, e.g. ("findings", ITEM_ID, "left") or ("status",).
    where: tuple[str, ...]
    base: Any
    ours: Any
    theirs: Any

    @property
    def item(self) -> str | None:
        """The checklist item, for a finding."""
        return self.where[1] if len(self.where) >= 2 and self.where[0] == "findings" else None

    def describe(self) -> str:
        def show(v: Any) -> str:
            return "(unanswered)" if v is MISSING else repr(v)

        return f"{'.'.join(self.where)}: here {show(self.ours)}, other window {show(self.theirs)}"


class MergeResult(Struct, frozen=False):
    """The merged record (this window's values where they clash) and the clashes."""

    record: Record
    clashes: list[Clash]


def _flatten(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for k, v in data.items():
        key = (*prefix, k)
        if isinstance(v, dict) and v:
            out.update(_flatten(v, key))
        elif not prefix and k in APPEND_ONLY:
            continue
        else:
            out[key] = v
    return out


def _unflatten(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in flat.items():
        d = out
        for part in key[:-1]:
            d = d.setdefault(part, {})
        if isinstance(v, dict) and not v:
            d.setdefault(key[-1], {})  # an empty table must not replace one already filled
        else:
            d[key[-1]] = v
    return out


def _dump(record: Record) -> dict[str, Any]:
    return record.to_dict()


def merge_records(base: Record, ours: Record, theirs: Record) -> MergeResult:
    """Combine two windows' changes to one record.

    Each value (a finding's side, value or note; a header field) is taken from whichever
    version changed it; one both changed to the same thing is simply that; one both changed
    to different things is a :class:`Clash`, and the merged record keeps ours there.
    Amendments are all kept (theirs, then ours that are new). ``exam.updated_at`` is the later
    of the two: it is not a clinical value.
    """
    b, o, t = _dump(base), _dump(ours), _dump(theirs)
    fb, fo, ft = _flatten(b), _flatten(o), _flatten(t)
    merged: dict[tuple[str, ...], Any] = {}
    clashes: list[Clash] = []
    keys = list(dict.fromkeys([*fo, *ft, *fb]))
    for key in keys:
        vb, vo, vt = fb.get(key, MISSING), fo.get(key, MISSING), ft.get(key, MISSING)
        if vo == vt:
            v = vo
        elif vo == vb:
            v = vt
        elif vt == vb:
            v = vo
        elif key == ("exam", "updated_at") and MISSING not in (vo, vt):
            v = max(vo, vt)
        else:
            clashes.append(Clash(key, vb, vo, vt))
            v = vo
        if v is not MISSING:
            merged[key] = v
    data = _unflatten(merged)
    data.setdefault("findings", {})
    base_n = len(b.get("amendments", []))
    amendments = list(t.get("amendments", [])) + list(o.get("amendments", [])[base_n:])
    if amendments:
        data["amendments"] = amendments
    try:
        record = record_from_data(data)
    except InvalidRecordData as exc:  # pragma: no cover - every value came from a valid record
        raise RecordError(f"the two versions cannot be merged ({exc})") from None
    return MergeResult(record, clashes)


__all__ = ["MISSING", "Clash", "MergeResult", "merge_records"]
