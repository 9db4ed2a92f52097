"""The command line as a user runs it: help, validate, flags, summary, errors."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from exam_tui.record import Record
from exam_tui.storage import load_record, new_record_path, save_record


def test_python_m_help_lists_the_commands(run_cli) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("new", "open", "validate", "summary", "flags", "compare"):
        assert command in result.stdout
    assert result.stderr == ""


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("exam-tui")
    assert script.exists(), "pip install -e . installs the exam-tui console script"
    import subprocess

    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("exam-tui ")


@pytest.mark.parametrize("command", ["validate", "summary", "flags"])
def test_subcommand_help(run_cli, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert f"exam-tui {command}" in result.stdout


def test_validate_the_bundled_checklist(run_cli) -> None:
    result = run_cli("validate")
    assert result.returncode == 0
    assert "ok (posterior-thigh-pain" in result.stdout


@pytest.mark.parametrize(
    "argv", [["frobnicate"], ["flags"], ["summary"], ["flags", "--bogus", "x.toml"]]
)
def test_usage_errors_exit_2_without_a_traceback(run_cli, argv: list[str]) -> None:
    result = run_cli(*argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage: exam-tui" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_subcommand_says_so(run_cli) -> None:
    result = run_cli("frobnicate")
    assert "invalid choice: 'frobnicate'" in result.stderr


def _with(record: Record, checklist, **values: object) -> Record:  # type: ignore[no-untyped-def]
    for key, value in values.items():
        item_id, _, side = key.partition("__")
        record.set_value(checklist.items[item_id], side or None, value)
    return record


def test_flags_on_a_record_with_a_red_flag(
    run_cli, sample_record: Record, checklist, records_dir: Path
) -> None:
    rec = _with(sample_record, checklist, saddle_anaesthesia="yes")
    path = new_record_path(records_dir, rec)
    save_record(path, rec, None)
    before = path.read_bytes()

    text = run_cli("flags", path)
    assert text.returncode == 0, text.stderr
    assert text.stderr == ""
    data = run_cli("flags", "--json", path)
    assert data.returncode == 0, data.stderr
    flags = json.loads(data.stdout)["flags"]
    [ces] = [f for f in flags if "saddle_anaesthesia" in f["triggered_by"]]
    assert ces["urgency"] == "emergency"
    assert set(ces["actions"]) >= {"imaging", "referral"}
    assert ces["title"] in text.stdout
    assert path.read_bytes() == before  # reading a record never rewrites it


def test_flags_on_a_record_without_findings_says_nothing_is_indicated(
    run_cli, checklist, records_dir: Path
) -> None:
    from exam_tui.record import new_record

    rec = new_record(checklist, "MRN-1", "A", "left")
    red_flags = next(s for s in checklist.sections if s.id == "red_flags")
    for item in red_flags.items:  # all screened, all "no"
        rec.set_value(item, None, item.normal)
    path = new_record_path(records_dir, rec)
    save_record(path, rec, None)
    result = run_cli("flags", path)
    assert result.returncode == 0, result.stderr
    assert "No imaging or referral indicated" in result.stdout


def test_summary_prints_the_record(run_cli, saved_record: Path) -> None:
    result = run_cli("summary", saved_record)
    assert result.returncode == 0, result.stderr
    assert "MRN-0042" in result.stdout
    assert "Traceback" not in result.stderr
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_summary_to_a_file_is_private_and_never_overwrites_the_record(
    run_cli, saved_record: Path, tmp_path: Path
) -> None:
    before = saved_record.read_bytes()
    out = tmp_path / "summary.txt"
    result = run_cli("summary", "-o", out, saved_record)
    assert result.returncode == 0, result.stderr
    assert "MRN-0042" in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a summary holds patient data too

    result = run_cli("summary", "-o", saved_record, saved_record)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and str(saved_record) in result.stderr
    assert saved_record.read_bytes() == before


def test_records_folder_comes_from_the_environment(run_cli, tmp_path: Path) -> None:
    """EXAM_TUI_RECORDS decides where records live (the tests rely on it to stay out of $HOME)."""
    code = "from exam_tui.config import default_records_dir; print(default_records_dir())"
    import subprocess

    folder = tmp_path / "elsewhere"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "EXAM_TUI_RECORDS": str(folder)},
        timeout=60,
    )
    assert result.stdout.strip() == str(folder)


def test_flags_warns_about_a_record_of_an_older_checklist_version(
    run_cli, saved_record: Path
) -> None:
    saved_record.write_text(
        saved_record.read_text().replace(
            'checklist_version = "2.0.0"', 'checklist_version = "0.9.0"'
        )
    )
    result = run_cli("flags", saved_record)
    assert result.returncode == 0, result.stderr
    assert "0.9.0" in result.stderr and str(saved_record) in result.stderr
    assert load_record(saved_record).record.checklist_version == "0.9.0"
