"""The checklist files are the clinical knowledge: no item id, rule id, section id or body part
of a bundled checklist is written in the package's Python (code, messages or docstrings)."""

from __future__ import annotations

import re
from pathlib import Path

from exam_tui import kinds
from exam_tui.checklist import checklist_files, load_checklist

PACKAGE = Path(__file__).resolve().parents[1] / "exam_tui"

#: Words that are also the engine's own vocabulary: value kinds and section roles (a bundled
#: section may share a kind's or a role's name), and the FHIR release names.
ENGINE_WORDS = {
    *kinds.KIND_NAMES, "reflexes", "history", "screening", "exam", "R5", "R4B", "R4",
}  # fmt: skip
#: Body parts and clinical terms of the bundled exams.
CLINICAL_WORDS = (
    "leg", "legs", "arm", "arms", "thigh", "shoulder", "neck", "lumbar", "cervical", "sciatica",
    "cauda", "equina", "hamstring", "radicular", "myelopathy", "NG59", "NICE",
)  # fmt: skip


def _bundled_ids() -> set[str]:
    ids: set[str] = set()
    for f in checklist_files():
        cl = load_checklist(f.path)
        ids |= set(cl.items) | {r.id for r in cl.rules} | {s.id for s in cl.sections}
        if cl.pattern is not None:
            ids |= {g.id for g in cl.pattern.groups}
    ids.add(next(iter(checklist_files())).id)
    ids |= {f.id for f in checklist_files()}
    return ids - ENGINE_WORDS


def test_no_bundled_id_or_clinical_word_in_the_package() -> None:
    words = sorted(_bundled_ids() | set(CLINICAL_WORDS), key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z0-9_])",
        re.IGNORECASE,
    )
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for m in pattern.finditer(line):
                found.append(f"{path.relative_to(PACKAGE)}:{n}: {m.group(0)!r} in {line.strip()}")
    assert not found, "\n".join(found)


def test_the_check_would_see_a_bundled_id(tmp_path: Path) -> None:
    """The word list is built from the files: a bundled item id is among the forbidden."""
    ids = _bundled_ids()
    assert len(ids) > 150
    assert any(i.startswith("strength_") for i in ids)
