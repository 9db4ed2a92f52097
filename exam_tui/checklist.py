"""Checklist models (sections, items, evidence, rules, pattern); a loader naming every problem."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exam_tui import conditions as cond
from exam_tui import kinds
from exam_tui.errors import ChecklistError

Kind = Literal[
    "yes_no", "sign", "reflex", "mrc", "sensation", "plantar", "number", "choice", "text"
]
Urgency = Literal["emergency", "urgent", "soon", "routine", "warning"]
Action = Literal["imaging", "referral"]
Role = Literal["history", "screening", "exam"]

#: Flag urgencies, most urgent first, with the words people read. Defined once: rules sort by
#: this order, the summary and the app print these labels, JSON carries the names.
URGENCY_ORDER: tuple[str, ...] = ("emergency", "urgent", "soon", "routine")
URGENCY_LABELS: dict[str, str] = {
    "emergency": "EMERGENCY (same day)",
    "urgent": "URGENT (within days)",
    "soon": "SOON (within about 2 weeks)",
    "routine": "ROUTINE",
}


def urgency_rank(urgency: str) -> int:
    """0 for the most urgent; warnings and unknown words after every flag."""
    return URGENCY_ORDER.index(urgency) if urgency in URGENCY_ORDER else len(URGENCY_ORDER)


#: The bundled checklists ship inside the package (package data), so an installed wheel finds
#: them; the repository's top-level ``checklists/`` is a link to this folder for authors. Older
#: released versions live in its ``versions/`` folder and are never edited.
CHECKLIST_DIR = Path(__file__).resolve().parent / "checklists"
#: The checklist an exam starts on when none is named.

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
CHECKLIST_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


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
    #: The only value the N key ("rest normal") may record; None: never filled automatically.
    normal: str | int | float | None = None
    #: Numbers: which direction is worse (follow-up comparison, ``worse_by``).
    worse: Literal["higher", "lower"] | None = None
    #: Bilateral items: how the summary words an abnormal value on a side
    #: ({side}, {other_side}, {side_noun}, {value}).
    positive_text: str | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Item:
        problems = []
        if self.worse is not None and self.kind != "number":
            problems.append(f"worse only applies to numbers, not {self.kind}")
        if self.positive_text is not None:
            try:
                self.positive_text.format(side="L", other_side="R", side_noun="x", value="v")
            except (KeyError, IndexError, ValueError) as exc:
                problems.append(f"positive_text: unknown placeholder or brace ({exc})")
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

    @model_validator(mode="after")
    def _normal_allowed(self) -> Item:
        if self.normal is not None and self.kind == "text":
            raise ValueError("a text item has no normal value")
        if self.normal is not None and (self.kind != "number" or self.min is not None):
            try:
                kinds.check_value(self, self.normal)
            except ValueError as exc:
                raise ValueError(f"normal: {exc}") from None
        return self

    def allowed_values(self) -> tuple[str | int | float, ...] | None:
        """The closed set of values of this item, or None for number and text."""
        return kinds.allowed_values(self)

    def option_label(self, value: str) -> str:
        return kinds.option_label(self, value)

    def check_value(self, value: Any) -> str | int | float:
        """Return the value if it is valid for this item, else raise ValueError saying why."""
        return kinds.check_value(self, value)


class Section(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    #: Default for the items of this section; an item may say otherwise.
    bilateral: bool = False
    #: What the N key does here, and how the summary reports the section.
    role: Role = "exam"
    intro: str | None = None
    #: Positive findings of this section are listed under this heading in the summary.
    summary_heading: str | None = None
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
    urgency: Literal["emergency", "urgent", "soon"]
    when: dict[str, Any]
    reason: str
    #: Replaces the rule's advice when the flag is escalated.
    advice: str | None = None


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


class PatternGroup(_Strict):
    """A named group of points (e.g. the findings that point to a nerve root)."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    points: list[PatternPoint] = Field(min_length=1)


