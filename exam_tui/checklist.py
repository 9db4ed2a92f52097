"""The checklist as the program reads it (sections, items, evidence, rules, pattern), and its
loader: a file is validated by the models in schema.py once, then read from the cache of
validated checklists (keyed by the file's content and the validating code)."""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import sys
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

from exam_tui import cachedir, kinds
from exam_tui import conditions as cond
from exam_tui.errors import ChecklistError
from exam_tui.values import Struct

try:  # the C module behind hashlib.blake2b: hashlib itself also loads OpenSSL (~2 ms a start)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _blake2b

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

#: The item id pattern (the models in schema.py use it too).
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
DEFAULT_PATTERN_TITLE = "Pattern (a summary of findings, not a diagnosis)"


class _Plain:
    """A checklist part as plain attributes, built from the dump of a model in ``schema.py``
    that accepted it (``model_dump()``: every field, defaults filled in). The program reads
    these; pydantic is imported only to validate what has not been validated before."""

    #: Fields holding other parts: name -> (class, "one" | "list").
    NESTED: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    @classmethod
    def from_dump(cls, data: dict[str, Any]) -> Self:
        obj = cls.__new__(cls)
        d = obj.__dict__
        d.update(data)
        for name, (sub_name, shape) in cls.NESTED.items():
            v = d.get(name)
            if v is None:
                continue
            sub: type[_Plain] = _PARTS[sub_name]
            d[name] = [sub.from_dump(x) for x in v] if shape == "list" else sub.from_dump(v)
        return obj

    def __repr__(self) -> str:
        ident = self.__dict__.get("id")
        return f"{type(self).__name__}({ident!r})" if ident is not None else type(self).__name__


class Evidence(_Plain):
    """Diagnostic accuracy of a test, exactly as the clinical reference sources it."""

    sensitivity: float | None
    specificity: float | None
    lr_positive: float | None
    lr_negative: float | None
    text: str | None
    source: str


class Item(_Plain):
    """One finding to record."""

    NESTED: ClassVar[dict[str, tuple[str, str]]] = {"evidence": ("Evidence", "list")}

    id: str
    label: str
    kind: Kind
    bilateral: bool
    unit: str | None
    min: float | None
    max: float | None
    integer: bool
    options: list[str] | None
    option_labels: dict[str, str]
    meaning: str | None
    how: str | None
    positive_if: str | None
    root: str | None
    evidence: list[Evidence]
    show_when: dict[str, Any] | None
    #: The only value the N key ("rest normal") may record; None: never filled automatically.
    normal: str | int | float | None
    #: Numbers: which direction is worse (follow-up comparison, ``worse_by``).
    worse: Literal["higher", "lower"] | None
    #: Bilateral items: how the summary words an abnormal value on a side
    #: ({side}, {other_side}, {side_noun}, {value}).
    positive_text: str | None

    def allowed_values(self) -> tuple[str | int | float, ...] | None:
        """The closed set of values of this item, or None for number and text."""
        return kinds.allowed_values(self)

    def option_label(self, value: str) -> str:
        return kinds.option_label(self, value)

    def check_value(self, value: Any) -> str | int | float:
        """Return the value if it is valid for this item, else raise ValueError saying why."""
        return kinds.check_value(self, value)


class Section(_Plain):
    NESTED: ClassVar[dict[str, tuple[str, str]]] = {"items": ("Item", "list")}

    id: str
    title: str
    bilateral: bool
    #: What the N key does here, and how the summary reports the section.
    role: Role
    intro: str | None
    #: Positive findings of this section are listed under this heading in the summary.
    summary_heading: str | None
    items: list[Item]


class Escalation(_Plain):
    urgency: Literal["emergency", "urgent", "soon"]
    when: dict[str, Any]
    reason: str
    #: Replaces the rule's advice when the flag is escalated.
    advice: str | None


