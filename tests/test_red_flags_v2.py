"""Every combination of red-flag answers gives exactly the flags clinical reference 2 requires.

The expectation is computed here, independently of the engine, from the reference's wording
(rules R1, R3–R6, R13, R14 and their escalations; R12 a warning). The red flags are combined
with four exam contexts, because R4, R5 and R14 also read the examination:

- nothing else recorded;
- a root deficit in one leg (Achilles reflex 1 against 2);
- an objective deficit in both legs (both Achilles reflexes absent);
- radicular pain (pain below the knee) without a deficit.

Exhaustive over yes/no: the reference reads the five cauda equina symptoms only as "any of
them" and the two infection risk factors only as "either", so each group is one variable whose
"yes" is given by one member (each in turn) or all of them; every yes/no combination of the
resulting eleven variables is checked, the eight whose rules also read the examination in every
exam context, and every combination of the five cauda equina symptoms on its own. Unanswered
answers (the third value) are checked on a fixed pseudo-random sample.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from exam_tui import rules
from exam_tui.checklist import Checklist, load_checklist
from exam_tui.record import Record, new_record
from tests.conftest import CHECKLIST_V2

CES = [
    "saddle_anaesthesia",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
]
OTHERS = [
    "progressive_weakness",
    "history_of_cancer",
    "unexplained_weight_loss",
    "night_pain",
    "fever",
    "iv_drug_use_or_immunosuppression",
    "recent_infection_or_spinal_procedure",
    "significant_trauma",
    "osteoporosis_or_steroids",
    "age_over_50",
    "inflammatory_features",
]
RED_FLAGS = CES + OTHERS
CONTEXTS: dict[str, dict[str, Any]] = {
    "nothing else": {},
    "deficit in one leg": {"reflex_achilles": (1, 2)},
    "deficit in both legs": {"reflex_achilles": (0, 0)},
    "radicular pain": {"pain_below_knee": "yes"},
}
STARTED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def expected(answers: Mapping[str, str | None], context: str) -> tuple[dict[str, str], bool]:
    """Flags (rule id -> urgency) and whether R12 warns, in the reference's words."""

    def yes(item: str) -> bool:
        return answers.get(item) == "yes"

    deficit = context in ("deficit in one leg", "deficit in both legs")
    both_legs = context == "deficit in both legs"
    ces_symptoms = any(yes(i) for i in CES)
    infection_risk = yes("iv_drug_use_or_immunosuppression") or yes(
        "recent_infection_or_spinal_procedure"
    )
    # neuro_symptoms_or_signs: pain below the knee, foot paraesthesia or progressive weakness;
    # nerve tension; a neurological deficit; or cauda equina symptoms.
    neuro_symptoms = (
        context == "radicular pain" or yes("progressive_weakness") or deficit or ces_symptoms
    )
    flags: dict[str, str] = {}
    # R1: ces_symptoms or saddle sensation loss.
    if ces_symptoms:
        flags["R1"] = "emergency"
    # R3: progressive weakness reported (no weakness is examined here).
    if yes("progressive_weakness"):
        flags["R3"] = "urgent"
    # R4: a risk factor with fever, night pain or a deficit; or fever with a deficit.
    if (infection_risk and (yes("fever") or yes("night_pain") or deficit)) or (
        yes("fever") and deficit
    ):
        flags["R4"] = "emergency" if deficit else "urgent"
    # R5: cancer; or two of weight loss, night pain, age over 50.
    background = sum(yes(i) for i in ("unexplained_weight_loss", "night_pain", "age_over_50"))
    if yes("history_of_cancer") or background >= 2:
        flags["R5"] = "emergency" if yes("history_of_cancer") and neuro_symptoms else "urgent"
    # R6: significant trauma; or osteoporosis or steroids with age over 50.
    if yes("significant_trauma") or (yes("osteoporosis_or_steroids") and yes("age_over_50")):
        flags["R6"] = "urgent"
    # R13: inflammatory features.
    if yes("inflammatory_features"):
        flags["R13"] = "routine"
    # R14: a deficit in both legs; emergency when severe (no weakness here) or progressive.
    if both_legs:
        flags["R14"] = "emergency" if yes("progressive_weakness") else "urgent"
    warns = any(answers.get(i) is None for i in RED_FLAGS)
    return flags, warns


@pytest.fixture(scope="module")
def cl() -> Checklist:
    return load_checklist(CHECKLIST_V2)


def record(cl: Checklist, answers: Mapping[str, str | None], context: str) -> Record:
    rec = new_record(cl, "T-RF", "Tester", "left", started_at=STARTED)
    for item_id, value in answers.items():
        if value is not None:
            rec.set_value(cl.items[item_id], None, value, at=STARTED)
    for item_id, value in CONTEXTS[context].items():
        item = cl.items[item_id]
        if item.bilateral:
            rec.set_value(item, "left", value[0], at=STARTED)
            rec.set_value(item, "right", value[1], at=STARTED)
        else:
            rec.set_value(item, None, value, at=STARTED)
    return rec


