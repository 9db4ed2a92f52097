"""Value kinds in one place: accepted values, answer keys, notation, direction and validation.

Every other module asks this one: the checklist loader (is this value allowed?), the session
(which key records which value?), rules and summary (how is a value written?), comparison and
progression (which way is worse?). A new kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Protocol

from exam_tui.values import Struct, field

Value = str | int | float
Direction = Literal["higher", "lower"]

KIND_NAMES: tuple[str, ...] = (
    "yes_no",
    "sign",
    "reflex",
    "mrc",
    "sensation",
    "plantar",
    "number",
    "choice",
    "text",
)


class ItemLike(Protocol):
    """What a kind needs to know of an item (checklist.Item satisfies it)."""

    @property
    def kind(self) -> str: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...
    @property
    def integer(self) -> bool: ...
    @property
    def options(self) -> list[str] | None: ...
    @property
    def option_labels(self) -> dict[str, str]: ...
    @property
    def worse(self) -> Direction | None: ...
    @property
    def normal(self) -> Value | None: ...


class Kind(Struct):
    """One value kind."""

    name: str
    #: The closed set of values, in the order shown (None: numbers, choices, text).
    values: tuple[Value, ...] | None = None
    #: Answer key -> value (digits for grades; letters for words).
    keys: Mapping[str, Value] = field(default_factory=dict)
    #: The usual normal value: what "abnormal" is measured against when an item gives none.
    usual_normal: Value | None = None
    #: Severity rank per value for direction ("worse" = higher rank); None: no order.
    severity: Mapping[Value, int] | None = None
    #: Values graded on a numeric scale (reflex, mrc): comparisons lt/le/gt/ge/eq apply.
    graded: bool = False


#: NINDS reflex scale words, as the clinical references write them.
REFLEX_WORDS: dict[int, str] = {0: "absent", 1: "reduced", 2: "normal", 3: "brisk", 4: "clonus"}

KINDS: dict[str, Kind] = {
    "yes_no": Kind("yes_no", ("yes", "no"), {"y": "yes", "n": "no"}, "no", {"no": 0, "yes": 1}),
    "sign": Kind(
        "sign",
        ("positive", "negative", "equivocal"),
        {"p": "positive", "n": "negative", "e": "equivocal"},
        "negative",
        {"negative": 0, "equivocal": 1, "positive": 2},
    ),
    # Reflex severity: distance below normal (2 → 1 → 0) is worse; clonus (4) is an upper motor
    # neurone sign, worse than normal; 3 (brisk) has no clear direction and ranks with normal.
    "reflex": Kind(
        "reflex",
        (0, 1, 2, 3, 4),
        {str(n): n for n in range(5)},
        2,
        {0: 2, 1: 1, 2: 0, 3: 0, 4: 2},
        graded=True,
    ),
    "mrc": Kind(
        "mrc",
        (0, 1, 2, 3, 4, 5),
        {str(n): n for n in range(6)},
        5,
        {n: 5 - n for n in range(6)},
        graded=True,
    ),
    # "increased" is abnormal but not on the loss scale: a change to or from it only "changes".
    "sensation": Kind(
        "sensation",
        ("normal", "reduced", "absent", "increased"),
        {"n": "normal", "r": "reduced", "a": "absent", "i": "increased"},
        "normal",
        {"normal": 0, "reduced": 1, "absent": 2},
    ),
    "plantar": Kind(
        "plantar",
        ("flexor", "extensor", "equivocal"),
        {"f": "flexor", "u": "extensor", "e": "equivocal"},
        "flexor",
        {"flexor": 0, "equivocal": 1, "extensor": 2},
    ),
    "number": Kind("number"),
    "choice": Kind("choice"),
    "text": Kind("text"),
}

#: Kinds whose abnormal values are findings (number, choice and text are reported as values,
#: unless a choice names its normal option).
FINDING_KINDS = ("sign", "yes_no", "reflex", "mrc", "sensation", "plantar")


def allowed_values(item: ItemLike) -> tuple[Value, ...] | None:
    """The closed set of values of this item, or None for number and text."""
    if item.kind == "choice":
        return tuple(item.options or ())
    return KINDS[item.kind].values


def answer_keys(item: ItemLike) -> dict[str, Value]:
    """Key -> value for one item: a letter or digit per value (choices: 1–9)."""
    if item.kind == "choice":
        return {str(n + 1): opt for n, opt in enumerate(item.options or ())}
    return dict(KINDS[item.kind].keys)


def is_graded(item: ItemLike) -> bool:
    """Whether lt/le/gt/ge/eq and side-to-side comparison apply."""
    return item.kind == "number" or KINDS[item.kind].graded


def check_value(item: ItemLike, value: Any) -> Value:
    """The value, normalised, if this item accepts it; else ValueError saying why."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a valid value")
    if item.kind == "text":
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return value
    if item.kind == "number":
        if not isinstance(value, int | float) or value != value:  # NaN
            raise ValueError(f"{value!r} is not a number")
        assert item.min is not None and item.max is not None
        if not item.min <= value <= item.max:
            unit = f" {item.unit}" if item.unit else ""
            raise ValueError(f"{value:g} is outside {item.min:g}–{item.max:g}{unit}")
        if item.integer and value != int(value):
            raise ValueError(f"{value:g} must be a whole number")
        return int(value) if item.integer or isinstance(value, int) else value
    allowed = allowed_values(item) or ()
    if KINDS[item.kind].graded:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or value not in allowed:
            raise ValueError(
                f"{value!r} is not a valid {item.kind} grade ({allowed[0]}–{allowed[-1]})"
            )
        return value
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(map(str, allowed))}")
    return str(value)