class Rule(_Plain):
    """When to consider imaging or referral. ``urgency = "warning"`` rules are screening checks."""

    NESTED: ClassVar[dict[str, tuple[str, str]]] = {"escalate": ("Escalation", "one")}

    id: str
    title: str
    urgency: Urgency
    actions: list[Action]
    advice: str
    source: str
    when: dict[str, Any] | None
    escalate: Escalation | None
    #: For warnings: every item of this section must be answered.
    screening_section: str | None


class PatternPoint(_Plain):
    id: str
    label: str
    when: dict[str, Any]


class PatternGroup(_Plain):
    """A named group of points (e.g. the findings that point to a nerve root)."""

    NESTED: ClassVar[dict[str, tuple[str, str]]] = {"points": ("PatternPoint", "list")}

    id: str
    title: str
    points: list[PatternPoint]


class PatternReading(_Plain):
    """One row of the reading table; the last has no ``when`` (the fallback)."""

    id: str
    label: str
    when: dict[str, Any] | None


class PatternOverride(_Plain):
    """A finding that changes a reading (e.g. a deficit: never purely muscular)."""

    id: str
    when: dict[str, Any]
    from_: list[str]
    to: str
    #: Said when the override changes the reading; {findings} lists what satisfied it.
    note: str
    #: Said when the condition holds but the reading was not changed.
    held_note: str
    held_note_unless: list[str]


class Pattern(_Plain):
    """Point counts in named groups, read by a table (a summary of findings, not a diagnosis)."""

    NESTED: ClassVar[dict[str, tuple[str, str]]] = {
        "groups": ("PatternGroup", "list"),
        "readings": ("PatternReading", "list"),
        "overrides": ("PatternOverride", "list"),
    }

    title: str
    groups: list[PatternGroup]
    readings: list[PatternReading]
    overrides: list[PatternOverride]
    source: str
    note: str

    def group(self, group_id: str) -> PatternGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def reading_label(self, reading: str) -> str:
        return next((r.label for r in self.readings if r.id == reading), reading)


class Texts(_Plain):
    """The checklist's own words."""

    #: The word for a side, as in "left {side_noun}".
    side_noun: str
    #: Said only when no flag fires (warnings never count).
    no_flags: str | None
    #: Follows the no-flags sentence in `exam-tui flags`.
    no_flags_detail: str | None


class FlagRef(_Plain):
    """A rule that fired, optionally at a given urgency."""

    rule: str
    urgency: Literal["emergency", "urgent", "soon", "routine"] | None


class SafetyNet(_Plain):
    """The advice that ends every summary, and what replaces it once its danger is flagged."""

    NESTED: ClassVar[dict[str, tuple[str, str]]] = {"replaced_when": ("FlagRef", "list")}

    text: str | None
    replaced_by: str | None
    replaced_when: list[FlagRef]


