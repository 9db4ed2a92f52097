"""The plain-text summary: golden vignettes, width, completeness, determinism and the CLI.

Golden files: ``tests/golden/<name>.toml`` is a record, ``tests/golden/<name>.txt`` its summary at
80 columns, compared byte for byte. After a deliberate change to the summary, regenerate them with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_summary.py

and read every changed .txt (``git diff tests/golden``) before committing it: these files are what
a clinician pastes into the notes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam_tui import rules, summary
from exam_tui.checklist import Checklist, Item, load_checklist
from exam_tui.record import Finding, Record, copy_record, is_shown, new_record
from exam_tui.storage import load_record
from tests.conftest import CHECKLIST_V1, save_record

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
GOLDEN_RECORDS = sorted(GOLDEN.glob("*.toml"))
MINI = TESTS / "data" / "checklists" / "mini-test.toml"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
STARTED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
CLI = Callable[..., subprocess.CompletedProcess[str]]
#: The golden files here are posterior-thigh-pain 1.0.0 records (2.0.0: tests/golden/v2/).
CL_V1 = load_checklist(CHECKLIST_V1)


def render_file(path: Path, width: int = 80) -> str:
    loaded = load_record(path)
    ev = rules.evaluate(loaded.checklist, loaded.record)
    return summary.render_summary(loaded.checklist, loaded.record, ev, width=width)


def render(checklist: Checklist, record: Record, width: int = 80, **kw: object) -> str:
    return summary.render_summary(
        checklist, record, rules.evaluate(checklist, record), width=width, **kw
    )  # type: ignore[arg-type]


def flat(text: str) -> str:
    """The summary with its wrapping undone, to look for phrases that may span lines."""
    return " ".join(text.split())


# ----------------------------------------------------------------------------- golden files


def test_the_required_vignettes_have_golden_files() -> None:
    names = {p.stem for p in GOLDEN_RECORDS}
    assert {
        "normal_exam",
        "l5_radiculopathy_left",
        "proximal_hamstring_avulsion",
        "incomplete_red_flags",
        "notes_and_unknown_items",
    } <= names


@pytest.mark.parametrize("record_path", GOLDEN_RECORDS, ids=lambda p: p.stem)
def test_summary_matches_golden_file(record_path: Path) -> None:
    expected_path = record_path.with_suffix(".txt")
    actual = render_file(record_path)
    if UPDATE or not expected_path.exists():
        expected_path.write_bytes(actual.encode("utf-8"))
        if not UPDATE:
            pytest.fail(f"{expected_path.name} did not exist: written now, read it and commit it")
    assert actual.encode("utf-8") == expected_path.read_bytes()


@pytest.mark.parametrize("record_path", GOLDEN_RECORDS, ids=lambda p: p.stem)
def test_golden_summaries_are_plain_wrapped_text(record_path: Path) -> None:
    raw = record_path.with_suffix(".txt").read_bytes()
    text = raw.decode("utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\x1b" not in text and "\r" not in text and "\t" not in text
    assert not re.search("[\u2500-\u257f]", text), "no box drawing"
    assert all(len(line) <= 80 and line == line.rstrip() for line in text.splitlines())
    assert text.splitlines()[-1] == "Checklist: posterior-thigh-pain 1.0.0 (exam-tui)"
    assert CL_V1.safety_net.text in flat(text)


# The clinical content of the golden files, asserted in words so a regenerated golden file
# cannot silently lose it.


def test_normal_exam_says_plainly_that_nothing_is_indicated() -> None:
    text = (GOLDEN / "normal_exam.txt").read_text("utf-8")
    assert "\n  " + CL_V1.texts.no_flags + "\n" in text
    assert "Red flags: screened, all negative" in text
    assert "Reflexes: normal and symmetrical" in text
    assert "Abnormal findings\n  None on examination." in text
    assert "Not tested\n  Nothing" in text


def test_l5_radiculopathy_gives_sides_and_clinical_notation() -> None:
    text = (GOLDEN / "l5_radiculopathy_left.txt").read_text("utf-8")
    assert "Straight leg raise (SLR): positive L at 40°, negative R" in text
    assert "Medial hamstring reflex (L5): 1 (reduced) L, 2 (normal) R" in text
    assert "Great toe extension (L5): MRC 4/5 L, MRC 5/5 R" in text
    assert "Reflexes graded 0–4 (NINDS)" in text
    assert text.count("NINDS") == 1, "the scale is named once"
    assert "Reading: radicular pattern" in text
    assert "Note: reproduces the patient's own pain" in text


def test_avulsion_is_flagged_urgent_with_its_findings() -> None:
    text = (GOLDEN / "proximal_hamstring_avulsion.txt").read_text("utf-8")
    flags = text.split("\n\n")[1]
    assert flags.startswith(
        "Flags (most urgent first)\n  URGENT (within days) — Possible proximal hamstring avulsion"
    )
    assert "Palpable gap L: positive" in flat(flags)
    assert "Knee flexion: MRC 3/5 L, MRC 5/5 R" in text


def test_incomplete_screen_names_the_unasked_red_flags() -> None:
    text = (GOLDEN / "incomplete_red_flags.txt").read_text("utf-8")
    assert "Record status: draft (not completed)" in text
    assert "Red flags: no positive answer; screening incomplete" in text
    unasked = flat(text.split("NOT ASKED:")[1].split("\n\n")[0])
    assert unasked.startswith("Sexual dysfunction, Progressive weakness")
    assert "WARNING — Red flags not fully screened" in text
    assert "SLR + dorsiflexion (Bragard) (R)" in flat(
        text
    )  # shown after a positive SLR R, not done
    assert "2026-10-14 16:45 UTC+01:00" in text


def test_notes_and_unknown_items_are_all_kept() -> None:
    text = (GOLDEN / "notes_and_unknown_items.txt").read_text("utf-8")
    f = flat(text)
    assert "amended after completion (2 amendments)" in text
    for note in (
        "wakes only when lying on the right side",
        "sprint training for a 400 m race",
        "tight hamstrings on the right at 70°",
        "not done: patient could not lie prone comfortably",
        "both brisk-normal, equal",
    ):
        assert note in f
    # A two-line note keeps its line break.
    assert "7/10\n        eased at once" in text
    # The ANSI escape in a note is made visible, never passed to the terminal.
    assert "\x1b" not in text and "\ufffd[31mdiscomfort only" in text
    unknown = text.split("Items not in checklist posterior-thigh-pain 1.0.0\n")[1]
    assert 'hop_test: left = "normal", right = "painful"' in unknown
    assert "old_tinel_sign: value = 1" in unknown


# ----------------------------------------------------------------------------- order and parts


def _record(checklist: Checklist, answers: dict[tuple[str, str | None], object]) -> Record:
    rec = new_record(checklist, "MRN-0042", "A. Clinician", "left", started_at=STARTED)
    for (item, side), value in answers.items():
        rec.set_value(checklist.items[item], side, value, at=STARTED)  # type: ignore[arg-type]
    return rec


def test_parts_come_in_clinical_order(checklist: Checklist) -> None:
    rec = _record(
        checklist,
        {
            ("pain_below_knee", None): "yes",
            ("saddle_anaesthesia", None): "no",
            ("slr", "left"): "positive",
            ("reflex_achilles", "left"): 2,
            ("reflex_achilles", "right"): 2,
            ("single_leg_bridge_reps", "left"): 20,
        },
    )
    text = render(checklist, rec)
    heads = [
        "Exam summary:",
        "\nFlags",
        "\nRed flags:",
        "\nHistory (patient's account)",
        "\nAbnormal findings",
        "\nMeasurements and other values",
        "\nNormal findings",
        "\nNot tested",
        "\nPattern (a summary of findings, not a diagnosis)",
        "\nSafety net:",
        "\nChecklist: posterior-thigh-pain",
    ]
    positions = [text.index(h) for h in heads]
    assert positions == sorted(positions)


def test_flags_most_urgent_first(checklist: Checklist) -> None:
    rec = _record(
        checklist,
        {
            ("inflammatory_features", None): "yes",  # R13 routine
            ("significant_trauma", None): "yes",  # R6 urgent
            ("bladder_dysfunction", None): "yes",  # R1 emergency
        },
    )
    text = render(checklist, rec)
    e = text.index("EMERGENCY (same day) — Possible cauda equina syndrome")
    u = text.index("URGENT (within days) — Possible fracture")
    r = text.index("ROUTINE — Inflammatory back pain")
    assert e < u < r
    assert CL_V1.texts.no_flags not in text
    assert "Red flags: POSITIVE" in text
    assert "Findings: Bladder dysfunction: yes." in text


def test_hidden_items_are_not_listed_as_not_tested(checklist: Checklist) -> None:
    rec = _record(checklist, {("slr", "left"): "negative", ("slr", "right"): "positive"})
    assert not is_shown(checklist, rec, "slr_angle", "left")
    not_tested = flat(render(checklist, rec).split("\nNot tested\n")[1].split("\n\n")[0])
    assert "SLR angle at onset (R)" in not_tested  # shown on the right only
    assert "SLR angle at onset," not in not_tested and "SLR angle at onset." not in not_tested


def test_reflex_asymmetry_is_abnormal_even_within_normal_grades(checklist: Checklist) -> None:
    rec = _record(checklist, {("reflex_patellar", "left"): 2, ("reflex_patellar", "right"): 3})
    text = render(checklist, rec)
    abnormal = text.split("\nAbnormal findings\n")[1].split("\n\n")[0]
    assert "Patellar reflex (L3–L4): 2 (normal) L, 3 (brisk) R" in abnormal


def test_since_section_follows_the_flags(checklist: Checklist) -> None:
    prior = _record(checklist, {("reflex_achilles", "left"): 2})
    prior.exam.started_at = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    rec = _record(checklist, {("reflex_achilles", "left"): 1})
    changes = ["Achilles reflex (S1) L: reflex 2 (normal) → reflex 1 (reduced)"]
    text = render(checklist, rec, prior=prior, changes=changes)
    since = text.index(
        "\nSince 2026-10-01\n  Achilles reflex (S1) L: reflex 2 (normal) → reflex 1 (reduced)\n"
    )
    assert text.index("\nFlags") < since < text.index("\nRed flags")
    assert "Since" not in render(checklist, rec, prior=prior)
    assert "No change in the recorded findings." in render(checklist, rec, prior=prior, changes=[])


def test_note_on_a_hidden_unanswered_item_is_kept(checklist: Checklist) -> None:
    rec = _record(checklist, {("slr", "left"): "negative", ("slr", "right"): "negative"})
    rec.set_note("slr_angle", "angle not measured: goniometer missing", at=STARTED)
    text = render(checklist, rec)
    assert "Other notes\n  Note (SLR angle at onset): angle not measured" in text


def test_empty_record_reads_sensibly(checklist: Checklist) -> None:
    text = render(checklist, _record(checklist, {}))
    assert "None recorded: no examination findings." in text
    assert "NOT ASKED: Saddle anaesthesia" in text
    assert "Examiner" not in text and "examiner: A. Clinician" in text


def test_a_very_narrow_width_is_raised_to_the_minimum(checklist: Checklist) -> None:
    """The app's summary screen may be narrow; it gets a readable summary, not a crash."""
    text = render(checklist, _record(checklist, {("slr", "left"): "positive"}), width=5)
    assert max(map(len, text.splitlines())) <= summary.MIN_WIDTH
    assert text == render(checklist, _record(checklist, {("slr", "left"): "positive"}), width=20)


