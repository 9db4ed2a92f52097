"""Listing a records folder sets off no garbage collection while it runs (every object it
makes lives as long as the listing: a collection frees nothing), and leaves the collector as
it found it."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

from exam_tui import storage


def test_a_listing_sets_off_no_collection_and_leaves_the_collector_as_it_was(
    saved_record: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1500):  # enough objects for a young collection every ~50 records
        shutil.copy(saved_record, folder / f"P-{n:04d}_20260302T093000.toml")
    started: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(info["generation"])

    assert gc.isenabled()
    gc.callbacks.append(seen)
    try:
        rows = storage.list_records(folder, index=False)
    finally:
        gc.callbacks.remove(seen)
    assert len(rows) == 1500
    # At most the young collection that the listing's objects set off as the collector comes
    # back on (without holding it off: a young collection every ~50 records, and older ones).
    assert started in ([], [0])
    assert gc.isenabled()
    gc.disable()
    try:
        storage.list_records(folder, index=False)
        assert not gc.isenabled()  # off stays off: the caller switched it off
    finally:
        gc.enable()
