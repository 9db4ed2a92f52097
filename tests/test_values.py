"""exam_tui.values.Struct behaves as the frozen (or mutable) dataclass it replaces."""

from __future__ import annotations

from typing import ClassVar

import pytest

from exam_tui.values import FrozenError, Struct, field, replace


class Point(Struct):
    LIMIT: ClassVar[int] = 3
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)


class Point3(Point):
    z: int = 9


class SamePoint(Point):
    """No fields of its own: the parent's, once."""


class Box(Struct, frozen=False):
    items: dict[str, int] = field(default_factory=dict)
    name: str = "box"


def test_fields_defaults_and_factories() -> None:
    p = Point(1)
    assert (p.x, p.y, p.tags) == (1, 0, [])
    assert Point(1).tags is not Point(1).tags  # a fresh default each time
    assert Point(1, 2, ["a"]) == Point(x=1, y=2, tags=["a"])
    assert Point.__fields__ == ("x", "y", "tags")  # ClassVar is not a field
    assert Point3(1, z=2).__fields__ == ("x", "y", "tags", "z")
    assert Point3(1).z == 9
    assert SamePoint.__fields__ == Point.__fields__
    assert SamePoint(1, 2).y == 2


def test_wrong_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="missing argument 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected"):
        Point(1, w=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, [], 4)  # type: ignore[call-arg]


def test_equality_hash_repr_and_match() -> None:
    assert Point(1, 2) == Point(1, 2) != Point(1, 3)
    assert Point(1) != Point3(1)  # another class is never equal
    assert hash(Point(1, 2, ())) == hash(Point(1, 2, ()))  # type: ignore[arg-type]
    assert repr(Point(1)) == "Point(x=1, y=0, tags=[])"
    match Point(5, 6):
        case Point(a, b):
            assert (a, b) == (5, 6)
        case _:
            pytest.fail("no match")


def test_frozen_unless_asked() -> None:
    p = Point(1)
    with pytest.raises(FrozenError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.x  # type: ignore[misc]
    b = Box()
    b.name = "other"
    assert b.name == "other"
    with pytest.raises(TypeError):
        hash(b)  # mutable: unhashable, as a mutable dataclass


def test_replace() -> None:
    p = Point(1, 2, ["a"])
    q = replace(p, y=5)
    assert q == Point(1, 5, ["a"]) and p.y == 2