def test_summary_module_does_not_import_textual() -> None:
    code = "import sys, exam_tui.summary; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- properties

BUNDLED = load_checklist()
MINI_CHECKLIST = load_checklist(MINI)
_printable = st.characters(blacklist_categories=("Cs",))
NOTES = st.one_of(
    st.none(),
    st.text(_printable, max_size=120),
    st.text(st.sampled_from("abcdefghij/.-"), min_size=150, max_size=400),  # a long unbroken word
)


def _value(item: Item) -> st.SearchStrategy[object]:
    if item.kind == "number":
        assert item.min is not None and item.max is not None
        ints = st.integers(int(item.min), int(item.max))
        if item.integer:
            return ints
        return ints | st.floats(item.min, item.max, allow_nan=False).map(
            lambda v: round(v, 1)
        ).filter(
            lambda v: item.min <= v <= item.max  # type: ignore[operator]
        )
    if item.kind == "text":
        return st.text(_printable, min_size=1, max_size=80)
    return st.sampled_from(item.allowed_values() or ())


@st.composite
def records(draw: st.DrawFn) -> tuple[Checklist, Record]:
    cl = {"bundled": BUNDLED, "mini": MINI_CHECKLIST}[draw(st.sampled_from(["bundled", "mini"]))]
    rec = new_record(
        cl,
        draw(PATIENT_IDS),
        draw(st.text(_printable, max_size=60)),
        draw(st.sampled_from(["left", "right", "both"])),
        started_at=STARTED,
    )
    for item in cl.items.values():
        for side in ("left", "right") if item.bilateral else (None,):
            if draw(st.booleans()):
                rec.set_value(item, side, draw(_value(item)), at=STARTED)  # type: ignore[arg-type]
        note = draw(NOTES)
        if note and note.strip():
            rec.set_note(item.id, note, at=STARTED)
    if draw(st.booleans()):
        rec.findings["item_from_the_future"] = Finding(
            left="x" * draw(st.integers(1, 300)), note=draw(NOTES)
        )
    rec.status = draw(st.sampled_from(["draft", "completed", "amended"]))
    return cl, rec


