"""The headless core and the non-UI commands never import Textual (harlequin's import hygiene test).

The checks run in a fresh interpreter (in this pytest process other tests may already have
imported textual). Within it, textual is looked for after each import or command, so a
failure names the first module or command that pulled it in.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

CORE_MODULES = [
    "errors",
    "conditions",
    "checklist",
    "record",
    "rules",
    "summary",
    "storage",
    "compare",
    "timefmt",
    "brief",
    "fhir",
    "cli",
]

_LEAKED = "sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))"


def _run(code: str) -> list[list[object]]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_modules_do_not_import_textual() -> None:
    report = _run(
        f"""
        import importlib, json, sys
        report = []
        for name in {CORE_MODULES!r}:
            importlib.import_module("exam_tui." + name)
            report.append([name, {_LEAKED}])
        print(json.dumps(report))
        """
    )
    assert [name for name, _ in report] == CORE_MODULES
    for name, leaked in report:
        assert leaked == [], f"importing exam_tui.{name} imports {leaked[:3]}..."


def test_non_ui_commands_do_not_import_textual(saved_record: Path) -> None:
    """The headless commands (validate, flags, summary, compare, export) run via `python -m`."""
    later = saved_record.with_name("later.toml")
    later.write_text(saved_record.read_text().replace("2026-11-28 09:30:00", "2026-12-05 09:30:00"))
    commands = [
        ["validate"],
        ["flags", str(saved_record)],
        ["flags", "--json", str(saved_record)],
        ["summary", str(saved_record)],
        ["summary", "--brief", str(saved_record)],
        ["summary", "--prior", str(saved_record), str(later)],
        ["compare", str(saved_record), str(later)],
        ["export", str(saved_record)],
    ]
    report = _run(
        f"""
        import contextlib, io, json, runpy, sys
        report = []
        for argv in {commands!r}:
            sys.argv = ["exam-tui", *argv]
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    runpy.run_module("exam_tui", run_name="__main__", alter_sys=True)
                    code = None
                except SystemExit as exc:
                    code = exc.code
            report.append([argv, code, {_LEAKED}])
        print(json.dumps(report))
        """
    )
    assert len(report) == len(commands)
    for argv, code, leaked in report:
        assert code == 0, f"`exam-tui {' '.join(argv)}` exited {code}"
        assert leaked == [], f"`exam-tui {' '.join(argv)}` imports {leaked[:3]}..."


def test_the_core_imports_no_pydantic_until_something_needs_validating() -> None:
    """pydantic (the models in schema.py) is imported to validate what was not validated
    before, never by importing the core: that is most of a command's start-up."""
    report = _run(
        f"""
        import importlib, json, sys
        report = []
        for name in {[*CORE_MODULES, "session", "merge"]!r}:
            importlib.import_module("exam_tui." + name)
            found = [m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")]
            report.append([name, sorted(found)])
        print(json.dumps(report))
        """
    )
    for name, leaked in report:
        assert leaked == [], f"importing exam_tui.{name} imports {leaked[:3]}..."