class PatternReading(_Strict):
    """One row of the reading table; the last has no ``when`` (the fallback)."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    when: dict[str, Any] | None = None


class PatternOverride(_Strict):
    """A finding that changes a reading (e.g. a deficit: never purely muscular)."""

    id: str = Field(pattern=ID_PATTERN)
    when: dict[str, Any]
    from_: list[str] = Field(alias="from", min_length=1)
    to: str
    #: Said when the override changes the reading; {findings} lists what satisfied it.
    note: str = ""
    #: Said when the condition holds but the reading was not changed.
    held_note: str = ""
    held_note_unless: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


DEFAULT_PATTERN_TITLE = "Pattern (a summary of findings, not a diagnosis)"


class Pattern(_Strict):
    """Point counts in named groups, read by a table (a summary of findings, not a diagnosis)."""

    title: str = DEFAULT_PATTERN_TITLE
    groups: list[PatternGroup] = Field(min_length=1)
    readings: list[PatternReading] = Field(min_length=1)
    overrides: list[PatternOverride] = Field(default_factory=list)
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _table(self) -> Pattern:
        problems = []
        if self.readings[-1].when is not None:
            problems.append("the last reading must have no 'when' (it is the fallback)")
        problems += [
            f"reading {r.id!r} needs a 'when' (only the last reading has none)"
            for r in self.readings[:-1]
            if r.when is None
        ]
        ids = [r.id for r in self.readings]
        if len(set(ids)) != len(ids):
            problems.append("readings repeat an id")
        groups = [g.id for g in self.groups]
        if len(set(groups)) != len(groups):
            problems.append("groups repeat an id")
        for o in self.overrides:
            bad = sorted({*o.from_, o.to, *o.held_note_unless} - set(ids))
            if bad:
                problems.append(f"override {o.id!r} names unknown reading(s) {bad}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def group(self, group_id: str) -> PatternGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def reading_label(self, reading: str) -> str:
        return next((r.label for r in self.readings if r.id == reading), reading)


class Texts(_Strict):
    """The checklist's own words."""

    #: The word for a side, as in "left {side_noun}".
    side_noun: str = "side"
    #: Said only when no flag fires (warnings never count).
    no_flags: str | None = None
    #: Follows the no-flags sentence in `exam-tui flags`.
    no_flags_detail: str | None = None


class FlagRef(_Strict):
    """A rule that fired, optionally at a given urgency."""

    rule: str
    urgency: Literal["emergency", "urgent", "soon", "routine"] | None = None


class SafetyNet(_Strict):
    """The advice that ends every summary, and what replaces it once its danger is flagged."""

    text: str | None = None
    replaced_by: str | None = None
    replaced_when: list[FlagRef] = Field(default_factory=list)


