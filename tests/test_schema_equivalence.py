"""The plain forms the program runs on accept and refuse exactly what the pydantic models (the
one definition, exam_tui/schema.py) do, and hold the same values.

- Records: the fast check in record.py decides most loads without pydantic. Over generated
  TOML-shaped data (valid records, and each kind of damage at each place), it accepts exactly
  what ``schema.Record`` accepts, and the record it builds writes back what the model dumps.
- Checklists: the plain checklist built from a model's dump (and from the cache) has every
  field of the model, with the same values, for every checklist we have.
"""

from __future__ import annotations

import math
import typing
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from exam_tui import checklist as cl_mod
from exam_tui import record as rec_mod
from exam_tui import schema
from exam_tui.record import check_record_data, record_from_data

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------- records

#: TOML scalars, the odd ones included: bools (not ints), naive and extreme date-times, dates,
#: times, floats that are not numbers.
toml_scalar = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["draft", "completed", "amended", "left", "right", "both", "value", "note"]),
    st.sampled_from(["", " ", "a\x00b", "posterior-thigh-pain", "../evil", "A", "x" * 201]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.just(math.inf),
    st.booleans(),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-12))])),
    st.datetimes(),
    st.just(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12)))),
    st.dates(),
    st.times(),
)
toml_value = st.recursive(
    toml_scalar,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def _valid_record() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "checklist": "posterior-thigh-pain",
        "checklist_version": "2.0.0",
        "status": "completed",
        "patient": {"id": "MRN-1", "name_hint": "kept"},
        "exam": {
            "examiner": "Dr A",
            "started_at": NOW,
            "affected_side": "left",
            "updated_at": NOW,
            "completed_at": NOW,
            "room": "3",
        },
        "findings": {
            "slr": {"left": "positive", "right": "negative", "note": "at 40°"},
            "slr_angle": {"left": 40},
            "pain_score": {"value": 7.5},
        },
        "amendments": [
            {
                "at": NOW,
                "by": "Dr B",
                "item": "slr",
                "side": "left",
                "field": "value",
                "from": "negative",
                "to": "positive",
                "reason": "re-tested",
            },
            {"at": NOW, "by": "Dr B", "item": "slr", "old": 1, "new": 2.5},
        ],
        "unknown_top_level": {"kept": [1, 2]},
    }


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the data: each key of each table, each entry of each list."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    import copy

    data = copy.deepcopy(data)
    node = data
    for p in path[:-1]:
        node = node[p]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


FIELD_NAMES = [
    "schema_version", "checklist", "checklist_version", "status", "patient", "exam", "id",
    "examiner", "started_at", "affected_side", "updated_at", "completed_at", "findings",
    "amendments", "left", "right", "value", "note", "at", "by", "item", "side", "field",
    "from", "to", "old", "new", "reason", "other",
]  # fmt: skip


@st.composite
def record_data(draw: st.DrawFn) -> Any:
    """A valid record with up to three pieces of damage: a value replaced by any TOML value,
    a key removed, or a key (known to some part, or unknown) added."""
    data: Any = _valid_record()
    for _ in range(draw(st.integers(0, 3))):
        places = _paths(data)
        if not places:
            break
        path = draw(st.sampled_from(places))
        how = draw(st.sampled_from(["replace", "delete", "add"]))
        if how == "replace":
            data = _set(data, path, draw(toml_value))
        elif how == "delete":
            data = _set(data, path, None, delete=True)
        else:
            node = data
            for p in path:
                node = node[p]
            if isinstance(node, dict):
                data = _set(data, (*path, draw(st.sampled_from(FIELD_NAMES))), draw(toml_value))
    if draw(st.integers(0, 20)) == 0:
        data = draw(toml_value)
    return data


def _model_verdict(data: Any) -> BaseModel | None:
    try:
        return schema.Record.model_validate(data)
    except ValidationError:
        return None


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to itself and float/int kept apart (1 is not 1.0 in a record)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(record_data())
def test_the_fast_record_check_accepts_exactly_what_the_model_accepts(data: Any) -> None:
    model = _model_verdict(data)
    assert check_record_data(data) is (model is not None)
    if model is None:
        with pytest.raises(rec_mod.InvalidRecordData):
            record_from_data(data)
        return
    # The record built without pydantic writes back exactly what the model dumps.
    ours = record_from_data(data).to_dict()
    theirs = model.model_dump(mode="python", by_alias=True, exclude_none=True)
    assert _same(ours, theirs), (ours, theirs)


