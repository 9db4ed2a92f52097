"""Record files: bad input gets one clear error and stays untouched; unknown items survive;
two windows on one record cannot silently overwrite each other; old records stay readable."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exam_tui import cli
from exam_tui.errors import RecordConflictError, RecordError
from exam_tui.record import Record
from exam_tui.storage import dumps_record, load_record, save_record

DATA = Path(__file__).resolve().parent / "data"

# ----------------------------------------------------------------------------- bad records


def _replace_line(text: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first line equal to ``old``; return the text and that line's number."""
    lines = text.split("\n")
    n = lines.index(old)
    lines[n] = new
    return "\n".join(lines), n + 1


def _bad(case: str, good: bytes) -> tuple[bytes | None, list[str]]:
    """The bytes of a broken record (None: a folder / no file) and what the error must say."""
    text = good.decode()
    if case == "syntax":
        bad, line = _replace_line(text, 'right = "negative"', 'right = "negative')
        return bad.encode(), [f":{line}:", "TOML"]
    if case == "wrong-type":
        bad, _ = _replace_line(text, 'left = "positive"', "left = 3")
        return bad.encode(), ["item 'slr'"]
    if case == "wrong-type-bool":
        bad, _ = _replace_line(text, "left = 1", "left = true")
        return bad.encode(), ["item 'reflex_achilles'", "left: true is not a valid value"]
    if case == "wrong-type-table":
        return text.replace('id = "MRN-0042"', "id = [1, 2]").encode(), ["patient"]
    if case == "out-of-range":
        bad, _ = _replace_line(text, "left = 40", "left = 120")
        return bad.encode(), ["item 'slr_angle'", "120"]
    if case == "impossible-grade":
        bad, _ = _replace_line(text, "left = 1", "left = 7")
        return bad.encode(), ["item 'reflex_achilles'", "7"]
    if case == "unknown-value":
        bad, _ = _replace_line(text, 'value = "no"', 'value = "maybe"')
        return bad.encode(), ["item 'saddle_anaesthesia'", "maybe"]
    if case == "side-on-one-sided-item":
        bad, _ = _replace_line(text, 'value = "no"', 'left = "no"')
        return bad.encode(), ["item 'saddle_anaesthesia'"]
    if case == "unknown-checklist":
        return text.replace(
            'checklist = "posterior-thigh-pain"', 'checklist = "knee-exam"'
        ).encode(), ["unknown checklist 'knee-exam'"]
    if case == "newer-schema":
        return text.replace("schema_version = 1", "schema_version = 2").encode(), [
            "schema_version 2",
            "newer",
        ]
    if case == "no-schema":
        return text.replace("schema_version = 1\n", "").encode(), ["schema_version"]
    if case == "non-utf8":
        bad = good.replace(b"calf", b"c\xe9lf")  # Latin-1 é, as an old editor would save it
        line = bad[: bad.index(b"\xe9")].count(b"\n") + 1
        return bad, [f":{line}:", "UTF-8"]
    if case == "empty":
        return b"", ["empty"]
    if case == "blank":
        return b"\n   \n\t\n", ["empty"]
    if case == "binary-png":
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), []
    if case == "binary-zeros":
        return b"\x00" * 64, ["binary"]
    if case in ("folder", "vanished"):
        return None, []
    raise AssertionError(case)


BAD_CASES = [
    "syntax",
    "wrong-type",
    "wrong-type-bool",
    "wrong-type-table",
    "out-of-range",
    "impossible-grade",
    "unknown-value",
    "side-on-one-sided-item",
    "unknown-checklist",
    "newer-schema",
    "no-schema",
    "non-utf8",
    "empty",
    "blank",
    "binary-png",
    "binary-zeros",
    "folder",
    "vanished",
]


@pytest.fixture(params=BAD_CASES)
def bad_record(
    request: pytest.FixtureRequest, saved_record: Path
) -> tuple[Path, bytes | None, list[str]]:
    case = request.param
    content, words = _bad(case, saved_record.read_bytes())
    path = saved_record.with_name(f"bad-{case}.toml")
    if content is not None:
        path.write_bytes(content)
    elif case == "folder":
        path.mkdir()
        (path / "inside.txt").write_text("keep me")
    return path, content, words


def _assert_untouched(path: Path, content: bytes | None) -> None:
    if content is not None:
        assert path.read_bytes() == content
    elif path.name == "bad-folder.toml":
        assert path.is_dir() and (path / "inside.txt").read_text() == "keep me"
    else:
        assert not path.exists()


