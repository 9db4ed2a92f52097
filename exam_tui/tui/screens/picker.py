"""The record picker: every record in the folder, newest first, filtered as you type.

Built for large folders (10,000 records): the folder is read in a thread (or the listing the
start flow just read is passed in), at most :data:`MAX_ROWS` matching rows are put in the
table and only when they change, and the flag count (which needs the whole record loaded and
evaluated) is computed only for the rows on screen, in a thread, once typing pauses, and
cached per file modification time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from exam_tui import rules, storage
from exam_tui.checklist import Checklist
from exam_tui.errors import ExamTuiError
from exam_tui.storage import RecordSummary
from exam_tui.textclean import clean
from exam_tui.tui.widgets.flags import URGENCY_LABELS

#: Rows put in the table at once; more matches are announced, and narrowed by typing. Each
#: row costs ~0.1 ms to add, and a screen shows fewer than 40.
MAX_ROWS = 100
#: Flags are counted this long after the last key: loading and evaluating a record takes ~5 ms,
#: in a thread that competes with typing for the GIL.
FLAG_DELAY_S = 0.3
NOT_COUNTED = "…"


def _started(s: RecordSummary) -> str:
    return s.started_at.strftime("%Y-%m-%d %H:%M") if s.started_at else "?"


def _haystack(s: RecordSummary) -> str:
    return (
        f"{s.patient_id} {_started(s)} {s.status} {s.examiner} {s.checklist} {s.path.name}".lower()
    )


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
        self.shown: list[RecordSummary] = []
        #: path -> (mtime_ns, flag count text)
        self.flag_cache: dict[Path, tuple[int, str]] = {}
        self._flags_timer: Timer | None = None
        #: The last filter and the indexes (into summaries) of the records it matched.
        self._last_query: str | None = None
        self._last_found: Sequence[int] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(self.title_text, classes="title")
            yield Input(
                self.initial_filter,
                placeholder="filter: patient id, date, status, examiner, exam",
                id="filter",
            )
            yield DataTable(id="records", cursor_type="row", zebra_stripes=True)
            yield Static("reading the records folder…", id="count", classes="hint")
            yield Static("type to filter · ↑ ↓ choose · enter open · esc back", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#records", DataTable)
        table.can_focus = False
        table.add_column("Patient", key="patient")
        table.add_column("Started (UTC)", key="started")
        table.add_column("Status", key="status")
        table.add_column("Flags", key="flags")
        table.add_column("Examiner", key="examiner")
        table.add_column("Exam", key="exam")
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
        # Built once: rebuilding them per key cost ~140 ms a key over 10,000 records (benchmarks/).
        self.haystacks = [_haystack(s) for s in summaries]
        self._last_query = None
        self._apply_filter(self.query_one("#filter", Input).value)
        self._count_visible_flags()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.summaries:
            self._apply_filter(event.value)
            self._count_visible_flags_soon()

    def _apply_filter(self, query: str) -> None:
        query = query.lower()
        # Typing only narrows: a query that extends the last one searches the last matches
        # (10,000 haystacks cost ~10 ms a word on every key otherwise).
        if self._last_query is not None and query.startswith(self._last_query):
            found = self._last_found
        else:
            found = range(len(self.summaries))
        hays = self.haystacks
        for w in query.split():
            found = [i for i in found if w in hays[i]]
        self._last_query, self._last_found = query, found
        shown = [self.summaries[i] for i in found[:MAX_ROWS]]
        table = self.query_one("#records", DataTable)
        if shown != self.shown or table.row_count != len(shown):
            # Rebuilt only when the rows change: the first keys of a filter ("m", "mr", ...)
            # often match the same newest records.
            self.shown = shown
            table.clear()
            for s in shown:
                flags = self._cached_flags(s.path) or NOT_COUNTED
                if s.error:
                    flags = "?"
                # Headers are record text: cleaned, so no escape sequence reaches the terminal.
                table.add_row(
                    clean(s.patient_id),
                    _started(s),
                    clean(s.error or s.status),
                    flags,
                    clean(s.examiner),
                    clean(s.checklist),
                    key=str(s.path),
                )
        count = self.query_one("#count", Static)
        if not self.summaries:
            count.update(clean(f"No records in {self.records_dir} yet."))
        elif len(found) > MAX_ROWS:
            count.update(
                f"{len(found)} of {len(self.summaries)} records match; "
                f"the newest {MAX_ROWS} are listed: type to narrow"
            )
        else:
            count.update(f"{len(found)} of {len(self.summaries)} records")

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
        table = self.query_one("#records", DataTable)
        first = int(table.scroll_y)
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
        table = self.query_one("#records", DataTable)
        keys = {str(s.path) for s in self.shown}
        for path, mtime, text in results:
            self.flag_cache[path] = (mtime, text)
            if str(path) in keys:
                table.update_cell(str(path), "flags", text)

    def action_move(self, delta: int) -> None:
        table = self.query_one("#records", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    @on(Input.Submitted, "#filter")
    def _open(self) -> None:
        table = self.query_one("#records", DataTable)
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


def path_needs_count(cache: dict[Path, tuple[int, str]], path: Path) -> bool:
    hit = cache.get(path)
    if hit is None:
        return True
    try:
        return os.stat(path).st_mtime_ns != hit[0]
    except OSError:
        return False