def test_the_generator_makes_both_valid_and_invalid_records() -> None:
    """The property above is only worth something if both verdicts occur often."""
    seen = {True: 0, False: 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(record_data())
    def sample(data: Any) -> None:
        seen[_model_verdict(data) is not None] += 1

    sample()
    assert seen[True] > 30 and seen[False] > 30, seen


@pytest.mark.parametrize(
    "damage",
    [
        ("status", "signed"),
        ("schema_version", True),
        ("checklist", "/etc/passwd"),
        ("checklist_version", 2),
        ("patient", {"id": "  "}),
        ("patient", {"id": "a\nb"}),
        ("patient", {"id": "x" * 201}),
        ("exam", {"started_at": datetime(2026, 1, 1), "affected_side": "left"}),
        ("exam", {"started_at": date(2026, 1, 1), "affected_side": "left"}),
        ("exam", {"started_at": "2026-01-01T00:00:00Z", "affected_side": "left"}),
        ("exam", {"started_at": NOW, "affected_side": "middle"}),
        ("findings", {"slr": {"left": True}}),
        ("findings", {"slr": {"left": [1]}}),
        ("findings", {"slr": {"middle": 1}}),
        ("findings", {"slr": {"note": 3}}),
        ("amendments", [{"at": NOW, "by": "x"}]),
        ("amendments", [{"at": NOW, "by": "x", "item": "slr", "field": "colour"}]),
        ("amendments", {"at": NOW}),
        ("findings", time(9, 30)),
    ],
)
def test_known_damage_is_refused_by_both(damage: tuple[str, Any]) -> None:
    data = _valid_record()
    data[damage[0]] = damage[1]
    assert _model_verdict(data) is None
    assert not check_record_data(data)


def test_the_record_parts_have_the_models_fields_in_their_order() -> None:
    """A field added to a model and not to the plain record (or the other way) fails here."""
    for plain in (
        rec_mod.Finding,
        rec_mod.Patient,
        rec_mod.Exam,
        rec_mod.Amendment,
        rec_mod.Record,
    ):
        model: type[BaseModel] = getattr(schema, plain.__name__)
        assert [n for n, _ in plain.FIELDS] == list(model.model_fields), plain.__name__
        for name, default in plain.FIELDS:
            info = model.model_fields[name]
            if info.is_required():
                assert default is None
            elif info.default_factory is not None:
                assert default is info.default_factory  # dict / list
            else:
                assert default == info.default, (plain.__name__, name)
            assert plain.ALIASES.get(name) == info.alias, (plain.__name__, name)
        assert plain.KEEPS_EXTRA is (model.model_config.get("extra") == "allow")


# ----------------------------------------------------------------------------- checklists


def _checklist_files() -> list[Path]:
    files = sorted((ROOT / "exam_tui" / "checklists").rglob("*.toml"))
    files += sorted((ROOT / "tests" / "data").rglob("*.toml"))
    return [f for f in files if "id" in _head(f)]


def _head(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) and "sections" in data else {}


def _assert_same_as_model(plain: Any, model: Any, where: str) -> None:
    if isinstance(model, BaseModel):
        assert type(plain).__name__ == type(model).__name__, where
        for name in type(model).model_fields:
            if name == "path":
                continue
            _assert_same_as_model(getattr(plain, name), getattr(model, name), f"{where}.{name}")
    elif isinstance(model, list):
        assert isinstance(plain, list) and len(plain) == len(model), where
        for i, (p, m) in enumerate(zip(plain, model, strict=True)):
            _assert_same_as_model(p, m, f"{where}[{i}]")
    else:
        assert _same(plain, model), (where, plain, model)


@pytest.mark.parametrize("path", _checklist_files(), ids=lambda p: p.name)
def test_a_plain_checklist_holds_what_the_model_holds(path: Path) -> None:
    data = cl_mod.read_toml(path, ValueError)
    model = schema.validate_checklist(data, path)
    fresh = cl_mod.load_checklist(path)  # validated now, and written to the cache
    cached = cl_mod.load_checklist(path)  # read from the cache
    for plain in (fresh, cached):
        _assert_same_as_model(plain, model, path.name)
        assert plain.path == path


def test_the_checklist_parts_have_the_models_fields() -> None:
    for plain in cl_mod.PARTS:
        model: type[BaseModel] = getattr(schema, plain.__name__)
        hints = {
            n
            for n, t in typing.get_type_hints(plain, vars(cl_mod)).items()
            if typing.get_origin(t) is not typing.ClassVar
        }
        assert hints == set(model.model_fields), plain.__name__


def _record_files() -> list[Path]:
    found = [
        *(ROOT / "tests" / "golden").rglob("*.toml"),
        *(ROOT / "tests" / "vignettes").rglob("*.toml"),
    ]
    return sorted(p for p in found if p.suffix == ".toml")


@pytest.mark.parametrize("path", _record_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_record_we_ship_takes_the_fast_path_and_the_model_agrees(path: Path) -> None:
    """Records written by exam-tui never need pydantic to be read (that is the speed), and the
    model reads each one to the same data."""
    import tomllib

    data = tomllib.loads(path.read_text("utf-8"))
    if "patient" not in data:
        pytest.skip("not a record")
    model = _model_verdict(data)
    assert model is not None
    assert check_record_data(data)
    assert _same(
        record_from_data(data).to_dict(),
        model.model_dump(mode="python", by_alias=True, exclude_none=True),
    )
