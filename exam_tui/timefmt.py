"""Times as a person reads them: local time with its UTC offset (records keep UTC)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo


def local_time(dt: datetime, tz: tzinfo | None = None) -> datetime:
    """``dt`` in the local time zone (``tz``, for tests: another zone). A naive time is taken
    as UTC, as the records store it."""
    from datetime import UTC

    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(tz)


def local_time_text(dt: datetime, tz: tzinfo | None = None, *, date: bool = True) -> str:
    """Local date and time to the minute with the offset from UTC ("2026-03-02 20:30 +11:00"),
    so that a time read in Sydney is never taken for UTC (or the wrong day). ``date=False``
    gives "20:30 +11:00"."""
    if tz is None and dt.tzinfo is not None:
        fast = _local_text_by_localtime(dt, date)
        if fast is not None:
            return fast
    local = dt.astimezone(tz) if dt.tzinfo is not None else local_time(dt, tz)
    off = local.utcoffset()
    if off is not None and not off.seconds % 60 and not off.microseconds and local.year >= 1000:
        # isoformat instead of strftime: ~3 µs instead of ~15, and the record picker formats
        # the start of 10,000 records when it opens (benchmarks/bench_records.py). The same
        # text as below: "2026-03-02 20:30+11:00" with a space before the offset.
        iso = local.isoformat(" ", "minutes")
        return f"{iso[:-6] if date else iso[11:-6]} {iso[-6:]}"
    offset = local.strftime("%z")  # "+1100"
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{local.strftime('%Y-%m-%d %H:%M' if date else '%H:%M')} {offset}"


def local_date_text(dt: datetime, tz: tzinfo | None = None) -> str:
    """The local date ("2026-03-02") of a UTC time: the day it was in the clinic."""
    return local_time(dt, tz).date().isoformat()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def _local_text_by_localtime(dt: datetime, date: bool) -> str | None:
    """local_time_text in the computer's zone from ``time.localtime``: ~2.5 µs against ~8 for
    building the local datetime, and the record picker formats 10,000 of these when it opens
    (benchmarks/bench_records.py). It is what ``astimezone()`` does inside (the local offset
    is ``tm_gmtoff`` of ``localtime`` at the instant's whole second), so the text is the same;
    None (the general path) for what it does not cover: offsets with seconds, years before
    1000, instants the C library cannot convert."""
    seconds = (dt - _EPOCH) // _SECOND
    try:
        t = time.localtime(seconds)
    except (OverflowError, OSError, ValueError):
        return None
    offset = _OFFSETS.get(t.tm_gmtoff)
    if offset is None:
        off = t.tm_gmtoff
        if off is None or off % 60 or abs(off) >= 100 * 3600:
            return None
        hours, minutes = divmod(abs(off) // 60, 60)
        offset = _OFFSETS[off] = f"{'-' if off < 0 else '+'}{hours:02d}:{minutes:02d}"
    if t.tm_year < 1000:
        return None
    d2 = _TWO_DIGITS  # string concatenation: "%02d" formatting was half the time
    clock = f"{d2[t.tm_hour]}:{d2[t.tm_min]} {offset}"
    return f"{t.tm_year}-{d2[t.tm_mon]}-{d2[t.tm_mday]} {clock}" if date else clock


_TWO_DIGITS = [f"{n:02d}" for n in range(100)]
#: "+11:00" by UTC offset in seconds.
_OFFSETS: dict[int, str] = {}
