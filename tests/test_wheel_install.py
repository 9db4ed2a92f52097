"""The package as a user gets it: a wheel built from a copy of the checkout, installed (not
editable) into a fresh virtual environment outside the checkout, and run from another folder.

The editable install the rest of the suite uses finds everything through the checkout, so it
cannot see a file missing from the wheel (the bundled checklist once was: every command but
``--version`` failed after ``pipx install``). Building needs setuptools and installing needs the
dependencies, from PyPI or pip's cache; this takes ~45 s, and runs in ``make test`` (CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from exam_tui import __version__

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "proximal_hamstring_avulsion.toml"

#: What a clean clone would not have: the developer's environment and build leftovers (a stale
#: build/ folder could put files in the wheel that the sources no longer have).
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


def _run(
    cmd: list[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the venv, the built wheel): built from a copy of the checkout, installed into the venv."""
    base = tmp_path_factory.mktemp("wheel")
    src, dist, venv = base / "src", base / "dist", base / "venv"
    shutil.copytree(ROOT, src, symlinks=True, ignore=NOT_IN_A_CLONE)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    built = _run([*pip, "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, src])
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("exam_tui-*.whl")
    # Without its own pip (ensurepip alone took ~30 s on a loaded machine): the suite's pip
    # installs into it (--python), the wheel and its dependencies, as pipx or uv would.
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert made.returncode == 0, made.stderr
    inst = _run([*pip, "--python", _bin(venv, "python"), "install", "--quiet", wheel])
    assert inst.returncode == 0, inst.stderr
    return venv, wheel


@pytest.fixture
def elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder outside the checkout holding a golden record, and an environment that points
    neither at the checkout (PYTHONPATH) nor at the developer's config or records."""
    folder = tmp_path / "clinic"
    folder.mkdir()
    shutil.copy(GOLDEN, folder / "exam.toml")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "EXAM_TUI", "VIRTUAL"))
    }
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        NO_COLOR="1",
    )
    return folder, env


@pytest.mark.slow
def test_the_wheel_installed_elsewhere_validates_flags_and_summarises(
    installed: tuple[Path, Path], elsewhere: tuple[Path, dict[str, str]]
) -> None:
    venv, wheel = installed
    folder, env = elsewhere

    def exam_tui(*args: str) -> subprocess.CompletedProcess[str]:
        return _run([_bin(venv, "exam-tui"), *args], cwd=folder, env=env)

    where = _run(
        [_bin(venv, "python"), "-c", "import exam_tui; print(exam_tui.__file__)"],
        cwd=folder,
        env=env,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout

    version = exam_tui("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"exam-tui {__version__}")

    validated = exam_tui("validate")  # the bundled checklists, from inside the install
    assert validated.returncode == 0, validated.stderr
    oks = [line for line in validated.stdout.splitlines() if ": ok (" in line]
    assert oks and all(str(venv) in line for line in oks), validated.stdout
    assert "posterior-thigh-pain" in validated.stdout

    # The same output as the suite's own (editable) install gives; the golden-file tests check
    # that output's content.
    out = {}
    for command, *args in (["flags", "exam.toml", "--json"], ["summary", "exam.toml"]):
        got = exam_tui(command, *args)
        assert got.returncode == 0, got.stderr
        expected = _run([sys.executable, "-m", "exam_tui", command, *args], cwd=folder, env=env)
        assert got.stdout == expected.stdout, f"{command}: installed and checkout differ"
        out[command] = got.stdout
    assert json.loads(out["flags"])["flags"], "the avulsion record raises a flag"
    assert "GOLD-AVULSION" in out["summary"]

    # the metadata a packager reads: the SPDX licence, with its text
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert b"\nLicense-Expression: MIT\n" in metadata
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert any(n.startswith("exam_tui/checklists/") and n.endswith(".toml") for n in names)


def test_pyproject_declares_the_spdx_licence() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text("utf-8")
