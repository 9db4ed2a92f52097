"""The record picker: every record in the folder, newest first, filtered as you type.

Built for large folders (10,000 records): the folder is read in a thread (or the listing the
start flow just read is passed in), every matching record is listed in a widget that draws
only the rows on screen (:class:`~exam_tui.tui.widgets.record_list.RecordList`), and the flag
count (which needs the whole record loaded and evaluated) is computed only for the rows on
screen, in a thread, once typing pauses, and cached per file modification time.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from exam_tui import rules, storage
from exam_tui.checklist import Checklist
from exam_tui.errors import ExamTuiError
from exam_tui.storage import RecordSummary
from exam_tui.textclean import clean
from exam_tui.timefmt import local_time_text
from exam_tui.tui.screens.dialog import text_classes
from exam_tui.tui.widgets.flags import URGENCY_LABELS
from exam_tui.tui.widgets.record_list import Column, RecordList

#: The list's columns: each as wide as its widest text in the folder, up to these (a record
#: that does not load says why in its status; enter shows the whole message).
COLUMNS = (
    Column("patient", "Patient", 48),
    Column("started", "Started", 23),  # "2026-03-02 20:30 +11:00"
    Column("status", "Status", 100),
    Column("flags", "Flags", 5),
    Column("examiner", "Examiner", 40),
    Column("exam", "Exam", 40),
)
#: Flags are counted this long after the list is shown or the last key: loading and evaluating a
#: record takes ~5 ms, in a thread that competes with drawing and typing for the GIL.
FLAG_DELAY_S = 0.3
NOT_COUNTED = "…"


def _started(s: RecordSummary) -> str:
    """Local time with its UTC offset (records keep UTC): in Sydney a UTC date is the wrong
    day for a morning exam."""
    return local_time_text(s.started_at) if s.started_at else "?"


def _haystack(s: RecordSummary) -> str:
    """What a filter word is looked for in, but the start time (see :data:`DATE_CHARS`)."""
    return f"{s.patient_id} {s.status} {s.examiner} {s.checklist} {s.path.name}".lower()


#: Every character a start time can show ("2026-03-02 20:30 +11:00", "?", or "UTC" as its
#: offset). A filter word with any other character cannot be in one, so the start times,
#: ~40 % of the cost of the search strings of 10,000 records, are made only for words that
#: could be, and only for records the rest of the string does not match (a word has no space,
#: so it cannot run from one field into the next: the split changes no match).
DATE_CHARS = frozenset("0123456789-:+ ?utc")


def flag_count(path: Path, checklist: Checklist | None) -> str:
    """ "0", or the number of flags and the most urgent one's symbol ("2 !!"); "?" if unreadable."""
    try:
        loaded = storage.load_record(path, checklist=checklist)
        ev = rules.evaluate(loaded.checklist, loaded.record)
    except (ExamTuiError, OSError):
        return "?"
    if not ev.flags:
        return "0"
    symbol = URGENCY_LABELS.get(ev.flags[0].urgency, "").split(" ")[0]
    return f"{len(ev.flags)} {symbol}"


