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
    local = local_time(dt, tz)
    off = local.utcoffset()
    if off is not None and not off.seconds % 60 and not off.microseconds and local.year >= 1000:
        # Without strftime: ~4 µs instead of ~20, and the record picker formats 10,000 of these
        # when it opens (benchmarks/bench_records.py). Same text as the general case below.
        minutes = off.days * 1440 + off.seconds // 60
        sign = "-" if minutes < 0 else "+"
        hours, minutes = divmod(abs(minutes), 60)
        clock = f"{local.hour:02d}:{local.minute:02d} {sign}{hours:02d}:{minutes:02d}"
        return f"{local.year}-{local.month:02d}-{local.day:02d} {clock}" if date else clock
    offset = local.strftime("%z")  # "+1100"
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{local.strftime('%Y-%m-%d %H:%M' if date else '%H:%M')} {offset}"


def local_date_text(dt: datetime, tz: tzinfo | None = None) -> str:
    """The local date ("2026-03-02") of a UTC time: the day it was in the clinic."""
    return local_time(dt, tz).date().isoformat()
