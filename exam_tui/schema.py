"""What a valid checklist and a valid record are: the pydantic models, the one definition.

The program runs on plain objects (``checklist.Checklist``, ``record.Record`` and their parts)
built from data these models accepted: importing pydantic and building ~20 model classes costs
more than the rest of a command's start-up, so this module is imported only when something has
not been validated before (a checklist not in the validated-checklist cache, a record the fast
check in ``record.py`` refuses, for its error message). ``tests/test_schema_equivalence.py``
proves the plain forms accept and refuse exactly what these models do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from exam_tui import conditions as cond
from exam_tui import kinds
from exam_tui.checklist import (
    DEFAULT_PATTERN_TITLE,
    ID_PATTERN,
    Action,
    Kind,
    Role,
    Urgency,
)
from exam_tui.errors import ChecklistError
from exam_tui.record import (
    SCHEMA_VERSION,
    AffectedSide,
    Status,
    checklist_id_error,
    patient_id_error,
    timestamp_error,
)

CHECKLIST_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


# ----------------------------------------------------------------------------- checklist


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


# ----------------------------------------------------------------------------- record


def _checklist_id(value: str) -> str:
    problem = checklist_id_error(value)
    if problem:
        raise ValueError(problem)
    return value


def _in_range(value: Any) -> Any:
    problem = timestamp_error(value)
    if problem:
        raise ValueError(problem)
    return value


#: A TOML date-time with an offset (``2026-11-28T09:30:00Z``). Strict: an integer (``0``, read
#: as 1970 otherwise) or a string is refused, and so is a local time without an offset.
Timestamp = Annotated[AwareDatetime, Strict(), AfterValidator(_in_range)]
ChecklistId = Annotated[StrictStr, AfterValidator(_checklist_id)]
Value = StrictStr | StrictInt | StrictFloat


class Finding(BaseModel):
    """The values of one item: left/right for bilateral items, ``value`` otherwise, and a note."""

    model_config = ConfigDict(extra="forbid")

    left: Value | None = None
    right: Value | None = None
    value: Value | None = None
    note: StrictStr | None = None


class Patient(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1, max_length=200)

    @field_validator("id")
    @classmethod
    def _no_control(cls, v: str) -> str:
        problem = patient_id_error(v)
        if problem:
            raise ValueError(problem)
        return v


class Exam(BaseModel):
    model_config = ConfigDict(extra="allow")

    examiner: StrictStr = ""
    started_at: Timestamp
    affected_side: AffectedSide
    updated_at: Timestamp | None = None
    completed_at: Timestamp | None = None


class Amendment(BaseModel):
    """One change made after the record was completed: who, when, what, from what, to what."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    at: Timestamp
    by: StrictStr
    item: StrictStr
    side: Literal["left", "right"] | None = None
    field: Literal["value", "note"] = "value"
    old: Value | None = Field(default=None, alias="from")
    new: Value | None = Field(default=None, alias="to")
    #: Why the record was amended, when the amending clinician said so.
    reason: StrictStr | None = None


class Record(BaseModel):
    """One exam of one patient. Unknown top-level keys are kept and written back."""

    model_config = ConfigDict(extra="allow", validate_assignment=False)

    schema_version: StrictInt = SCHEMA_VERSION
    checklist: ChecklistId
    checklist_version: StrictStr
    status: Status = "draft"
    patient: Patient
    exam: Exam
    findings: dict[str, Finding] = Field(default_factory=dict)
    amendments: list[Amendment] = Field(default_factory=list)


# ----------------------------------------------------------------------------- checking


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
                kinds.check_value(item, v)
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
            kinds.check_value(item, operand)
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


def validate_checklist(data: dict[str, Any], path: Path | str = "<checklist>") -> Checklist:
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
