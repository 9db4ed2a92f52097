"""Three-way merge of one record saved from two windows (storage.save_merging)."""

from __future__ import annotations

from pathlib import Path

from exam_tui.checklist import Checklist
from exam_tui.record import copy_record
from exam_tui.storage import load_record, save_merging, save_record


def test_changes_to_different_items_merge_and_clashes_are_returned(
    saved_record: Path, checklist: Checklist
) -> None:
    base = load_record(saved_record)
    items = checklist.items
    # window A saves first: a new answer and a changed one
    a = copy_record(base.record)
    a.set_value(items["slr"], "right", "positive")
    a.set_note("onset", "after sprinting")
    fp_a = save_record(saved_record, a, base.fingerprint)
    # window B, still on the base: another item (merged), and the same value differently
    b = copy_record(base.record)
    b.set_value(items["slr_angle"], "right", 70)
    out = save_merging(saved_record, base.record, b, base.fingerprint)
    assert out.saved and out.replaced == fp_a and not out.clashes
    merged = load_record(saved_record).record
    assert merged.get("slr", "right") == "positive" and merged.get("slr_angle", "right") == 70
    assert merged.note("onset") == "after sprinting"
    # a true clash: both change slr left, to different values: nothing written, clash listed
    now = load_record(saved_record)
    c = copy_record(now.record)
    c.set_value(items["slr"], "left", "negative")
    d = copy_record(now.record)
    d.set_value(items["slr"], "left", "equivocal")
    save_record(saved_record, c, now.fingerprint)
    before = saved_record.read_bytes()
    out = save_merging(saved_record, now.record, d, now.fingerprint)
    assert not out.saved and saved_record.read_bytes() == before
    [clash] = out.clashes
    assert clash.where == ("findings", "slr", "left") and clash.item == "slr"
    assert (clash.base, clash.ours, clash.theirs) == ("positive", "equivocal", "negative")
