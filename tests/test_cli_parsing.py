"""The command line of a usual start is parsed without argparse, and any other by the named
command's parser alone when it can be (importing argparse and building parsers was ~5 ms of
every start): for any command line, the result, the output and the exit status are exactly
the full parser's."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exam_tui import cli

TOKENS = st.sampled_from(
    [
        *cli._COMMAND_PARSERS,
        "nwe",
        "-h",
        "--help",
        "--he",
        "--version",
        "--records",
        "--rec",
        "--records=x",
        "--checklist",
        "--config",
        "--patient",
        "--side",
        "left",
        "up",
        "--examiner",
        "--json",
        "--width",
        "72",
        "--bogus",
        "-o",
        "x.toml",
        "--fhir",
        "r4b",
        "--questionnaire",
        "--",
        "open",
        "P",
        "",
        "-5",
        "--patient=P",
        "--patient=",
        "--patient=-x",
        "--side=left",
        "--side=up",
        "--checklist-id",
        "--checklist-id=c",
        "--config=c.toml",
        "--exam",
    ]
)


def outcome(parse: Any, argv: list[str]) -> tuple[Any, ...]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: Any = vars(parse(argv))
        except SystemExit as exc:
            result = ("exit", exc.code)
    return result, out.getvalue(), err.getvalue()


@settings(max_examples=300)
@given(st.lists(TOKENS, max_size=6))
@example(["--records", "new", "new", "--patient", "P"])  # a folder named like a command
@example(["--rec", "new", "summary", "x.toml"])  # an abbreviated option: its value looks first
@example(["--records", "dir", "new", "--side", "left"])
@example(["new", "--patient", "P", "--side", "up"])  # refused by the command's own parser
@example(["-h", "new"])
@example(["--records", "new", "-h"])  # the top level's help, asked after a folder "new"
@example(["new", "--he"])  # an abbreviation of --help
@example(["new", "-h"])
@example(["summary"])
@example(["--records", "d", "new", "--records=e", "--side=both", "--side", "left"])
@example(["open", "x.toml", "--examiner", "B", "--examiner=C"])
@example(["new", "--checklist", "c"])  # an abbreviation of --checklist-id, not the top level's
@example(["new", "--config", "c.toml"])  # a top-level option after the command
@example(["open", "--examiner", "B"])  # no file
@example(["new", "--patient", "-5"])  # a value like a negative number
def test_the_one_command_parser_agrees_with_the_full_one(argv: list[str]) -> None:
    assert outcome(cli.parse_args, argv) == outcome(cli._parser().parse_args, argv)


def test_a_start_builds_no_parser_or_only_its_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str | None] = []
    full = cli._parser

    def spy(only: str | None = None, *args: Any) -> Any:
        built.append(only)
        return full(only, *args)

    monkeypatch.setattr(cli, "_parser", spy)
    usual = (
        [],
        ["new", "--patient", "P", "--examiner", "A. Clinician", "--side", "left"],
        ["--records", "dir", "--config", "c.toml", "new", "--side=both"],
        ["--checklist=my.toml", "open", "x.toml", "--examiner", "B"],
    )
    for argv in usual:
        built.clear()
        cli.parse_args(argv)
        assert built == [], argv
    for argv, command in (
        (["new", "--pat", "P"], "new"),  # an abbreviation: argparse's rules
        (["summary", "x.toml"], "summary"),
        (["open", "x.toml", "--examiner", "-5"], "open"),  # a value like a number
    ):
        built.clear()
        cli.parse_args(argv)
        assert built == [command], argv


def test_a_usual_start_does_not_import_argparse() -> None:
    code = (
        "import sys; from exam_tui import cli; "
        "cli.parse_args(['new', '--patient', 'P', '--examiner', 'E', '--side', 'left']); "
        "print('argparse' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
