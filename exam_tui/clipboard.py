"""Copying text with the platform's clipboard tool: pbcopy, wl-copy, xclip, xsel or clip.exe.

The app also copies with OSC 52 (the terminal puts the text on the clipboard, and it works over
SSH), but many terminals ignore it silently and no program can tell. So the summary screen does
both, and says which: OSC 52, and the local tool when there is one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping

#: A tool gets this long: they return in milliseconds (xclip forks to serve the selection).
TIMEOUT_S = 5.0


def candidates(platform: str, env: Mapping[str, str]) -> list[list[str]]:
    """The tools worth trying here, best first (each a command line reading text on stdin)."""
    found: list[list[str]] = []
    if platform == "darwin":
        found.append(["pbcopy"])
    if platform == "win32":
        found.append(["clip.exe"])
    if env.get("WAYLAND_DISPLAY"):
        found.append(["wl-copy"])
    if env.get("DISPLAY"):
        found += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    if platform.startswith("linux"):
        found.append(["clip.exe"])  # on PATH only under WSL: the Windows clipboard
    return found


def find_tool(
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> list[str] | None:
    """The first clipboard tool installed here, as a command line; None if there is none."""
    for command in candidates(platform, os.environ if env is None else env):
        exe = which(command[0])
        if exe:
            return [exe, *command[1:]]
    return None


def tool_name(command: list[str]) -> str:
    return os.path.basename(command[0])


def copy_with(command: list[str], text: str) -> str | None:
    """Give ``text`` to the tool; None if it worked, else why not (one line)."""
    # clip.exe reads the console code page unless the text starts with a UTF-16 byte order mark.
    data = text.encode("utf-16" if tool_name(command).lower() == "clip.exe" else "utf-8")
    try:
        done = subprocess.run(
            command,
            input=data,
            stdout=subprocess.DEVNULL,  # a pipe would be held open by xclip's background child
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"no answer in {TIMEOUT_S:.0f} s"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None if done.returncode == 0 else f"exit status {done.returncode}"
