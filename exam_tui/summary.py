"""The plain-text summary of an exam that a clinician pastes into the patient's notes."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from exam_tui import kinds, rules
from exam_tui.checklist import URGENCY_LABELS, Checklist, Item, Section, urgency_rank
from exam_tui.conditions import SIDES, ItemTest, Side
from exam_tui.record import Record, is_shown
from exam_tui.textclean import clean as _clean

#: Narrower requests are rendered at this width (the indents need room). The CLI refuses
#: less than 40; the app's summary screen may be narrower, and must not crash on it.
MIN_WIDTH = 20

SIDE_LETTER: dict[Side, str] = {"left": "L", "right": "R"}


# ----------------------------------------------------------------------------- text helpers


def _paragraphs(text: str) -> list[str]:
    """A note's paragraphs (its own line breaks kept), each cleaned; blank ones dropped."""
    # Only real line ends: str.splitlines() would also split on control characters like NEL.
    lines = re.split(r"\r\n|\r|\n", text)
    return [p for p in (_clean(line).strip() for line in lines) if p]


def _num(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _join(words: Sequence[str]) -> str:
    return ", ".join(words)


def _and(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class _Writer:
    """Collects wrapped lines; every line fits the width, whatever the text."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[str] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def para(self, text: str, indent: int = 0, hang: int = 4) -> None:
        """One paragraph at ``indent``; continuation lines indented ``hang`` more."""
        first = " " * indent
        rest = " " * min(indent + hang, self.width // 2)
        wrapper = textwrap.TextWrapper(
            width=self.width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=True,
            break_on_hyphens=False,
        )
        wrapped = wrapper.wrap(_clean(text))
        self.lines.extend(line.rstrip() for line in wrapped)

    def note(self, label: str | None, note: str | None, indent: int) -> None:
        if not note:
            return
        paras = _paragraphs(note)
        for i, p in enumerate(paras):
            if i == 0:
                self.para((f"Note ({label}): " if label else "Note: ") + p, indent, hang=2)
            else:  # the note's own further lines, under its first
                self.para(p, indent + 2, hang=0)

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


# ----------------------------------------------------------------------------- values


def value_text(item: Item, value: Any) -> str:
    """A value in clinical notation: reflex 1 (reduced), MRC 3/5, 40°, 6 weeks, option words."""
    return kinds.summary_text(item, value)


def is_abnormal(item: Item, value: Any) -> bool:
    """Whether one value is a finding (positive sign, yes, reflex ≠ 2, MRC < 5, ...)."""
    return kinds.is_abnormal(item, value)


def is_finding_item(item: Item) -> bool:
    """Items whose values are findings (normal or abnormal), not measurements or text."""
    return item.kind in kinds.FINDING_KINDS or (item.kind == "choice" and item.normal is not None)


def _label(item: Item, section: Section | None = None, *, root: bool = True) -> str:
    """The item's label with its root; under its section "Sensation: dorsum of foot" loses the
    repeated "Sensation: "."""
    label = item.label
    if section is not None:
        prefix = section.title + ": "
        if label.lower().startswith(prefix.lower()) and len(label) > len(prefix):
            rest = label[len(prefix) :]
            label = rest[0].upper() + rest[1:]
    return f"{label} ({item.root})" if item.root and root else label


def _values(record: Record, item: Item) -> list[tuple[Side | None, Any]]:
    return [(s, record.get(item.id, s)) for s in slots_of(item)]


def slots_of(item: Item) -> tuple[Side | None, ...]:
    return SIDES if item.bilateral else (None,)


def _answered(record: Record, item: Item) -> bool:
    return any(v is not None for _, v in _values(record, item))


def _item_abnormal(record: Record, item: Item) -> bool:
    vals = [v for _, v in _values(record, item)]
    if any(is_abnormal(item, v) for v in vals):
        return True
    # A reflex that differs between the sides is a finding even if both grades are "normal".
    return bool(
        item.bilateral and item.kind == "reflex" and None not in vals and vals[0] != vals[1]
    )


# ----------------------------------------------------------------------------- the summary


class _Summary:
    def __init__(
        self,
        checklist: Checklist,
        record: Record,
        evaluation: rules.Evaluation,
        width: int,
        prior: Record | None,
        changes: Sequence[str] | None,
    ) -> None:
        self.cl = checklist
        self.rec = record
        self.ev = evaluation
        self.out = _Writer(width)
        self.prior = prior
        self.changes = changes
        #: Items whose note has been printed; any left over go under "Other notes".
        self.noted: set[str] = set()
        self.screening_sections = [
            s
            for s in checklist.sections
            if s.id in {r.screening_section for r in checklist.rules if r.screening_section}
        ]
        self.screening_sections += [
            s
            for s in checklist.sections
            if s.role == "screening" and s not in self.screening_sections
        ]
        self.screening_sections.sort(key=checklist.sections.index)
        screening_ids = {s.id for s in self.screening_sections}
        self.history = [s for s in checklist.sections if s.role == "history"]
        self.exam_sections = [
            s for s in checklist.sections if s.role != "history" and s.id not in screening_ids
        ]
        #: Sections whose positive findings are listed under their own heading.
        self.listed_sections = [
            s for s in checklist.sections if s.summary_heading and s.id not in screening_ids
        ]
        #: number items folded into their parent's line (e.g. an angle): child id -> parent id
        self.folded = self._foldable()

    def _note(self, item: Item, indent: int, *, named: bool = True) -> None:
        """The item's note, if any, said once in the whole summary."""
        note = self.rec.note(item.id)
        if note and item.id not in self.noted:
            self.noted.add(item.id)
            self.out.note(item.label if named else None, note, indent)

    def _shown(self, item: Item, side: Side | None) -> bool:
        return is_shown(self.cl, self.rec, item.id, side)

    def _foldable(self) -> dict[str, str]:
        """Angle items shown only when their parent sign is abnormal read best on its line."""
        out: dict[str, str] = {}
        for section in self.cl.sections:
            ids = {i.id for i in section.items}
            for item in section.items:
                cond = self.cl.show_conditions.get(item.id)
                if (
                    item.kind == "number"
                    and item.bilateral
                    and (item.unit or "") in kinds.UNIT_SYMBOLS
                    and isinstance(cond, ItemTest)
                    and cond.item in ids
                    and self.cl.items[cond.item].bilateral
                    and self.cl.items[cond.item].kind == "sign"
                ):
                    out[item.id] = cond.item
        return out

    # -- parts ---------------------------------------------------------------------------

    def render(self) -> str:
        self.header()
        self.flags()
        if self.changes is not None:
            self.since()
        for section in self.screening_sections:
            self.screening_block(section)
        for section in self.history:
            self.history_block(section)
        self.abnormal()
        self.listed()
        self.measurements()
        self.normal()
        self.not_tested()
        self.pattern()
        self.safety_net()
        self.other_notes()
        self.unknown_items()
        self.footer()
        return self.out.text()

    def header(self) -> None:
        o, rec = self.out, self.rec
        o.para(f"Exam summary: {self.cl.title}", hang=2)
        o.para(f"Patient: {rec.patient.id}", hang=2)
        examiner = rec.exam.examiner.strip() or "not recorded"
        o.para(f"Exam: {_when(rec.exam.started_at)}; examiner: {examiner}", hang=2)
        o.para(f"Affected side: {rec.exam.affected_side}", hang=2)
        if rec.status == "draft":
            status = "draft (not completed)"
        elif rec.status == "completed":
            status = "completed" + (
                f" {_when(rec.exam.completed_at)}" if rec.exam.completed_at else ""
            )
        else:
            n = len(rec.amendments)
            status = f"amended after completion ({n} amendment{'s' if n != 1 else ''})"
        o.para(f"Record status: {status}", hang=2)
        present = {i.kind for i in self.cl.items.values()}
        legend = []
        if any(i.bilateral for i in self.cl.items.values()):
            legend.append("L = left, R = right.")
        legend += [text for kind, text in kinds.LEGENDS.items() if kind in present]
        if legend:
            o.para(" ".join(legend), hang=2)

    def flags(self) -> None:
        o = self.out
        o.blank()
        flags = sorted(enumerate(self.ev.flags), key=lambda p: (urgency_rank(p[1].urgency), p[0]))
        if not flags:
            o.para("Flags")
            if self.ev.no_flags:
                o.para(self.ev.no_flags, 2)
        else:
            o.para("Flags (most urgent first)")
            for _, flag in flags:
                urgency = URGENCY_LABELS.get(flag.urgency, flag.urgency.upper())
                o.para(f"{urgency} — {flag.title}", 2)
                advice = flag.advice
                if not advice.lower().startswith("consider"):
                    what = _and(list(flag.actions)) or "action"
                    advice = f"Consider {what}: {advice}"
                o.para(advice, 4, 2)
                if flag.escalated_because:
                    o.para(f"Urgency raised: {flag.escalated_because}.", 4, 2)
                if flag.reasons:
                    o.para("Findings: " + "; ".join(flag.reasons) + ".", 4, 2)
                o.para(f"Source: {flag.source}", 4, 2)
        for w in self.ev.warnings:
            o.para(f"WARNING — {w.message}", 2)

    def since(self) -> None:
        o = self.out
        o.blank()
        when = _date(self.prior.exam.started_at) if self.prior is not None else "the previous exam"
        o.para(f"Since {when}")
        if not self.changes:
            o.para("No change in the recorded findings.", 2)
        for line in self.changes or ():
            o.para(line, 2)

    def screening_block(self, section: Section) -> None:
        o, rec = self.out, self.rec
        o.blank()
        pos = [i for i in section.items if _item_abnormal(rec, i)]
        neg = [i for i in section.items if _answered(rec, i) and i not in pos]
        missing = [
            i
            for i in section.items
            if any(rec.get(i.id, s) is None and self._shown(i, s) for s in slots_of(i))
        ]
        title = section.title
        screening_rules = {r.id for r in self.cl.rules if r.screening_section}
        ids = {i.id for i in section.items}
        contradicted = [
            self.cl.items[i].label
            for w in self.ev.warnings
            if w.id not in screening_rules
            for i in w.items
            if i in ids and i in self.cl.items
        ]
        if not pos and not missing:
            if contradicted:
                o.para(
                    f"{title}: all answered negative, but contradicted by a finding"
                    f" ({_join(list(dict.fromkeys(contradicted)))}: see WARNING above)"
                )
            else:
                o.para(f"{title}: screened, all negative")
            if neg:
                o.para("Asked: " + _join([i.label for i in neg]) + ".", 2)
        else:
            state = "POSITIVE" if pos else "no positive answer"
            if missing:
                state += "; screening incomplete"
            o.para(f"{title}: {state}")
            if pos:
                o.para("Positive: " + _join([self._pos_label(i) for i in pos]) + ".", 2)
            if neg:
                o.para("Negative: " + _join([i.label for i in neg]) + ".", 2)
            if missing:
                o.para("NOT ASKED: " + _join([i.label for i in missing]) + ".", 2)
        for i in section.items:
            self._note(i, 2)

    def _pos_label(self, item: Item) -> str:
        if item.kind == "yes_no" and not item.bilateral:
            return item.label
        return f"{item.label} ({self._sides_text(item)})"

    def history_block(self, section: Section) -> None:
        o, rec = self.out, self.rec
        answered = [i for i in section.items if _answered(rec, i)]
        if not answered:
            return
        o.blank()
        o.para(f"{section.title} (patient's account)")
        yes: list[str] = []
        no: list[str] = []
        for item in answered:
            if item.kind == "yes_no" and not item.bilateral:
                (yes if rec.get(item.id) == "yes" else no).append(item.label)
            else:
                o.para(f"{_label(item)}: {self._sides_text(item)}", 2)
        if yes:
            o.para("Reports: " + _join(yes) + ".", 2)
        if no:
            o.para("Denies: " + _join(no) + ".", 2)
        for item in answered:
            self._note(item, 2)

    def abnormal(self) -> None:
        o, rec = self.out, self.rec
        o.blank()
        o.para("Abnormal findings")
        any_found = False
        for section in self.exam_sections:
            if section.summary_heading:
                continue  # listed under its own heading
            items = [i for i in section.items if _item_abnormal(rec, i)]
            if not items:
                continue
            any_found = True
            o.para(section.title, 2)
            for item in items:
                o.para(self._abnormal_line(item, section), 4)
                self._note(item, 6, named=False)
                for child, parent in self.folded.items():
                    if parent == item.id and self._folded_sides(self.cl.items[child]):
                        self._note(self.cl.items[child], 6)
        if not any_found:
            answered = any(
                _answered(rec, i)
                for s in self.exam_sections
                if not s.summary_heading
                for i in s.items
            )
            o.para(
                "None on examination." if answered else "None recorded: no examination findings.", 2
            )

    def _abnormal_line(self, item: Item, section: Section) -> str:
        """ "Label: positive L, negative R", or the item's own wording of a positive side
        (e.g. "Tap test positive: tapping R hurts the L paw")."""
        label = _label(item, section)
        if not (item.positive_text and item.bilateral):
            return f"{label}: {self._sides_text(item, abnormal=True)}"
        worded: list[str] = []
        rest: list[str] = []
        for side in SIDES:
            v = self.rec.get(item.id, side)
            if v is None:
                continue
            if is_abnormal(item, v):
                text = item.positive_text.format(
                    side=SIDE_LETTER[side],
                    other_side=SIDE_LETTER["right" if side == "left" else "left"],
                    side_noun=self.cl.texts.side_noun,
                    value=value_text(item, v),
                )
                worded.append(f"{value_text(item, v)}: {text}")
            else:
                rest.append(f"{value_text(item, v)} {SIDE_LETTER[side]}")
        line = f"{label} " + "; ".join(worded)
        return line + (f" ({', '.join(rest)})" if rest else "")

    def listed(self) -> None:
        """Sections with their own heading (e.g. other possible sources): positives only."""
        o, rec = self.out, self.rec
        for section in self.listed_sections:
            items = [i for i in section.items if _item_abnormal(rec, i)]
            if not items:
                continue
            o.blank()
            o.para(section.summary_heading or section.title)
            for item in items:
                o.para(self._abnormal_line(item, section), 2)
                self._note(item, 4, named=False)

    def _folded_sides(self, child: Item) -> set[Side]:
        """The sides of a folded number item that its parent's abnormal line already shows."""
        parent = self.cl.items[self.folded[child.id]]
        return {
            s
            for s in SIDES
            if self.rec.get(child.id, s) is not None
            and is_abnormal(parent, self.rec.get(parent.id, s))
        }

    def measurements(self) -> None:
        o, rec = self.out, self.rec
        rows: list[tuple[Section, Item, str]] = []
        for section in self.exam_sections:
            for item in section.items:
                if is_finding_item(item) or not _answered(rec, item):
                    continue
                skip: set[Side] = self._folded_sides(item) if item.id in self.folded else set()
                text = self._sides_text(item, skip=skip)
                if text:
                    rows.append((section, item, text))
        if not rows:
            return
        o.blank()
        o.para("Measurements and other values")
        for section, item, text in rows:
            o.para(f"{section.title} — {_label(item)}: {text}", 2)
            self._note(item, 6, named=False)

    def normal(self) -> None:
        o, rec = self.out, self.rec
        rows: list[tuple[str, list[Item]]] = []
        for section in self.exam_sections:
            graded = [i for i in section.items if is_finding_item(i) and _answered(rec, i)]
            normal = [i for i in graded if not _item_abnormal(rec, i)]
            if not normal:
                continue
            labels = [self._normal_label(section, i) for i in normal]
            applicable = [i for i in section.items if is_finding_item(i) and self._applicable(i)]
            both = all(
                not i.bilateral or None not in (rec.get(i.id, "left"), rec.get(i.id, "right"))
                for i in normal
            )
            word = "negative" if all(i.kind in ("sign", "yes_no") for i in normal) else "normal"
            if len(normal) == len(graded) == len(applicable) and both:
                # Every applicable test of the section done and normal: one short line.
                if any(i.bilateral for i in normal):
                    word += " on both sides" if word == "negative" else " and symmetrical"
                rows.append((f"{section.title}: {word} ({_join(labels)})", normal))
            else:
                rows.append((f"{section.title} — {word}: {_join(labels)}", normal))
        if not rows:
            return
        o.blank()
        o.para("Normal findings")
        for text, items in rows:
            o.para(text, 2)
            for item in items:
                self._note(item, 4)

    def _applicable(self, item: Item) -> bool:
        return any(self._shown(item, s) for s in slots_of(item))

    def _normal_label(self, section: Section, item: Item) -> str:
        label = _label(item, section)
        if item.kind == "plantar":
            label += " (flexor)"
        if item.bilateral:
            answered = [s for s in SIDES if self.rec.get(item.id, s) is not None]
            if len(answered) == 1:
                label += f" ({SIDE_LETTER[answered[0]]} only)"
        return label

    def not_tested(self) -> None:
        o, rec = self.out, self.rec
        rows: list[tuple[str, list[str], list[Item]]] = []
        screening = {s.id for s in self.screening_sections}
        for section in self.cl.sections:
            if section.id in screening:
                continue  # the red-flag block names what was not asked
            missing: list[str] = []
            items: list[Item] = []
            for item in section.items:
                sides = [
                    s
                    for s in slots_of(item)
                    if self._shown(item, s) and rec.get(item.id, s) is None
                ]
                if not sides:
                    continue
                items.append(item)
                label = _label(item, section, root=False)
                if item.bilateral and len(sides) == 1 and sides[0] is not None:
                    label += f" ({SIDE_LETTER[sides[0]]})"
                missing.append(label)
            if missing:
                title = section.title + (" (not asked)" if section.role == "history" else "")
                rows.append((title, missing, items))
        o.blank()
        o.para("Not tested")
        if not rows:
            o.para("Nothing: every applicable item was recorded.", 2)
        for title, missing, items in rows:
            o.para(f"{title}: {_join(missing)}.", 2)
            for item in items:
                if not _answered(rec, item):
                    self._note(item, 4)

    def pattern(self) -> None:
        p = self.ev.pattern
        if p is None or self.cl.pattern is None:
            return
        o = self.out
        o.blank()
        o.para(self.cl.pattern.title)
        counts = [f"{g.title} points {g.points} of {g.max}" for g in p.groups]
        counts[1:] = [c[:1].lower() + c[1:] for c in counts[1:]]
        o.para(f"Reading: {p.reading_label}. {', '.join(counts)}.", 2)
        for group in p.groups:
            points = [pt for pt in p.points if pt.group == group.id]
            if not points:
                continue
            o.para(f"{group.title} points:", 2)
            for pt in points:
                if len(pt.reasons) == 1 and pt.reasons[0].startswith(pt.label):
                    o.para(f"- {pt.reasons[0]}", 4, 2)  # "Pain below the knee: yes"
                else:
                    why = f": {'; '.join(pt.reasons)}" if pt.reasons else ""
                    o.para(f"- {pt.label}{why}", 4, 2)
        for note in p.held_notes:
            o.para(note, 2)
        if p.note:
            o.para(p.note, 2)

    def safety_net(self) -> None:
        if not self.ev.safety_net:
            return
        o = self.out
        o.blank()
        for para in _paragraphs(self.ev.safety_net):
            o.para(para, 0, 2)

    def other_notes(self) -> None:
        """Notes not said yet (on an item hidden and unanswered): never dropped."""
        left = [i for i in self.cl.items.values() if self.rec.note(i.id) and i.id not in self.noted]
        if not left:
            return
        self.out.blank()
        self.out.para("Other notes")
        for item in left:
            self._note(item, 2)

    def unknown_items(self) -> None:
        o, rec = self.out, self.rec
        unknown = [k for k in rec.findings if k not in self.cl.items]
        if not unknown:
            return
        o.blank()
        o.para(f"Items not in checklist {self.cl.id} {self.cl.version}")
        o.para("Kept as recorded; not used for flags or the pattern.", 2)
        for key in unknown:
            f = rec.findings[key]
            parts = [
                f"{name} = {_raw(getattr(f, name))}"
                for name in ("left", "right", "value", "note")
                if getattr(f, name) is not None
            ]
            o.para(f"{key}: {', '.join(parts) or 'no value'}", 2)

    def footer(self) -> None:
        o = self.out
        o.blank()
        line = f"Checklist: {self.cl.id} {self.cl.version} (exam-tui)"
        if (self.rec.checklist, self.rec.checklist_version) != (self.cl.id, self.cl.version):
            line += f"; recorded with {self.rec.checklist} {self.rec.checklist_version}"
        o.para(line)

    # -- one item's values ---------------------------------------------------------------

    def _sides_text(self, item: Item, *, abnormal: bool = False, skip: Iterable[Side] = ()) -> str:
        """ "positive L at 40°, negative R": each answered side with its value.

        Bilateral values that are equal read "negative L and R". A side that applies but was
        not recorded says so, unless the item is hidden on that side (e.g. an angle shown only
        when its test is positive).
        """
        rec = self.rec
        if not item.bilateral:
            v = rec.get(item.id)
            return "" if v is None else value_text(item, v)
        skip = set(skip)
        parts: list[tuple[str, str]] = []  # (value text, side letter)
        for side in SIDES:
            if side in skip:
                continue
            v = rec.get(item.id, side)
            if v is None:
                if abnormal and self._shown(item, side):
                    parts.append(("not tested", SIDE_LETTER[side]))
                continue
            text = value_text(item, v)
            extra = ""
            for child, parent in self.folded.items():
                cv = rec.get(child, side)
                if parent == item.id and cv is not None and is_abnormal(item, v):
                    extra += f" at {value_text(self.cl.items[child], cv)}"
            parts.append((text, SIDE_LETTER[side] + extra))
        if (
            len(parts) == 2
            and parts[0][0] == parts[1][0]
            and parts[0][1] == "L"
            and parts[1][1] == "R"
        ):
            return f"{parts[0][0]} L and R"
        return ", ".join(f"{t} {s}" for t, s in parts)


def _raw(value: Any) -> str:
    """A raw value as written in the record (strings quoted, control characters escaped)."""
    return json.dumps(value, ensure_ascii=False)


def _when(dt: datetime | None) -> str:
    if dt is None:
        return "time not recorded"
    text = dt.strftime("%Y-%m-%d %H:%M")
    offset = dt.utcoffset()
    if offset is None:
        return text
    if offset.total_seconds() == 0:
        return text + " UTC"
    return text + " UTC" + dt.strftime("%z")[:3] + ":" + dt.strftime("%z")[3:]


def _date(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d")


def render_summary(
    checklist: Checklist,
    record: Record,
    evaluation: rules.Evaluation,
    width: int = 80,
    prior: Record | None = None,
    changes: Sequence[str] | None = None,
) -> str:
    """The summary as plain UTF-8 text wrapped to ``width`` columns, ending with a newline.

    No line is longer than ``width`` (at least MIN_WIDTH, which narrower requests get).
    Deterministic: the same record gives the same bytes (no clock, no set order). ``changes``
    (lines describing what changed since ``prior``) adds a "Since <date>" part after the flags.
    """
    width = max(width, MIN_WIDTH)
    return _Summary(checklist, record, evaluation, width, prior, changes).render()
