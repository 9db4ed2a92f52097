"""Checklist models (sections, items, evidence, rules, pattern); a loader naming every problem."""

from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exam_tui import conditions as cond
from exam_tui.errors import ChecklistError

Kind = Literal[
    "yes_no", "sign", "reflex", "mrc", "sensation", "plantar", "number", "choice", "text"
]
Urgency = Literal["emergency", "urgent", "routine", "warning"]
Action = Literal["imaging", "referral"]
Reading = Literal["radicular", "hamstring", "mixed", "indeterminate"]

#: Allowed values of the enumerated kinds, in the order they are shown.
KIND_VALUES: dict[str, tuple[str | int, ...]] = {
    "yes_no": ("yes", "no"),
    "sign": ("positive", "negative", "equivocal"),
    "reflex": (0, 1, 2, 3, 4),
    "mrc": (0, 1, 2, 3, 4, 5),
    "sensation": ("normal", "reduced", "absent", "increased"),
    "plantar": ("flexor", "extensor", "equivocal"),
}

#: The value `N` ("rest normal") fills in; numbers, choices and text have none.
NORMAL_VALUE: dict[str, str | int] = {
    "yes_no": "no",
    "sign": "negative",
    "reflex": 2,
    "mrc": 5,
    "sensation": "normal",
    "plantar": "flexor",
}

#: The bundled checklists ship inside the package (package data), so an installed wheel finds
#: them; the repository's top-level ``checklists/`` is a link to this folder for authors.
CHECKLIST_DIR = Path(__file__).resolve().parent / "checklists"
DEFAULT_CHECKLIST = CHECKLIST_DIR / "posterior-thigh-pain.toml"

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Strict):
    """Diagnostic accuracy of a test, exactly as the clinical reference sources it."""

    sensitivity: float | None = Field(default=None, ge=0, le=1)
    specificity: float | None = Field(default=None, ge=0, le=1)
    lr_positive: float | None = Field(default=None, ge=0)
    lr_negative: float | None = Field(default=None, ge=0)
    #: Any other sourced figure or caveat, in words
    #: (e.g. "positive in 69% of 50 proven herniations").
    text: str | None = None
    source: str


class Item(_Strict):
    """One finding to record."""

    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    kind: Kind
    bilateral: bool = False
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    options: list[str] | None = None
    option_labels: dict[str, str] = Field(default_factory=dict)
    meaning: str | None = None
    how: str | None = None
    positive_if: str | None = None
    root: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    show_when: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Item:
        problems = []
        if self.kind == "number":
            if self.min is None or self.max is None:
                problems.append("a number needs min and max")
            elif self.min > self.max:
                problems.append(f"range is inverted (min {self.min:g} > max {self.max:g})")
        elif self.min is not None or self.max is not None or self.unit is not None:
            problems.append(f"min/max/unit only apply to numbers, not {self.kind}")
        if self.kind == "choice":
            if not self.options:
                problems.append("a choice needs a non-empty list of options")
            elif len(set(self.options)) != len(self.options):
                problems.append("options repeat a value")
            elif len(self.options) > 9:
                problems.append("a choice has at most 9 options (one digit key each)")
        elif self.options:
            problems.append(f"options only apply to choices, not {self.kind}")
        unknown = set(self.option_labels) - set(self.options or [])
        if unknown:
            problems.append(f"option_labels name unknown options {sorted(unknown)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def allowed_values(self) -> tuple[str | int, ...] | None:
        """The closed set of values of this item, or None for number and text."""
        if self.kind == "choice":
            return tuple(self.options or ())
        return KIND_VALUES.get(self.kind)

    def option_label(self, value: str) -> str:
        return self.option_labels.get(value, value.replace("_", " "))

    def check_value(self, value: Any) -> str | int | float:
        """Return the value if it is valid for this item, else raise ValueError saying why."""
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a valid {self.kind} value")
        if self.kind == "text":
            if not isinstance(value, str):
                raise ValueError("text must be a string")
            return value
        if self.kind == "number":
            if not isinstance(value, int | float) or value != value:  # NaN
                raise ValueError(f"{value!r} is not a number")
            assert self.min is not None and self.max is not None
            if not self.min <= value <= self.max:
                unit = f" {self.unit}" if self.unit else ""
                raise ValueError(f"{value:g} is outside {self.min:g}–{self.max:g}{unit}")
            if self.integer and value != int(value):
                raise ValueError(f"{value:g} must be a whole number")
            return int(value) if self.integer or isinstance(value, int) else value
        allowed = self.allowed_values() or ()
        if self.kind in ("reflex", "mrc"):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int) or value not in allowed:
                raise ValueError(
                    f"{value!r} is not a valid {self.kind} grade ({allowed[0]}–{allowed[-1]})"
                )
            return value
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(map(str, allowed))}")
        return str(value)

    @property
    def normal_value(self) -> str | int | None:
        return NORMAL_VALUE.get(self.kind)


