"""Value classes without the start-up cost of ``dataclasses``.

``@dataclass`` writes each class's ``__init__``, ``__eq__``, ``__hash__``, ``__repr__`` and
frozen ``__setattr__`` as source text and ``exec``s it: about 1 ms per class on the machines we
measure, and the core defines ~30 of them, so a command paid ~30 ms (a quarter of the time it
takes to import pydantic) before doing anything. :class:`Struct` gives the same behaviour from
methods shared by every class: fields are the class's annotations in order (inherited first),
a default is the class attribute of that name, ``field(default_factory=...)`` makes a fresh
default per object. Classes are frozen unless declared ``class X(Struct, frozen=False)``.
Type checkers see them as dataclasses (``typing.dataclass_transform``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

T = TypeVar("T", bound="Struct")


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A default made fresh for each object (``field(default_factory=dict)``)."""
    return _Factory(default_factory)


class FrozenError(AttributeError):
    """Assigning to a field of a frozen value."""


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Struct:
    """A class of values: fields from annotations, generated-free methods (see the module)."""

    __fields__: ClassVar[tuple[str, ...]] = ()
    __defaults__: ClassVar[dict[str, Any]] = {}
    __frozen__: ClassVar[bool] = True
    __match_args__: ClassVar[tuple[str, ...]] = ()
    __has_post_init__: ClassVar[bool] = False

    def __init_subclass__(cls, frozen: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = [
            name
            # own annotations only (3.10+); inspect.get_annotations would cost a 5 ms import
            for name, hint in cls.__annotations__.items()
            if not str(hint).startswith(("ClassVar", "typing.ClassVar"))
        ]
        defaults = dict(cls.__defaults__)
        for name in own:
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
                if isinstance(defaults[name], _Factory):
                    delattr(cls, name)
            else:
                defaults.pop(name, None)
        cls.__fields__ = (*[f for f in cls.__fields__ if f not in own], *own)
        cls.__defaults__ = defaults
        cls.__frozen__ = frozen
        cls.__has_post_init__ = hasattr(cls, "__post_init__")
        cls.__match_args__ = cls.__fields__  # type: ignore[misc]
        if not frozen:
            cls.__hash__ = None  # type: ignore[assignment]  # as a mutable dataclass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self.__fields__
        d = self.__dict__
        if not kwargs and len(args) == len(names):  # the common call: every field, in order
            d.update(zip(names, args, strict=True))
        else:
            self._init_fields(names, d, args, kwargs)
        if self.__has_post_init__:
            self.__post_init__()  # type: ignore[attr-defined]

    def _init_fields(
        self, names: tuple[str, ...], d: dict[str, Any], args: Any, kwargs: dict[str, Any]
    ) -> None:
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}() takes {len(names)} arguments")
        for name, value in zip(names, args, strict=False):
            d[name] = value
        defaults = self.__defaults__
        for name in names[len(args) :]:
            if name in kwargs:
                d[name] = kwargs.pop(name)
            elif name in defaults:
                default = defaults[name]
                d[name] = default.make() if isinstance(default, _Factory) else default
            else:
                raise TypeError(f"{type(self).__name__}() missing argument {name!r}")
        if kwargs:
            raise TypeError(f"{type(self).__name__}() got unexpected arguments {sorted(kwargs)}")

    def _astuple(self) -> tuple[Any, ...]:
        d = self.__dict__
        return tuple(d[name] for name in self.__fields__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        d = self.__dict__
        shown = ", ".join(f"{name}={d[name]!r}" for name in self.__fields__)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__frozen__:
            raise FrozenError(f"cannot assign to field {name!r} of a {type(self).__name__}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self.__frozen__:
            raise FrozenError(f"cannot delete field {name!r} of a {type(self).__name__}")
        object.__delattr__(self, name)


def replace(obj: T, **changes: Any) -> T:
    """A copy of ``obj`` with some fields changed (``dataclasses.replace``)."""
    values = {name: getattr(obj, name) for name in obj.__fields__}
    values.update(changes)
    return type(obj)(**values)
