"""Command line: start the app, or print flags, a summary, a comparison, a FHIR export, or
validate checklists.

Only ``exam-tui``, ``new`` and ``open`` import Textual; the other commands stay headless, so
they start in the time it takes to import pydantic (see benchmarks/).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from exam_tui import __version__
from exam_tui.errors import ChecklistError, ExamTuiError, RecordError
from exam_tui.textclean import clean, clean_lines, json_safe

if TYPE_CHECKING:
    import argparse

    from exam_tui.config import Config

EXIT_OK = 0
#: ``flags --exit-code`` when something is flagged, so a script can branch on it.
EXIT_FLAGGED = 1
EXIT_ERROR = 2

ERROR_EXIT = "  2  an error: one line on stderr naming the file (and line or item)\n"


def _raw() -> type[argparse.HelpFormatter]:
    """Help text as written (argparse is imported only when a parser is built)."""
    import argparse

    return argparse.RawDescriptionHelpFormatter


def _epilog(examples: Sequence[str], exits: str) -> str:
    """The end of a command's --help: how it is typically run, and what its exit status means."""
    return (
        "examples:\n"
        + "".join(f"  {e}\n" for e in examples)
        + "\nexit status:\n"
        + exits
        + ERROR_EXIT
    )


def _parser(
    only: str | None = None, parser_class: type[argparse.ArgumentParser] | None = None
) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, with that command's parser alone (see
    ``parse_args``)."""
    import argparse

    p = (parser_class or argparse.ArgumentParser)(
        prog="exam-tui",
        description="Keyboard-first structured clinical exams from checklist files (see "
        "`exam-tui validate` for the bundled ones), with imaging and referral flags and a "
        "summary for the notes. "
        "Supports the clinician's judgement; it is not a diagnosis.",
        formatter_class=_raw(),
        epilog=_epilog(
            ["exam-tui", "exam-tui new --patient MRN-0042", "exam-tui COMMAND --help"],
            "  0  done\n",
        )
        + "\nsettings (examiner, records, side, checklist) are read from config.toml in the\n"
        "user config folder (~/.config/exam-tui on Linux), $EXAM_TUI_CONFIG or --config FILE;\n"
        "command-line options win over them.",
    )
    p.add_argument("--version", action="version", version=f"exam-tui {__version__}")
    p.add_argument(
        "--records",
        type=Path,
        metavar="DIR",
        help="records folder (default: $EXAM_TUI_RECORDS or the user data folder)",
    )
    p.add_argument(
        "--checklist", type=Path, metavar="FILE", help="checklist for new exams (default: bundled)"
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (default: $EXAM_TUI_CONFIG or config.toml in the user config folder)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in _COMMAND_PARSERS.items():
        if only in (None, name):
            add(sub)
    return p


APP_EXITS = "  0  the app was closed normally\n"

#: The options of the two commands that start the app, as flag: (metavar, help, choices), for
#: their parsers and for ``_plain_parse``.
_NEW_OPTIONS: dict[str, tuple[str | None, str, tuple[str, ...] | None]] = {
    "--patient": ("ID", "patient identifier (e.g. MRN)", None),
    "--examiner": ("NAME", "your name", None),
    "--side": (None, "affected side", ("left", "right", "both")),
    "--checklist-id": (
        "ID",
        "bundled checklist to examine with (default: the first bundled; see `validate`)",
        None,
    ),
}
_OPEN_OPTIONS: dict[str, tuple[str | None, str, tuple[str, ...] | None]] = {
    "--examiner": ("NAME", "who is making changes (for the amendment log)", None),
}


def _add_new(sub: Any) -> None:
    import argparse

    new = sub.add_parser(
        "new",
        help="start a new exam",
        formatter_class=_raw(),
        epilog=_epilog(
            [
                "exam-tui new --patient MRN-0042 --examiner 'A. Clinician' --side left",
                "exam-tui new --checklist-id CHECKLIST-ID",
            ],
            APP_EXITS,
        ),
    )
    for flag, (metavar, help_, choices) in _NEW_OPTIONS.items():
        new.add_argument(flag, metavar=metavar, choices=choices, help=help_)
    new.add_argument(
        "--records", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def _add_open(sub: Any) -> None:
    op = sub.add_parser(
        "open",
        help="open a saved record in the app",
        formatter_class=_raw(),
        epilog=_epilog(
            ["exam-tui open MRN-0042_20261128T0930Z.toml --examiner 'B. Physio'"], APP_EXITS
        ),
    )
    op.add_argument("file", type=Path)
    for flag, (metavar, help_, choices) in _OPEN_OPTIONS.items():
        op.add_argument(flag, metavar=metavar, choices=choices, help=help_)


def _add_validate(sub: Any) -> None:
    val = sub.add_parser(
        "validate",
        help="check checklist files (default: every bundled checklist and version)",
        formatter_class=_raw(),
        epilog=_epilog(
            ["exam-tui validate", "exam-tui validate my-checklist.toml"],
            "  0  every checklist is valid\n",
        ),
    )
    val.add_argument("checklists", type=Path, nargs="*")


def _add_summary(sub: Any) -> None:
    summ = sub.add_parser(
        "summary",
        help="print the plain-text summary of a record",
        formatter_class=_raw(),
        epilog=_epilog(
            ["exam-tui summary exam.toml", "exam-tui summary exam.toml --width 72 -o exam.txt"],
            "  0  the summary was printed or written\n",
        ),
    )
    summ.add_argument("file", type=Path)
    summ.add_argument(
        "--width", type=int, default=80, metavar="N", help="wrap at N columns (default 80)"
    )
    summ.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    summ.add_argument("--prior", type=Path, metavar="OLD", help="compare with this earlier record")
    summ.add_argument(
        "--brief",
        action="store_true",
        help="at most 20 lines for an EHR notes field: flags, positive findings, red-flag "
        "screen, not tested, safety net",
    )


def _add_flags(sub: Any) -> None:
    fl = sub.add_parser(
        "flags",
        help="print imaging/referral flags for a record",
        formatter_class=_raw(),
        epilog=_epilog(
            [
                "exam-tui flags exam.toml --json",
                "exam-tui flags exam.toml --exit-code > flags.txt; echo $?",
            ],
            "  0  printed (with --exit-code: nothing flagged)\n"
            "  1  with --exit-code: at least one imaging or referral flag\n",
        ),
    )
    fl.add_argument("file", type=Path)
    fl.add_argument("--json", action="store_true", help="machine-readable output")
    fl.add_argument(
        "--prior", type=Path, metavar="OLD", help="an earlier record of the same patient"
    )
    fl.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 if anything is flagged, 0 if nothing is (for scripts)",
    )


def _add_compare(sub: Any) -> None:
    cmp_ = sub.add_parser(
        "compare",
        help="what changed between two exams of one patient",
        formatter_class=_raw(),
        epilog=_epilog(
            ["exam-tui compare jan.toml feb.toml", "exam-tui compare jan.toml feb.toml --json"],
            "  0  the comparison was printed\n",
        ),
    )
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    cmp_.add_argument("--json", action="store_true")


def _add_export(sub: Any) -> None:
    ex = sub.add_parser(
        "export",
        help="export a record (or, with --questionnaire, a checklist) as HL7 FHIR JSON",
        formatter_class=_raw(),
        epilog=_epilog(
            [
                "exam-tui export exam.toml -o exam.fhir.json",
                "exam-tui export --questionnaire CHECKLIST-ID --fhir r4b",
            ],
            "  0  the export was printed or written\n",
        ),
    )
    ex.add_argument("file", type=Path, nargs="?", help="the record to export")
    ex.add_argument("--questionnaire", metavar="ID", help="export this checklist alone")
    ex.add_argument("--fhir", choices=["r5", "r4b"], default="r5", help="FHIR release (r5)")
    ex.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    ex.add_argument(
        "--fhir-base",
        metavar="URL",
        help="base of canonical URLs and identifier systems (default: $EXAM_TUI_FHIR_BASE)",
    )
    ex.add_argument(
        "--patient-system",
        metavar="URI",
        help="system of the patient identifier, e.g. your MRN namespace "
        "(default: $EXAM_TUI_PATIENT_SYSTEM)",
    )


#: The top-level options that take a value (as separate words).
_TOP_LEVEL_VALUED = frozenset({"--records", "--checklist", "--config"})


class _Refused(Exception):
    """The one-command parser could not take the command line (see ``parse_args``)."""


#: What a parsed command line is (argparse's Namespace is copied into one).
Args = SimpleNamespace


def parse_args(argv: Sequence[str] | None = None) -> Args:
    """The command line parsed, exactly as the full parser (``_parser()``) parses it.

    The usual command lines of a start (``exam-tui``, ``new`` and ``open`` with their long
    options in full) are parsed without argparse: importing it and building a parser was ~5 ms
    of every start (1% of the app's). Any other line is parsed by argparse: by the named
    command's parser alone (the first word that is neither an option nor a top-level option's
    value; building all seven was ~3 ms), which parses it as the full parser would since both
    pick that command. Anything that refuses, and any help request, goes to the full parser,
    which gives the usual messages. A property test compares all three with the full parser."""
    args = list(sys.argv[1:] if argv is None else argv)
    plain = _plain_parse(args)
    if plain is not None:
        return plain
    import argparse

    command = None
    values = iter(args)
    for a in values:
        if a in _TOP_LEVEL_VALUED:
            next(values, None)  # the option's value ("--records DIR new")
        elif not a.startswith("-"):
            command = a
            break
    # Help (-h, --help or an abbreviation, anywhere: "--records new -h" is the top level's)
    # prints the parser it is asked of: only the full one prints it whole.
    asks_help = any(a.startswith(("-h", "--h")) for a in args)
    if command in _COMMAND_PARSERS and not asks_help:

        class OneCommandParser(argparse.ArgumentParser):
            def error(self, message: str) -> Any:  # argparse prints usage and exits: not here
                raise _Refused(message)

        try:
            return Args(**vars(_parser(command, OneCommandParser).parse_args(args)))
        except _Refused:
            pass
    return Args(**vars(_parser().parse_args(args)))


def _dest(flag: str) -> str:
    """The attribute argparse stores an option in: ``--checklist-id`` → ``checklist_id``."""
    return flag[2:].replace("-", "_")


#: What ``_plain_parse`` takes: for each command (None: none), its options as
#: flag: (dest, type, choices), and how many positional paths it has (their dests).
_PLAIN: dict[
    str | None,
    tuple[dict[str, tuple[str, type[Path] | None, tuple[str, ...] | None]], tuple[str, ...]],
] = {
    None: ({f: (_dest(f), Path, None) for f in sorted(_TOP_LEVEL_VALUED)}, ()),
    "new": (
        {
            **{f: (_dest(f), None, c) for f, (_, _, c) in _NEW_OPTIONS.items()},
            "--records": ("records", Path, None),
        },
        (),
    ),
    "open": ({f: (_dest(f), None, c) for f, (_, _, c) in _OPEN_OPTIONS.items()}, ("file",)),
}


def _plain_parse(args: list[str]) -> Args | None:
    """The command line parsed without argparse, when it is one argparse parses in an obvious
    way (else None): the top-level options, then ``new`` or ``open`` (or nothing) with its
    options, each spelt in full and given a value that is not empty and does not start with
    "-" (as ``--opt VALUE`` or ``--opt=VALUE``), a value among the option's choices, and
    ``open``'s one file. The result is the full parser's: the defaults, the types, and the
    later of two values of one option."""
    parsed: dict[str, Any] = {"records": None, "checklist": None, "config": None}
    command: str | None = None
    options, slots = _PLAIN[None]
    positionals: list[str] = []
    words = iter(args)
    for word in words:
        if not word:
            return None
        if word.startswith("-"):
            flag, equals, value = word.partition("=")
            spec = options.get(flag)
            if spec is None:
                return None
            if not equals:
                value = next(words, "")
            if not value or value.startswith("-"):
                return None
            dest, convert, choices = spec
            if choices is not None and value not in choices:
                return None
            parsed[dest] = convert(value) if convert is not None else value
        elif command is None:
            if word not in _PLAIN:
                return None
            command = word
            options, slots = _PLAIN[word]
            parsed.update({dest: None for dest, _, _ in options.values() if dest != "records"})
        else:
            positionals.append(word)
    if len(positionals) != len(slots):
        return None
    parsed.update({dest: Path(word) for dest, word in zip(slots, positionals, strict=True)})
    parsed["command"] = command
    return Args(**parsed)


_COMMAND_PARSERS = {
    "new": _add_new,
    "open": _add_open,
    "validate": _add_validate,
    "summary": _add_summary,
    "flags": _add_flags,
    "compare": _add_compare,
    "export": _add_export,
}


def _settings(args: Args) -> Config:
    """The settings file's values (read once); command-line options win over them."""
    from exam_tui.config import load_config

    if getattr(args, "settings", None) is None:
        args.settings = load_config(args.config)
    settings: Config = args.settings
    return settings