#: Patient ids the record model accepts (C1 controls included: the summary must neutralise them).
PATIENT_IDS = st.text(
    st.characters(
        blacklist_categories=("Cs",), blacklist_characters=[*map(chr, range(32)), "\x7f"]
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: bool(s.strip()))

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(records(), st.integers(summary.MIN_WIDTH, 200))
def test_no_line_exceeds_the_width(cl_rec: tuple[Checklist, Record], width: int) -> None:
    cl, rec = cl_rec
    text = render(cl, rec, width=width)
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long
    assert text.endswith("\n")
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text), "no control characters"


@PROPERTY
@given(records())
def test_every_answered_item_appears(cl_rec: tuple[Checklist, Record]) -> None:
    cl, rec = cl_rec
    text = flat(render(cl, rec, width=200)).lower()
    for item in cl.items.values():
        values = [rec.get(item.id, s) for s in (("left", "right") if item.bilateral else (None,))]
        if all(v is None for v in values):
            continue
        section = cl.section_of[item.id]
        label = item.label
        if label.lower().startswith(section.title.lower() + ": "):
            label = label[len(section.title) + 2 :]  # "Sensation: dorsum of foot" under "Sensation"
        if label.lower() in text:
            continue
        # A number item folded into its parent's line: "positive L at 40°".
        shown = [summary.value_text(item, v) for v in values if v is not None]
        assert item.unit == "degrees" and all(f"at {s}".lower() in text for s in shown), item.id
    for key in rec.findings:
        if key not in cl.items:
            assert f"{key}:" in text


