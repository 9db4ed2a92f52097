"""The command line is parsed by the named command's parser alone when it can be (building
all seven was ~3 ms of every start): for any command line, the result, the output and the
exit status are exactly the full parser's."""

from __future__ import annotations

import contextlib
import io
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
def test_the_one_command_parser_agrees_with_the_full_one(argv: list[str]) -> None:
    assert outcome(cli.parse_args, argv) == outcome(cli._parser().parse_args, argv)


def test_a_start_builds_only_its_commands_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str | None] = []
    full = cli._parser

    def spy(only: str | None = None, *args: Any) -> Any:
        built.append(only)
        return full(only, *args)

    monkeypatch.setattr(cli, "_parser", spy)
    for argv in (
        ["new", "--patient", "P"],
        ["--records", "dir", "--config", "c.toml", "new", "--side", "left"],
        ["--checklist=my.toml", "open", "x.toml"],
    ):
        built.clear()
        command = next(a for a in argv if a in cli._COMMAND_PARSERS)
        cli.parse_args(argv)
        assert built == [command]
