"""Fuzz: generated and mutated record files fed to the loader. Only RecordError may escape.

The picker's header reader (``read_summary``) gets the same files and must never raise.

Starts from a valid record's bytes and flips, inserts, deletes and truncates bytes, swaps and
duplicates lines, and replaces TOML values with values of other types; also feeds whole
documents generated from random TOML data. About 2,800 files in well under 20 s.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui.checklist import load_checklist
from exam_tui.errors import RecordError
from exam_tui.record import new_record
from exam_tui.storage import LoadedRecord, dumps_record, load_record, read_summary

CHECKLIST = load_checklist()
_counter = itertools.count()


def _seed_record() -> bytes:
    t0 = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    rec = new_record(CHECKLIST, "MRN-0042", "A. Clinician", "left", started_at=t0)
    items = CHECKLIST.items
    for item_id, side, value in [
        ("onset", None, "sudden_injury"),
        ("felt_pop", None, "yes"),
        ("duration_weeks", None, 3),
        ("pain_score", None, 6),
        ("saddle_anaesthesia", None, "no"),
        ("slr", "left", "positive"),
        ("slr", "right", "negative"),
        ("slr_angle", "left", 45.5),
        ("reflex_achilles", "left", 1),
        ("plantar_response", "right", "flexor"),
        ("sensation_s1", "left", "reduced"),
        ("strength_knee_flexion", "left", 4),
        ("sensation_saddle", None, "normal"),
    ]:
        rec.set_value(items[item_id], side, value, at=t0 + timedelta(minutes=1))
    rec.set_note("slr", 'calf "pain"\n\tbelow knee — ünïcödé', at=t0)
    rec.complete(at=t0 + timedelta(minutes=20))
    rec.set_value(items["pain_score"], None, 7, by="B", at=t0 + timedelta(hours=1))
    return dumps_record(rec).encode()


SEED = _seed_record()
SEED_LINES = SEED.split(b"\n")

toml_scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.datetimes(timezones=st.none() | st.just(UTC)),
    st.dates(),
    st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=5,
)
# Literal TOML values, including ones tomli_w would never write.
raw_literals = st.sampled_from(
    [
        b"",
        b"true",
        b"false",
        b"0",
        b"-1",
        b"99999999999999999999",
        b"1e400",
        b"nan",
        b"-inf",
        b"0x1F",
        b"0o7",
        b"0b1",
        b"1_000",
        b"3.0",
        b'""',
        b"''",
        b"'''x'''",
        b'"""a\nb"""',
        b"[]",
        b'[1, "a"]',
        b"{}",
        b"{ a = 1 }",
        b"1979-05-27",
        b"07:32:00",
        b"1979-05-27T07:32:00",
        b"1979-05-27T00:32:00.999999-07:00",
        b'"\\u0000"',
        b'"\\uD800"',
        b'"\\x41"',
        b"[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]",
        b'"positive"',
        b'"left"',
        b"2",
        b"5",
        b"4.5",
        b'"MRN-0042"',
        b'"posterior-thigh-pain"',
        b'"amended"',
        b'"completed"',
    ]
)


def _load(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"fuzz-{next(_counter)}.toml"
    path.write_bytes(raw)
    try:
        loaded = load_record(path, CHECKLIST)
    except RecordError as exc:
        message = str(exc)
        assert "\n" not in message, message
        assert message.startswith(str(path)), message
    else:
        assert isinstance(loaded, LoadedRecord)
        dumps_record(loaded.record)  # whatever loads can also be written back
    # the record picker reads the header of every file in the folder: it must not crash either
    summary = read_summary(path)
    assert summary.path == path
    assert path.read_bytes() == raw  # loading never touches the file


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(
                ["flip", "insert", "delete", "truncate", "line", "value", "swap", "dup"]
            )
        )
        n = len(data)
        if op == "flip" and n:
            i = draw(st.integers(0, n - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            i = draw(st.integers(0, n))
            data[i:i] = draw(
                st.binary(min_size=1, max_size=8)
                | st.sampled_from(
                    [b"\x00", b"\xff", b"[", b"=", b'"', b"\n[findings.x]\n", b"\r", b"\\"]
                )
            )
        elif op == "delete" and n:
            i = draw(st.integers(0, n - 1))
            del data[i : i + draw(st.integers(1, 20))]
        elif op == "truncate":
            del data[draw(st.integers(0, n)) :]
        elif op in ("line", "value", "swap", "dup"):
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if op == "line":
                lines[i] = draw(st.binary(max_size=20))
            elif op == "value" and b" = " in lines[i]:
                key = lines[i].split(b" = ", 1)[0]
                lines[i] = key + b" = " + draw(raw_literals)
            elif op == "swap":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            elif op == "dup":
                lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@st.composite
def retyped(draw: st.DrawFn) -> bytes:
    """Valid TOML, the seed's structure, one value replaced by any TOML value of any type."""
    lines = SEED.split(b"\n")
    candidates = [i for i, line in enumerate(lines) if b" = " in line]
    i = draw(st.sampled_from(candidates))
    key = lines[i].split(b" = ", 1)[0].decode()
    value = draw(toml_values)
    try:
        literal = tomli_w.dumps({key: value}).split(" = ", 1)[1].rstrip("\n")
    except (TypeError, ValueError, IndexError):
        return SEED
    if "\n" in literal:  # tomli_w wrote a table: keep it inline
        return SEED
    lines[i] = f"{key} = {literal}".encode()
    return b"\n".join(lines)