def _records_dir(args: Args) -> Path:
    """--records, else $EXAM_TUI_RECORDS, else the settings file's, else the user data folder."""
    from exam_tui.config import ENV_RECORDS, default_records_dir

    if args.records:
        return Path(args.records).expanduser()
    configured = _settings(args).records
    if configured is None or os.environ.get(ENV_RECORDS):
        return default_records_dir()
    return configured


def _checklist_dirs(args: Args) -> list[Path]:
    return [args.checklist.parent] if args.checklist else []


def _load(path: Path, args: Args):  # type: ignore[no-untyped-def]
    from exam_tui.storage import load_record

    loaded = load_record(path, checklist_dirs=_checklist_dirs(args))
    for w in loaded.warnings:
        print(clean(f"{path}: warning: {w}"), file=sys.stderr)
    return loaded


def _prior(args: Args, current):  # type: ignore[no-untyped-def]
    if not getattr(args, "prior", None):
        return None
    from exam_tui.compare import check_same_patient

    prior = _load(args.prior, args)
    check_same_patient(prior, current)
    return prior.record


def cmd_validate(args: Args) -> int:
    from exam_tui.checklist import checklist_files, load_checklist

    paths = args.checklists or [f.path for f in checklist_files()]
    failed = False
    for path in paths:
        try:
            cl = load_checklist(path)
        except ChecklistError as exc:
            failed = True
            for line in exc.lines():
                print(line, file=sys.stderr)
            continue
        print(
            clean(
                f"{path}: ok ({cl.id} {cl.version}: {len(cl.sections)} sections, "
                f"{len(cl.items)} items, {len(cl.rules)} rules)"
            )
        )
    return EXIT_ERROR if failed else EXIT_OK