class Checklist(_Strict):
    id: str = Field(pattern=CHECKLIST_ID_PATTERN)
    version: str
    title: str
    description: str = ""
    texts: Texts = Field(default_factory=Texts)
    safety_net: SafetyNet = Field(default_factory=SafetyNet)
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
    def reading_dependent(self) -> frozenset[str]:
        """Named conditions that look at the pattern reading, directly or through refs."""
        named = self.named_conditions
        return frozenset(
            name
            for name, c in named.items()
            if any(isinstance(n, cond.PatternIs) for n in cond.reachable(c, named))
        )

    @cached_property
    def show_conditions(self) -> dict[str, cond.Condition]:
        return {i.id: cond.parse(i.show_when) for i in self.items.values() if i.show_when}

    @cached_property
    def rule_conditions(self) -> dict[str, cond.Condition]:
        return {r.id: cond.parse(r.when) for r in self.rules if r.when is not None}

    def is_bilateral(self, item_id: str) -> bool:
        item = self.items.get(item_id)
        return bool(item and item.bilateral)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    """``"2.10.0"`` sorts after ``"2.9.1"``."""
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (-1,)


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

    pattern = data.get("pattern") if isinstance(data.get("pattern"), dict) else None
    readings = {r.get("id") for r in _dicts(pattern.get("readings"))} if pattern else set()
    groups = {g.get("id") for g in _dicts(pattern.get("groups"))} if pattern else set()

    def check(
        raw: Any, where: str, *, allow_pattern: bool = False, allow_score: bool = False
    ) -> None:
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
                    problems.append(f"{where}: a pattern reading can only be used in rules")
                elif pattern is None:
                    problems.append(f"{where}: uses the pattern, but the checklist has none")
                else:
                    bad = set(node.readings) - readings
                    if bad:
                        problems.append(f"{where}: unknown pattern reading(s) {sorted(bad)}")
            if isinstance(node, cond.Score):
                if not allow_score:
                    problems.append(f"{where}: a score can only be used in pattern readings")
                elif node.group not in groups:
                    problems.append(f"{where}: unknown pattern group {node.group!r}")
            if not isinstance(node, cond.ItemTest):
                continue
            if node.item not in items:
                problems.append(f"{where}: names unknown item {node.item!r}")
                continue
            item = items[node.item]
            if item is None:
                continue
            if node.side in ("left", "right", "both", "other") and not item.bilateral:
                problems.append(f"{where}: item {node.item!r} is not bilateral, so has no side")
            for op, operand in node.tests:
                problems.extend(f"{where}: {p}" for p in _test_problems(item, op, operand))

    for name, raw in conditions.items():
        check(raw, f"condition {name!r}", allow_pattern=True)
    for s in sections:
        for raw_item in _dicts(s.get("items")):
            if raw_item.get("show_when") is not None:
                check(raw_item["show_when"], f"item {raw_item.get('id')!r} show_when")
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
    net = data.get("safety_net")
    if isinstance(net, dict):
        for ref in _dicts(net.get("replaced_when")):
            if ref.get("rule") not in rule_seen:
                problems.append(f"safety_net replaced_when: unknown rule {ref.get('rule')!r}")
    if pattern is not None:
        for g in _dicts(pattern.get("groups")):
            for pt in _dicts(g.get("points")):
                if pt.get("when") is not None:
                    check(pt["when"], f"pattern {g.get('id')} point {pt.get('id')!r}")
        for rd in _dicts(pattern.get("readings")):
            if rd.get("when") is not None:
                check(rd["when"], f"pattern reading {rd.get('id')!r}", allow_score=True)
        for o in _dicts(pattern.get("overrides")):
            if o.get("when") is not None:
                check(o["when"], f"pattern override {o.get('id')!r}")
    problems.extend(_ref_cycles(conditions))
    return problems


def _test_problems(item: Item, op: str, operand: Any) -> list[str]:
    """What is wrong with one item test (op, operand) on this item."""
    name = f"item {item.id!r}"
    if op in ("is", "in", "ne") and not (op == "ne" and not isinstance(operand, str)):
        out = []
        for v in list(operand) if op == "in" else [operand]:
            try:
                item.check_value(v)
            except ValueError as exc:
                out.append(f"{name}: impossible value: {exc}")
        return out
    if op in cond.COMPARISONS or op == "lower_than_other_side":
        if not kinds.is_graded(item):
            return [f"{name} ({item.kind}) cannot be compared with {op}"]
        if op == "lower_than_other_side" and not item.bilateral:
            return [f"{name} has no side-to-side grade to compare"]
        return []
    if op == "worse_by":
        if item.kind in ("choice", "text") or (item.kind == "number" and item.worse is None):
            return [f"{name} ({item.kind}) has no direction for worse_by (numbers need 'worse')"]
        return []
    if op == "newly":
        if operand == "abnormal":
            return []
        try:
            item.check_value(operand)
        except ValueError as exc:
            return [f"{name}: impossible value for newly: {exc}"]
    return []


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


def default_checklist_path() -> Path:
    """The newest version of the default bundled checklist."""
    return find_checklist(default_checklist_id()) or CHECKLIST_DIR / "default"


def __getattr__(name: str) -> Any:
    # DEFAULT_CHECKLIST is looked up when asked for (the default is named in a data file, and
    # reading it at import time would be a side effect of importing).
    if name == "DEFAULT_CHECKLIST":
        return default_checklist_path()
    raise AttributeError(name)


