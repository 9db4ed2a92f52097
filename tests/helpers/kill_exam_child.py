"""Replays scripted exams through ExamSession in child processes that tests/test_kill_exam.py kills.

Run as a script it is a fork server: it imports exam_tui and loads the checklist once (~0.4 s),
then forks one child per exam on request, so 30+ kills cost a fork each instead of a Python
start-up each. Each child is an ordinary process running the exam; the test SIGKILLs it by pid.

Protocol (one JSON object per line on stdin, one reply line on stdout):

* ``{"cmd": "run", "folder", "patient", "steps", "start", "path", "cursor", "report"}``: fork a
  child that starts a new exam (``path`` null) or reopens ``path`` (cursor put on ``cursor``
  if it is not already there), applies ``steps[start:]`` and, after each step, appends the
  number of steps applied so far (``"k\\n"``) to ``report`` with one unbuffered write.
  Reply ``pid N``.
* ``{"cmd": "reap", "pid": N}``: wait for that child; reply ``reaped N <wait status>``.

A step is a list of ops, each a list: ``["key", k]`` (``ExamSession.answer``: the answer keys,
digits, ``enter``, ``backspace``), ``["fill"]`` (N: the section's normal values),
``["up"]``/``["down"]`` (previous/next item), ``["left"]``/``["right"]`` (leg),
``["note", text]``, ``["clear"]`` and ``["complete"]``. Every step ends with one change to the
record, which the session saves before the step counts as applied.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from exam_tui.checklist import Checklist, load_checklist
from exam_tui.session import ExamSession


class ScriptError(Exception):
    """The script does not fit the exam (a key the session refused, a move that went nowhere)."""


def apply_op(session: ExamSession, op: list[Any]) -> None:
    """One key press (or command) of the clinician, through the session's public methods."""
    name = op[0]
    if name == "key":
        ok = session.answer(op[1])
    elif name == "fill":
        ok = session.fill_normal_section(confirmed=True) > 0  # N, then Enter to confirm
    elif name in ("up", "down"):
        ok = session.move_item(-1 if name == "up" else 1)
    elif name in ("left", "right"):
        ok = session.move_side(name)
    elif name == "note":
        session.set_note(op[1])
        ok = True
    elif name == "clear":
        ok = session.clear()
    elif name == "complete":
        session.complete()
        ok = True
    else:
        raise ScriptError(f"unknown op {op!r}")
    if not ok:
        raise ScriptError(f"{op!r} did nothing at {session.cursor}")


def apply_step(session: ExamSession, step: list[list[Any]]) -> None:
    for op in step:
        apply_op(session, op)


def _child(checklist: Checklist, job: dict[str, Any]) -> None:
    report = os.open(job["report"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if job["path"] is None:
            session = ExamSession.start(
                checklist,
                Path(job["folder"]),
                patient=job["patient"],
                examiner="Dr Kill",
                side="left",
                find_prior=False,  # as the app does: it looks the prior exam up in a thread
            )
        else:
            session = ExamSession.open(
                Path(job["path"]), checklist=checklist, find_prior=False, upgrade=False
            )
            if job["cursor"] is not None:
                item, side = job["cursor"]
                if (session.cursor.item, session.cursor.side) != (item, side):
                    session.goto(item, side)  # the clinician moves to where they were
        steps = job["steps"]
        for k in range(job["start"], len(steps)):
            apply_step(session, steps[k])
            os.write(report, f"{k + 1}\n".encode())
        os.write(report, b"done\n")
    except BaseException:
        os.write(report, ("error " + traceback.format_exc().replace("\n", " | ") + "\n").encode())
        os._exit(1)
    os._exit(0)


def main() -> None:
    # The scripts key in posterior-thigh-pain 1.0.0 vignettes (tests/test_kill_exam.py).
    checklist = load_checklist(
        Path(__file__).resolve().parents[2]
        / "exam_tui"
        / "checklists"
        / "versions"
        / "posterior-thigh-pain-1.0.0.toml"
    )
    for line in sys.stdin:
        job = json.loads(line)
        if job["cmd"] == "run":
            pid = os.fork()
            if pid == 0:
                # The child never returns into this loop, and never writes to our stdout.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                try:
                    _child(checklist, job)
                finally:
                    os._exit(1)
            print(f"pid {pid}", flush=True)
        elif job["cmd"] == "reap":
            _, status = os.waitpid(job["pid"], 0)
            print(f"reaped {job['pid']} {status}", flush=True)


if __name__ == "__main__":
    main()