def cmd_flags(args: Args) -> int:
    from exam_tui import rules

    loaded = _load(args.file, args)
    prior = _prior(args, loaded)
    ev = rules.evaluate(loaded.checklist, loaded.record, prior=prior)
    status = EXIT_FLAGGED if args.exit_code and ev.flags else EXIT_OK
    # `flags --exit-code F | head -1` under pipefail: the answer stands if the reader leaves.
    args.status_if_reader_leaves = status
    # Record text reaches the terminal only cleaned: json escapes ESC itself, json_safe the
    # C1 and bidi controls; the text forms are cleaned line by line.
    if args.json:
        import json  # only where printed: the app's start does without it (~3 ms)

        print(json_safe(json.dumps(rules.to_json(ev), indent=2, ensure_ascii=False)))
    else:
        print(clean_lines(rules.format_text(ev)))
    return status


def cmd_summary(args: Args) -> int:
    from exam_tui import rules, summary
    from exam_tui.storage import atomic_write_bytes

    if args.width < 40:
        raise ExamTuiError(f"--width {args.width} is too narrow (40 columns at least)")
    loaded = _load(args.file, args)
    prior, changes = None, None
    if args.prior:
        from exam_tui import compare

        prior_loaded = _load(args.prior, args)
        result = compare.compare_loaded(prior_loaded, loaded)  # refuses another patient
        prior, changes = prior_loaded.record, compare.change_lines(result)
    ev = rules.evaluate(loaded.checklist, loaded.record, prior=prior)
    if args.brief:
        from exam_tui import brief

        text = brief.render_brief(loaded.checklist, loaded.record, ev, width=args.width)
    else:
        text = summary.render_summary(
            loaded.checklist, loaded.record, ev, width=args.width, prior=prior, changes=changes
        )
    if args.output:
        out = Path(args.output)
        _check_output(out, Path(args.file))
        try:
            atomic_write_bytes(out, text.encode("utf-8"))
        except OSError as exc:
            raise ExamTuiError(f"cannot write ({exc.strerror or exc})", path=out) from None
    else:
        sys.stdout.write(clean_lines(text))
    return EXIT_OK