class Checklist(_Plain):
    """A validated checklist (see ``schema.Checklist`` for what each field may hold)."""

    NESTED: ClassVar[dict[str, tuple[str, str]]] = {
        "texts": ("Texts", "one"),
        "safety_net": ("SafetyNet", "one"),
        "sections": ("Section", "list"),
        "rules": ("Rule", "list"),
        "pattern": ("Pattern", "one"),
    }

    id: str
    version: str
    title: str
    description: str
    texts: Texts
    safety_net: SafetyNet
    sections: list[Section]
    conditions: dict[str, dict[str, Any]]
    rules: list[Rule]
    pattern: Pattern | None
    #: Where the checklist was loaded from (not part of the file).
    path: Path | None

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

    @cached_property
    def escalate_conditions(self) -> dict[str, cond.Condition]:
        """Each escalating rule's escalation condition, by rule id."""
        return {r.id: cond.parse(r.escalate.when) for r in self.rules if r.escalate}

    @cached_property
    def pattern_conditions(self) -> dict[str, cond.Condition]:
        """The pattern's conditions by place: ``point:GROUP:N`` (a group's Nth point),
        ``reading:ID`` (a reading that has one) and ``override:N``."""
        p = self.pattern
        if p is None:
            return {}
        out = {
            f"point:{g.id}:{n}": cond.parse(point.when)
            for g in p.groups
            for n, point in enumerate(g.points)
        }
        out |= {f"reading:{r.id}": cond.parse(r.when) for r in p.readings if r.when is not None}
        out |= {f"override:{n}": cond.parse(o.when) for n, o in enumerate(p.overrides)}
        return out

    @cached_property
    def rule_readings(self) -> dict[str, frozenset[str]]:
        """The pattern readings each rule's condition looks at, by rule id (a flag fired by a
        reading cites the pattern among its reasons)."""
        named = self.named_conditions
        return {
            rule_id: frozenset(
                r
                for n in cond.reachable(c, named)
                if isinstance(n, cond.PatternIs)
                for r in n.readings
            )
            for rule_id, c in self.rule_conditions.items()
        }

    @cached_property
    def compares_with_prior(self) -> bool:
        """Whether a rule looks at the previous exam (``worse_by``, ``newly``): until that exam
        has been looked for, such a rule cannot fire, and "no flags" is not yet known."""
        named = self.named_conditions
        return any(
            isinstance(node, cond.ItemTest) and node.since_prior
            for c in (*self.rule_conditions.values(), *self.escalate_conditions.values())
            for node in cond.reachable(c, named)
        )

    def is_bilateral(self, item_id: str) -> bool:
        item = self.items.get(item_id)
        return bool(item and item.bilateral)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


_PARTS: dict[str, type[_Plain]] = {
    c.__name__: c
    for c in (
        Evidence,
        Item,
        Section,
        Escalation,
        Rule,
        PatternPoint,
        PatternGroup,
        PatternReading,
        PatternOverride,
        Pattern,
        Texts,
        FlagRef,
        SafetyNet,
        Checklist,
    )
}
#: Every plain part (the equivalence test matches them with the models of the same name).
PARTS: tuple[type[_Plain], ...] = tuple(_PARTS.values())


def version_key(version: str) -> tuple[int, ...]:
    """``"2.10.0"`` sorts after ``"2.9.1"``."""
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (-1,)


# ----------------------------------------------------------------------------- loading


def parse_checklist(data: dict[str, Any], path: Path | str = "<checklist>") -> Checklist:
    """Validate checklist data with the models (schema.py), raising ChecklistError with every
    problem found."""
    from exam_tui import schema

    model = schema.validate_checklist(data, path)
    return _built(model.model_dump(mode="python"), path)


def _built(dump: dict[str, Any], path: Path | str) -> Checklist:
    cl = Checklist.from_dump(dump)
    cl.__dict__["path"] = Path(path)
    return cl


#: The largest checklist file read (the bundled ones are 30-70 KB).
MAX_CHECKLIST_BYTES = 8 * 2**20


def _read_bytes(path: Path, error: type[Exception]) -> bytes:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CHECKLIST_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise error(f"{path}: permission denied") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_CHECKLIST_BYTES:
        raise error(f"{path}: larger than {MAX_CHECKLIST_BYTES // 2**20} MB: not a checklist")
    return raw