def load_checklist(path: Path | str | None = None) -> Checklist:
    """Load and validate a checklist file (default: the default bundled checklist), raising
    ChecklistError listing every problem."""
    p = Path(path) if path is not None else default_checklist_path()
    try:
        data = read_toml(p, _PlainError)
    except _PlainError as exc:
        msg = str(exc).removeprefix(f"{p}:").strip()
        raise ChecklistError(p, [msg]) from None
    return parse_checklist(data, p)


@dataclass(frozen=True)
class ChecklistFile:
    """A checklist file found in a folder: its id and version, read from the file itself."""

    id: str
    version: str
    title: str
    path: Path


_header_cache: dict[tuple[Path, int, int], ChecklistFile | None] = {}


def _top_keys(path: Path) -> dict[str, Any]:
    """The keys before a checklist's first table (id, version, title): finding a checklist by
    id reads its head, not the whole file (the bundled ones are 30-70 KB of TOML); a file
    that puts them elsewhere is read whole."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CHECKLIST_HEAD)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    head = re.split(r"(?m)^\s*\[", text, maxsplit=1)[0]
    try:
        data = tomllib.loads(head)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        data = {}
    if not {"id", "version"} <= data.keys():
        try:
            data = read_toml(path, _PlainError)
        except _PlainError:
            return {}
    return data


#: The head of a checklist file read to find its id and version.
MAX_CHECKLIST_HEAD = 16 * 1024


def _header(path: Path) -> ChecklistFile | None:
    """The id, version and title of a checklist file (None if it has none or cannot be read)."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (path, st.st_mtime_ns, st.st_size)
    if key not in _header_cache:
        found = None
        data = _top_keys(path)
        cid, version, title = data.get("id"), data.get("version"), data.get("title", "")
        if isinstance(cid, str) and isinstance(version, str):
            found = ChecklistFile(cid, version, str(title), path)
        _header_cache[key] = found
    return _header_cache[key]


def checklist_files(search: list[Path] | None = None) -> list[ChecklistFile]:
    """Every checklist file in the given folders and the bundled one (each with its
    ``versions/`` subfolder), the folders given first."""
    out: list[ChecklistFile] = []
    for folder in [*(search or []), CHECKLIST_DIR]:
        for sub in (folder, folder / "versions"):
            try:
                paths = sorted(sub.glob("*.toml"))
            except OSError:
                continue
            out.extend(h for h in map(_header, paths) if h is not None)
    return out


def bundled_checklists() -> list[ChecklistFile]:
    """The newest version of each bundled checklist, the default first, then by title."""
    newest: dict[str, ChecklistFile] = {}
    for f in checklist_files():
        if f.id not in newest or version_key(f.version) > version_key(newest[f.id].version):
            newest[f.id] = f
    default = default_checklist_id()
    return sorted(newest.values(), key=lambda f: (f.id != default, f.title, f.id))


def default_checklist_id() -> str:
    """The checklist an exam starts on when none is named: the one named in the bundled
    folder's ``default`` file."""
    try:
        return (CHECKLIST_DIR / "default").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def find_checklist(
    checklist_id: str, search: list[Path] | None = None, version: str | None = None
) -> Path | None:
    """The file of this checklist id (and version; else the newest version) among the given
    folders and the bundled one. A version found in a given folder wins over the bundled copy."""
    best: ChecklistFile | None = None
    for f in checklist_files(search):
        if f.id != checklist_id:
            continue
        if version is not None:
            if f.version == version:
                return f.path
            continue
        if best is None or version_key(f.version) > version_key(best.version):
            best = f
    return best.path if best else None


def load_bundled(checklist_id: str | None = None, version: str | None = None) -> Checklist:
    """A bundled checklist by id (default: the default one), newest version unless given."""
    cid = checklist_id or default_checklist_id()
    path = find_checklist(cid, version=version)
    if path is None:
        known = ", ".join(sorted({f.id for f in checklist_files()})) or "none"
        what = f"{cid} {version}" if version else cid
        raise ChecklistError(CHECKLIST_DIR, [f"no bundled checklist {what!r} (bundled: {known})"])
    return load_checklist(path)
