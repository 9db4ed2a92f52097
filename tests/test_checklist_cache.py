"""The cache of validated checklists: a cache, never a source of truth.

Keyed by the file's content and by the code that validates it; owner-only; written atomically;
ignored (and rewritten) when it does not check out; and once warm, a command reads a record
without importing pydantic at all.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from exam_tui import checklist as cl_mod
from exam_tui.errors import ChecklistError

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "exam_tui" / "checklists" / "posterior-thigh-pain.toml"


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "checklists").glob("*.marshal"))


def _with_digest(payload: bytes) -> bytes:
    """A cache file's bytes for ``payload`` with a digest that checks out."""
    return cl_mod._digest(payload) + b"\n" + payload


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    # conftest points EXAM_TUI_CACHE here for every test
    return Path(os.environ["EXAM_TUI_CACHE"])


def test_a_checklist_is_validated_once_then_read_from_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cl_mod.load_checklist(BUNDLED)
    files = _cache_files(cache)
    assert len(files) == 1
    # From now on the models are not asked: make asking them fail.
    from exam_tui import schema

    monkeypatch.setattr(
        schema, "validate_checklist", lambda *a, **k: pytest.fail("validated again")
    )
    again = cl_mod.load_checklist(BUNDLED)
    assert again is not first
    assert [i for i in again.items] == [i for i in first.items]
    assert again.items["slr"].label == first.items["slr"].label