def _parse_toml(raw: bytes, path: Path, error: type[Exception]) -> dict[str, Any]:
    if not raw.strip():
        raise error(f"{path}: file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text (binary or wrongly encoded file)") from None
    import tomllib

    try:
        return tomllib.loads(text)
    except RecursionError:  # `x = [[[[...` a few hundred deep overflows tomllib's parser
        raise error(f"{path}: not valid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends "(at line L, column C)"; keep it on one line.
        raise error(f"{path}: not valid TOML: {exc}") from None


def read_toml(path: Path, error: type[Exception]) -> dict[str, Any]:
    """Read a TOML file, turning every way it can fail into ``error`` naming the file (and line)."""
    return _parse_toml(_read_bytes(path, error), path, error)


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
    ChecklistError listing every problem.

    A file whose exact content was validated before by this code is read from the cache of
    validated checklists instead of being validated again (pydantic is not even imported)."""
    p = Path(path) if path is not None else default_checklist_path()
    try:
        raw = _read_bytes(p, _PlainError)
        key = _cache_key(raw)
        entry = _cached_entry(key) if key else None
        if entry is not None:
            try:
                return _from_entry(entry, p)
            except (KeyError, IndexError, TypeError, ValueError):
                pass  # not an entry this code wrote: validated again, and rewritten
        data = _parse_toml(raw, p, _PlainError)
    except _PlainError as exc:
        msg = str(exc).removeprefix(f"{p}:").strip()
        raise ChecklistError(p, [msg]) from None
    from exam_tui import schema

    dump = schema.validate_checklist(data, p).model_dump(mode="python")
    cached = _cache_bytes(dump, p)
    if cached is None or key is None:
        return _built(dump, p)
    cachedir.write(_cache_name(key), cached)
    return _from_entry(marshal.loads(cached.partition(b"\n")[2]), p)  # what the next run reads


# ----------------------------------------------------------------------------- the cache
#
# Validating a checklist means importing pydantic and building ~20 models: more than the rest of
# a command's start-up. The validated form (the models' dump: every field, defaults filled in)
# is kept in the user's cache folder under a key made of the file's bytes and the source of the
# code that validates it (schema.py and what it calls, and pydantic's version), so an edited
# checklist or an upgraded exam-tui is validated again. A cache file starts with the BLAKE2b
# digest of its payload: a truncated or altered file is ignored (and rewritten), never trusted.
# Checklists hold no patient data.
#
# The payload is the dump in ``marshal`` form (plain dicts, lists, strings and numbers, as
# JSON would hold them): reading it needs no module (``json`` costs ~3 ms to import and
# parses ~2.5x slower). marshal's format belongs to the Python version, which is part of
# the key; a payload is only loaded once its digest checks out (the folder is owner-only).

_CACHE_FORMAT = f"exam-tui validated checklist 4 {sys.implementation.cache_tag} {marshal.version}"
#: The modules whose code decides what a valid checklist is, and what its dump holds.
_VALIDATING_CODE = ("schema.py", "checklist.py", "conditions.py", "kinds.py", "record.py")
_code_key: str | None = None


def _validating_code_key() -> str | None:
    """A digest of the code that validates checklists; None (no cache) when its source is not
    installed (a bytecode-only install): without it, a changed program could trust a cache
    its predecessor wrote."""
    global _code_key
    if _code_key is None:
        h = _blake2b(_CACHE_FORMAT.encode(), digest_size=32)
        here = Path(__file__).resolve().parent
        try:
            for name in _VALIDATING_CODE:
                h.update((here / name).read_bytes())
        except OSError:
            return None
        # pydantic's version, without importing it (that is what the cache saves). The path
        # finder first: importing importlib.util for its find_spec is ~0.6 ms of every start.
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec("pydantic")
        if spec is None:  # installed some other way (a zip, an import hook)
            import importlib.util

            spec = importlib.util.find_spec("pydantic")
        if spec is not None and spec.origin:
            with contextlib.suppress(OSError):
                h.update(Path(spec.origin).with_name("version.py").read_bytes())
        _code_key = h.hexdigest()
    return _code_key


def _cache_key(raw: bytes) -> str | None:
    code = _validating_code_key()
    if not code:
        return None
    return _blake2b(code.encode() + b"\0" + raw, digest_size=32).hexdigest()


def _cache_name(key: str) -> str:
    return f"checklists/{key}.marshal"


def _digest(payload: bytes) -> bytes:
    return _blake2b(payload, digest_size=32).hexdigest().encode()


#: What a cached dump may hold: what JSON holds (the dump of the models always is).
_PLAIN_TYPES = (dict, list, str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return type(value) in _PLAIN_TYPES


#: What follows from a checklist's conditions, kept in its cache entry beside the dump: the
#: checklist's cached properties of that name, in a plain form (conditions.encode). Working
#: them out (parsing ~270 condition nodes and following their refs) was ~4 ms of every start.
_DERIVED_CONDITIONS = (
    "named_conditions",
    "show_conditions",
    "rule_conditions",
    "escalate_conditions",
    "pattern_conditions",
)


def _derived(cl: Checklist) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: {k: cond.encode(c) for k, c in getattr(cl, name).items()}
        for name in _DERIVED_CONDITIONS
    }
    out["reading_dependent"] = sorted(cl.reading_dependent)
    out["rule_readings"] = {k: sorted(v) for k, v in cl.rule_readings.items()}
    out["compares_with_prior"] = cl.compares_with_prior
    return out


def _from_entry(entry: dict[str, Any], path: Path) -> Checklist:
    """The checklist of a cache entry, its derived properties filled in from the entry."""
    cl = _built(entry["dump"], path)
    derived = entry["derived"]
    d = cl.__dict__  # where cached_property keeps its values
    for name in _DERIVED_CONDITIONS:
        d[name] = {k: cond.decode(t) for k, t in derived[name].items()}
    d["reading_dependent"] = frozenset(derived["reading_dependent"])
    d["rule_readings"] = {k: frozenset(v) for k, v in derived["rule_readings"].items()}
    d["compares_with_prior"] = derived["compares_with_prior"]
    return cl


def _cache_bytes(dump: dict[str, Any], path: Path) -> bytes | None:
    """The cache file's bytes (the dump and what follows from it), or None when the dump is
    not plain data (a TOML date in a condition, say): such a checklist is validated on every
    load instead."""
    if not _plain(dump):
        return None
    derived = _derived(_built(dump, path))
    payload = marshal.dumps({"dump": dump, "derived": derived})
    return _digest(payload) + b"\n" + payload


def _cached_entry(key: str) -> dict[str, Any] | None:
    raw = cachedir.read(_cache_name(key))
    if raw is None:
        return None
    digest, _, payload = raw.partition(b"\n")
    if _digest(payload) != digest:
        return None
    try:
        data = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("dump"), dict):
        return None
    return data


class ChecklistFile(Struct):
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
        if len(raw) == MAX_CHECKLIST_HEAD:  # whole lines only: a cut could split a character
            raw = raw[: raw.rfind(b"\n") + 1]
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    data: dict[str, Any] = _leading_strings(text)
    if {"id", "version", "title"} <= data.keys():
        return data
    import tomllib

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

#: A line ``key = "text"`` (a basic string without escapes, tabs or control characters), and a
#: line that TOML skips (blank, or a whole-line comment without control characters).
_STRING_LINE = re.compile(r'([A-Za-z0-9_-]+) = "([^"\\\x00-\x1f\x7f]*)"')
_SKIPPED_LINE = re.compile(r"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?")


def _leading_strings(text: str) -> dict[str, str]:
    """The ``key = "text"`` lines at the top of a TOML file, up to its first line of any other
    form: each is a whole statement, so until then the values are exactly what tomllib reads
    (this spares importing and running it, ~4 ms a start, for the bundled files' id, version
    and title). A repeated key gives nothing (tomllib says what is wrong)."""
    out: dict[str, str] = {}
    for line in text.split("\n"):
        m = _STRING_LINE.fullmatch(line)
        if m is None:
            if _SKIPPED_LINE.fullmatch(line):
                continue
            break
        if m[1] in out:
            return {}
        out[m[1]] = m[2]
    return out


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
            # What sub.glob("*.toml") lists (the platform's case rule included), without
            # compiling its pattern: ~0.5 ms of every start.
            try:
                with os.scandir(sub) as entries:
                    names = [e.name for e in entries]
            except OSError:
                continue
            paths = sorted(sub / n for n in names if os.path.normcase(n).endswith(".toml"))
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
