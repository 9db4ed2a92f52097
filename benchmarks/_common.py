"""Shared helpers for the benchmarks: statistics, the machine, scripted exams and record files.

Benchmarks report ratios against a baseline measured in the same run, because a shared machine's
absolute times drift from minute to minute. Nothing here asserts a time.
"""

from __future__ import annotations

import functools
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
#: The installed console script, as a user runs it (falls back to ``python -m exam_tui``).
_SCRIPT = Path(PYTHON).with_name("exam-tui")
EXAM_TUI = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "exam_tui"]


# ----------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linear between closest ranks."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def describe(values: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """'median 41.2 ms (IQR 40.1–43.0, min 39.8, max 60.3, n=20)' for times in seconds."""
    v = [x * scale for x in values]
    return (
        f"median {statistics.median(v):.1f} {unit} (IQR {percentile(v, 25):.1f}–{percentile(v, 75):.1f}, "
        f"min {min(v):.1f}, max {max(v):.1f}, n={len(v)})"
    )


def ratio(a: Sequence[float], b: Sequence[float]) -> float:
    return statistics.median(a) / statistics.median(b)


def verdict(value: float, target: float, smaller_is_better: bool = True) -> str:
    ok = value <= target if smaller_is_better else value >= target
    return f"{'meets' if ok else 'MISSES'} target {'≤' if smaller_is_better else '≥'} {target:g}"


def user_env(**extra: str) -> dict[str, str]:
    """The environment to time a command in: a user's, not this machine's.

    These machines set PYTHONDONTWRITEBYTECODE=1, so an editable checkout's modules were
    compiled again on every run while Textual's and pydantic's .pyc files came with their
    install: our own imports looked several times slower than a user ever sees them. A user's
    Python writes .pyc files on the first run and reads them after, so the variable is removed
    (and every command is run once before it is timed, which writes them).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if _children_import_elsewhere():
        # A copy of the repository (a worktree of an older commit, to measure "before"):
        # its children must run its exam_tui, not the one installed in the virtualenv.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(extra)
    return env


@functools.cache
def _children_import_elsewhere() -> bool:
    """Whether a child process of this Python would import exam_tui from another tree."""
    probe = "import exam_tui, sys; sys.stdout.write(exam_tui.__file__)"
    out = subprocess.run(
        [PYTHON, "-c", probe], capture_output=True, text=True, cwd="/", check=False
    ).stdout
    return not out or Path(out).resolve().parent.parent != ROOT


def time_commands(
    commands: dict[str, list[str]], runs: int, warmup: int = 1, env: dict[str, str] | None = None
) -> dict[str, list[float]]:
    """Wall time (s) of each command, run round-robin so drift hits all of them alike.

    ``env`` defaults to :func:`user_env`; at least one untimed round runs first (``warmup``,
    at least 1) so that every command's .pyc files exist before the timed runs.
    """
    import time

    env = user_env() if env is None else env
    warmup = max(1, warmup)
    out: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(warmup + runs):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            dt = time.perf_counter() - t0
            if proc.returncode != 0:
                raise RuntimeError(
                    f"{name}: exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}"
                )
            if i >= warmup:
                out[name].append(dt)
    return out


# ----------------------------------------------------------------------------- the machine


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import importlib.metadata as md

    def ver(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "-"

    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "uname": " ".join(platform.uname()),
        "cpu": f"{cpu} ({os.cpu_count()} logical CPUs)",
        "python": sys.version.split()[0],
        "textual": ver("textual"),
        "pydantic": ver("pydantic"),
    }


def print_header(title: str) -> None:
    print(f"== {title}")
    m = machine()
    print(
        f"   {m['date']} | Python {m['python']} | textual {m['textual']} | pydantic {m['pydantic']}"
    )
    print(f"   {m['cpu']} | {m['uname']}")


# ----------------------------------------------------------------------------- scripted exams
#
# Each exam lists what the clinician finds. Bilateral items are (left, right); None means "not
# recorded". A value missing from an exam means "the normal value" for kinds that have one
# (the clinician accepts it with `N`) and "not recorded" for numbers, choices and text.

SCENARIOS: dict[str, dict[str, Any]] = {
    "normal": {
        "affected_side": "right",
        "description": "a normal exam: history typed, every test normal",
        "findings": {
            "onset": "gradual",
            "mechanism": "none",
            "duration_weeks": 3,
            "conservative_care_weeks": 2,
            "pain_score": 3,
            "pain_worse_sitting": "yes",
        },
    },
    "l5_radiculopathy": {
        "affected_side": "left",
        "description": "left L5 radiculopathy: positive nerve tension, L5 reflex, sensory and motor signs",
        "findings": {
            "onset": "gradual",
            "mechanism": "lifting_or_bending",
            "duration_weeks": 8,
            "conservative_care_weeks": 6,
            "pain_score": 7,
            "pain_below_knee": "yes",
            "leg_pain_worse_than_back": "yes",
            "leg_pain_worse_cough_sneeze": "yes",
            "pain_worse_sitting": "yes",
            "foot_paraesthesia": "yes",
            "intervention_candidate": "yes",
            "slr": ("positive", "negative"),
            "slr_angle": (40, None),
            "slr_dorsiflexion": ("positive", None),
            "bowstring_cram": ("positive", None),
            "slump": ("positive", "negative"),
            "reflex_medial_hamstring": (1, 2),
            "sensation_l5": ("reduced", "normal"),
            "strength_great_toe_extension": (4, 5),
            "strength_hip_abduction": (4, 5),
        },
    },
    "hamstring_tendinopathy": {
        "affected_side": "right",
        "description": "right proximal hamstring tendinopathy: loading and palpation positive, neuro normal",
        "findings": {
            "onset": "gradual",
            "mechanism": "none",
            "duration_weeks": 16,
            "conservative_care_weeks": 8,
            "pain_score": 5,
            "leg_pain_worse_than_back": "yes",
            "pain_worse_sitting": "yes",
            "resisted_knee_flexion_30": ("negative", "positive"),
            "bent_knee_stretch": ("negative", "positive"),
            "modified_bent_knee_stretch": ("negative", "positive"),
            "puranen_orava": ("negative", "positive"),
            "single_leg_bridge_reps": (28, 12),
            "ischial_tuberosity_tenderness": ("negative", "positive"),
            "strength_knee_flexion": (5, 4),
        },
    },
}


#: Exams on other bundled checklists, keyed in the same way (bench_keystrokes): "as fast as a
#: thigh exam" for the arm exam means the same keys per value.
OTHER_SCENARIOS: dict[str, dict[str, Any]] = {
    "arm_c7_radiculopathy": {
        "checklist": "arm-pain",
        "affected_side": "left",
        "description": "arm-pain: left C7 radiculopathy (neck tests, triceps reflex, C7 sensation and myotome)",
        "findings": {
            "age_years": 48,
            "onset_mode": "gradual",
            "injury_mechanism": "none",
            "weeks_since_onset": 8,
            "weeks_conservative_care": 7,
            "arm_pain_score": 7,
            "neck_pain": "yes",
            "pain_below_elbow": "yes",
            "arm_paraesthesia": "yes",
            "neck_movement_provokes_arm_pain": "yes",
            "wants_injection_or_surgery": "yes",
            "spurling_test": ("positive", "negative"),
            "neck_distraction_test": ("positive", "negative"),
            "ulnt_median": ("positive", "negative"),
            "shoulder_abduction_relief": ("positive", "negative"),
            "cervical_paraspinal_tenderness": ("positive", "negative"),
            "cervical_rotation_degrees": (55, 75),
            "active_abduction_degrees": (170, 170),
            "passive_external_rotation_degrees": (80, 80),
            "reflex_triceps": (1, 2),
            "sensation_c7": ("reduced", "normal"),
            "strength_elbow_extension": (4, 5),
            "grip_strength_kg": (30, 38),
        },
    },
}


def wanted_value(checklist: Any, scenario: dict[str, Any], item_id: str, side: str | None) -> Any:
    """What the scenario records for this slot (None: leave it unanswered)."""
    from exam_tui import kinds

    item = checklist.items[item_id]
    found = scenario["findings"].get(item_id)
    if found is not None:
        if item.bilateral:
            return found[0] if side == "left" else found[1]
        return found
    return kinds.reference_normal(item)


def build_record(
    checklist: Any,
    scenario: dict[str, Any],
    patient_id: str = "MRN-000001",
    started_at: datetime | None = None,
) -> Any:
    """The completed record a clinician ends up with for this scripted exam."""
    from exam_tui import record as rec

    r = rec.new_record(
        checklist, patient_id, "Dr Bench", scenario["affected_side"], started_at=started_at
    )
    # Two passes: a show-condition can depend on a later item's value.
    for _ in range(2):
        for section in checklist.sections:
            for item in section.items:
                for side in rec.slots(checklist, item):
                    if not rec.is_shown(checklist, r, item.id, side):
                        continue
                    v = wanted_value(checklist, scenario, item.id, side)
                    if v is not None and r.get(item.id, side) is None:
                        r.set_value(item, side, v, by="Dr Bench", at=started_at)
    r.complete(at=(started_at + timedelta(minutes=12)) if started_at else None)
    return r


def count_values(data: dict[str, Any]) -> int:
    """Values in a saved record's findings (left, right and value each count; notes do not)."""
    return sum(
        1 for f in data.get("findings", {}).values() for k in ("left", "right", "value") if k in f
    )