@st.composite
def generated(draw: st.DrawFn) -> bytes:
    """Whole documents: a record-shaped dict with random parts, or random TOML data."""
    doc: dict[str, Any] = draw(st.dictionaries(st.text(max_size=8), toml_values, max_size=3))
    if draw(st.integers(0, 3)):  # mostly record-shaped, so validation is reached
        doc.update(
            schema_version=draw(st.sampled_from([1] * 12 + [0, -1, 2, 1.0, "1", True])),
            checklist=draw(st.sampled_from(["posterior-thigh-pain"] * 4 + ["", "../x", 1])),
            checklist_version=draw(st.sampled_from(["1.0.0", "9.9.9", 1])),
            patient=draw(st.fixed_dictionaries({"id": toml_scalars}) | toml_values),
            exam=draw(
                st.fixed_dictionaries(
                    {
                        "started_at": toml_scalars,
                        "affected_side": st.sampled_from(["left", "both", "up"]),
                    }
                )
                | toml_values
            ),
            findings=draw(
                st.dictionaries(
                    st.sampled_from([*list(CHECKLIST.items)[:20], "slr", "unknown_item", ""]),
                    st.dictionaries(
                        st.sampled_from(["left", "right", "value", "note", "other"]),
                        toml_scalars,
                        max_size=3,
                    )
                    | toml_values,
                    max_size=6,
                )
            ),
        )
    try:
        return tomli_w.dumps(doc).encode()
    except (TypeError, ValueError):
        return SEED


_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def fuzz(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=_HEALTH)


@fuzz(1500)
@given(raw=mutated())
def test_mutated_record_files(tmp_path: Path, raw: bytes) -> None:
    _load(raw, tmp_path)


@fuzz(600)
@given(raw=retyped())
def test_record_files_with_values_of_the_wrong_type(tmp_path: Path, raw: bytes) -> None:
    _load(raw, tmp_path)


@fuzz(400)
@given(raw=generated())
def test_generated_record_files(tmp_path: Path, raw: bytes) -> None:
    _load(raw, tmp_path)


@fuzz(300)
@given(raw=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, raw: bytes) -> None:
    _load(raw, tmp_path)


def test_pathological_files(tmp_path: Path) -> None:
    """Hand-picked inputs a fuzzer rarely reaches: deep nesting, huge numbers, odd floats."""
    text = SEED.decode()
    cases = [
        b"x = " + b"[" * 100_000 + b"]" * 100_000,
        b"x = " + b"{a=" * 5_000 + b"1" + b"}" * 5_000,
        b"a" + b".a" * 1_000 + b" = 1",  # tomllib is quadratic in dotted-key depth: keep it small
        text.replace("left = 45.5", "left = nan").encode(),
        text.replace("left = 45.5", "left = inf").encode(),
        text.replace("left = 45.5", "left = 1e308").encode(),
        text.replace("left = 1\n", "left = 99999999999999999999999\n").encode(),
        text.replace("left = 1\n", "left = 1.0000000000000002\n").encode(),
        text.replace('id = "MRN-0042"', 'id = "' + "x" * 1_000_000 + '"').encode(),
        text.replace("schema_version = 1", "schema_version = 99999999999999999999999").encode(),
        text.replace("2026-11-28 09:30:00+00:00", "2026-11-28").encode(),
        text.replace("2026-11-28 09:30:00+00:00", "09:30:00").encode(),
        text.replace("2026-11-28 09:30:00+00:00", "9999-12-31T23:59:59-23:59").encode(),
        text.replace("[findings.slr]", "[findings.slr.left]").encode(),
        text.replace("[patient]", "[[patient]]").encode(),
        "\ufeff".encode() + SEED,  # a byte order mark, as Notepad writes
        SEED.replace(b"\n", b"\r\n"),
        SEED.replace(b"\n", b"\r"),
    ]
    for raw in cases:
        _load(raw, tmp_path)


def test_the_fuzz_seed_itself_loads(tmp_path: Path) -> None:
    """Guard: mutations start from a record the loader accepts, exercising the deep paths."""
    path = tmp_path / "seed.toml"
    path.write_bytes(SEED)
    loaded = load_record(path)
    assert loaded.record.get("slr_angle", "left") == 45.5
    assert loaded.record.amendments