def _check_output(out: Path, record: Path) -> None:
    """Refuse an --output that is a record (this one or any other) or could be taken for one:
    `summary A --output B.toml` used to replace patient B's record with text."""
    if out.resolve() == record.resolve():
        raise ExamTuiError("--output would overwrite the record itself", path=out)
    if out.suffix.lower() == ".toml":
        raise ExamTuiError(
            "--output must not be a .toml file (records are .toml): use e.g. .txt", path=out
        )
    if out.is_dir():
        raise ExamTuiError("--output is a folder", path=out)
    if out.exists() or out.is_symlink():
        if not out.is_file():
            raise ExamTuiError("--output is not a regular file; not written", path=out)
        with open(out, "rb") as fh:
            head = fh.read(4096)
        if b"schema_version" in head and b"[patient]" in head:
            raise ExamTuiError("--output is an exam record; not overwritten", path=out)


def cmd_compare(args: Args) -> int:
    from exam_tui import compare

    old = _load(args.old, args)
    new = _load(args.new, args)
    result = compare.compare_loaded(old, new)
    if args.json:
        import json

        print(json_safe(json.dumps(compare.to_json(result), indent=2, ensure_ascii=False)))
    else:
        sys.stdout.write(clean_lines(compare.format_text(result)))
    return EXIT_OK


