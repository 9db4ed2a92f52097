"""The current item in full: answer keys, how to do it, what is positive, evidence, root, and
the previous exam's value at a follow-up."""

from __future__ import annotations

from rich.text import Text

from exam_tui import rules
from exam_tui.checklist import Checklist, Evidence, Item
from exam_tui.record import Side
from exam_tui.session import Cursor, ExamSession, answer_keys
from exam_tui.textclean import clean, clean_lines
from exam_tui.tui.widgets.text_panel import TextPanel


def evidence_line(ev: Evidence) -> str:
    """Se/Sp/LR figures as the checklist sources them, with the source; nothing is computed."""
    parts = []
    for label, value in (
        ("Se", ev.sensitivity),
        ("Sp", ev.specificity),
        ("LR+", ev.lr_positive),
        ("LR−", ev.lr_negative),
    ):
        if value is not None:
            parts.append(f"{label} {value:g}")
    if ev.text:
        parts.append(ev.text)
    return f"{', '.join(parts)} [{ev.source}]"


def side_noun(checklist: Checklist) -> str:
    """What a side is called in this checklist (its ``[texts] side_noun``)."""
    return checklist.texts.side_noun


def keys_line(item: Item) -> str:
    if item.kind == "number":
        rng = f"{item.min:g}–{item.max:g}" if item.min is not None and item.max is not None else ""
        unit = f" {item.unit}" if item.unit else ""
        return f"type a number ({rng}{unit}), enter to save"
    keys = answer_keys(item)
    if item.kind == "choice":
        return "  ".join(f"{k} {item.option_label(str(v))}" for k, v in keys.items())
    if item.kind in ("reflex", "mrc"):
        first, last = next(iter(keys)), list(keys)[-1]
        return f"{first}–{last} ({'NINDS reflex grade' if item.kind == 'reflex' else 'MRC grade'})"
    return "  ".join(f"{k} {v}" for k, v in keys.items())


class ItemDetail(TextPanel):
    """What to do for the item under the cursor, and what was recorded. The panel keeps its
    size (the screen gives it the room below the items table); a long text scrolls in it."""

    def show(self, session: ExamSession) -> None:
        self.set_text(detail_text(session, session.item, session.side))

    def prepare_at(self, session: ExamSession, cursor: Cursor) -> None:
        """Wrap the text of the value at ``cursor`` (where an answer moves), after the frame:
        the next answer's panel then needs no wrapping of its method and evidence."""
        self.prepare(detail_text(session, session.checklist.items[cursor.item], cursor.side))


def detail_text(session: ExamSession, item: Item, side: Side | None) -> Text:
    """The panel's text for one value of an item (the cursor's, or the next one's)."""
    t = Text()
    t.append(item.label, style="bold")
    if side:
        affected = session.record.exam.affected_side in (side, "both")
        noun = side_noun(session.checklist)
        t.append(f" — {side} {noun}{' (affected)' if affected else ''}", style="bold")
    if item.root:
        t.append(f"  root {item.root}", style="italic")
    value = session.record.get(item.id, side)
    t.append("\nNow: ", style="dim")
    t.append(clean(rules.format_value(item, value)) if value is not None else "not answered")
    if value is not None:
        t.append("  (x clears)", style="dim")
    note = session.note(item.id)
    if note:
        # Right under the value, in full: at 80×24 a note at the end was cut off.
        t.append("\nNote: ", style="dim")
        # Each line under "Note:", cleaned of anything a terminal would obey.
        t.append(clean_lines(note).replace("\n", "\n      "), style="italic")
    if session.prior is not None:
        # The previous exam's value, never pre-filled: the clinician examines afresh.
        old = session.prior_value(item.id, side)
        t.append("\nWas: ", style="dim")
        t.append(clean(rules.format_value(item, old)) if old is not None else "not recorded")
        t.append(f" on {session.prior_date}", style="dim")
        change = session.change(item, side)
        if change is not None:
            t.append(f" · now {change}", style="bold" if change in ("worse", "new finding") else "")
    t.append("\nKeys: ", style="dim")
    t.append(keys_line(item), style="bold")
    for label, body in (
        ("How", item.how),
        ("Positive if", item.positive_if),
        ("Means", item.meaning if not item.how or not item.positive_if else None),
    ):
        if body:
            t.append(f"\n{label}: ", style="dim")
            t.append(body)
    for ev in item.evidence:
        t.append("\nEvidence: ", style="dim")
        t.append(evidence_line(ev))
    return t