class RecordPicker(ModalScreen[Path | None]):
    """Dismisses with the chosen record's path, or None (escape)."""

    # Opaque: the screen below is hidden anyway, and drawing it dimmed took ~1/3 of each frame.
    # The screen itself is the panel (no container filling it: one widget less to draw).
    DEFAULT_CSS = """
    RecordPicker { background: $panel; padding: 0 1; }
    RecordPicker #records { height: 1fr; }
    """ + text_classes("RecordPicker", title_padding="0")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "back"),
        Binding("down", "move(1)", "next", show=False),
        Binding("up", "move(-1)", "previous", show=False),
        Binding("pagedown", "move(10)", "page down", show=False),
        Binding("pageup", "move(-10)", "page up", show=False),
    ]

    def __init__(
        self,
        records_dir: Path,
        checklist: Checklist | None = None,
        *,
        title: str = "Open a record",
        initial_filter: str = "",
        summaries: list[RecordSummary] | None = None,
    ) -> None:
        """``summaries``: the folder's listing when the caller has just read it."""
        super().__init__()
        self.records_dir, self.checklist = records_dir, checklist
        self.title_text, self.initial_filter = title, initial_filter
        self.given = summaries
        self.summaries: list[RecordSummary] = []
        self.haystacks: list[str] = []
        #: Each record's start as the list shows it, lower case; None until a filter needs it.
        self.started_texts: list[str | None] = []
        self.shown: list[RecordSummary] = []
        #: path -> (mtime_ns, flag count text)
        self.flag_cache: dict[Path, tuple[int, str]] = {}
        self._flags_timer: Timer | None = None
        #: The last filter and the indexes (into summaries) of the records it matched.
        self._last_query: str | None = None
        self._last_found: Sequence[int] = ()

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, classes="title")
        yield Input(
            self.initial_filter,
            placeholder="filter: patient id, date, status, examiner, exam",
            id="filter",
        )
        yield RecordList(COLUMNS, self._cells, id="records")
        yield Static("reading the records folder…", id="count", classes="hint")
        yield Static("type to filter · ↑ ↓ choose · enter open · esc back", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#records", RecordList)
        self.watch(table, "scroll_y", lambda _: self._count_visible_flags_soon(), init=False)
        self.query_one("#filter", Input).focus()
        if self.given is not None:
            self._loaded(self.given)
        else:
            self._load()

    @work(thread=True, exclusive=True, group="list")
    def _load(self) -> None:
        summaries = storage.list_records(self.records_dir)
        self.app.call_from_thread(self._loaded, summaries)

    def _loaded(self, summaries: list[RecordSummary]) -> None:
        self.summaries = summaries
        # 10,000 summaries (and Textual, the models...) out of the collector's sight while the
        # list is open: the listing left a full collection due, and it fell on the first
        # frame of the list (~60 ms; as on the exam screen). Unfrozen when the list closes.
        gc.freeze()
        # Built once: rebuilding them per key cost ~140 ms a key over 10,000 records (benchmarks/).
        self.haystacks = [_haystack(s) for s in summaries]
        self.started_texts = [None] * len(summaries)
        self._last_query = None
        # Columns as wide as their widest text in the whole folder (~1 ms each), so they do not
        # jump as the filter changes the rows.
        self.query_one("#records", RecordList).fit(
            {
                "patient": max((len(s.patient_id) for s in summaries), default=0),
                "started": 23 if any(s.started_at for s in summaries) else 1,
                "status": max((len(s.error or s.status) for s in summaries), default=0),
                "flags": len("2 !!"),
                "examiner": max((len(s.examiner) for s in summaries), default=0),
                "exam": max((len(s.checklist) for s in summaries), default=0),
            }
        )
        self._apply_filter(self.query_one("#filter", Input).value)
        # Not at once: the thread that counts them (~5 ms a record) takes the GIL from the
        # event loop, and the first frame of the list and the first keys waited ~0.3 s for it.
        self._count_visible_flags_soon()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.summaries:
            self._apply_filter(event.value)
            self._count_visible_flags_soon()

    def _apply_filter(self, query: str) -> None:
        query = query.lower()
        # Typing only narrows: a query that extends the last one searches the last matches
        # (10,000 haystacks cost ~10 ms a word on every key otherwise).
        found: Sequence[int]
        if self._last_query is not None and query.startswith(self._last_query):
            found = self._last_found
        else:
            found = list(range(len(self.summaries)))  # a list: compared with the last matches
        for w in query.split():
            found = self._matching(w, found)
        if found != self._last_found or self._last_query is None:
            # Listed again only when the matches change: the first keys of a filter ("m",
            # "mr", ...) often match the same records. Every match is listed; the list draws
            # only the rows on screen.
            summaries = self.summaries
            self.shown = [summaries[i] for i in found]
            self.query_one("#records", RecordList).show(self.shown)
        self._last_query, self._last_found = query, found
        count = self.query_one("#count", Static)
        if not self.summaries:
            count.update(clean(f"No records in {self.records_dir} yet."))
        else:
            # One line before and after: repainted without laying the screen out (~10 ms a key).
            count.update(f"{len(found)} of {len(self.summaries)} records", layout=False)

    def _matching(self, word: str, among: Sequence[int]) -> list[int]:
        """The records (indexes into ``summaries``) among ``among`` that ``word`` is in."""
        hays = self.haystacks
        if not DATE_CHARS.issuperset(word):
            return [i for i in among if word in hays[i]]
        started, summaries = self.started_texts, self.summaries
        found = []
        for i in among:
            if word in hays[i]:
                found.append(i)
                continue
            text = started[i]
            if text is None:
                text = started[i] = _started(summaries[i]).lower()
            if word in text:
                found.append(i)
        return found

    def _cells(self, s: RecordSummary) -> tuple[str, ...]:
        """A row's texts. Headers are record text: cleaned, so no escape reaches the terminal."""
        flags = "?" if s.error else (self._cached_flags(s.path) or NOT_COUNTED)
        return (
            clean(s.patient_id),
            _started(s),
            clean(s.error or s.status),
            flags,
            clean(s.examiner),
            clean(s.checklist),
        )

    def _cached_flags(self, path: Path) -> str | None:
        hit = self.flag_cache.get(path)
        if hit is None:
            return None
        try:
            return hit[1] if os.stat(path).st_mtime_ns == hit[0] else None
        except OSError:
            return None

    def _count_visible_flags_soon(self) -> None:
        if self._flags_timer is not None:
            self._flags_timer.stop()
        self._flags_timer = self.set_timer(FLAG_DELAY_S, self._count_visible_flags)

    def _count_visible_flags(self) -> None:
        table = self.query_one("#records", RecordList)
        first = table.first_visible_row
        visible = self.shown[first : first + max(table.size.height, 24)]
        todo = [
            s.path for s in visible if not s.error and path_needs_count(self.flag_cache, s.path)
        ]
        if todo:
            self._count_flags(todo)

    @work(thread=True, exclusive=True, group="flags")
    def _count_flags(self, paths: list[Path]) -> None:
        results = []
        for path in paths:
            try:
                mtime = os.stat(path).st_mtime_ns
            except OSError:
                continue
            results.append((path, mtime, flag_count(path, self.checklist)))
        self.app.call_from_thread(self._flags_counted, results)

    def _flags_counted(self, results: list[tuple[Path, int, str]]) -> None:
        for path, mtime, text in results:
            self.flag_cache[path] = (mtime, text)
        counted = {path for path, _, _ in results}
        table = self.query_one("#records", RecordList)
        first = table.first_visible_row
        window = range(first, min(len(self.shown), first + max(table.size.height, 24)))
        table.refresh_rows([n for n in window if self.shown[n].path in counted])

    def action_move(self, delta: int) -> None:
        table = self.query_one("#records", RecordList)
        if table.row_count:
            table.move_cursor(row=table.cursor_row + delta)

    @on(Input.Submitted, "#filter")
    def _open(self) -> None:
        table = self.query_one("#records", RecordList)
        if not self.shown or table.cursor_row >= len(self.shown):
            self.notify("No record to open.", severity="warning")
            return
        chosen = self.shown[table.cursor_row]
        if chosen.error:
            self.notify(clean(f"{chosen.path.name}: {chosen.error}"), severity="error")
            return
        self.dismiss(chosen.path)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        # Collectable again (tests run many apps), unless an exam screen has opened meanwhile:
        # it froze what it needs on mount, and unfreezes when it closes.
        from exam_tui.tui.screens.exam import ExamScreen

        if not any(isinstance(s, ExamScreen) for s in self.app.screen_stack):
            gc.unfreeze()


def path_needs_count(cache: dict[Path, tuple[int, str]], path: Path) -> bool:
    hit = cache.get(path)
    if hit is None:
        return True
    try:
        return os.stat(path).st_mtime_ns != hit[0]
    except OSError:
        return False