def test_load_record_raises_record_error_naming_the_file(bad_record) -> None:
    path, content, words = bad_record
    with pytest.raises(RecordError) as info:
        load_record(path)
    assert not isinstance(info.value, RecordConflictError)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for word in words:
        assert word in message
    _assert_untouched(path, content)


@pytest.mark.parametrize("command", [["flags"], ["flags", "--json"], ["summary"]])
def test_cli_bad_record_one_line_exit_2_file_untouched(bad_record, command, capsys) -> None:
    path, content, words = bad_record
    code = cli.main([*command, str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0]
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0]
    _assert_untouched(path, content)


@pytest.mark.parametrize("case", ["syntax", "out-of-range", "non-utf8", "folder", "vanished"])
@pytest.mark.parametrize("command", ["flags", "summary"])
def test_cli_bad_record_in_a_real_process(
    run_cli, saved_record: Path, case: str, command: str
) -> None:
    """The same, through the interpreter: no traceback reaches the terminal."""
    content, words = _bad(case, saved_record.read_bytes())
    path = saved_record.with_name(f"bad-{case}.toml")
    if content is not None:
        path.write_bytes(content)
    elif case == "folder":
        path.mkdir()
    result = run_cli(command, path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    for word in words:
        assert word in lines[0]
    if content is not None:
        assert path.read_bytes() == content


def test_a_file_that_failed_to_load_is_never_overwritten(bad_record, sample_record: Record) -> None:
    """A save without the fingerprint of a successful load is refused (no blind overwrite)."""
    path, content, _ = bad_record
    if content is None:
        pytest.skip("no file to protect")
    with pytest.raises(RecordConflictError):
        save_record(path, sample_record, None)
    assert path.read_bytes() == content


# ----------------------------------------------------------------------------- unknown items

FUTURE = '\n[findings.future_test]\nleft = "positive"\nnote = "from checklist 2.0"\n'


def test_unknown_item_is_kept_written_back_and_reported(saved_record: Path) -> None:
    saved_record.write_text(saved_record.read_text() + FUTURE)
    loaded = load_record(saved_record)
    assert any("future_test" in w for w in loaded.warnings), loaded.warnings
    f = loaded.record.findings["future_test"]
    assert (f.left, f.note) == ("positive", "from checklist 2.0")

    # an edit elsewhere, then save: the unknown item is written back, not dropped
    loaded.record.set_value(loaded.checklist.items["fever"], None, "no")
    save_record(saved_record, loaded.record, loaded.fingerprint)
    again = load_record(saved_record)
    assert again.record.findings["future_test"] == f
    assert again.record.get("fever") == "no"
    assert "[findings.future_test]" in saved_record.read_text()


def test_unknown_item_is_a_warning_on_the_command_line(saved_record: Path, run_cli) -> None:
    saved_record.write_text(saved_record.read_text() + FUTURE)
    before = saved_record.read_bytes()
    for command in ("flags", "summary"):
        result = run_cli(command, saved_record)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        warnings = [line for line in result.stderr.splitlines() if "future_test" in line]
        assert len(warnings) == 1, result.stderr
        assert str(saved_record) in warnings[0] and "warning" in warnings[0]
    assert saved_record.read_bytes() == before


# ----------------------------------------------------------------------------- concurrency


def test_second_writer_is_refused_and_first_writers_edit_survives(saved_record: Path) -> None:
    """Two terminals open the same record; both edit; the second save must not win silently."""
    first = load_record(saved_record)
    second = load_record(saved_record)
    items = first.checklist.items

    first.record.set_value(items["fever"], None, "yes")
    save_record(saved_record, first.record, first.fingerprint)
    after_first = saved_record.read_bytes()

    second.record.set_value(items["night_pain"], None, "yes")
    with pytest.raises(RecordConflictError) as info:
        save_record(saved_record, second.record, second.fingerprint)
    assert str(saved_record) in str(info.value)
    assert saved_record.read_bytes() == after_first
    final = load_record(saved_record).record
    assert final.get("fever") == "yes"
    assert final.get("night_pain") is None


def test_each_save_returns_the_fingerprint_for_the_next(saved_record: Path) -> None:
    loaded = load_record(saved_record)
    fp = loaded.fingerprint
    for value in ("yes", "no", "yes"):
        loaded.record.set_value(loaded.checklist.items["fever"], None, value)
        fp = save_record(saved_record, loaded.record, fp)
    assert load_record(saved_record).fingerprint == fp


def test_save_refuses_a_deleted_or_newly_created_file(
    saved_record: Path, sample_record: Record
) -> None:
    loaded = load_record(saved_record)
    saved_record.unlink()
    with pytest.raises(RecordConflictError):
        save_record(saved_record, loaded.record, loaded.fingerprint)
    assert not saved_record.exists()

    other = saved_record.with_name("new.toml")
    other.write_text("someone else's file")
    with pytest.raises(RecordConflictError):
        save_record(other, sample_record, None)
    assert other.read_text() == "someone else's file"


# ----------------------------------------------------------------------------- schema evolution


def test_version_1_record_as_written_by_0_1_0_stays_readable() -> None:
    """A fixture file written by exam-tui 0.1.0; never regenerate it: it is the archive."""
    path = DATA / "records" / "v1-amended-as-written-by-0.1.0.toml"
    loaded = load_record(path)
    rec = loaded.record
    assert loaded.warnings == []
    assert rec.schema_version == 1
    assert (rec.checklist, rec.status, rec.patient.id) == (
        "posterior-thigh-pain",
        "amended",
        "MRN-0042",
    )
    assert rec.exam.examiner == "A. Clinician"
    assert rec.exam.affected_side == "left"
    assert rec.exam.started_at == datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert rec.exam.completed_at == datetime(2026, 11, 28, 9, 50, tzinfo=UTC)
    assert rec.get("onset") == "gradual"
    assert rec.get("duration_weeks") == 8
    assert rec.get("pain_score") == 7
    assert rec.get("saddle_anaesthesia") == "no"
    assert rec.get("sensation_saddle") == "normal"
    assert (rec.get("slr", "left"), rec.get("slr", "right")) == ("positive", "negative")
    assert rec.note("slr") == 'reproduces "calf" pain — below the knee'
    assert rec.get("slr_angle", "left") == 40
    assert (rec.get("reflex_achilles", "left"), rec.get("reflex_achilles", "right")) == (1, 2)
    assert rec.get("sensation_s1", "left") == "reduced"
    assert rec.get("plantar_response", "left") == "flexor"
    assert rec.get("strength_plantarflexion", "left") == 5
    [amendment] = rec.amendments
    assert (amendment.by, amendment.item, amendment.side) == (
        "B. Colleague",
        "strength_plantarflexion",
        "left",
    )
    assert (amendment.old, amendment.new) == (4, 5)


def test_version_1_record_in_the_documented_form_stays_readable() -> None:
    """The record format exactly as issue 2 documents it (``Z`` times, comments)."""
    rec = load_record(DATA / "records" / "v1-issue-example.toml").record
    assert rec.status == "draft"
    assert rec.exam.started_at == datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert (rec.get("slr", "left"), rec.get("slr", "right"), rec.note("slr")) == (
        "positive",
        "negative",
        "reproduces calf pain",
    )
    assert rec.get("slr_angle", "left") == 40
    assert rec.get("saddle_anaesthesia") == "no"


def test_version_1_record_round_trips_through_a_save(tmp_path: Path) -> None:
    src = DATA / "records" / "v1-amended-as-written-by-0.1.0.toml"
    path = tmp_path / src.name
    shutil.copy(src, path)
    loaded = load_record(path)
    save_record(path, loaded.record, loaded.fingerprint)
    assert load_record(path).record == loaded.record


@pytest.mark.parametrize("version", [2, 99])
def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path, version: int) -> None:
    src = DATA / "records" / "v1-issue-example.toml"
    path = tmp_path / "future.toml"
    content = src.read_text().replace("schema_version = 1", f"schema_version = {version}").encode()
    path.write_bytes(content)
    with pytest.raises(RecordError) as info:
        load_record(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert f"schema_version {version}" in message
    assert re.search(r"newer|upgrade", message)
    assert path.read_bytes() == content


def test_dumped_record_uses_the_documented_keys(sample_record: Record) -> None:
    """The keys issue 2 documents keep their meaning in what we write."""
    text = dumps_record(sample_record)
    assert text.startswith("schema_version = 1\n")
    for needle in (
        'checklist = "posterior-thigh-pain"',
        'status = "draft"',
        "[patient]",
        'id = "MRN-0042"',
        "[exam]",
        'affected_side = "left"',
        "[findings.slr]",
        'left = "positive"',
        'right = "negative"',
        "[findings.saddle_anaesthesia]",
        'value = "no"',
    ):
        assert needle in text