def _write_output(out: Path, text: str, protect: Path | None = None) -> None:
    from exam_tui.storage import atomic_write_bytes

    if protect is not None and out.resolve() == protect.resolve():
        raise ExamTuiError("--output would overwrite the record itself", path=out)
    try:
        atomic_write_bytes(out, text.encode("utf-8"))
    except OSError as exc:
        raise ExamTuiError(f"cannot write ({exc.strerror or exc})", path=out) from None


def cmd_export(args: Args) -> int:
    from exam_tui import fhir

    if (args.file is None) == (args.questionnaire is None):
        raise ExamTuiError("export needs a record FILE or --questionnaire ID (one of them)")
    config = fhir.Config(
        base=args.fhir_base or os.environ.get(fhir.ENV_BASE) or fhir.DEFAULT_BASE,
        patient_system=args.patient_system or os.environ.get(fhir.ENV_PATIENT_SYSTEM),
    )
    if args.questionnaire is not None:
        from exam_tui.checklist import find_checklist, load_checklist

        path = find_checklist(args.questionnaire, _checklist_dirs(args))
        if path is None:
            raise ExamTuiError(f"unknown checklist {args.questionnaire!r}")
        export = fhir.export_questionnaire(load_checklist(path), args.fhir, config)
    else:
        from exam_tui import rules

        loaded = _load(args.file, args)
        ev = rules.evaluate(loaded.checklist, loaded.record)
        export = fhir.export_record(loaded.checklist, loaded.record, ev, args.fhir, config)
    for w in export.warnings:
        print(f"{args.file}: warning: {w}", file=sys.stderr)
    import json

    text = json.dumps(export.bundle, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        _write_output(Path(args.output), text, protect=args.file)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_app(args: Args) -> int:
    # No garbage collection during start-up: what the imports, the checklist and the first
    # screen allocate lives as long as the app, and the collector's passes over it are wasted
    # work before the first frame. The app collects again once that frame is drawn
    # (ExamApp.on_mount); here it is also switched back on whatever happens, errors included.
    gc.disable()
    try:
        return _run_app(args)
    finally:
        gc.enable()


def _run_app(args: Args) -> int:
    from exam_tui.checklist import load_bundled, load_checklist
    from exam_tui.tui.app import create_app  # Textual is imported only here

    settings = _settings(args)
    # --checklist FILE, else new --checklist-id, else the settings file's, else the default
    if args.checklist:
        checklist = load_checklist(args.checklist)
    else:
        checklist = load_bundled(getattr(args, "checklist_id", None) or settings.checklist)
    record_path = None
    if args.command == "open":
        record_path = args.file
        _load(record_path, args)  # fail fast with a one-line error, before the screen opens
    app = create_app(
        records_dir=_records_dir(args),
        checklist=checklist,
        mode=args.command or "start",
        patient=getattr(args, "patient", None),
        examiner=getattr(args, "examiner", None) or settings.examiner,
        side=getattr(args, "side", None) or settings.side,
        record_path=record_path,
    )
    app.run()
    return app.return_code or EXIT_OK


COMMANDS = {
    None: cmd_app,
    "new": cmd_app,
    "open": cmd_app,
    "validate": cmd_validate,
    "flags": cmd_flags,
    "summary": cmd_summary,
    "compare": cmd_compare,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.config is not None:
            _settings(args)  # a settings file named on the command line is always checked
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so a closed pipe is caught below and not at exit
        return status
    except ChecklistError as exc:
        for line in exc.lines():
            print(f"exam-tui: {clean(line)}", file=sys.stderr)
        return EXIT_ERROR
    except (ExamTuiError, RecordError) as exc:
        print(f"exam-tui: {clean(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `exam-tui summary F | head`: not an error for the user.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(getattr(args, "status_if_reader_leaves", EXIT_OK))


if __name__ == "__main__":
    sys.exit(main())
