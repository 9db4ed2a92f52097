"""The record picker's list over thousands of records: every one listed (none cut off), drawn
only where visible, a record that does not load shown as such, keys and clicks move the cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from exam_tui.storage import RecordSummary
from exam_tui.tui.screens import picker as picker_screen
from exam_tui.tui.screens.picker import RecordPicker
from exam_tui.tui.widgets.record_list import RecordList, _fit
from tests.tui.test_dialogs import Host

N = 5000
T0 = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def _summaries(tmp_path: Path) -> list[RecordSummary]:
    """N records newest first (no files: the flag counts stay "…" or "?"), one unreadable."""
    out = [
        RecordSummary(
            tmp_path / f"MRN-{i:05d}.toml",
            f"MRN-{i:05d}",
            T0 - timedelta(hours=i),
            "completed" if i % 3 else "draft",
            f"Dr {i % 7}",
            checklist="posterior-thigh-pain",
        )
        for i in range(N)
    ]
    out[1234] = RecordSummary(
        tmp_path / "broken.toml", "?", None, "error", "", error="not valid TOML"
    )
    return out


def _screen_text(table: RecordList) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


@pytest.fixture(autouse=True)
def _no_flag_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(picker_screen, "FLAG_DELAY_S", 3600.0)


async def test_every_record_is_listed_and_only_the_screen_is_drawn(tmp_path: Path) -> None:
    summaries = _summaries(tmp_path)
    picker = RecordPicker(tmp_path, summaries=summaries)
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = picker.query_one("#records", RecordList)
        assert table.row_count == N and picker.shown == summaries  # none cut off
        assert str(picker.query_one("#count", Static).render()) == f"{N} of {N} records"
        assert len(table._lines) <= table.size.height  # rows formatted only when drawn
        lines = _screen_text(table)
        assert lines[0].split() == ["Patient", "Started", "Status", "Flags", "Examiner", "Exam"]
        assert lines[1].split()[:2] == ["MRN-00000", "2026-01-01"]
        await pilot.press("pagedown", "down")
        assert table.cursor_row == 11
        # the last record is there, and drawn when the cursor gets to it
        table.move_cursor(row=N + 5)
        await pilot.pause()
        assert table.cursor_row == N - 1
        assert "MRN-04999" in "\n".join(_screen_text(table))
        # narrowed without a screen layout, the scrollbar still fits the rows
        await pilot.press(*"draft")
        assert table.row_count == len(picker.shown) == sum(s.status == "draft" for s in summaries)
        assert table.virtual_size.height == table.row_count + 1
        assert table.vertical_scrollbar.window_virtual_size == table.row_count + 1
        await pilot.press("ctrl+u")
        # and filtering finds any of them, not only the newest hundred
        await pilot.press(*"mrn-04998")
        assert [s.patient_id for s in picker.shown] == ["MRN-04998"]
        assert table.row_count == 1 and table.cursor_row == 0


async def test_a_record_that_does_not_load_is_listed_as_such(tmp_path: Path) -> None:
    summaries = _summaries(tmp_path)
    picker = RecordPicker(tmp_path, summaries=summaries)
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"broken")
        assert [s.path.name for s in picker.shown] == ["broken.toml"]
        table = picker.query_one("#records", RecordList)
        assert table.get_cell(0, "status") == "not valid TOML"
        assert table.get_cell(0, "flags") == "?"
        assert "not valid TOML" in _screen_text(table)[1]
        await pilot.press("enter")  # says why, and stays
        assert app.results == []


async def test_a_click_moves_the_cursor_and_enter_opens_that_record(tmp_path: Path) -> None:
    summaries = _summaries(tmp_path)[:10]
    picker = RecordPicker(tmp_path, summaries=summaries)
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = picker.query_one("#records", RecordList)
        await pilot.click(RecordList, offset=(3, 3))  # the header, then rows 0, 1, 2
        assert table.cursor_row == 2
        await pilot.press("down", "up", "up")
        assert table.cursor_row == 1
        await pilot.press("enter")
    assert app.results == [summaries[1].path]


def test_cells_are_cut_with_an_ellipsis_or_padded_as_rich_does() -> None:
    from rich.text import Text

    for text in ("MRN-0042", "", "患者-12345", "a" * 30, "ünïcödé"):
        for width in (1, 4, 8, 12, 40):
            expected = Text(text)
            expected.truncate(width, overflow="ellipsis", pad=True)
            assert _fit(text, width) == expected.plain, (text, width)


async def test_filter_words_match_as_in_the_whole_row_text(tmp_path: Path) -> None:
    """Start times are made only for words that could be in one: every word still matches
    exactly the records whose row text (start time included) holds it."""
    summaries = _summaries(tmp_path)[:600]
    picker = RecordPicker(tmp_path, summaries=summaries)
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        whole = [
            f"{s.patient_id} {picker_screen._started(s)} {s.status} {s.examiner} "
            f"{s.checklist} {s.path.name}".lower()
            for s in summaries
        ]
        first = picker_screen._started(summaries[5])
        words = [
            "7",
            "2025-12",
            first[:10],
            first[11:16],
            first[17:],
            "?",
            "-0",
            ":",
            "+",
            "mrn-001",
            "draft",
            "dr",
            "toml",
            "broken",
            "2025-12-3",
            "30 +",
            "utc",
        ]
        for word in words:
            expected = [i for i in range(len(summaries)) if word in whole[i]]
            assert picker._matching(word, range(len(summaries))) == expected, word
        await pilot.press(*first[:10])
        assert summaries[5] in picker.shown
        assert all(picker_screen._started(s).startswith(first[:10]) for s in picker.shown)


async def test_the_listing_is_out_of_the_collectors_sight_while_the_list_is_open(
    tmp_path: Path,
) -> None:
    """A full collection over 10,000 summaries fell on the list's first frame (~60 ms): the
    list freezes what exists when the records arrive, and unfreezes when it closes."""
    import gc

    gc.unfreeze()
    picker = RecordPicker(tmp_path, summaries=_summaries(tmp_path)[:50])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() > 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert gc.get_freeze_count() == 0