def check(cl: Checklist, answers: Mapping[str, str | None], context: str) -> None:
    ev = rules.evaluate(cl, record(cl, answers, context))
    want_flags, want_warning = expected(answers, context)
    got = {f.id: f.urgency for f in ev.flags}
    shown = {k: v for k, v in answers.items() if v == "yes"}
    assert got == want_flags, f"{context}: {shown}"
    assert [w.id for w in ev.warnings] == (["R12"] if want_warning else []), f"{context}: {shown}"
    # Flags come most urgent first.
    order = list(rules.URGENCY_ORDER)
    assert [f.urgency for f in ev.flags] == sorted((f.urgency for f in ev.flags), key=order.index)


#: The reference's red flags as independent yes/no variables. The five cauda equina symptoms are
#: one variable (``ces_symptoms`` is any of them) and so are the two infection risk factors
#: (``infection_risk_factor`` is either): a "yes" sets one of them, chosen in turn, or all.
VARIABLES = [
    "ces",
    "progressive_weakness",
    "history_of_cancer",
    "unexplained_weight_loss",
    "night_pain",
    "fever",
    "infection_risk",
    "age_over_50",
    "significant_trauma",
    "osteoporosis_or_steroids",
    "inflammatory_features",
]
#: The variables whose rules also read the examination (R4, R5 and R14 with their escalations).
EXAM_LINKED = VARIABLES[:8]
INFECTION = ["iv_drug_use_or_immunosuppression", "recent_infection_or_spinal_procedure"]


def answers_for(chosen: Mapping[str, bool], n: int) -> dict[str, str | None]:
    """Red-flag answers for one assignment of the variables; ``n`` picks which member says yes."""
    answers: dict[str, str | None] = dict.fromkeys(RED_FLAGS, "no")
    for variable, on in chosen.items():
        if not on:
            continue
        if variable == "ces":
            members = CES if n % 6 == 5 else [CES[n % 6]]
        elif variable == "infection_risk":
            members = INFECTION if n % 3 == 2 else [INFECTION[n % 3]]
        else:
            members = [variable]
        answers.update(dict.fromkeys(members, "yes"))
    return answers


def combinations(variables: list[str]) -> Iterator[dict[str, str | None]]:
    for n, values in enumerate(itertools.product((False, True), repeat=len(variables))):
        yield answers_for(dict(zip(variables, values, strict=True)), n)


def test_every_yes_no_combination_of_the_red_flags(cl: Checklist) -> None:
    for answers in combinations(VARIABLES):
        check(cl, answers, "nothing else")


@pytest.mark.parametrize("context", [c for c in CONTEXTS if c != "nothing else"])
def test_every_combination_of_the_red_flags_that_read_the_exam(cl: Checklist, context: str) -> None:
    for answers in combinations(EXAM_LINKED):
        check(cl, answers, context)


@pytest.mark.parametrize("context", list(CONTEXTS))
def test_every_yes_no_combination_of_the_ces_symptoms(cl: Checklist, context: str) -> None:
    for values in itertools.product(("no", "yes"), repeat=len(CES)):
        answers: dict[str, str | None] = dict.fromkeys(RED_FLAGS, "no")
        check(cl, {**answers, **dict(zip(CES, values, strict=True))}, context)


@pytest.mark.parametrize("context", list(CONTEXTS))
def test_unanswered_red_flags_warn_and_raise_nothing_themselves(
    cl: Checklist, context: str
) -> None:
    rng = random.Random(20261102)  # a fixed sample: the test is the same on every run
    values: tuple[str | None, ...] = ("yes", "no", None)
    for _ in range(60):
        check(cl, {i: rng.choice(values) for i in RED_FLAGS}, context)
    check(cl, dict.fromkeys(RED_FLAGS), context)


def test_the_expectation_itself_follows_the_reference() -> None:
    """A few hand-read cases, so the independent expectation cannot drift unnoticed."""
    no = dict.fromkeys(RED_FLAGS, "no")
    assert expected(no, "nothing else") == ({}, False)
    assert expected({**no, "iv_drug_use_or_immunosuppression": "yes"}, "deficit in one leg") == (
        {"R4": "emergency"},
        False,
    )
    assert expected({**no, "history_of_cancer": "yes"}, "radicular pain") == (
        {"R5": "emergency"},
        False,
    )
    assert expected({**no, "history_of_cancer": "yes"}, "nothing else") == ({"R5": "urgent"}, False)
    assert expected({**no, "fever": None}, "deficit in both legs") == ({"R14": "urgent"}, True)
    args: dict[str, Any] = {**no, "bladder_dysfunction": "yes", "history_of_cancer": "yes"}
    assert expected(args, "nothing else") == ({"R1": "emergency", "R5": "emergency"}, False)
