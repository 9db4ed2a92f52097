"""Local time with its UTC offset, as people read it; the records keep UTC."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

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


def _by_strftime(dt: datetime, tz: timezone | None, date: bool) -> str:
    """The original formatting, which the fast path must reproduce exactly."""
    local = (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(tz)
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{local.strftime('%Y-%m-%d %H:%M' if date else '%H:%M')} {offset}"


def test_the_fast_formatting_says_what_strftime_says() -> None:
    """local_time_text skips strftime (the record picker formats 10,000 times when it opens):
    the same text for every offset, sign, odd offsets with seconds, early years, naive times."""
    zones: list[timezone | None] = [None, UTC]
    for minutes in (-720, -570, -330, -59, -1, 1, 45, 330, 345, 525, 765, 840):
        zones.append(timezone(timedelta(minutes=minutes)))
    zones.append(timezone(timedelta(hours=5, minutes=53, seconds=28)))  # a historical LMT
    zones.append(timezone(timedelta(seconds=-1, microseconds=5)))
    times = [
        datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 6, 15, 0, 0),
        datetime(1000, 1, 2, 3, 4, tzinfo=UTC),
        datetime(999, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2024, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=-3))),
    ]
    for dt in times:
        for tz in zones:
            for date in (True, False):
                assert local_time_text(dt, tz, date=date) == _by_strftime(dt, tz, date), (dt, tz)


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset: Unix only")
@pytest.mark.parametrize(
    "zone",
    [
        "UTC",
        "Australia/Sydney",
        "America/St_Johns",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "Europe/Dublin",
        "Africa/Monrovia",
        "Europe/London",
    ],
)
def test_the_computers_zone_from_localtime_is_what_astimezone_says(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the computer's own zone the text comes from time.localtime (the picker formats
    10,000 starts): the same as through astimezone() around DST changes (whole and half hours),
    historical offsets with seconds, before 1970 and after 2038."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        starts = [
            datetime(1890, 6, 1, tzinfo=UTC),
            datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
        ]
        t = datetime(2026, 3, 28, 0, 0, tzinfo=UTC)
        starts += [t + timedelta(minutes=17 * n) for n in range(400)]  # Europe's spring change
        t = datetime(2026, 10, 3, 12, 0, tzinfo=UTC)
        starts += [t + timedelta(minutes=29 * n) for n in range(400)]  # Sydney's, Lord Howe's
        starts += [datetime(2040, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=-3)))]
        for dt in starts:
            for date in (True, False):
                assert local_time_text(dt, date=date) == _by_strftime(dt, None, date), (zone, dt)
    finally:
        monkeypatch.undo()
        time.tzset()
