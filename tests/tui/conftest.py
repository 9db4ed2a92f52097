"""Fixtures for the Textual tests: a frozen clock and an app factory writing into tmp_path."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from exam_tui import clipboard
from exam_tui.checklist import Checklist
from exam_tui.tui.app import ExamApp, create_app

FROZEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def frozen_clock() -> datetime:
    """Always the same instant, so records, file names and pictures are deterministic."""
    return FROZEN


@pytest.fixture(autouse=True)
def _steady_text_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text fields' cursors do not blink in tests: a picture taken more than 0.5 s after the
    last key (a loaded machine) showed the record picker's filter cursor hidden, and failed."""
    original = Input.__init__

    @functools.wraps(original)
    def init(self: Input, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)  # before mount: no blink timer runs

    monkeypatch.setattr(Input, "__init__", init)


@pytest.fixture(autouse=True)
def _nothing_left_frozen() -> Iterator[None]:
    """The app freezes what it loaded (out of the collector's sight) and the screen that
    closes unfreezes it; a test that ends on another screen (the start flow's dialogs) would
    keep its app frozen, never collected, for the rest of the run."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def _no_clipboard_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary's copy key never runs the developer's pbcopy or xclip (test_clipboard.py
    puts a fake one on PATH)."""
    monkeypatch.setattr(clipboard, "find_tool", lambda: None)


@pytest.fixture
def make_app(checklist: Checklist, records_dir: Path) -> Callable[..., ExamApp]:
    """Build the app as the CLI does, with tmp_path's records folder and the frozen clock."""

    def make(**kwargs: Any) -> ExamApp:
        kwargs.setdefault("records_dir", records_dir)
        kwargs.setdefault("checklist", checklist)
        kwargs.setdefault("clock", frozen_clock)
        return create_app(**kwargs)

    return make


def only_record(folder: Path) -> Path:
    """The single record file in a folder (fails if there are none or several)."""
    (path,) = sorted(folder.glob("*.toml"))
    return path
