"""Privacy: owner-only files and folders whatever the umask, safe names, no network, no logs."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui.checklist import Checklist
from exam_tui.errors import RecordError
from exam_tui.record import new_record
from exam_tui.storage import list_records, load_record, new_record_path, sanitise_id, save_record

STARTED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ----------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o002])
def test_records_are_0600_and_folders_0700_even_with_a_permissive_umask(
    tmp_path: Path, umask: int
) -> None:
    """Saved in a subprocess so the umask does not leak into the other tests."""
    top = tmp_path / "data"
    folder = top / "exam-tui" / "records"
    script = f"""
        import os
        from datetime import datetime, UTC
        from pathlib import Path
        from exam_tui.checklist import load_checklist
        from exam_tui.record import new_record
        from exam_tui.storage import new_record_path, save_record, load_record
        os.umask({umask:#o})
        cl = load_checklist()
        t0 = datetime(2026, 11, 28, tzinfo=UTC)
        rec = new_record(cl, "MRN-0042", "A. Clinician", "left", started_at=t0)
        path = new_record_path(Path({str(folder)!r}), rec)
        fp = save_record(path, rec, None)
        rec.set_value(cl.items["fever"], None, "no")
        save_record(path, rec, fp)  # the second save replaces the file: still 0600
        print(path)
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.parent == folder
    assert _mode(path) == 0o600
    # every folder exam-tui had to create, not only the last one, is owner-only
    for created in (folder, folder.parent, top):
        assert _mode(created) == 0o700, f"{created} is {_mode(created):o}"
    assert load_record(path).record.get("fever") == "no"


@pytest.mark.parametrize("mode", [0o755, 0o2770, 0o770])
def test_an_existing_folder_is_never_chmodded(tmp_path: Path, sample_record, mode: int) -> None:
    """A shared 2770 folder set up for a team keeps its group access and setgid bit: every
    save used to reset it to 0700. Only folders exam-tui creates are made private."""
    folder = tmp_path / "records"
    folder.mkdir()
    folder.chmod(mode)
    path = new_record_path(folder, sample_record)
    save_record(path, sample_record, None)
    loaded = load_record(path)
    save_record(path, loaded.record, loaded.fingerprint)
    assert _mode(folder) == mode
    assert _mode(path) == 0o600


def test_group_access_setting_follows_the_shared_folder(
    tmp_path: Path, sample_record, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With EXAM_TUI_GROUP_ACCESS=1, a folder created inside a 2770 share gets 2770 and files
    0660, so colleagues in the group can read and save them; without it, 0700 and 0600."""
    share = tmp_path / "share"
    share.mkdir()
    share.chmod(0o2770)
    monkeypatch.setenv("EXAM_TUI_GROUP_ACCESS", "1")
    sub = share / "clinic" / "records"
    path = new_record_path(sub, sample_record)
    save_record(path, sample_record, None)
    assert _mode(sub) == 0o2770 and _mode(sub.parent) == 0o2770
    assert _mode(path) == 0o660
    monkeypatch.delenv("EXAM_TUI_GROUP_ACCESS")
    private = share / "mine"
    path = new_record_path(private, sample_record)
    save_record(path, sample_record, None)
    assert _mode(private) == 0o700 and _mode(path) == 0o600


def test_a_record_replacing_a_world_readable_file_is_0600(saved_record: Path) -> None:
    saved_record.chmod(0o644)
    loaded = load_record(saved_record)
    save_record(saved_record, loaded.record, loaded.fingerprint)
    assert _mode(saved_record) == 0o600


# ----------------------------------------------------------------------------- file names

AWKWARD_IDS = [
    "../../x",
    "..",
    ".",
    "../records/../../etc/passwd",
    "a/b",
    "a_b",
    "a\\b",
    "/abs/path",
    "~root",
    ".hidden",
    "CON",
    "con",
    "NUL",
    "COM1",
    "LPT9",
    "aux.txt",
    "x" * 200,
    "x" * 199 + "y",
    "Müller",
    "Muller",
    "患者-0042",
    "患者-0043",
    "Ωμέγα",
    "🙂",
    "🙃",
    "MRN 0042",
    "MRN-0042",
    "MRN_0042",
    "-rf",
    "a:b*c?d<e>f|g\"h'",
    "name.toml",
]


def test_awkward_ids_stay_inside_the_folder_with_distinct_names(
    tmp_path: Path, checklist: Checklist
) -> None:
    folder = tmp_path / "records"
    outside_before = sorted(p for p in tmp_path.rglob("*"))
    paths = []
    for pid in AWKWARD_IDS:
        rec = new_record(checklist, pid, "A. Clinician", "left", started_at=STARTED)
        path = new_record_path(folder, rec)
        save_record(path, rec, None)
        paths.append(path)
        assert path.parent == folder, pid
        assert path.resolve().parent == folder.resolve(), pid
        name = path.name
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.toml", name), (pid, name)
        assert not name.startswith((".", "-")), (pid, name)
        assert len(name.encode()) <= 120, (pid, name)
        # Windows reserves CON, NUL, ... as the part before the first dot, whatever follows
        assert name.split(".")[0].upper() not in {
            "CON",
            "PRN",
            "AUX",
            "NUL",
            *(f"COM{i}" for i in range(10)),
            *(f"LPT{i}" for i in range(10)),
        }
        assert load_record(path).record.patient.id == pid
    assert len(set(paths)) == len(AWKWARD_IDS)
    # distinct ids get distinct names by themselves, not only through the -2 clash suffix
    names = {sanitise_id(pid) for pid in AWKWARD_IDS}
    assert len(names) == len(AWKWARD_IDS)
    # nothing was written anywhere but the records folder
    created = sorted(p for p in tmp_path.rglob("*") if p not in outside_before)
    assert all(p == folder or p.parent == folder for p in created), created
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    assert {s.patient_id for s in list_records(folder)} == set(AWKWARD_IDS)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pid=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300))
def test_any_id_gives_a_plain_file_name(pid: str) -> None:
    name = sanitise_id(pid)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) or re.fullmatch(
        r"_[A-Za-z0-9_-]+", name
    ), name
    assert len(name) <= 64
    assert os.sep not in name and ".." not in name


@pytest.mark.parametrize("pid", ["", " ", "\t", "   \n"])
def test_an_empty_or_blank_patient_id_is_refused(checklist: Checklist, pid: str) -> None:
    with pytest.raises(RecordError) as info:
        new_record(checklist, pid, "A. Clinician", "left")
    message = str(info.value)
    assert "patient" in message and "\n" not in message


@pytest.mark.parametrize("pid", ["MRN\x000042", "MRN\n0042", "MRN\x1b[31m", "x" * 201])
def test_control_characters_and_overlong_ids_are_refused(checklist: Checklist, pid: str) -> None:
    with pytest.raises(RecordError) as info:
        new_record(checklist, pid, "A. Clinician", "left")
    assert "patient" in str(info.value)


# ----------------------------------------------------------------------------- no network, no logs

NO_NETWORK = """
import socket, sys

def _refuse(*args, **kwargs):
    raise AssertionError(f"network use: socket called with {args!r}")

class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse(*args)

socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
socket.socketpair = _refuse
"""


def test_a_whole_cli_flow_uses_no_network(saved_record: Path, tmp_path: Path) -> None:
    later = saved_record.with_name("later.toml")
    later.write_text(saved_record.read_text().replace("2026-11-28 09:30:00", "2026-12-05 09:30:00"))
    out = tmp_path / "summary.txt"
    commands = [
        ["validate"],
        ["flags", str(saved_record)],
        ["flags", "--json", str(saved_record)],
        ["summary", str(saved_record)],
        ["summary", "-o", str(out), "--prior", str(saved_record), str(later)],
        ["compare", str(saved_record), str(later)],
    ]
    script = NO_NETWORK + textwrap.dedent(
        f"""
        import contextlib, io
        from exam_tui.cli import main
        for argv in {commands!r}:
            with contextlib.redirect_stdout(io.StringIO()):
                code = main(argv)
            assert code == 0, (argv, code)
        # the guard itself works
        try:
            socket.create_connection(("example.org", 80))
        except AssertionError:
            print("guarded")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "guarded"
    assert "network use" not in result.stderr
    assert out.read_text().strip()


def test_no_patient_data_in_logs(saved_record: Path, tmp_path: Path) -> None:
    """Whatever logging exam-tui (or a library) does, no patient id or note reaches it."""
    script = textwrap.dedent(
        f"""
        import contextlib, io, logging, warnings
        logging.basicConfig(level=logging.DEBUG, filename={str(tmp_path / "log.txt")!r})
        logging.captureWarnings(True)
        from exam_tui.cli import main
        from exam_tui.storage import load_record, save_record
        with contextlib.redirect_stdout(io.StringIO()):
            for argv in (["flags", {str(saved_record)!r}], ["summary", {str(saved_record)!r}]):
                assert main(argv) == 0
        loaded = load_record({str(saved_record)!r})
        save_record(loaded.path, loaded.record, loaded.fingerprint)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    log = tmp_path / "log.txt"
    text = log.read_text() if log.exists() else ""
    assert "MRN-0042" not in text and "calf" not in text
    assert "MRN-0042" not in result.stderr
