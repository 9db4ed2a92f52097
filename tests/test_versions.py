"""Checklist versions: a record is found by checklist id and version (never by file name); a
completed record is always read with the version it names; a draft of an older version moves to
the newest when opened, if every item it holds still exists there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from exam_tui import storage
from exam_tui.checklist import Checklist, find_checklist, load_checklist
from exam_tui.record import new_record
from exam_tui.session import ExamSession
from tests.conftest import CHECKLIST_V1, STARTED

PAW = Path(__file__).resolve().parent / "data" / "checklists" / "paw-exam.toml"


def _saved(checklist: Checklist, folder: Path, *, complete: bool) -> Path:
    rec = new_record(checklist, "MRN-V", "Dr V", "left", started_at=STARTED)
    rec.set_value(checklist.items["slr"], "left", "positive", at=STARTED)
    rec.set_value(checklist.items["saddle_anaesthesia"], None, "no", at=STARTED)
    if complete:
        rec.complete(at=STARTED)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{'done' if complete else 'draft'}.toml"
    storage.save_record(path, rec, None)
    return path


def test_a_completed_record_is_read_with_the_version_it_names(
    checklist_v1: Checklist, tmp_path: Path
) -> None:
    path = _saved(checklist_v1, tmp_path, complete=True)
    loaded = storage.load_record(path)
    assert (loaded.checklist.id, loaded.checklist.version) == ("posterior-thigh-pain", "1.0.0")
    assert loaded.checklist.path == CHECKLIST_V1
    session = ExamSession.open(path, find_prior=False)
    assert session.checklist.version == "1.0.0"  # a signed document: never moved
    assert not any("upgraded" in w for w in session.warnings)


def test_a_draft_of_an_older_version_moves_to_the_newest_when_opened(
    checklist_v1: Checklist, checklist: Checklist, tmp_path: Path
) -> None:
    path = _saved(checklist_v1, tmp_path, complete=False)
    assert storage.load_record(path).checklist.version == "1.0.0"  # reading alone moves nothing
    session = ExamSession.open(path, find_prior=False)
    assert session.checklist.version == checklist.version != "1.0.0"
    assert session.warnings[0] == (
        f"Draft upgraded from checklist posterior-thigh-pain 1.0.0 to {checklist.version}."
    )
    assert 'checklist_version = "1.0.0"' in path.read_text()  # until the next change
    session.goto("slr", "right")
    session.answer("n")
    assert f'checklist_version = "{checklist.version}"' in path.read_text()
    assert session.record.get("slr", "left") == "positive"


def test_a_draft_with_an_item_the_newest_version_lost_stays_on_its_version(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    text = PAW.read_text()
    (folder / "paw-old.toml").write_text(text)
    newer = text.replace('version = "3.1.0"', 'version = "3.2.0"').replace(
        '[[sections.items]]\nid = "st_tingle"', '[[sections.items]]\nid = "st_tingles"'
    )
    newer = newer.replace(
        '{ item = "st_tingle", is = "yes" }', '{ item = "st_tingles", is = "yes" }'
    )
    (folder / "paw-new.toml").write_text(newer)
    assert find_checklist("paw-exam", [folder]) == folder / "paw-new.toml"
    assert find_checklist("paw-exam", [folder], version="3.1.0") == folder / "paw-old.toml"
    old = load_checklist(folder / "paw-old.toml")
    rec = new_record(old, "P", "E", "left", started_at=STARTED)
    rec.set_value(old.items["st_tingle"], None, "yes", at=STARTED)
    path = tmp_path / "draft.toml"
    storage.save_record(path, rec, None)
    loaded = storage.upgrade_draft(storage.load_record(path, checklist_dirs=[folder]), [folder])
    assert loaded.checklist.version == "3.1.0"
    assert any("no longer has" in w for w in loaded.warnings)
    rec2 = new_record(old, "P", "E", "left", started_at=STARTED)
    rec2.set_value(old.items["pr_tap"], "left", "positive", at=STARTED)
    storage.save_record(path, rec2, storage.file_fingerprint(path))
    moved = storage.upgrade_draft(storage.load_record(path, checklist_dirs=[folder]), [folder])
    assert moved.checklist.version == "3.2.0" and moved.record.checklist_version == "3.2.0"


def test_a_record_names_its_checklist_by_id_not_by_file_name(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "some-other-file-name.toml").write_text(PAW.read_text())
    paw = load_checklist(folder / "some-other-file-name.toml")
    rec = new_record(paw, "P", "E", "left", started_at=STARTED)
    rec.set_value(paw.items["al_fire"], None, "yes", at=STARTED)
    path = tmp_path / "rec.toml"
    storage.save_record(path, rec, None)
    result = run_cli("--checklist", folder / "some-other-file-name.toml", "flags", path)
    assert result.returncode == 0, result.stderr
    assert "Z1" in result.stdout


def test_validate_without_a_file_checks_every_bundled_checklist_and_version(
    run_cli: Callable[..., Any],
) -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "posterior-thigh-pain 1.0.0" in result.stdout
    assert "arm-pain 1.0.0" in result.stdout
    assert result.stdout.count(": ok (") >= 3
