"""`exam-tui export`: every test record becomes a valid FHIR R5 and R4B transaction Bundle whose
QuestionnaireResponse conforms to its Questionnaire, with a ServiceRequest per flag and a
Provenance per amendment.

Validity is checked with ``fhir.resources`` (a test dependency only); it checks structure and
types but not codes, so the codes that matter and the answers against their items are checked
here ("conformance").
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.bundle import Bundle as BundleR5
from fhir.resources.R4B.bundle import Bundle as BundleR4B

from exam_tui import cli, fhir, rules
from exam_tui.checklist import load_checklist
from exam_tui.record import is_shown
from exam_tui.rules import Evaluation, Flag
from exam_tui.storage import load_record

TESTS = Path(__file__).resolve().parent
#: Every golden and vignette record, and the old-format records: new ones are picked up.
RECORDS = sorted(
    [
        *(TESTS / "golden").rglob("*.toml"),
        *(TESTS / "vignettes").glob("*.toml"),
        *(TESTS / "data" / "records").glob("*.toml"),
    ]
)
VERSIONS = ("r5", "r4b")
BUNDLE = {"r5": BundleR5, "r4b": BundleR4B}
QUESTION_TYPES = {
    # The answerable item types of each release (R5 renamed choice to coding).
    "r5": {"boolean", "decimal", "integer", "string", "text", "coding"},
    "r4b": {"boolean", "decimal", "integer", "string", "text", "choice"},
}
ANSWER_KEY = {
    "boolean": "valueBoolean",
    "decimal": "valueDecimal",
    "integer": "valueInteger",
    "string": "valueString",
    "text": "valueString",
    "coding": "valueCoding",
    "choice": "valueCoding",
}
MIN_URL = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_URL = "http://hl7.org/fhir/StructureDefinition/maxValue"


def test_found_the_test_records() -> None:
    assert len(RECORDS) >= 10


def export(path: Path, version: str, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    code = cli.main(["export", str(path), "--fhir", version, *extra])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def walk(items: list[dict[str, Any]], parent: str | None = None):  # type: ignore[no-untyped-def]
    for item in items:
        yield parent, item
        yield from walk(item.get("item", []), item["linkId"])


def _value(answer: dict[str, Any]) -> tuple[str, Any]:
    keys = [k for k in answer if k.startswith("value")]
    assert len(keys) == 1, answer
    return keys[0], answer[keys[0]]


def _enabled(question: dict[str, Any], answers: dict[str, list[Any]]) -> bool:
    """Questionnaire enableWhen semantics, for the operators the export writes."""
    if "enableWhen" not in question:
        return True
    results = []
    for cond in question["enableWhen"]:
        given = answers.get(cond["question"], [])
        (key,) = [k for k in cond if k.startswith("answer")]
        wanted = cond[key]
        if cond["operator"] == "exists":
            results.append(bool(given) is wanted)
            continue
        hits = []
        for g in given:
            if key == "answerCoding":
                g, w = (g["system"], g["code"]), (wanted["system"], wanted["code"])
            else:
                w = wanted
            hits.append({"=": g == w, "!=": g != w, "<=": g <= w, ">=": g >= w}[cond["operator"]])
        results.append(any(hits))
    return all(results) if question.get("enableBehavior") == "all" else any(results)


def check_conformance(q: dict[str, Any], qr: dict[str, Any]) -> None:
    """Every answer against its Questionnaire item: linkId exists (under the same parent),
    type matches, value allowed (option or range); answered questions are enabled."""
    assert qr["questionnaire"] == f"{q['url']}|{q['version']}"
    q_items = {item["linkId"]: (parent, item) for parent, item in walk(q["item"])}
    assert len(q_items) == len(list(walk(q["item"]))), "linkIds are unique"
    answers: dict[str, list[Any]] = {}
    for parent, item in walk(qr["item"]):
        assert item["linkId"] in q_items, f"{item['linkId']} is not in the Questionnaire"
        q_parent, q_item = q_items[item["linkId"]]
        assert parent == q_parent, f"{item['linkId']} under {parent}, not {q_parent}"
        if q_item["type"] == "group":
            assert "answer" not in item and item["item"], item["linkId"]
            continue
        assert len(item["answer"]) == 1 and "item" not in item
        key, value = _value(item["answer"][0])
        assert key == ANSWER_KEY[q_item["type"]], f"{item['linkId']}: {key} for {q_item['type']}"
        if key == "valueCoding":
            options = {
                (o["valueCoding"]["system"], o["valueCoding"]["code"])
                for o in q_item["answerOption"]
            }
            assert (value["system"], value["code"]) in options, f"{item['linkId']}: {value}"
            answers[item["linkId"]] = [value]
            continue
        if key == "valueBoolean":
            assert isinstance(value, bool)
        elif key == "valueInteger":
            assert isinstance(value, int) and not isinstance(value, bool)
        elif key == "valueDecimal":
            assert isinstance(value, int | float) and not isinstance(value, bool)
        else:
            assert isinstance(value, str) and value
        bounds = {e["url"]: _value(e)[1] for e in q_item.get("extension", [])}
        if MIN_URL in bounds:
            assert bounds[MIN_URL] <= value <= bounds[MAX_URL], f"{item['linkId']}: {value}"
        answers[item["linkId"]] = [value]
    for link in answers:
        assert _enabled(q_items[link][1], answers), f"{link} is answered but not enabled"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", RECORDS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_record_exports_a_valid_conformant_bundle(
    path: Path, version: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = export(path, version, capsys)
    BUNDLE[version].model_validate(bundle)  # raises on any structural error
    assert bundle["type"] == "transaction"
    loaded = load_record(path)
    record, checklist = loaded.record, loaded.checklist
    (q,) = resources(bundle, "Questionnaire")
    (qr,) = resources(bundle, "QuestionnaireResponse")
    assert q["version"] == checklist.version
    assert {i["type"] for _, i in walk(q["item"])} <= QUESTION_TYPES[version] | {"group"}
    check_conformance(q, qr)
    assert qr["status"] == {"draft": "in-progress"}.get(record.status, record.status)

    # Every recorded value and note of a known item is there; nothing else.
    exported = {i["linkId"]: i["answer"][0] for _, i in walk(qr["item"]) if "answer" in i}
    expected = {
        f"{item_id}.{slot}"
        for item_id, f in record.findings.items()
        if item_id in checklist.items
        for slot in ("value", "left", "right", "note")
        if getattr(f, slot) is not None
    }
    assert set(exported) - {fhir.AFFECTED_SIDE_LINK} == expected

    # One ServiceRequest per flag, in flag order, pointing at the response.
    flags = rules.evaluate(checklist, record).flags
    requests = resources(bundle, "ServiceRequest")
    qr_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] == qr)
    assert len(requests) == len(flags)
    for flag, sr in zip(flags, requests, strict=True):
        assert (sr["status"], sr["intent"]) == ("draft", "proposal")
        assert sr["priority"] == fhir.PRIORITY[flag.urgency]
        concept = sr["code"]["concept"] if version == "r5" else sr["code"]
        assert concept["coding"][0]["code"] == flag.id
        assert concept["text"] == flag.title
        notes = " ".join(n["text"] for n in sr["note"])
        assert flag.advice in notes and flag.source in notes
        assert all(reason in notes for reason in flag.reasons)
        info = sr["supportingInfo"][0]
        assert (info["reference"] if version == "r5" else info)["reference"] == qr_url

    # One Provenance per amendment, targeting the response.
    provenances = resources(bundle, "Provenance")
    assert len(provenances) == len(record.amendments)
    for amendment, prov in zip(record.amendments, provenances, strict=True):
        assert prov["target"] == [{"reference": qr_url}]
        assert prov["agent"][0]["who"]["display"] == amendment.by
        assert prov["recorded"] == amendment.at.isoformat()


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_enable_when_agrees_with_show_when(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """For every value of every item, FHIR's enableWhen and our show-condition agree, so a form
    filler shows exactly the questions the app shows."""
    bundle = export(path, "r5", capsys)
    (q,) = resources(bundle, "Questionnaire")
    (qr,) = resources(bundle, "QuestionnaireResponse")
    answers = {
        i["linkId"]: [_value(i["answer"][0])[1]] for _, i in walk(qr["item"]) if "answer" in i
    }
    loaded = load_record(path)
    q_items = {i["linkId"]: i for _, i in walk(q["item"])}
    for item in loaded.checklist.items.values():
        for side in ("left", "right") if item.bilateral else (None,):
            question = q_items[f"{item.id}.{side or 'value'}"]
            shown = is_shown(loaded.checklist, loaded.record, item.id, side)
            if item.show_when and "enableWhen" not in question:
                # A condition FHIR's flat list cannot say (e.g. "not answered yes"): the
                # question is always enabled, one too many, never one too few.
                assert _enabled(question, answers), f"{item.id} {side}"
                continue
            assert _enabled(question, answers) == shown, f"{item.id} {side}"
    # The checklist does have show-conditions, and (most) became enableWhen.
    shown_when = [i for i in loaded.checklist.items.values() if i.show_when]
    assert shown_when
    assert any(
        "enableWhen" in q_items[f"{item.id}.{'left' if item.bilateral else 'value'}"]
        for item in shown_when
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_questionnaire_alone(version: str, capsys: pytest.CaptureFixture[str]) -> None:
    checklist = load_checklist()
    assert cli.main(["export", "--questionnaire", checklist.id, "--fhir", version]) == 0
    bundle = json.loads(capsys.readouterr().out)
    BUNDLE[version].model_validate(bundle)
    (entry,) = bundle["entry"]
    q = entry["resource"]
    assert entry["request"] == {"method": "PUT", "url": f"Questionnaire/{q['id']}"}
    assert q["url"] == f"{fhir.DEFAULT_BASE}/Questionnaire/{checklist.id}"
    assert q["version"] == checklist.version
    items = {i["linkId"]: i for _, i in walk(q["item"])}
    # Sections are groups of item groups, each holding its values and a note.
    assert [i["linkId"] for i in q["item"][1:]] == [f"section-{s.id}" for s in checklist.sections]
    for item in checklist.items.values():
        slots = ("left", "right") if item.bilateral else ("value",)
        assert [c["linkId"] for c in items[item.id]["item"]] == [
            *(f"{item.id}.{s}" for s in slots),
            f"{item.id}.note",
        ]
        expected = fhir.question_type(item, version)  # type: ignore[arg-type]
        assert items[f"{item.id}.{slots[0]}"]["type"] == expected
        if item.kind in fhir.CODED_KINDS:
            codes = [
                o["valueCoding"]["code"] for o in items[f"{item.id}.{slots[0]}"]["answerOption"]
            ]
            assert codes == list(item.allowed_values() or ())


def test_questionnaire_types_by_kind() -> None:
    checklist = load_checklist()
    kinds = {i.kind: fhir.question_type(i, "r5") for i in checklist.items.values()}
    assert kinds["yes_no"] == "boolean"
    assert kinds["sign"] == kinds["sensation"] == kinds["plantar"] == kinds["choice"] == "coding"
    assert kinds["reflex"] == kinds["mrc"] == "integer"
    by_id = {i.id: fhir.question_type(i, "r4b") for i in checklist.items.values()}
    assert by_id["pain_score"] == "integer"  # integer = true
    assert by_id["duration_weeks"] == "decimal"
    assert by_id["slr"] == "choice"


def _flag(urgency: str, flag_id: str = "X1") -> Flag:
    return Flag(
        id=flag_id,
        title="Something",
        urgency=urgency,
        actions=("imaging",),
        advice="Consider it.",
        triggered_by=(),
        reasons=("a reason",),
        source="Someone 2020",
    )


@pytest.mark.parametrize(
    ("urgency", "priority"),
    [("emergency", "stat"), ("urgent", "urgent"), ("soon", "asap"), ("routine", "routine")],
)
def test_urgency_maps_to_priority(urgency: str, priority: str) -> None:
    loaded = load_record(TESTS / "golden" / "normal_exam.toml")
    ev = Evaluation(flags=(_flag(urgency),), warnings=(), pattern=None)
    for version in VERSIONS:
        bundle = fhir.export_record(
            loaded.checklist,
            loaded.record,
            ev,
            version,
            fhir.Config(),  # type: ignore[arg-type]
        ).bundle
        (sr,) = resources(bundle, "ServiceRequest")
        assert sr["priority"] == priority
        assert sr["category"][0]["coding"][0]["code"] == "363679005"  # SNOMED CT Imaging
        BUNDLE[version].model_validate(bundle)


def test_warnings_never_become_requests() -> None:
    loaded = load_record(TESTS / "golden" / "normal_exam.toml")
    ev = Evaluation(flags=(_flag("warning", "W1"), _flag("urgent")), warnings=(), pattern=None)
    bundle = fhir.export_record(loaded.checklist, loaded.record, ev, "r5", fhir.Config()).bundle
    assert [
        sr["code"]["concept"]["coding"][0]["code"] for sr in resources(bundle, "ServiceRequest")
    ] == ["X1"]


def test_flagged_record_carries_its_requests(capsys: pytest.CaptureFixture[str]) -> None:
    bundle = export(TESTS / "vignettes" / "cauda_equina.toml", "r5", capsys)
    requests = resources(bundle, "ServiceRequest")
    first = requests[0]
    assert first["code"]["concept"]["coding"][0]["code"] == "R1"
    assert first["priority"] == "stat"
    entry = next(e for e in bundle["entry"] if e["resource"] == first)
    assert entry["request"]["method"] == "POST"
    assert entry["request"]["ifNoneExist"].startswith("identifier=")


def test_amended_record_carries_its_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    bundle = export(TESTS / "golden" / "notes_and_unknown_items.toml", "r4b", capsys)
    provenances = resources(bundle, "Provenance")
    assert len(provenances) == 2
    assert provenances[0]["activity"]["text"] == (
        "Puranen–Orava test (right): value changed from positive to equivocal"
    )
    assert "\x1b" not in json.dumps(bundle, ensure_ascii=False)


def test_unknown_items_are_named_and_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    path = TESTS / "golden" / "notes_and_unknown_items.toml"
    assert cli.main(["export", str(path)]) == 0
    captured = capsys.readouterr()
    assert "'hop_test' is not in checklist" in captured.err
    assert "not exported" in captured.err
    assert "hop_test" not in captured.out


def test_export_is_deterministic_and_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    path = TESTS / "golden" / "l5_radiculopathy_left.toml"
    first = export(path, "r5", capsys)
    assert export(path, "r5", capsys) == first
    for entry in first["entry"]:
        request = entry["request"]
        # Every entry is either a PUT to a fixed id or a conditional create: a re-send adds
        # nothing.
        assert request["method"] == "PUT" or request["ifNoneExist"].startswith("identifier=")


def test_base_and_patient_system_are_configurable(capsys: pytest.CaptureFixture[str]) -> None:
    path = TESTS / "golden" / "normal_exam.toml"
    bundle = export(
        path,
        "r5",
        capsys,
        "--fhir-base",
        "https://fhir.clinic.test/base",
        "--patient-system",
        "urn:oid:1.2.3.4",
    )
    (q,) = resources(bundle, "Questionnaire")
    (qr,) = resources(bundle, "QuestionnaireResponse")
    assert q["url"] == "https://fhir.clinic.test/base/Questionnaire/posterior-thigh-pain"
    assert qr["subject"]["identifier"] == {
        "system": "urn:oid:1.2.3.4",
        "value": load_record(path).record.patient.id,
    }


def test_output_is_written_atomically_and_private(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bundle.json"
    result = run_cli("export", TESTS / "golden" / "normal_exam.toml", "--fhir", "r4b", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    BundleR4B.model_validate(json.loads(out.read_text()))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".exam-tui-tmp")] == []


def test_export_refuses_to_overwrite_the_record(saved_record: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = saved_record.read_bytes()
    result = run_cli("export", saved_record, "--output", saved_record)
    assert result.returncode == 2
    assert "overwrite the record" in result.stderr
    assert saved_record.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "record FILE or --questionnaire"),
        (("--questionnaire", "no-such-checklist"), "unknown checklist 'no-such-checklist'"),
        (("missing.toml",), "missing.toml: no such file"),
        (("--questionnaire", "posterior-thigh-pain", "--fhir-base", "not a url"), "absolute URL"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