def reference_normal(item: ItemLike) -> Value | None:
    """What a normal finding is: the item's own ``normal``, else the kind's usual normal."""
    if item.normal is not None:
        return item.normal
    return KINDS[item.kind].usual_normal


def is_abnormal(item: ItemLike, value: Value | None) -> bool:
    """Whether one value is a finding (positive sign, yes, reflex ≠ 2, MRC < 5, ...)."""
    if value is None:
        return False
    if item.kind not in FINDING_KINDS and not (item.kind == "choice" and item.normal is not None):
        return False
    normal = reference_normal(item)
    return normal is not None and value != normal


# ----------------------------------------------------------------------------- direction


def _rank(item: ItemLike, value: Value) -> float | None:
    """Severity of a value (higher is worse), or None when it has no place on the scale."""
    if item.kind == "number":
        if item.worse is None or isinstance(value, str):
            return None
        return float(value) if item.worse == "higher" else -float(value)
    sev = KINDS[item.kind].severity
    if sev is None:
        return None
    rank = sev.get(value)
    return None if rank is None else float(rank)


def worsening(item: ItemLike, old: Value, new: Value) -> float | None:
    """How many steps ``new`` is worse than ``old`` (negative: better; 0: no worse), or None
    when the kind has no direction (choice, text, numbers without ``worse``).

    Reflex grades count steps below normal (2 → 1 → 0; 3 → 1 is one step) and clonus (4) as one step
    worse than anything else; 3 (brisk) and 2 are both "not below normal".
    """
    if item.kind == "reflex" and isinstance(old, int) and isinstance(new, int):
        loss = max(0, 2 - new) - max(0, 2 - old)
        if loss:
            return float(loss)
        if new == 4 and old != 4:
            return 1.0
        if old == 4 and new != 4:
            return -1.0
        return 0.0
    a, b = _rank(item, old), _rank(item, new)
    if a is None or b is None:
        return None
    return b - a


ChangeKind = Literal["worse", "better", "new finding", "no longer present", "changed"]


