"""Property: any valid record survives save → load unchanged; saving it again changes nothing."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui import kinds
from exam_tui.checklist import Checklist, Item, load_checklist
from exam_tui.record import Record, new_record
from exam_tui.storage import dumps_record, load_record, new_record_path, save_record

CHECKLIST = load_checklist()
_counter = itertools.count()

# Any text a clinician could type or paste: every plane, quotes, backslashes, newlines, tabs,
# emoji. Surrogates cannot be encoded as UTF-8 and cannot be typed, so they are left out.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
# Patient ids: the model refuses blank ones and control characters (see test_privacy).
patient_ids = st.text(
    st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=200
).filter(lambda s: s.strip() != "")
times = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    ),
)


def values_for(item: Item) -> st.SearchStrategy[str | int | float]:
    """Every valid value of an item, by kind and range."""
    values = kinds.KINDS[item.kind].values
    if values is not None:
        return st.sampled_from(values)
    if item.kind == "choice":
        return st.sampled_from(item.options or [])
    if item.kind == "text":
        return any_text
    assert item.kind == "number" and item.min is not None and item.max is not None
    ints = st.integers(int(item.min), int(item.max))
    if item.integer:
        return ints
    return ints | st.floats(item.min, item.max, allow_nan=False, allow_infinity=False)


@st.composite
def records(draw: st.DrawFn, checklist: Checklist = CHECKLIST) -> Record:
    started = draw(times)
    rec = new_record(
        checklist,
        draw(patient_ids),
        draw(any_text),
        draw(st.sampled_from(["left", "right", "both"])),
        started_at=started,
    )
    items = list(checklist.items.values())
    # Who made an edit only shows in amendments; a few names keep generation fast.
    names = st.sampled_from(["", "A. Clinician", 'Dr "Bob" Ó\'Brien', "医生\nline two"])

    def edit(at: datetime) -> None:
        item = draw(st.sampled_from(items))
        if draw(st.integers(0, 4)) == 0:
            rec.set_note(item.id, draw(any_text), by=draw(names), at=at)
            return
        sides = ("left", "right") if item.bilateral else (None,)
        side = draw(st.sampled_from(sides))
        value = (
            draw(st.none() | values_for(item)) if draw(st.booleans()) else draw(values_for(item))
        )
        rec.set_value(item, side, value, by=draw(names), at=at)

    at = started
    for _ in range(draw(st.integers(0, 30))):
        at += timedelta(seconds=draw(st.integers(1, 600)))
        edit(at)
    if draw(st.booleans()):
        rec.complete(at=at)
        for _ in range(draw(st.integers(0, 5))):  # amendments after completion
            at += timedelta(minutes=draw(st.integers(1, 600)))
            edit(at)
    return rec


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rec=records())
def test_any_valid_record_survives_save_and_load(tmp_path: Path, rec: Record) -> None:
    folder = tmp_path / f"r{next(_counter)}"
    path = new_record_path(folder, rec)
    fingerprint = save_record(path, rec, None)

    # The checklist is passed only for speed (loading it costs ~35 ms); test_storage covers the
    # loader finding it by the record's checklist id.
    loaded = load_record(path, CHECKLIST)
    assert loaded.warnings == []
    assert loaded.record == rec
    assert loaded.fingerprint == fingerprint
    # Writing what was read gives the same bytes: opening and saving never drifts a record.
    assert dumps_record(loaded.record).encode() == path.read_bytes()


@settings(max_examples=25, deadline=None)
@given(rec=records())
def test_every_generated_value_is_one_the_checklist_accepts(rec: Record) -> None:
    """Guard for the generator itself: it must only make records the loader accepts."""
    for item_id, finding in rec.findings.items():
        item = CHECKLIST.items[item_id]
        for v in (finding.left, finding.right, finding.value):
            if v is not None:
                assert item.check_value(v) == v
