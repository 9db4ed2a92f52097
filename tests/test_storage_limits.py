"""Storage limits: oversized files are refused unread; the checklist is loaded once per version."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exam_tui import storage
from exam_tui.errors import RecordError


def test_a_huge_file_is_refused_with_its_size_and_left_untouched(tmp_path: Path) -> None:
    big = tmp_path / "huge.toml"
    big.write_bytes(b"# " + b"x" * (storage.MAX_RECORD_BYTES + 10) + b"\n")
    before = big.read_bytes()
    with pytest.raises(RecordError) as info:
        storage.load_record(big)
    msg = str(info.value)
    assert str(big) in msg and "too large" in msg and "\n" not in msg
    assert big.read_bytes() == before


def test_checklist_is_reloaded_only_when_its_file_changes(
    tmp_path: Path, saved_record: Path
) -> None:
    from exam_tui.checklist import DEFAULT_CHECKLIST

    copy_dir = tmp_path / "cl"
    copy_dir.mkdir()
    copy = copy_dir / DEFAULT_CHECKLIST.name
    copy.write_bytes(DEFAULT_CHECKLIST.read_bytes())
    first = storage.load_record(saved_record, checklist_dirs=[copy_dir]).checklist
    again = storage.load_record(saved_record, checklist_dirs=[copy_dir]).checklist
    assert again is first
    # A new version of the file (different size and mtime) is read afresh.
    copy.write_bytes(copy.read_bytes().replace(b'title = "', b'title = "Edited: ', 1))
    os.utime(copy, ns=(1, 1))
    edited = storage.load_record(saved_record, checklist_dirs=[copy_dir]).checklist
    assert edited is not first and edited.title.startswith("Edited: ")
