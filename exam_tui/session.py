"""A live exam without a screen: record, cursor, one-key answers, a save after every change.

The Textual app (exam_tui/tui) only draws an :class:`ExamSession` and turns key presses into
calls on it; benchmarks and the kill test drive the same object directly. This module never
imports Textual.

Saving: every change is written at once with :func:`storage.save_record` (atomic, and
conflict-checked against the file as we last loaded or saved it). The first save of a new
exam creates the file with :func:`storage.create_record` in ``records_dir``. A failed save
raises :class:`~exam_tui.errors.RecordError` (or ``RecordConflictError``) *after* the change
was made in memory: the screen still shows it, ``dirty`` stays true, and the next change
tries the save again.

Follow-up exams: :attr:`ExamSession.prior` is the patient's latest earlier record in the
records folder (:func:`compare.latest_prior`). It is looked up once, when the session is built
(or, in the app, in a thread right after: reading 10,000 record headers takes seconds), never
per key. The flags then include the checklist's rules that compare with that exam
(progression), and the screen can show the previous value of each item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from exam_tui import conditions as cond
from exam_tui import kinds
from exam_tui import record as rec
from exam_tui.checklist import Checklist, Item, Section
from exam_tui.errors import RecordError
from exam_tui.record import Record, Side
from exam_tui.values import Struct

if TYPE_CHECKING:
    from exam_tui.compare import ChangeKind, Comparison
    from exam_tui.rules import Evaluation, Evaluator
    from exam_tui.storage import LoadedRecord

Clock = Callable[[], datetime]
Value = str | int | float
#: One slot of a record: (item id, "left" | "right" | "value" | "note").
Slot = tuple[str, str]
#: What one change did: per slot, (before, after).
ChangeSet = dict[Slot, tuple[Value | None, Value | None]]

NUMBER_CHARS = frozenset("0123456789.")
MAX_NUMBER_CHARS = 8


def answer_keys(item: Item) -> dict[str, Value]:
    """The keys that answer this item, mapped to the value each records (in display order)."""
    return kinds.answer_keys(item)


class NormalFill(Struct):
    """What N ("rest of this section normal") would record in the current section.

    ``role`` decides: a history section records nothing; a screening section records ``values``
    only after the examiner confirms the list; an exam section records them at once.
    """

    section: Section
    role: str
    values: tuple[tuple[Item, Side | None, Value], ...]

    @property
    def needs_confirmation(self) -> bool:
        return self.role == "screening" and bool(self.values)

    def labels(self) -> list[str]:
        """Each item once, by label, with its value ("Tap test: negative")."""
        seen: dict[str, str] = {}
        for item, _side, value in self.values:
            seen.setdefault(item.id, f"{item.label}: {kinds.long_text(item, value)}")
        return list(seen.values())


def slot_values(record: Record) -> dict[Slot, Value]:
    """Every answered value and note of a record, by slot (unanswered slots are absent)."""
    out: dict[Slot, Value] = {}
    for item_id, f in record.findings.items():
        for field in ("left", "right", "value", "note"):
            v = getattr(f, field)
            if v is not None:
                out[(item_id, field)] = v
    return out


def diff_slots(before: dict[Slot, Value], after: dict[Slot, Value]) -> ChangeSet:
    """The slots whose value differs, with (before, after)."""
    return {
        k: (before.get(k), after.get(k))
        for k in sorted(before.keys() | after.keys())
        if before.get(k) != after.get(k)
    }


class Cursor(Struct):
    """Where the examiner is: a section (by index), an item in it, a side for bilateral items."""

    section: int
    item: str
    side: Side | None


class ExamSession:
    """One exam in progress: owns the record, its file, the cursor and the flags.

    Build one with :meth:`start` (a new exam) or :meth:`open` (a saved record).
    """

    def __init__(
        self,
        checklist: Checklist,
        record: Record,
        *,
        records_dir: Path,
        path: Path | None = None,
        fingerprint: str | None = None,
        clock: Clock = rec.now_utc,
        user: str | None = None,
        warnings: list[str] | None = None,
        prior: LoadedRecord | None = None,
    ) -> None:
        self.checklist = checklist
        self.record = record
        self.records_dir = records_dir
        #: The record file; None until the first save of a new exam creates it.
        self.path = path
        #: Fingerprint of the file as last loaded or saved (conflict detection).
        self.fingerprint = fingerprint
        self.clock = clock
        #: Who makes the changes (the amendment log's ``by``); defaults to the record's examiner.
        self.user = user or record.exam.examiner or "unknown"
        #: Warnings from loading the record (unknown items, older checklist version).
        self.warnings = list(warnings or [])
        #: True while a change has not reached the disk (the last save failed).
        self.dirty = False
        #: While True, a change is not saved at once but left to :meth:`flush` (the app sets
        #: it around an answer key, draws the answer, then flushes; see ExamScreen._do).
        self.defer_save = False
        #: A change made with ``defer_save`` on that :meth:`flush` has not written yet.
        self.save_pending = False
        #: Digits typed so far for a number item (committed with :meth:`commit_number`).
        self.number_buffer = ""
        self._evaluation: Evaluation | None = None
        self._evaluator: Evaluator | None = None
        #: is_shown for ``_shown_for`` at ``_shown_revision`` (see _shown).
        self._shown_for: Record | None = None
        self._shown_revision = -1
        self._shown_cache: dict[tuple[str, Side | None], bool] = {}
        self._shown_context: cond.Context | None = None
        #: (answered, applicable) per section, for the record as it stands (see _shown).
        self._progress: tuple[tuple[int, int], ...] | None = None
        #: Why the cursor did not leave its cell (a typed number that is not valid), or None.
        self.refusal: str | None = None
        #: Why the record is being amended (stored in each amendment entry), if given.
        self.amend_reason: str | None = None
        #: Every change so far, oldest first, each undoable as one step (:meth:`undo`).
        self._undo: list[ChangeSet] = []
        #: The record's values after the last change, and as last loaded or saved (the file's
        #: contents): changes are found by comparing with these, so every way of changing the
        #: record (an answer, a note, a whole ``N`` fill) is one undo step without each method
        #: keeping its own log.
        self._after_last_change = slot_values(record)
        self._on_disk = dict(self._after_last_change) if path is not None else {}
        self._amendments_seen = len(record.amendments)
        #: The patient's latest earlier exam (None: there is none, or it was not looked up yet).
        self.prior: LoadedRecord | None = None
        #: True once the records folder was searched for :attr:`prior` (see :meth:`set_prior`).
        self.prior_checked = False
        if prior is not None:
            self.set_prior(prior)
        first = self._first_position(0)
        self.cursor = first or Cursor(0, checklist.sections[0].items[0].id, None)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        checklist: Checklist,
        records_dir: Path,
        *,
        patient: str,
        examiner: str,
        side: str,
        clock: Clock = rec.now_utc,
        find_prior: bool = True,
    ) -> ExamSession:
        """A new draft exam. Nothing is written until the first change (then the file appears).

        ``find_prior``: look up the patient's latest earlier exam now (the app passes False and
        does it in a thread with :meth:`find_prior` and :meth:`set_prior`).
        """
        record = rec.new_record(checklist, patient, examiner, side, started_at=clock())
        session = cls(checklist, record, records_dir=records_dir, clock=clock)
        if find_prior:
            session.set_prior(session.find_prior())
        return session

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        checklist: Checklist | None = None,
        clock: Clock = rec.now_utc,
        user: str | None = None,
        find_prior: bool = True,
        upgrade: bool = True,
    ) -> ExamSession:
        """A saved record, positioned at its first unanswered value. Raises RecordError.

        ``find_prior`` as for :meth:`start`: the latest exam of the patient before this one.
        ``upgrade``: a draft of an older checklist version moves to the newest version when
        every item it holds still exists there (see storage.upgrade_draft); the session's
        warnings say so.
        """
        from exam_tui import storage

        loaded = storage.load_record(path, checklist=checklist)
        if upgrade:
            loaded = storage.upgrade_draft(loaded)
        session = cls(
            loaded.checklist,
            loaded.record,
            records_dir=path.parent,
            path=path,
            fingerprint=loaded.fingerprint,
            clock=clock,
            user=user,
            warnings=loaded.warnings,
        )
        session.goto_first_unanswered()
        if find_prior:
            session.set_prior(session.find_prior())
        return session

    # -- reading ----------------------------------------------------------------------------

    @property
    def sections(self) -> list[Section]:
        return self.checklist.sections

    @property
    def section(self) -> Section:
        return self.checklist.sections[self.cursor.section]

    @property
    def item(self) -> Item:
        return self.checklist.items[self.cursor.item]

    @property
    def side(self) -> Side | None:
        return self.cursor.side

    @property
    def value(self) -> Value | None:
        """The value under the cursor."""
        return self.record.get(self.cursor.item, self.cursor.side)

    def is_shown(self, item: Item, side: Side | None = None) -> bool:
        return self._shown(item.id, side)

    def _remembering(self) -> Record:
        """The record, after forgetting what was remembered for an earlier one (or an earlier
        revision of it): which values are shown, and the sections' progress."""
        record = self.record
        if self._shown_for is not record or self._shown_revision != record.revision:
            self._shown_for, self._shown_revision = record, record.revision
            self._shown_cache = {}
            self._shown_context = None
            self._progress = None
        return record

    def _shown(self, item_id: str, side: Side | None) -> bool:
        """record.is_shown, remembered for this record as it stands (its ``revision``): the
        screen asks it for every value of the exam after each key (progress, the sections'
        counts, moving), ~300 times, each evaluating the show-condition afresh."""
        record = self._remembering()
        key = (item_id, side)
        hit = self._shown_cache.get(key)
        if hit is None:
            condition = self.checklist.show_conditions.get(item_id)
            if condition is None:
                hit = True
            else:
                if self._shown_context is None:
                    self._shown_context = rec.findings_context(self.checklist, record)
                hit = cond.evaluate(condition, self._shown_context, side)[0]
            self._shown_cache[key] = hit
        return hit

    def shown_sides(self, item: Item) -> list[Side | None]:
        """The sides of an item whose show-condition holds ([None] for a one-value item)."""
        return [s for s in rec.slots(self.checklist, item) if self.is_shown(item, s)]

    def shown_items(self, section_index: int | None = None) -> list[Item]:
        """The items of a section (default: the current one) with at least one shown value."""
        idx = self.cursor.section if section_index is None else section_index
        return [i for i in self.checklist.sections[idx].items if self.shown_sides(i)]

    def progress(self, section_index: int | None = None) -> tuple[int, int]:
        """(answered, applicable) values of one section, or of the whole exam with None."""
        per_section = self.section_progress()
        if section_index is not None:
            return per_section[section_index]
        return sum(d for d, _ in per_section), sum(t for _, t in per_section)

    def section_progress(self) -> tuple[tuple[int, int], ...]:
        """(answered, applicable) of every section, remembered for the record as it stands
        (the section list asks for all of them after every key)."""
        record = self._remembering()
        if self._progress is None:
            cl = self.checklist
            self._progress = tuple(
                rec.progress(cl, record, section.id, shown=self._shown) for section in cl.sections
            )
        return self._progress

    def unanswered(self) -> list[tuple[str, list[tuple[Item, Side | None]]]]:
        return rec.unanswered(self.checklist, self.record, shown=self._shown)

    @property
    def evaluation(self) -> Evaluation:
        """Flags, screening warnings and the pattern for the record as it stands (cached);
        with a prior exam, also the rules that compare with it (progression)."""
        if self._evaluation is None:
            from exam_tui import rules

            prior = self.prior.record if self.prior is not None else None
            evaluator = self._evaluator
            if evaluator is None or evaluator.checklist is not self.checklist:
                # Kept from key to key: it re-evaluates only what the last change can affect.
                evaluator = self._evaluator = rules.Evaluator(self.checklist)
            self._evaluation = evaluator.evaluate(self.record, prior)
        return self._evaluation

    # -- the previous exam ------------------------------------------------------------------

    def find_prior(self) -> LoadedRecord | None:
        """Look up (without keeping it) the latest record of this patient in the records folder
        started before this exam, other than this exam's own file. Reads files only, so the app
        runs it in a thread; unreadable records are skipped."""
        from exam_tui import compare

        try:
            return compare.latest_prior(
                self.records_dir,
                self.record.patient.id,
                before=self.record.exam.started_at,
                exclude=self.path,
            )
        except OSError:
            # A folder that cannot be listed has no usable prior; the first save reports why.
            return None

    def set_prior(self, prior: LoadedRecord | None) -> None:
        """Use ``prior`` (None: there is none) as the previous exam; the flags follow at once.

        Raises RecordError, keeping no prior, when it is another patient's exam or not an
        earlier one: a comparison across patients would be a clinical error.
        """
        from exam_tui import compare, storage

        if prior is not None:
            here = storage.LoadedRecord(
                self.path or self.records_dir / "(this exam)",
                self.record,
                self.checklist,
                [],
                self.fingerprint,
            )
            compare.check_same_patient(prior, here)
        self.prior = prior
        self.prior_checked = True
        self._evaluation = None

    @property
    def prior_date(self) -> str | None:
        """The local date of the previous exam (ISO), or None without one."""
        if self.prior is None:
            return None
        from exam_tui.timefmt import local_date_text

        return local_date_text(self.prior.record.exam.started_at)

    def prior_value(self, item_id: str, side: Side | None = None) -> Value | None:
        """What the previous exam recorded for this item and side (None: nothing, or no prior)."""
        if self.prior is None:
            return None
        return self.prior.record.get(item_id, side)

    def change(self, item: Item, side: Side | None = None) -> ChangeKind | None:
        """How this value differs from the previous exam's ("worse", "better", "new finding",
        "no longer present", "changed"); None when equal or either is missing."""
        old = self.prior_value(item.id, side)
        new = self.record.get(item.id, side)
        if old is None or new is None:
            return None
        from exam_tui import compare

        return compare.classify(item, old, new)

    def comparison(self) -> Comparison | None:
        """What changed since the previous exam, per item and side (None without one)."""
        if self.prior is None:
            return None
        from exam_tui import compare

        return compare.compare_records(
            self.checklist,
            self.prior.record,
            self.record,
            old_path=self.prior.path,
            new_path=self.path,
        )

    # -- moving -----------------------------------------------------------------------------

    def _positions(self) -> list[Cursor]:
        """Every shown (section, item, side) in exam order."""
        out: list[Cursor] = []
        for si, section in enumerate(self.checklist.sections):
            for item in section.items:
                out.extend(Cursor(si, item.id, s) for s in self.shown_sides(item))
        return out

    def _first_position(self, section_index: int) -> Cursor | None:
        for item in self.checklist.sections[section_index].items:
            sides = self.shown_sides(item)
            if sides:
                return Cursor(section_index, item.id, sides[0])
        return None

    def _revalidate_cursor(self) -> None:
        """After a change hid the item (side) under the cursor, move to the nearest shown one."""
        if self.is_shown(self.item, self.side):
            return
        sides = self.shown_sides(self.item)
        if sides:
            self.cursor = Cursor(self.cursor.section, self.cursor.item, sides[0])
            return
        self.move_item(-1) or self.move_item(1)

    def goto(self, item_id: str, side: Side | None = None) -> None:
        """Put the cursor on an item (and side); a hidden side falls back to a shown one."""
        item = self.checklist.items[item_id]
        section = self.checklist.sections.index(self.checklist.section_of[item_id])
        if not item.bilateral:
            side = None
        elif side is None:
            side = "left"
        if not self.leave_cell():
            return
        self.cursor = Cursor(section, item_id, side)
        self._revalidate_cursor()

    def goto_first_unanswered(self) -> None:
        """Cursor on the first value still unanswered (or stay put when all are answered)."""
        for pos in self._positions():
            if self.record.get(pos.item, pos.side) is None:
                self.cursor = pos
                return

    def goto_next_unanswered(self) -> bool:
        """Cursor on the next shown value still unanswered after the cursor (wrapping round to
        the start); False when every shown value is answered."""
        positions = self._positions()
        here = positions.index(self.cursor) if self.cursor in positions else -1
        for pos in positions[here + 1 :] + positions[: here + 1]:
            if self.record.get(pos.item, pos.side) is None and pos != self.cursor:
                if not self.leave_cell():
                    return False
                self.cursor = pos
                return True
        return False

    def move_item(self, delta: int) -> bool:
        """Previous/next shown item (crossing sections); keeps the side where it can."""
        if not self.leave_cell():
            return False
        rows: list[tuple[int, Item]] = [
            (si, item)
            for si, section in enumerate(self.checklist.sections)
            for item in section.items
            if self.shown_sides(item) or item.id == self.cursor.item
        ]
        here = next(n for n, (_, item) in enumerate(rows) if item.id == self.cursor.item)
        n = here + delta
        while 0 <= n < len(rows) and not self.shown_sides(rows[n][1]):
            n += 1 if delta > 0 else -1
        if not 0 <= n < len(rows) or n == here:
            return False
        si, item = rows[n]
        sides = self.shown_sides(item)
        side = self.cursor.side if self.cursor.side in sides else sides[0]
        self.cursor = Cursor(si, item.id, side)
        return True

    def move_section(self, delta: int) -> bool:
        """To the first shown item of the next/previous section that has one."""
        if not self.leave_cell():
            return False
        si = self.cursor.section + delta
        while 0 <= si < len(self.checklist.sections):
            first = self._first_position(si)
            if first is not None:
                self.cursor = first
                return True
            si += delta
        return False

    def goto_section(self, index: int) -> bool:
        first = self._first_position(index) if 0 <= index < len(self.checklist.sections) else None
        if first is None or not self.leave_cell():
            return False
        self.cursor = first
        return True

    def move_side(self, side: Side) -> bool:
        """Left or right value of a bilateral item (when that side is shown)."""
        if not self.item.bilateral or side == self.side or not self.is_shown(self.item, side):
            return False
        if not self.leave_cell():
            return False
        self.cursor = Cursor(self.cursor.section, self.cursor.item, side)
        return True

    def advance(self) -> bool:
        """After an answer: to the other side of a bilateral item, then the next shown value."""
        self.number_buffer = ""
        if not self._cursor_shown():
            self._revalidate_cursor()
            return False
        following = self.next_position()
        if following is None:
            return False
        self.cursor = following
        return True

    def _cursor_shown(self) -> bool:
        """Whether the cursor is on a shown value (one of ``_positions``)."""
        c = self.cursor
        sections = self.checklist.sections
        return (
            0 <= c.section < len(sections)
            and self.checklist.section_of.get(c.item) is sections[c.section]
            and c.side in self.shown_sides(self.checklist.items[c.item])
        )

    def next_position(self) -> Cursor | None:
        """The shown value after the cursor in exam order (where an answer moves it), found
        from the cursor on: listing every position of the exam took ~1 ms of each answer."""
        c = self.cursor
        sections = self.checklist.sections
        started = False
        for si in range(max(c.section, 0), len(sections)):
            for item in sections[si].items:
                if not started:
                    if item.id != c.item:
                        continue
                    started = True
                    sides = self.shown_sides(item)
                    later = sides[sides.index(c.side) + 1 :] if c.side in sides else []
                    if later:
                        return Cursor(si, item.id, later[0])
                    continue
                sides = self.shown_sides(item)
                if sides:
                    return Cursor(si, item.id, sides[0])
        return None

    # -- answering --------------------------------------------------------------------------

    def answer(self, key: str) -> bool:
        """Handle one answer key for the current item; True when the key meant something.

        One-key kinds record the value and move on. For numbers, digits and '.' are typed into
        :attr:`number_buffer` (commit with :meth:`commit_number`), and backspace edits it.
        Raises RecordError when the change was made but could not be saved.
        """
        item = self.item
        if item.kind == "number":
            if key in NUMBER_CHARS:
                if len(self.number_buffer) < MAX_NUMBER_CHARS and not (
                    key == "." and "." in self.number_buffer
                ):
                    self.number_buffer += key
                return True
            if key == "backspace":
                self.number_buffer = self.number_buffer[:-1]
                return True
            if key == "enter":
                return self.commit_number() is None
            return False
        value = answer_keys(item).get(key)
        if value is None:
            return False
        try:
            self.set_value(value)
        finally:  # a failed save still moves on: the value is shown, and saved with the next change
            self.advance()
        return True

    def _typed_number(self, text: str) -> int | float | str:
        """The number typed for the current item, or (a str) why it is refused."""
        if not text:
            return "type a number first"
        try:
            number: float = float(text)
        except ValueError:
            return f"{text!r} is not a number"
        value: int | float = int(number) if number.is_integer() and "." not in text else number
        try:
            self.item.check_value(value)
        except ValueError as exc:
            return str(exc)
        return value

    def commit_number(self) -> str | None:
        """Record the typed number and move on. Returns None, or why the number was refused."""
        text, self.number_buffer = self.number_buffer, ""
        value = self._typed_number(text)
        if isinstance(value, str):
            return value
        try:
            self.set_value(value)
        finally:
            self.advance()
        return None

    def leave_cell(self) -> bool:
        """Before the cursor leaves its cell: a typed number is recorded, never dropped. When it
        is not valid here the cursor stays (False), the digits too, and :attr:`refusal` says
        why (backspace corrects them, ``x`` discards them). Raises RecordError when the number
        was recorded but could not be saved."""
        self.refusal = None
        if not self.number_buffer:
            return True
        value = self._typed_number(self.number_buffer)
        if isinstance(value, str):
            self.refusal = f"{self.item.label}: {value} (backspace corrects, x discards)"
            return False
        self.number_buffer = ""
        self.set_value(value)
        return True

    def set_value(
        self, value: Value | None, item_id: str | None = None, side: Side | None = None
    ) -> None:
        """Record (None: clear) a value, under the cursor unless an item is given; then save."""
        item = self.checklist.items[item_id] if item_id else self.item
        side = side if item_id else self.side
        self.record.set_value(item, side, value, by=self.user, at=self.clock())
        self._changed()

    def clear(self) -> bool:
        """Clear the value under the cursor (back to not tested / not asked)."""
        self.number_buffer = ""
        if self.value is None:
            return False
        self.set_value(None)
        return True

    def normal_fill(self) -> NormalFill:
        """What N would record here: each unanswered, shown value of an item that has a
        ``normal`` (items without one are never filled automatically)."""
        section = self.section
        values: list[tuple[Item, Side | None, Value]] = []
        if section.role != "history":
            for item in section.items:
                if item.normal is None:
                    continue
                for side in self.shown_sides(item):
                    if self.record.get(item.id, side) is None:
                        values.append((item, side, item.normal))
        return NormalFill(section, section.role, tuple(values))

    def fill_normal_section(self, *, confirmed: bool = False) -> int:
        """N: record each unanswered shown value's ``normal``, as the section's role allows, then
        go to the next section. Returns how many values were filled (saved once, at the end).

        history: nothing is recorded (the patient's account is never filled in). screening:
        nothing unless ``confirmed`` (the app first lists what will be recorded). Items without a
        ``normal`` stay unanswered.
        """
        self.number_buffer = ""
        plan = self.normal_fill()
        if plan.role == "history" or (plan.needs_confirmation and not confirmed):
            if plan.role == "history" and not self.move_section(1):
                self._revalidate_cursor()
            return 0
        at = self.clock()
        filled = 0
        for item in plan.section.items:
            if item.normal is None:
                continue
            # Shown-ness is re-checked per item: a filled value may hide a later item.
            for side in self.shown_sides(item):
                if self.record.get(item.id, side) is None:
                    self.record.set_value(item, side, item.normal, by=self.user, at=at)
                    filled += 1
        if not self.move_section(1):
            self._revalidate_cursor()
        if filled:
            self._changed()
        return filled

    def note(self, item_id: str | None = None) -> str:
        return self.record.note(item_id or self.cursor.item) or ""

    def set_note(self, text: str | None, item_id: str | None = None) -> None:
        """Add, change or (empty text) remove the note on an item (default: the current one)."""
        item_id = item_id or self.cursor.item
        if (text or "").strip() == self.note(item_id):
            return
        self.record.set_note(item_id, text, by=self.user, at=self.clock())
        self._changed()

    def complete(self) -> None:
        """Mark the exam completed (a completed or amended record keeps its status) and save."""
        self.record.complete(at=self.clock())
        self._changed()

    # -- saving -----------------------------------------------------------------------------

    def _changed(self) -> None:
        self._note_change()
        self._evaluation = None
        if self.defer_save:
            self._revalidate_cursor()
            self.save_pending = True
            return
        self.dirty = True
        self._revalidate_cursor()
        self.save()

    def flush(self) -> Path | None:
        """Write a change left pending by ``defer_save`` (None: nothing was pending).
        Raises RecordError, like any save; the change then stays unsaved (``dirty``)."""
        if not self.save_pending:
            return None
        self.save_pending = False
        self.dirty = True
        return self.save()

    def _note_change(self) -> None:
        """Remember what the last change did (one undo step), and give any amendment entries
        it logged the reason for amending. Comparing every value costs ~0.3 ms for a full
        record (80 values), next to the save's fsync: cheap enough per change."""
        now = slot_values(self.record)
        change = diff_slots(self._after_last_change, now)
        self._after_last_change = now
        if change:
            self._undo.append(change)
        if self.amend_reason:
            for entry in self.record.amendments[self._amendments_seen :]:
                entry.reason = self.amend_reason
        self._amendments_seen = len(self.record.amendments)

    # -- undo -------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) or bool(self.number_buffer)

    def undo(self) -> str | None:
        """Take back the last change (an answer, a clear, a note, a whole ``N`` fill) and save;
        typed digits not yet recorded are discarded first. On a completed record the undo is
        logged as an amendment, like any change. Returns what was undone, in words (None:
        nothing to undo). Raises RecordError when the undo was made but could not be saved."""
        self.refusal = None
        if self.number_buffer:
            self.number_buffer = ""
            return "the typed number"
        if not self._undo:
            return None
        change = self._undo.pop()
        at = self.clock()
        for (item_id, field), (before, _after) in change.items():
            if field == "note":
                self.record.set_note(item_id, str(before or ""), by=self.user, at=at)
                continue
            item = self.checklist.items.get(item_id)
            if item is None:  # items the checklist does not know are never changed here
                continue
            side: Side | None = None if field == "value" else field  # type: ignore[assignment]
            self.record.set_value(item, side, before, by=self.user, at=at)
        # Not a new undo step: the record is back where it was before the change.
        self._after_last_change = slot_values(self.record)
        # The cursor goes to the first undone value in exam order (the slots are by id).
        order = {item_id: n for n, item_id in enumerate(self.checklist.items)}
        first_slot = min(change, key=lambda slot: (order.get(slot[0], len(order)), slot[1]))
        (item_id, field), (before, after) = first_slot, change[first_slot]
        if len(change) == 1:
            what = self._describe(item_id, field, after, before)
        else:
            what = f"{len(change)} values"
        first = self.checklist.items.get(item_id)
        if first is not None:
            self.cursor = self._cursor_for(first.id, None if field in ("value", "note") else field)
        self._changed()
        return what

    def _cursor_for(self, item_id: str, side: str | None) -> Cursor:
        item = self.checklist.items[item_id]
        section = self.checklist.sections.index(self.checklist.section_of[item_id])
        s: Side | None = (side or "left") if item.bilateral else None  # type: ignore[assignment]
        return Cursor(section, item_id, s)

    def _describe(self, item_id: str, field: str, old: Value | None, new: Value | None) -> str:
        """One change in words: "Tap test left: positive → not answered"."""
        item = self.checklist.items.get(item_id)
        label = item.label if item is not None else item_id
        where = "" if field == "value" else f" {field}"

        def word(v: Value | None) -> str:
            if v is None:
                return "no note" if field == "note" else "not answered"
            return str(v)

        return f"{label}{where}: {word(old)} → {word(new)}"

    def save(self) -> Path:
        """Write the record now (the first save creates its file). Raises RecordError."""
        # Imported by the first save, not at start-up (~2 ms before the first frame); the
        # exam screen's look-up of the previous exam, after that frame, imports it first.
        from exam_tui import storage

        if self.path is None:
            try:
                storage.ensure_private_dir(self.records_dir)
            except OSError as exc:
                raise RecordError(
                    f"cannot create the records folder ({exc.strerror or exc})",
                    path=self.records_dir,
                ) from None
            # Created exclusively: a second exam of this patient in the same second gets "-2".
            self.path, self.fingerprint = storage.create_record(self.records_dir, self.record)
        else:
            self.fingerprint = storage.save_record(self.path, self.record, self.fingerprint)
        self.dirty = self.save_pending = False
        self._on_disk = slot_values(self.record)
        return self.path

    def reload(self) -> None:
        """Re-read the file from disk (after a conflict), dropping unsaved changes."""
        if self.path is None:
            return
        from exam_tui import storage

        loaded = storage.load_record(self.path, checklist=self.checklist)
        self.record, self.fingerprint, self.warnings = (
            loaded.record,
            loaded.fingerprint,
            loaded.warnings,
        )
        self.dirty = self.save_pending = False
        self._evaluation = None
        self._after_last_change = slot_values(self.record)
        self._on_disk = dict(self._after_last_change)
        self._amendments_seen = len(self.record.amendments)
        self._undo.clear()  # the steps were made on another version of the record
        self._revalidate_cursor()

    # -- recovering from a conflict -----------------------------------------------------------

    def unsaved_changes(self) -> ChangeSet:
        """What this window changed since the file was last loaded or saved here: per slot,
        (value in the file as we knew it, value here)."""
        return diff_slots(self._on_disk, slot_values(self.record))

    def describe(self, slot: Slot, old: Value | None, new: Value | None) -> str:
        """One change in words: "Tap test left: positive → not answered"."""
        return self._describe(slot[0], slot[1], old, new)

    def reload_and_reapply(self) -> list[str]:
        """After "changed by another window": read the file again and re-apply this window's
        unsaved changes where the other window left that value as it was; then save. Returns
        the changes that clash (the other window changed the same value differently), in
        words: those keep the file's value. Raises RecordError (nothing is lost: the record
        here is untouched) when the file cannot be read, e.g. it was deleted."""
        if self.path is None:
            return []
        mine = self.unsaved_changes()
        known = self._on_disk
        amend_reason, user = self.amend_reason, self.user
        from exam_tui import storage

        loaded = storage.load_record(self.path, checklist=self.checklist)
        theirs = slot_values(loaded.record)
        cursor = self.cursor
        self.record, self.fingerprint, self.warnings = (
            loaded.record,
            loaded.fingerprint,
            loaded.warnings,
        )
        self._evaluation = None
        self._after_last_change = dict(theirs)
        self._on_disk = dict(theirs)
        self._amendments_seen = len(self.record.amendments)
        self._undo.clear()
        self.amend_reason, self.user = amend_reason, user
        clashes: list[str] = []
        at = self.clock()
        for slot, (was, now) in mine.items():
            there = theirs.get(slot)
            if there == now:
                continue  # both windows made the same change
            if there != known.get(slot):
                clashes.append(
                    f"{self.describe(slot, was, now)} (the file now has "
                    f"{'nothing' if there is None else there}; kept)"
                )
                continue
            item_id, field = slot
            if field == "note":
                self.record.set_note(item_id, str(now or ""), by=self.user, at=at)
            elif item_id in self.checklist.items:
                side: Side | None = None if field == "value" else field  # type: ignore[assignment]
                self.record.set_value(self.checklist.items[item_id], side, now, by=self.user, at=at)
        self.cursor = cursor
        self._changed()
        return clashes

    def save_as_new(self) -> Path:
        """Save this window's record, as it is here, as a new file beside the old one (after a
        conflict, or when the file was deleted). Raises RecordError."""
        old = self.path, self.fingerprint
        self.path, self.fingerprint = None, None
        try:
            return self.save()
        except RecordError:
            self.path, self.fingerprint = old  # still the file it was: R can try again
            raise
