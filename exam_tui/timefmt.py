"""Times as a person reads them: local time with its UTC offset (records keep UTC)."""

from __future__ import annotations

from datetime import datetime, tzinfo


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