def test_cache_files_are_private(cache: Path) -> None:
    cl_mod.load_checklist(BUNDLED)
    (f,) = _cache_files(cache)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert stat.S_IMODE(f.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700  # the cache folder too
    assert not [p for p in f.parent.iterdir() if p.name.startswith(".tmp-")]  # no temp left


def _damage(f: Path, how: str) -> None:
    raw = f.read_bytes()
    if how == "truncated":
        f.write_bytes(raw[: len(raw) // 2])
    elif how == "altered":  # the payload changed, the checksum not: e.g. a label edited
        f.write_bytes(raw.replace(b"Straight leg raise", b"Straight leg raisf", 1))
    elif how == "empty":
        f.write_bytes(b"")
    elif how == "garbage":
        f.write_bytes(os.urandom(300))
    elif how == "not marshal":  # the digest checks out, the payload is not marshal data
        f.write_bytes(_with_digest(b"{not marshal"))
    elif how == "not a table":  # marshal data, but a list where the entry is a table
        import marshal

        f.write_bytes(_with_digest(marshal.dumps(["Straight leg raise"])))
    elif how == "half an entry":  # the dump without the conditions worked out from it
        import marshal

        entry = marshal.loads(f.read_bytes().partition(b"\n")[2])
        del entry["derived"]
        f.write_bytes(_with_digest(marshal.dumps(entry)))


@pytest.mark.parametrize(
    "how",
    ["truncated", "altered", "empty", "garbage", "not marshal", "not a table", "half an entry"],
)
def test_a_damaged_cache_file_is_never_trusted(cache: Path, how: str) -> None:
    good = cl_mod.load_checklist(BUNDLED)
    (f,) = _cache_files(cache)
    assert b"Straight leg raise" in f.read_bytes()
    _damage(f, how)
    again = cl_mod.load_checklist(BUNDLED)  # validated again, the file rewritten
    assert again.items["slr"].label == good.items["slr"].label
    assert b"Straight leg raise" in f.read_bytes()
    third = cl_mod.load_checklist(BUNDLED)
    assert third.items["slr"].label == good.items["slr"].label


def test_a_cache_file_others_can_change_is_ignored(cache: Path) -> None:
    cl_mod.load_checklist(BUNDLED)
    (f,) = _cache_files(cache)
    f.write_bytes(f.read_bytes().replace(b"Straight leg raise", b"Tampered", 1))
    os.chmod(f, 0o666)
    # Even with a matching checksum, a file the group or others may write is not read.
    _, _, payload = f.read_bytes().partition(b"\n")
    f.write_bytes(_with_digest(payload))
    os.chmod(f, 0o666)
    assert cl_mod.load_checklist(BUNDLED).items["slr"].label != "Tampered"


def test_an_edited_checklist_is_validated_again(tmp_path: Path, cache: Path) -> None:
    copy = tmp_path / "c.toml"
    shutil.copy(BUNDLED, copy)
    cl_mod.load_checklist(copy)
    # one byte more, and an error: the cache of the old content must not answer for it
    text = copy.read_text("utf-8").replace('kind = "sign"', 'kind = "sing"', 1)
    copy.write_text(text, "utf-8")
    with pytest.raises(ChecklistError, match="unknown kind 'sing'"):
        cl_mod.load_checklist(copy)
    assert len(_cache_files(cache)) == 1  # a refused file is not cached


def test_the_key_includes_the_validating_code(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    cl_mod.load_checklist(BUNDLED)
    monkeypatch.setattr(cl_mod, "_code_key", "another version of exam-tui")
    cl_mod.load_checklist(BUNDLED)
    assert len(_cache_files(cache)) == 2


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("EXAM_TUI_CACHE", str(blocker))
    assert cl_mod.load_checklist(BUNDLED).id == "posterior-thigh-pain"


def test_a_warm_summary_does_not_import_pydantic(tmp_path: Path) -> None:
    """The point of the cache: `exam-tui summary` on a record, with its checklist validated
    before, runs without pydantic (a record the fast check refuses still gets the models)."""
    golden = sorted((ROOT / "tests" / "golden" / "v2").glob("*.toml"))[0]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    probe = (
        "import sys, runpy; sys.argv = ['exam-tui', 'summary', sys.argv[1]];"
        "from exam_tui.cli import main; rc = main();"
        "print('PYDANTIC' if any(m.startswith('pydantic') for m in sys.modules) else 'NONE',"
        " file=sys.stderr); sys.exit(rc)"
    )
    cold = subprocess.run(
        [sys.executable, "-c", probe, str(golden)], capture_output=True, text=True, env=env
    )
    assert cold.returncode == 0, cold.stderr
    assert cold.stderr.strip().endswith("PYDANTIC")  # the first time, the checklist is validated
    warm = subprocess.run(
        [sys.executable, "-c", probe, str(golden)], capture_output=True, text=True, env=env
    )
    assert warm.returncode == 0, warm.stderr
    assert warm.stderr.strip().endswith("NONE")
    assert warm.stdout == cold.stdout == golden.with_suffix(".txt").read_text("utf-8")


def test_without_the_validating_source_there_is_no_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bytecode-only install cannot tell one version of the code from another: it validates
    every time rather than trust a cache an older program wrote."""
    monkeypatch.setattr(cl_mod, "_code_key", None)
    monkeypatch.setattr(cl_mod, "_VALIDATING_CODE", ("no-such-module.py",))
    assert cl_mod.load_checklist(BUNDLED).id == "posterior-thigh-pain"
    assert _cache_files(cache) == []


DERIVED = (
    "named_conditions",
    "show_conditions",
    "rule_conditions",
    "escalate_conditions",
    "pattern_conditions",
    "reading_dependent",
    "rule_readings",
    "compares_with_prior",
)


@pytest.mark.parametrize(
    "path",
    [
        *sorted((ROOT / "exam_tui" / "checklists").rglob("*.toml")),
        *sorted((ROOT / "tests" / "data" / "checklists").glob("*.toml")),
    ],
    ids=lambda p: p.name,
)
def test_the_cached_conditions_are_the_parsed_ones(cache: Path, path: Path) -> None:
    """A checklist read from the cache brings its conditions already parsed (and what follows
    from them); they are exactly what parsing its dump gives."""
    cl_mod.load_checklist(path)  # validated, cached
    cached = cl_mod.load_checklist(path)  # from the cache
    entry = cl_mod._cached_entry(cl_mod._cache_key(path.read_bytes()) or "")
    assert entry is not None
    fresh = cl_mod._built(entry["dump"], path)  # the same checklist, nothing parsed yet
    for name in DERIVED:
        assert name in cached.__dict__ and name not in fresh.__dict__
        assert getattr(cached, name) == getattr(fresh, name), name
