"""Shared fixtures: the bundled checklist, a sample record on disk, and a CLI runner.

Every test gets EXAM_TUI_RECORDS and EXAM_TUI_CACHE pointing into its own tmp_path (autouse),
so neither the tests nor the subprocesses they start (which inherit os.environ) can write to
the real user data or cache folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exam_tui.checklist import Checklist, load_checklist
from exam_tui.record import Record, new_record
from exam_tui.session import ExamSession
from exam_tui.storage import new_record_path, save_record

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
STARTED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _private_records_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-data-records"
    monkeypatch.setenv("EXAM_TUI_RECORDS", str(folder))
    monkeypatch.setenv("EXAM_TUI_CACHE", str(tmp_path / "user-cache"))
    return folder


@pytest.fixture(autouse=True)
def _empty_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty settings file: the developer's own config.toml never changes a test."""
    path = tmp_path / "user-config" / "config.toml"  # not beside records some tests keep there
    path.parent.mkdir()
    path.write_text("", "utf-8")
    monkeypatch.setenv("EXAM_TUI_CONFIG", str(path))
    return path


@pytest.fixture(scope="session")
def checklist() -> Checklist:
    """The default bundled checklist, newest version (checklists/posterior-thigh-pain.toml)."""
    return load_checklist()


@pytest.fixture
def session(checklist: Checklist, tmp_path: Path) -> ExamSession:
    """A new exam on the default checklist, its clock one second further at each call."""
    from tests.helpers.clock import FakeClock

    return ExamSession.start(
        checklist, tmp_path / "recs", patient="P-1", examiner="Dr A", side="left", clock=FakeClock()
    )


#: The released 1.0.0 posterior thigh checklist, kept for the records that name it.
CHECKLIST_V1 = (
    TESTS.parent / "exam_tui" / "checklists" / "versions" / "posterior-thigh-pain-1.0.0.toml"
)


#: posterior-thigh-pain 2.0.0, the bundled file (clinical reference version 2).
CHECKLIST_V2 = TESTS.parent / "exam_tui" / "checklists" / "posterior-thigh-pain.toml"


@pytest.fixture(scope="session")
def checklist_v1() -> Checklist:
    """posterior-thigh-pain 1.0.0: the tests written for it stay its regression tests."""
    return load_checklist(CHECKLIST_V1)


@pytest.fixture
def records_dir(tmp_path: Path) -> Path:
    return tmp_path / "records"


@pytest.fixture
def sample_record(checklist: Checklist) -> Record:
    """A draft exam with a few answers of several kinds and a note."""
    rec = new_record(checklist, "MRN-0042", "A. Clinician", "left", started_at=STARTED)
    at = STARTED
    items = checklist.items
    rec.set_value(items["saddle_anaesthesia"], None, "no", at=at)
    rec.set_value(items["onset"], None, "gradual", at=at)
    rec.set_value(items["slr"], "left", "positive", at=at)
    rec.set_value(items["slr"], "right", "negative", at=at)
    rec.set_value(items["slr_angle"], "left", 40, at=at)
    rec.set_value(items["reflex_achilles"], "left", 1, at=at)
    rec.set_value(items["reflex_achilles"], "right", 2, at=at)
    rec.set_note("slr", 'reproduces "calf" pain\nbelow the knee', at=at)
    return rec


@pytest.fixture
def saved_record(sample_record: Record, records_dir: Path) -> Path:
    """``sample_record`` saved in ``records_dir``; returns its path."""
    records_dir.mkdir(parents=True, exist_ok=True)
    path = new_record_path(records_dir, sample_record)
    save_record(path, sample_record, None)
    return path


def _run_cli(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_tui", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m exam_tui ARGS`` in a subprocess; returns the CompletedProcess (text)."""
    return _run_cli