def write_record_folder(folder: Path, n: int, seed: int = 8) -> None:
    """n realistic record files (the three scripted exams, varied ids, dates and statuses).

    Each scenario is serialised once through the real storage code; the copies vary the patient
    id, the dates and the status by substitution, which keeps generating 10,000 files fast.
    """
    import random

    from exam_tui.checklist import DEFAULT_CHECKLIST, load_checklist
    from exam_tui.storage import dumps_record, ensure_private_dir, record_filename

    rng = random.Random(seed)
    cl = load_checklist(DEFAULT_CHECKLIST)
    t0 = datetime(2020, 1, 6, 9, 0, 0, tzinfo=UTC)
    templates = [dumps_record(build_record(cl, s, "@@ID@@", t0)) for s in SCENARIOS.values()]
    ensure_private_dir(folder)
    for _ in range(n):
        text = rng.choice(templates)
        when = t0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 6))
        pid = f"MRN-{rng.randrange(10**6, 10**7)}"
        status = rng.choices(["completed", "draft", "amended"], [8, 1, 1])[0]
        body = text.replace("@@ID@@", pid)
        # dates: every timestamp of the template is t0 or t0 + 12 min
        for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S+00:00", "%Y-%m-%dT%H:%M:%S+00:00"):
            body = body.replace(t0.strftime(fmt), when.strftime(fmt))
            later = t0 + timedelta(minutes=12)
            body = body.replace(later.strftime(fmt), (when + timedelta(minutes=12)).strftime(fmt))
        body = body.replace('status = "completed"', f'status = "{status}"')
        (folder / record_filename(pid, when)).write_text(body, "utf-8")


def iter_chunks(xs: Iterable[Any], n: int) -> Iterable[list[Any]]:
    buf: list[Any] = []
    for x in xs:
        buf.append(x)
        if len(buf) == n:
            yield buf
            buf = []
    if buf:
        yield buf
