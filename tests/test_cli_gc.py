"""The app commands keep the garbage collector off during start-up and always switch it back
on (issue 18): after a normal run, and after an error before the app ever ran."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from exam_tui import cli
from exam_tui.errors import RecordError
from exam_tui.tui import app as tui_app

NEW = ["new", "--patient", "P-1", "--examiner", "Dr A", "--side", "left"]


class FakeApp:
    """Stands in for the Textual app: records whether the collector was off while it ran."""

    return_code = 0
    collector_on_while_running: bool | None = None

    def __init__(self, **_: Any) -> None:
        pass

    def run(self) -> None:
        FakeApp.collector_on_while_running = gc.isenabled()


def test_collector_off_while_starting_on_after(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXAM_TUI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    monkeypatch.setattr(tui_app, "create_app", FakeApp)
    assert gc.isenabled()
    assert cli.main(["--records", str(tmp_path), *NEW]) == 0
    assert FakeApp.collector_on_while_running is False
    assert gc.isenabled()


def test_collector_back_on_after_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EXAM_TUI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")

    def fails(**_: Any) -> None:
        raise RecordError("cannot start")

    monkeypatch.setattr(tui_app, "create_app", fails)
    assert cli.main(["--records", str(tmp_path), *NEW]) == 2
    assert gc.isenabled()