class Section(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    #: Default for the items of this section; an item may say otherwise.
    bilateral: bool = False
    intro: str | None = None
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _inherit_bilateral(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            default = data.get("bilateral", False)
            data = dict(data)
            data["items"] = [
                {"bilateral": default, **i} if isinstance(i, dict) else i for i in data["items"]
            ]
        return data


class Escalation(_Strict):
    urgency: Literal["emergency", "urgent"]
    when: dict[str, Any]
    reason: str


class Rule(_Strict):
    """When to consider imaging or referral. ``urgency = "warning"`` rules are screening checks."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    title: str
    urgency: Urgency
    actions: list[Action] = Field(default_factory=list)
    advice: str
    source: str
    when: dict[str, Any] | None = None
    escalate: Escalation | None = None
    #: For warnings: every item of this section must be answered.
    screening_section: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Rule:
        if self.urgency == "warning":
            if self.screening_section is None and self.when is None:
                raise ValueError("a warning needs screening_section or when")
        else:
            if self.when is None:
                raise ValueError("a rule needs a 'when' condition")
            if not self.actions:
                raise ValueError("a rule needs at least one action (imaging, referral)")
        return self


class PatternPoint(_Strict):
    id: str
    label: str
    when: dict[str, Any]


class Pattern(_Strict):
    """The radicular and hamstring point counts (a summary of findings, not a diagnosis)."""

    radicular: list[PatternPoint]
    hamstring: list[PatternPoint]
    #: Any objective neurological deficit: the picture is then never called purely muscular.
    neuro_deficit: dict[str, Any]
    source: str = ""
    note: str = ""


class Checklist(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    title: str
    description: str = ""
    sections: list[Section] = Field(min_length=1)
    conditions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    pattern: Pattern | None = None
    #: Where the checklist was loaded from (not part of the file).
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("version")
    @classmethod
    def _semver(cls, v: str) -> str:
        parts = v.split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError("version must look like 1.0.0")
        return v

    @cached_property
    def items(self) -> dict[str, Item]:
        """Every item by id, in checklist order."""
        return {i.id: i for s in self.sections for i in s.items}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {i.id: s for s in self.sections for i in s.items}

    @cached_property
    def named_conditions(self) -> dict[str, cond.Condition]:
        return {name: cond.parse(raw) for name, raw in self.conditions.items()}

    @cached_property
    def show_conditions(self) -> dict[str, cond.Condition]:
        return {i.id: cond.parse(i.show_when) for i in self.items.values() if i.show_when}

    @cached_property
    def rule_conditions(self) -> dict[str, cond.Condition]:
        return {r.id: cond.parse(r.when) for r in self.rules if r.when is not None}

    def is_bilateral(self, item_id: str) -> bool:
        item = self.items.get(item_id)
        return bool(item and item.bilateral)


# ----------------------------------------------------------------------------- loading


def _loc_name(data: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into words naming the section/item/rule."""
    parts: list[str] = []
    node: Any = data
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(key, int) and isinstance(node, dict) and "id" in node:
            parts[-1:] = [
                f"{parts[-1][:-1] if parts and parts[-1].endswith('s') else 'entry'} {node['id']!r}"
            ]
        elif isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(str(key))
    return " ".join(parts)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _semantic_problems(data: dict[str, Any]) -> list[str]:
    """Cross-reference checks on the raw data, so they run even when some items are malformed
    and every problem of a file is reported in one go."""
    problems: list[str] = []
    sections = _dicts(data.get("sections"))
    items: dict[str, Item | None] = {}
    section_ids: set[str] = set()
    for s in sections:
        sid = s.get("id")
        if sid in section_ids:
            problems.append(f"section {sid!r}: duplicate id")
        if isinstance(sid, str):
            section_ids.add(sid)
        for raw_item in _dicts(s.get("items")):
            iid = raw_item.get("id")
            if not isinstance(iid, str):
                continue
            if iid in items:
                problems.append(f"item {iid!r}: duplicate id")
                continue
            try:
                items[iid] = Item.model_validate(
                    {"bilateral": s.get("bilateral", False), **raw_item}
                )
            except ValidationError:
                items[iid] = None  # reported by the structural pass; still a known id
    raw_conditions = data.get("conditions")
    conditions: dict[str, Any] = raw_conditions if isinstance(raw_conditions, dict) else {}

    def check(raw: Any, where: str, *, allow_pattern: bool) -> None:
        try:
            tree = cond.parse(raw)
        except cond.ConditionSyntaxError as exc:
            problems.append(f"{where}: {exc}")
            return
        for node in cond.walk(tree):
            if isinstance(node, cond.Ref) and node.name not in conditions:
                problems.append(f"{where}: refers to unknown condition {node.name!r}")
            if isinstance(node, cond.PatternIs):
                if not allow_pattern:
                    problems.append(f"{where}: a pattern reading cannot be used here")
                bad = set(node.readings) - {"radicular", "hamstring", "mixed", "indeterminate"}
                if bad:
                    problems.append(f"{where}: unknown pattern reading(s) {sorted(bad)}")
            if not isinstance(node, cond.ItemTest):
                continue
            if node.item not in items:
                problems.append(f"{where}: names unknown item {node.item!r}")
                continue
            item = items[node.item]
            if item is None:
                continue
            if node.side in ("left", "right", "both") and not item.bilateral:
                problems.append(f"{where}: item {node.item!r} is not bilateral, so has no side")
            values = list(node.operand) if node.op == "in" else [node.operand]
            if node.op in ("is", "in"):
                for v in values:
                    try:
                        item.check_value(v)
                    except ValueError as exc:
                        problems.append(f"{where}: item {node.item!r}: impossible value: {exc}")
            elif node.op in ("le", "ge", "eq"):
                if item.kind not in ("reflex", "mrc", "number"):
                    problems.append(
                        f"{where}: item {node.item!r} ({item.kind}) "
                        f"cannot be compared with {node.op}"
                    )
            elif node.op == "lower_than_other_side" and (
                not item.bilateral or item.kind not in ("reflex", "mrc", "number")
            ):
                problems.append(f"{where}: item {node.item!r} has no side-to-side grade to compare")

    for name, raw in conditions.items():
        check(raw, f"condition {name!r}", allow_pattern=False)
    for s in sections:
        for raw_item in _dicts(s.get("items")):
            if raw_item.get("show_when") is not None:
                check(
                    raw_item["show_when"],
                    f"item {raw_item.get('id')!r} show_when",
                    allow_pattern=False,
                )
    rule_seen: set[str] = set()
    for r in _dicts(data.get("rules")):
        rid = r.get("id")
        if rid in rule_seen:
            problems.append(f"rule {rid!r}: duplicate id")
        if isinstance(rid, str):
            rule_seen.add(rid)
        if r.get("when") is not None:
            check(r["when"], f"rule {rid!r}", allow_pattern=True)
        esc = r.get("escalate")
        if isinstance(esc, dict) and esc.get("when") is not None:
            check(esc["when"], f"rule {rid!r} escalate", allow_pattern=True)
        screening = r.get("screening_section")
        if screening is not None and screening not in section_ids:
            problems.append(f"rule {rid!r}: unknown section {screening!r}")
    pattern = data.get("pattern")
    if isinstance(pattern, dict):
        for group in ("radicular", "hamstring"):
            for pt in _dicts(pattern.get(group)):
                if pt.get("when") is not None:
                    check(
                        pt["when"], f"pattern {group} point {pt.get('id')!r}", allow_pattern=False
                    )
        if pattern.get("neuro_deficit") is not None:
            check(pattern["neuro_deficit"], "pattern neuro_deficit", allow_pattern=False)
    problems.extend(_ref_cycles(conditions))
    return problems


def _ref_cycles(conditions: dict[str, Any]) -> list[str]:
    graph: dict[str, set[str]] = {}
    for name, raw in conditions.items():
        try:
            graph[name] = {n.name for n in cond.walk(cond.parse(raw)) if isinstance(n, cond.Ref)}
        except cond.ConditionSyntaxError:
            graph[name] = set()
    out: list[str] = []
    for start in graph:
        stack, seen = list(graph[start]), set()
        while stack:
            n = stack.pop()
            if n == start:
                out.append(f"condition {start!r}: refers to itself")
                break
            if n in seen or n not in graph:
                continue
            seen.add(n)
            stack.extend(graph[n])
    return out


def parse_checklist(data: dict[str, Any], path: Path | str = "<checklist>") -> Checklist:
    """Validate checklist data, raising ChecklistError with every problem found."""
    problems: list[str] = []
    cl: Checklist | None = None
    try:
        cl = Checklist.model_validate({**data, "path": Path(path)})
    except ValidationError as exc:
        for err in exc.errors():
            where = _loc_name(data, tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "literal_error" and err["loc"][-1] == "kind":
                msg = f"unknown kind {err.get('input')!r} ({msg.lower()})"
            problems.append(f"{where}: {msg}" if where else msg)
    problems.extend(_semantic_problems(data))
    if problems or cl is None:
        raise ChecklistError(path, list(dict.fromkeys(problems)))
    return cl


def read_toml(path: Path, error: type[Exception]) -> dict[str, Any]:
    """Read a TOML file, turning every way it can fail into ``error`` naming the file (and line)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise error(f"{path}: permission denied") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None
    if not raw.strip():
        raise error(f"{path}: file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text (binary or wrongly encoded file)") from None
    try:
        return tomllib.loads(text)
    except RecursionError:  # `x = [[[[...` a few hundred deep overflows tomllib's parser
        raise error(f"{path}: not valid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends "(at line L, column C)"; keep it on one line.
        raise error(f"{path}: not valid TOML: {exc}") from None


class _PlainError(Exception):
    pass


def load_checklist(path: Path | str = DEFAULT_CHECKLIST) -> Checklist:
    """Load and validate a checklist file, raising ChecklistError listing every problem."""
    p = Path(path)
    try:
        data = read_toml(p, _PlainError)
    except _PlainError as exc:
        msg = str(exc).removeprefix(f"{p}:").strip()
        raise ChecklistError(p, [msg]) from None
    return parse_checklist(data, p)


def find_checklist(checklist_id: str, search: list[Path] | None = None) -> Path | None:
    """The file of the checklist with this id among the bundled (and extra) folders."""
    for folder in [*(search or []), CHECKLIST_DIR]:
        candidate = folder / f"{checklist_id}.toml"
        if candidate.is_file():
            return candidate
    return None
