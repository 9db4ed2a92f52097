"""The command-line conventions IT departments expect: --help with examples and exit codes,
``flags --exit-code`` for scripts, a settings file, NO_COLOR."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exam_tui import cli
from exam_tui.checklist import DEFAULT_CHECKLIST

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
FLAGGED = GOLDEN / "proximal_hamstring_avulsion.toml"  # one urgent flag
UNFLAGGED = GOLDEN / "normal_exam.toml"  # nothing flagged
CLI = Callable[..., subprocess.CompletedProcess[str]]
COMMANDS = ["new", "open", "validate", "summary", "flags", "compare", "export"]
ESCAPE = re.compile(r"\x1b\[")

# ----------------------------------------------------------------------------- --help


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_has_an_example_and_the_exit_codes(run_cli: CLI, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    examples = result.stdout.split("examples:\n", 1)[1].split("\n\n", 1)[0]
    assert re.search(rf"^  exam-tui {command} \S", examples, re.M), result.stdout
    exits = result.stdout.split("exit status:\n", 1)[1]
    assert re.search(r"^  0  \S", exits, re.M) and re.search(r"^  2  .*error", exits, re.M)


def test_top_level_help_says_where_the_settings_are(run_cli: CLI) -> None:
    out = run_cli("--help").stdout
    assert "exit status:" in out and "--config FILE" in out and "config.toml" in out


def test_flags_help_explains_exit_code_1(run_cli: CLI) -> None:
    out = run_cli("flags", "--help").stdout
    assert re.search(r"^  1  with --exit-code: at least one", out, re.M)


# ----------------------------------------------------------------------------- flags --exit-code


def test_flags_exit_code_is_1_when_flagged(run_cli: CLI) -> None:
    result = run_cli("flags", FLAGGED, "--exit-code")
    assert result.returncode == 1, result.stderr
    assert "URGENT" in result.stdout.upper()  # still printed: the script can log it


def test_flags_exit_code_is_0_when_nothing_is_flagged(run_cli: CLI) -> None:
    result = run_cli("flags", UNFLAGGED, "--exit-code", "--json")
    assert result.returncode == 0, result.stderr
    assert '"flags": []' in result.stdout


def test_flags_exit_code_is_2_on_an_error(run_cli: CLI, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[exam\n", "utf-8")
    result = run_cli("flags", broken, "--exit-code")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and str(broken) in result.stderr


@pytest.mark.parametrize("argv", [["--exit-code"], ["--exit-code", "--json"]])
def test_flags_exit_code_stands_when_the_reader_closes_the_pipe(argv: list[str]) -> None:
    """`exam-tui flags --exit-code F | head -1` under `set -o pipefail`: the reader leaving
    early is no error, and the answer (1: flagged) is still the exit status."""
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "exam_tui", "flags", str(FLAGGED), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before a byte is written
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_flags_without_exit_code_is_0_even_when_flagged(run_cli: CLI) -> None:
    assert run_cli("flags", FLAGGED).returncode == 0  # unchanged for existing scripts


# ----------------------------------------------------------------------------- NO_COLOR


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["flags", "--help"],
        ["validate"],
        ["flags", str(FLAGGED)],
        ["summary", str(FLAGGED)],
        ["compare", str(UNFLAGGED), str(UNFLAGGED)],
        ["flags", str(TESTS / "no-such-record.toml")],
    ],
    ids=lambda argv: " ".join(Path(a).name for a in argv),
)
def test_no_color_means_no_escape_sequences(run_cli: CLI, argv: list[str]) -> None:
    """The command line writes plain text (no colour) whatever the environment; with NO_COLOR
    set, and even with FORCE_COLOR (Python 3.14's argparse colours --help), none at all."""
    result = run_cli(*argv, env={"NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert result.returncode in (0, 2)
    assert not ESCAPE.search(result.stdout + result.stderr)


# ----------------------------------------------------------------------------- settings file


class FakeApp:
    """Stands in for the Textual app: what the command line would have started it with."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.return_code = 0

    def run(self) -> None:
        pass


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of each app the command line starts (in this process)."""
    import exam_tui.tui.app

    apps: list[dict[str, Any]] = []

    def fake(**kwargs: Any) -> FakeApp:
        apps.append(kwargs)
        return FakeApp(**kwargs)

    monkeypatch.setattr(exam_tui.tui.app, "create_app", fake)
    return apps


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, "utf-8")
    return path


def test_settings_fill_in_examiner_side_records_and_checklist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    path = settings_file(
        tmp_path,
        'examiner = "B. Physio"\nside = "right"\nrecords = "clinic-records"\n'
        'checklist = "posterior-thigh-pain"\n',
    )
    monkeypatch.delenv("EXAM_TUI_RECORDS")
    assert cli.main(["--config", str(path), "new", "--patient", "P-1"]) == 0
    (app,) = started
    assert (app["patient"], app["examiner"], app["side"]) == ("P-1", "B. Physio", "right")
    assert app["records_dir"] == tmp_path / "clinic-records"  # relative to the file's folder
    assert app["checklist"].id == "posterior-thigh-pain"


def test_the_default_settings_file_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    path = settings_file(tmp_path, 'examiner = "C. Doctor"\n')
    monkeypatch.setenv("EXAM_TUI_CONFIG", str(path))
    assert cli.main([]) == 0  # the start screen: its new-exam dialog gets the name
    assert started[0]["examiner"] == "C. Doctor" and started[0]["mode"] == "start"


def test_command_line_options_win_over_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    path = settings_file(
        tmp_path, 'examiner = "B. Physio"\nside = "right"\nrecords = "/nowhere/records"\n'
    )
    argv = ["--config", str(path), "--records", str(tmp_path / "mine"), "new"]
    cli.main([*argv, "--examiner", "A. Clinician", "--side", "left"])
    (app,) = started
    assert (app["examiner"], app["side"]) == ("A. Clinician", "left")
    assert app["records_dir"] == tmp_path / "mine"


def test_the_records_environment_variable_wins_over_the_settings(
    tmp_path: Path, started: list[dict[str, Any]]
) -> None:
    path = settings_file(tmp_path, 'records = "/nowhere/records"\n')
    cli.main(["--config", str(path), "new"])
    assert started[0]["records_dir"] != Path("/nowhere/records")  # $EXAM_TUI_RECORDS (conftest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('examiner = "A\nside = "left"\n', r"settings\.toml:1: not valid TOML"),
        ('side = "up"\n', r"settings\.toml: setting 'side' is 'up'"),
        ('examinr = "A"\n', r"settings\.toml: unknown setting 'examinr'"),
        ("examiner = 3\n", r"settings\.toml: setting 'examiner' must be a non-empty string"),
        ('checklist = "knee"\n', r"settings\.toml: setting 'checklist' is 'knee'"),
    ],
    ids=["toml", "side", "unknown", "type", "checklist"],
)
def test_a_broken_settings_file_is_one_line_and_exit_2(
    run_cli: CLI, tmp_path: Path, text: str, message: str
) -> None:
    path = settings_file(tmp_path, text)
    # named on the command line: checked whatever the command
    result = run_cli("--config", path, "flags", FLAGGED)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and re.search(message, result.stderr)
    # the default file: the app is never started with it (the error comes before the screen)
    result = run_cli("new", env={"EXAM_TUI_CONFIG": str(path)})
    assert result.returncode == 2 and re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_settings_file_named_on_the_command_line_is_an_error(
    run_cli: CLI, tmp_path: Path
) -> None:
    result = run_cli("--config", tmp_path / "nope.toml", "validate", DEFAULT_CHECKLIST)
    assert result.returncode == 2
    assert result.stderr.strip() == f"exam-tui: {tmp_path / 'nope.toml'}: no such settings file"


def test_no_settings_file_in_the_default_place_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exam_tui import config

    monkeypatch.delenv("EXAM_TUI_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.default_config_path().is_relative_to(tmp_path)
    assert config.load_config() == config.Config()


# ----------------------------------------------------------------------------- README


def test_readme_documents_install_settings_and_exit_status() -> None:
    from exam_tui.config import SETTINGS

    readme = (TESTS.parent / "README.md").read_text("utf-8")
    for command in ("make run", "make test", "pipx install .", "uv tool install ."):
        assert command in readme
    for setting in SETTINGS:  # every setting the loader accepts has an example line
        assert re.search(rf"^{setting} = ", readme, re.M), setting
    for status in ("0", "1", "2"):
        assert re.search(rf"^\| {status} \| ", readme, re.M), status
