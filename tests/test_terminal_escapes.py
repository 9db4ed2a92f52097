"""No record text reaches the terminal unescaped: every field of a record full of escape
sequences, C1 controls and bidi overrides, through every CLI command (issue 15). The app's
screens are checked in tests/tui/test_hostile_in_app.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from exam_tui import cli
from exam_tui.checklist import Checklist
from exam_tui.record import Record, new_record
from exam_tui.storage import dumps_record, save_record
from exam_tui.textclean import clean, clean_lines, json_safe

ESC = "\x1b]0;owned\x07\x1b[2J"  # an OSC title sequence, a bell, a screen clear
C1 = "\x9b31m\x9d0;owned\x9c"  # CSI and OSC as C1 controls
BIDI = "\u202eevil\u202c\u2066x\u2069"
#: What must never be printed: every character that can start or steer an escape.
UNSAFE = ["\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\u202e", "\u2066"]


def hostile_record(checklist: Checklist, started_at: object = None) -> Record:
    """A record with hostile text in every free-text field a record has."""
    from datetime import UTC, datetime

    when = started_at or datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    # A patient id refuses C0 controls (ESC) already; C1 and bidi it keeps, as typed.
    rec = new_record(checklist, f"MRN{C1}{BIDI}", f"Dr{ESC}{C1}{BIDI}", "left", started_at=when)
    for item_id in checklist.items:
        rec.set_note(item_id, f"note{ESC}{C1}{BIDI}\nsecond line{ESC}", at=when)
    rec.set_value(checklist.items["slr"], "left", "positive", at=when)
    rec.checklist_version = f"1.0{ESC}{C1}"  # printed in a warning
    return rec


def write_hostile(folder: Path, checklist: Checklist, name: str = "hostile.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rec = hostile_record(checklist)
    path = folder / f"{name[:-5]}{C1}{BIDI}.toml"  # the file name too
    text = dumps_record(rec)
    # an item the checklist does not know, whose id is printed in a warning
    text += f'\n[findings."unknown{BIDI}\\u001b]0;x\\u0007"]\nnote = "x"\n'
    path.write_text(text, "utf-8")
    return path


def assert_clean(text: str) -> None:
    for ch in UNSAFE:
        assert ch not in text, f"{ch!r} reached the terminal: {text[:300]!r}"


@pytest.mark.parametrize(
    "args",
    [["summary"], ["flags"], ["flags", "--json"], ["summary", "--width", "40"]],
    ids=lambda a: " ".join(a),
)
def test_cli_output_has_no_escapes(
    args: list[str], tmp_path: Path, checklist: Checklist, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_hostile(tmp_path, checklist)
    assert cli.main([args[0], str(path), *args[1:]]) == 0
    out, err = capsys.readouterr()
    assert "MRN" in out or "flags" in out.lower() or out.strip()
    assert "warning" in err  # the version and the unknown item are reported, cleaned
    assert_clean(out + err)


def test_compare_and_errors_have_no_escapes(
    tmp_path: Path, checklist: Checklist, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    old = write_hostile(tmp_path, checklist, "old.toml")
    new_rec = hostile_record(checklist, datetime(2026, 12, 5, 9, 30, tzinfo=UTC))
    new_rec.set_value(checklist.items["slr"], "left", "negative")
    new = tmp_path / "new.toml"
    save_record(new, new_rec, None)
    for argv in (["compare", str(old), str(new)], ["compare", "--json", str(old), str(new)]):
        assert cli.main(argv) == 0
        out, err = capsys.readouterr()
        assert out.strip()
        assert_clean(out + err)
    # an error naming a hostile file name
    missing = tmp_path / f"gone{ESC}{C1}.toml"
    assert cli.main(["summary", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert "gone" in err
    assert_clean(out + err)


@pytest.mark.parametrize("cp", [*range(0x20), *range(0x7F, 0xA0), 0x202A, 0x202E, 0x2066, 0x2069])
def test_clean_leaves_no_control(cp: int) -> None:
    s = f"a{chr(cp)}b"
    for out in (clean(s), clean_lines(s)):
        assert_clean(out)
        assert all(c.isprintable() or c in " \n" for c in out)
    import json

    assert_clean(json_safe(json.dumps(s, ensure_ascii=False)))
    assert json.loads(json_safe(json.dumps(s, ensure_ascii=False))) == s
