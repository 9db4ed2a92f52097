"""Two app windows on one record, in a real terminal (tmux): the second window's save meets the
first window's change; R reloads the file and re-applies its own change; both answers are kept.

Each step waits for the text it needs on the screen (polling tmux), never for a fixed time; the
deadline only stops a hung run.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from exam_tui import storage
from exam_tui.checklist import Checklist
from exam_tui.record import new_record

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

DEADLINE_S = 90.0


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return out.stdout

    def start(self, name: str, command: str) -> None:
        self.run("new-session", "-d", "-s", name, "-x", "100", "-y", "30", command)

    def keys(self, name: str, *keys: str) -> None:
        self.run("send-keys", "-t", name, *keys)

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, text: str) -> str:
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            screen = self.screen(name)
            if text in screen:
                return screen
            time.sleep(0.05)  # a poll interval, not a wait for the app: the loop waits for text
        raise AssertionError(f"{text!r} never appeared in {name}:\n{self.screen(name)}")


def wait_until(done: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        if done():
            return
        time.sleep(0.05)  # a poll interval: the loop waits for the state
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    t = Tmux(f"exam-tui-test-{uuid.uuid4().hex[:8]}")
    try:
        yield t
    finally:
        t.run("kill-server")


def _record_with(path: Path, checklist: Checklist) -> None:
    rec = new_record(checklist, "MRN-2W", "Dr A", "left")
    rec.set_value(checklist.items["onset"], None, "gradual")
    storage.ensure_private_dir(path.parent)
    storage.save_record(path, rec, None)


def test_two_windows_on_one_record_merge_with_reload(
    tmux: Tmux, checklist: Checklist, tmp_path: Path
) -> None:
    path = tmp_path / "records" / "two.toml"
    _record_with(path, checklist)
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text("")
    env = (
        f"EXAM_TUI_RECORDS={shlex.quote(str(path.parent))} "
        f"EXAM_TUI_CONFIG={shlex.quote(str(config))} TERM=xterm-256color"
    )
    for name, who in (("one", "DrA"), ("two", "DrB")):
        cmd = f"env {env} {shlex.quote(sys.executable)} -m exam_tui open {path} --examiner {who}"
        tmux.start(name, cmd)
    for name in ("one", "two"):
        tmux.wait_for(name, "Mechanism of injury")
    tmux.keys("one", "1")  # window one: mechanism "none", saved
    # The status bar already says "saved" for the opened record: wait for the file itself.
    wait_until(lambda: 'value = "none"' in path.read_text(), "window one's save")
    tmux.keys("two", "]", "y")  # window two: saddle anaesthesia "yes": the file changed meanwhile
    tmux.wait_for("two", "changed elsewhere")
    assert "saddle_anaesthesia" not in path.read_text()  # nothing overwritten
    tmux.keys("two", "R")
    tmux.wait_for("two", "re-applied")
    loaded = storage.load_record(path).record
    assert loaded.get("mechanism") == "none" and loaded.get("saddle_anaesthesia") == "yes"
    assert loaded.get("onset") == "gradual"
    assert os.stat(path).st_mode & 0o777 == 0o600
