"""Local time with its UTC offset, as people read it; the records keep UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from exam_tui.timefmt import local_date_text, local_time_text

SYDNEY_SUMMER = timezone(timedelta(hours=11))


def test_a_utc_evening_is_the_next_morning_in_sydney_with_its_offset() -> None:
    at = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    assert local_time_text(at, SYDNEY_SUMMER) == "2026-03-02 09:30 +11:00"
    assert local_time_text(at, SYDNEY_SUMMER, date=False) == "09:30 +11:00"
    assert local_date_text(at, SYDNEY_SUMMER) == "2026-03-02"


def test_utc_and_naive_times() -> None:
    at = datetime(2026, 3, 1, 22, 30)
    assert local_time_text(at, UTC) == "2026-03-01 22:30 +00:00"
    assert local_time_text(at, timezone(timedelta(hours=-5, minutes=-30))).endswith("-05:30")