def classify(item: ItemLike, old: Value, new: Value) -> ChangeKind | None:
    """The clinical direction of a change from ``old`` to ``new`` (None: unchanged)."""
    if old == new:
        return None
    try:
        old = check_value(item, old)
        new = check_value(item, new)
    except ValueError:
        return "changed"  # a value the item no longer allows: no direction to give
    if old == new:
        return None
    kind = item.kind
    if kind == "yes_no":
        return "new finding" if new == "yes" else "no longer present"
    if kind == "sign":
        if new == "positive" and old == "negative":
            return "new finding"
        if new == "negative" and old == "positive":
            return "no longer present"
        return "changed"  # to or from equivocal
    if kind == "plantar" and "equivocal" in (old, new):
        return "changed"
    if kind == "reflex" and isinstance(old, int) and isinstance(new, int):
        if new == 4:  # clonus: an upper motor neurone sign
            return "worse"
        if new < old:
            # Falling below normal (2 → 1 → 0) is a root sign; 4 → 3 or 3 → 2 is towards normal.
            return "worse" if new < 2 else "better"
        # Rising: out of a deficit (0/1 → higher) is better; 2 → 3 has no clear direction.
        return "better" if old < 2 or old == 4 else "changed"
    steps = worsening(item, old, new)
    if not steps:
        return "changed"
    return "worse" if steps > 0 else "better"


# ----------------------------------------------------------------------------- notation


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


#: Units written as a symbol after the number rather than a word.
UNIT_SYMBOLS = {"degrees": "°", "degree": "°", "°": "°"}


def long_text(item: ItemLike, value: Any) -> str:
    """A value as a flag's reason writes it: "MRC 3/5", "reflex 1 (reduced)", "40 degrees"."""
    if value is None:
        return "not answered"
    if item.kind == "reflex" and isinstance(value, int):
        return f"reflex {value} ({REFLEX_WORDS.get(value, '?')})"
    if item.kind == "mrc":
        return f"MRC {value}/5"
    if item.kind == "number" and isinstance(value, int | float):
        return f"{_number(value)} {item.unit}" if item.unit else _number(value)
    if item.kind == "choice" and isinstance(value, str):
        return option_label(item, value)
    return str(value)


def short_text(item: ItemLike, value: Any) -> str:
    """A value after an arrow (``MRC 4/5 → 3/5``, ``reflex 2 (normal) → 1 (reduced)``)."""
    return long_text(item, value).removeprefix("MRC ").removeprefix("reflex ")


def summary_text(item: ItemLike, value: Any) -> str:
    """A value as the summary writes it: "1 (reduced)", "MRC 3/5", "40°", "6 weeks"."""
    kind = item.kind
    if kind == "reflex" and isinstance(value, int):
        return f"{value} ({REFLEX_WORDS.get(value, '?')})"
    if kind == "mrc" and isinstance(value, int):
        return f"MRC {value}/5"
    if kind == "number" and isinstance(value, int | float):
        unit = item.unit or ""
        if unit in UNIT_SYMBOLS:
            return f"{_number(value)}{UNIT_SYMBOLS[unit]}"
        if unit == "out of 10":
            return f"{_number(value)}/10"
        if value == 1 and unit.endswith("s") and " " not in unit:
            unit = unit[:-1]  # "1 week", not "1 weeks"
        return f"{_number(value)} {unit}".rstrip()
    if kind == "choice" and isinstance(value, str):
        return option_label(item, value)
    if kind == "text" and isinstance(value, str):
        return f'"{value}"'
    return str(value)


def option_label(item: ItemLike, value: str) -> str:
    return item.option_labels.get(value, value.replace("_", " "))


#: The scales' legend lines for the summary header, per kind present in a checklist.
LEGENDS: dict[str, str] = {
    "reflex": "Reflexes graded 0–4 (NINDS).",
    "mrc": "Power graded MRC 0–5 (5 normal).",
}

#: One line per kind for the app's help screen.
HELP: dict[str, str] = {
    "yes_no": "y yes · n no",
    "sign": "p positive · n negative · e equivocal",
    "reflex": "0–4 (0 absent, 1 reduced, 2 normal, 3 brisk, 4 clonus)",
    "mrc": "0–5 (MRC grade; 5 normal)",
    "sensation": "n normal · r reduced · a absent · i increased",
    "plantar": "f flexor · u extensor (up-going) · e equivocal",
    "number": "type the digits (and .); Enter, or moving on, records it; backspace corrects",
    "choice": "1–9 the listed option",
    "text": "Enter to write",
}