@PROPERTY
@given(records())
def test_every_note_appears(cl_rec: tuple[Checklist, Record]) -> None:
    cl, rec = cl_rec
    # Compare without whitespace: wrapping may split a long note, even inside a word.
    text = "".join(render(cl, rec, width=40).split())
    for item_id, finding in rec.findings.items():
        if finding.note and item_id in cl.items:
            assert "".join(summary._clean(finding.note).split()) in text, item_id


@PROPERTY
@given(records())
def test_same_record_same_bytes(cl_rec: tuple[Checklist, Record]) -> None:
    cl, rec = cl_rec
    assert render(cl, rec) == render(cl, copy_record(rec))


# ----------------------------------------------------------------------------- command line


def test_cli_prints_the_golden_summary(run_cli: CLI) -> None:
    path = GOLDEN / "l5_radiculopathy_left.toml"
    result = run_cli("summary", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == path.with_suffix(".txt").read_text("utf-8")
    assert result.stderr == ""


def test_cli_output_is_the_same_whatever_the_hash_seed(run_cli: CLI) -> None:
    path = GOLDEN / "notes_and_unknown_items.toml"
    outs = {run_cli("summary", path, env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert outs == {path.with_suffix(".txt").read_text("utf-8")}


def test_cli_warns_about_unknown_items_on_stderr(run_cli: CLI) -> None:
    result = run_cli("summary", GOLDEN / "notes_and_unknown_items.toml")
    assert result.returncode == 0
    assert "hop_test" in result.stderr and "Traceback" not in result.stderr


def test_cli_output_file(run_cli: CLI, tmp_path: Path) -> None:
    path = GOLDEN / "proximal_hamstring_avulsion.toml"
    out = tmp_path / "summary.txt"
    result = run_cli("summary", path, "--output", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert out.read_bytes() == path.with_suffix(".txt").read_bytes()


def test_cli_refuses_to_overwrite_the_record(run_cli: CLI, tmp_path: Path) -> None:
    rec = tmp_path / "r.toml"
    rec.write_bytes((GOLDEN / "normal_exam.toml").read_bytes())
    result = run_cli("summary", rec, "--output", rec)
    assert result.returncode == 2
    assert rec.read_bytes() == (GOLDEN / "normal_exam.toml").read_bytes()


@pytest.mark.parametrize("width", [40, 57, 120])
def test_cli_width(run_cli: CLI, width: int) -> None:
    result = run_cli("summary", GOLDEN / "notes_and_unknown_items.toml", "--width", str(width))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= width
    if width == 120:
        assert max(map(len, lines)) > 80  # the width is used, not only respected


def test_cli_width_too_narrow(run_cli: CLI) -> None:
    result = run_cli("summary", GOLDEN / "normal_exam.toml", "--width", "20")
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "content",
    [
        None,
        b"",
        b"not = [valid toml",
        b"\xff\xfe binary",
        b'schema_version = 1\nchecklist = "posterior-thigh-pain"\n',
    ],
    ids=["missing", "empty", "bad-toml", "binary", "incomplete"],
)
def test_cli_bad_file(run_cli: CLI, tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "bad record.toml"
    if content is not None:
        path.write_bytes(content)
    result = run_cli("summary", path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_cli_summary_of_a_saved_record(run_cli: CLI, checklist: Checklist, tmp_path: Path) -> None:
    """A record written by the app's own save path summarises end to end."""
    rec = _record(checklist, {("slr", "left"): "positive", ("slr_angle", "left"): 35})
    rec.set_note("slr", "own pain to the calf", at=STARTED)
    path = tmp_path / "saved.toml"
    save_record(path, rec, None)
    result = run_cli("summary", path)
    assert result.returncode == 0, result.stderr
    assert "Straight leg raise (SLR): positive L at 35°" in result.stdout
    assert result.stdout == render(checklist, rec)
