"""HL7 FHIR export (R5, R4B): a checklist as a Questionnaire, an exam as a transaction Bundle.

Plain dicts and ``json``: writing FHIR needs no FHIR library at run time (the tests validate
every export with ``fhir.resources``). Nothing here touches the network; sending a Bundle to a
server is a later step. The output is deterministic (no clock, ids derived from the record), so
exporting the same record twice gives the same bytes and a re-send is idempotent.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from exam_tui import conditions as cond
from exam_tui.checklist import Checklist, Item
from exam_tui.errors import ExamTuiError
from exam_tui.record import Amendment, Record
from exam_tui.rules import Evaluation, Flag

FhirVersion = Literal["r5", "r4b"]
FHIR_VERSIONS: tuple[str, ...] = ("r5", "r4b")

#: Canonical URLs (Questionnaire, code systems, identifiers) are built from this base. It is a
#: placeholder on a reserved domain (.invalid never resolves): a clinic sets its own with
#: ``--fhir-base`` or EXAM_TUI_FHIR_BASE.
DEFAULT_BASE = "https://exam-tui.invalid/fhir"
ENV_BASE = "EXAM_TUI_FHIR_BASE"
ENV_PATIENT_SYSTEM = "EXAM_TUI_PATIENT_SYSTEM"

SNOMED = "http://snomed.info/sct"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
EXT_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"

#: Flag urgency → ServiceRequest.priority (http://hl7.org/fhir/request-priority). The one place
#: to edit when an urgency is added. Warnings are screening checks, never requests.
PRIORITY: dict[str, str] = {
    "emergency": "stat",
    "urgent": "urgent",
    "soon": "asap",
    "routine": "routine",
}
NOT_REQUESTS = frozenset({"warning"})

#: Flag action → ServiceRequest.category, SNOMED CT: 363679005 is in FHIR's
#: servicerequest-category value set (R5); 3457005 heads FHIR's referral-type value set (STU3).
ACTION_CATEGORY: dict[str, tuple[str, str]] = {
    "imaging": ("363679005", "Imaging"),
    "referral": ("3457005", "Patient referral"),
}

#: The exam's affected side, SNOMED CT laterality qualifiers (FHIR structure-laterality-vs).
LATERALITY: dict[str, tuple[str, str]] = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}
AFFECTED_SIDE_LINK = "exam-affected-side"  # item ids cannot hold '-': no clash possible

#: Record status → QuestionnaireResponse.status.
QR_STATUS: dict[str, str] = {
    "draft": "in-progress",
    "completed": "completed",
    "amended": "amended",
}

CODED_KINDS = frozenset({"sign", "sensation", "plantar", "choice"})


@dataclass(frozen=True)
class Config:
    """Where the export's URLs and identifiers live."""

    base: str = DEFAULT_BASE
    #: The system of the patient identifier (e.g. the clinic's MRN namespace).
    patient_system: str | None = None

    def __post_init__(self) -> None:
        if not self.base or any(c.isspace() for c in self.base) or ":" not in self.base:
            raise ExamTuiError(f"FHIR base {self.base!r} is not an absolute URL")

    def url(self, *parts: str) -> str:
        return "/".join([self.base.rstrip("/"), *parts])

    @property
    def patient_id_system(self) -> str:
        return self.patient_system or self.url("patient-id")


# ----------------------------------------------------------------------------- small helpers


def _hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join(parts))}"


#: C0 controls but tab, newline and carriage return (and DEL): FHIR strings SHOULD NOT hold
#: them, and a stray terminal escape in a note must not reach the EHR's screen.
_CONTROLS = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 127]}


def clean_text(text: str) -> str:
    return text.translate(_CONTROLS)


def _datetime(value: datetime) -> str:
    return value.isoformat()


def questionnaire_url(checklist: Checklist, config: Config) -> str:
    return config.url("Questionnaire", checklist.id)


def code_system_url(checklist: Checklist, config: Config) -> str:
    """The checklist's own code system: the recorded value is the code."""
    return config.url("CodeSystem", checklist.id)


def rule_system_url(checklist: Checklist, config: Config) -> str:
    return config.url("CodeSystem", f"{checklist.id}-rules")


def questionnaire_id(checklist: Checklist) -> str:
    """A FHIR id ([A-Za-z0-9.-]{1,64}) for this checklist version."""
    rid = f"{checklist.id}-{checklist.version}"
    return rid if len(rid) <= 64 else f"q-{_hash(rid)}"


def record_key(record: Record) -> str:
    """Stable for one exam (checklist, patient, start), whatever is edited later."""
    return _hash(record.checklist, record.patient.id, record.exam.started_at.isoformat())


# ----------------------------------------------------------------------------- answer types


def question_type(item: Item, version: FhirVersion) -> str:
    if item.kind == "yes_no":
        return "boolean"
    if item.kind in CODED_KINDS:
        return "coding" if version == "r5" else "choice"
    if item.kind in ("reflex", "mrc"):
        return "integer"
    if item.kind == "number":
        return "integer" if item.integer else "decimal"
    return "string"


def coding(item: Item, value: str, checklist: Checklist, config: Config) -> dict[str, Any]:
    return {
        "system": code_system_url(checklist, config),
        "version": checklist.version,
        "code": value,
        "display": item.option_label(value),
    }


def typed_value(
    item: Item, value: str | int | float, checklist: Checklist, config: Config
) -> tuple[str, Any]:
    """("Boolean", True), ("Coding", {...}), ("Integer", 3)...: the FHIR type and value of an
    answer; ``value<T>`` in a response, ``answer<T>`` in an enableWhen."""
    if item.kind == "yes_no":
        return "Boolean", value == "yes"
    if item.kind in CODED_KINDS:
        return "Coding", coding(item, str(value), checklist, config)
    if item.kind in ("reflex", "mrc") or (item.kind == "number" and item.integer):
        return "Integer", int(value)
    if item.kind == "number":
        return "Decimal", value
    return "String", clean_text(str(value))


def _bound(item: Item, which: str, value: float) -> dict[str, Any]:
    url = EXT_MIN if which == "min" else EXT_MAX
    if item.kind == "number" and not item.integer:
        return {"url": url, "valueDecimal": value}
    return {"url": url, "valueInteger": int(value)}


def _answer_details(
    item: Item, checklist: Checklist, config: Config, version: FhirVersion
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": question_type(item, version)}
    extensions: list[dict[str, Any]] = []
    allowed = item.allowed_values()
    if item.kind in CODED_KINDS:
        out["answerOption"] = [
            {"valueCoding": coding(item, str(v), checklist, config)} for v in allowed or ()
        ]
        if version == "r5":
            out["answerConstraint"] = "optionsOnly"
    elif item.kind in ("reflex", "mrc") and allowed:
        extensions += [
            _bound(item, "min", float(allowed[0])),
            _bound(item, "max", float(allowed[-1])),
        ]
    elif item.kind == "number":
        assert item.min is not None and item.max is not None
        extensions += [_bound(item, "min", item.min), _bound(item, "max", item.max)]
        if item.unit:
            extensions.append({"url": EXT_UNIT, "valueCoding": {"display": item.unit}})
    if extensions:
        out["extension"] = extensions
    return out


# ----------------------------------------------------------------------------- enableWhen


def _enable_when(
    condition: cond.Condition, checklist: Checklist, config: Config, bound: cond.Side | None
) -> tuple[str, list[dict[str, Any]]] | None:
    """(enableBehavior, enableWhen list) for a show-condition, or None when FHIR's flat
    any/all list cannot say it (nested mixes, refs, side comparisons)."""
    if isinstance(condition, cond.ItemTest):
        return _item_enable_when(condition, checklist, config, bound)
    if isinstance(condition, cond.AllOf | cond.AnyOf):
        if condition.on is not None:
            return None  # "on the same side" / "on both sides": no flat form
        behaviour = "all" if isinstance(condition, cond.AllOf) else "any"
        side = condition.side or bound
        out: list[dict[str, Any]] = []
        for child in condition.children:
            sub = _enable_when(child, checklist, config, side)
            if sub is None or (len(sub[1]) > 1 and sub[0] != behaviour):
                return None
            out += sub[1]
        return behaviour, out
    return None


_OPERATOR = {"is": "=", "in": "=", "eq": "=", "le": "<=", "ge": ">=", "answered": "exists"}


def _item_enable_when(
    t: cond.ItemTest, checklist: Checklist, config: Config, bound: cond.Side | None
) -> tuple[str, list[dict[str, Any]]] | None:
    item = checklist.items.get(t.item)
    if item is None or len(t.tests) != 1 or t.op not in _OPERATOR or t.side == "other":
        return None  # several tests on one side, a previous-exam test or a relative side
    if item.bilateral:
        spec = t.side or bound or "any"
        sides: tuple[str, ...] = cond.SIDES if spec in ("any", "both") else (spec,)
        side_behaviour = "all" if spec == "both" else "any"
    else:
        sides, side_behaviour = ("value",), "any"
    values = list(t.operand) if t.op == "in" else [t.operand]
    if len(values) > 1 and len(sides) > 1 and side_behaviour == "all":
        return None  # "both sides in {a, b}" is an and of ors
    out = []
    for side in sides:
        for v in values:
            entry: dict[str, Any] = {"question": f"{item.id}.{side}", "operator": _OPERATOR[t.op]}
            if t.op == "answered":
                entry["answerBoolean"] = bool(v)
            else:
                kind, answer = typed_value(item, v, checklist, config)
                entry[f"answer{kind}"] = answer
            out.append(entry)
    behaviour = "any" if len(values) > 1 else side_behaviour
    return behaviour, out


def _apply_enable_when(
    question: dict[str, Any],
    condition: cond.Condition | None,
    checklist: Checklist,
    config: Config,
    side: cond.Side | None,
) -> None:
    if condition is None:
        return
    translated = _enable_when(condition, checklist, config, side)
    if translated is None:
        return  # shown always: a form filler sees one question too many, never one too few
    behaviour, entries = translated
    question["enableWhen"] = entries
    if len(entries) > 1:
        question["enableBehavior"] = behaviour


# ----------------------------------------------------------------------------- Questionnaire


def _value_slots(item: Item) -> tuple[str, ...]:
    return ("left", "right") if item.bilateral else ("value",)


def questionnaire(checklist: Checklist, version: FhirVersion, config: Config) -> dict[str, Any]:
    """The checklist as a Questionnaire: sections as groups, each item a group of its values
    (``<id>.value`` or ``<id>.left``/``<id>.right``) and its note (``<id>.note``)."""
    sections = []
    for section in checklist.sections:
        groups = []
        for item in section.items:
            condition = checklist.show_conditions.get(item.id)
            children = []
            for slot in _value_slots(item):
                question: dict[str, Any] = {
                    "linkId": f"{item.id}.{slot}",
                    "text": item.label if slot == "value" else slot.capitalize(),
                    **_answer_details(item, checklist, config, version),
                }
                side: cond.Side | None = None
                if slot == "left":
                    side = "left"
                elif slot == "right":
                    side = "right"
                _apply_enable_when(question, condition, checklist, config, side)
                children.append(question)
            children.append({"linkId": f"{item.id}.note", "text": "Note", "type": "text"})
            group: dict[str, Any] = {
                "linkId": item.id,
                "text": f"{item.label} ({item.root})" if item.root else item.label,
                "type": "group",
                "item": children,
            }
            groups.append(group)
        sections.append(
            {
                "linkId": f"section-{section.id}",
                "text": section.title,
                "type": "group",
                "item": groups,
            }
        )
    side_question = {
        "linkId": AFFECTED_SIDE_LINK,
        "text": "Affected side",
        "type": "coding" if version == "r5" else "choice",
        "answerOption": [
            {"valueCoding": {"system": SNOMED, "code": code, "display": display}}
            for code, display in LATERALITY.values()
        ],
    }
    if version == "r5":
        side_question["answerConstraint"] = "optionsOnly"
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(checklist),
        "url": questionnaire_url(checklist, config),
        "version": checklist.version,
        "name": "".join(p.capitalize() for p in checklist.id.split("-") if p),
        "title": checklist.title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": [side_question, *sections],
    }
    if checklist.description:
        resource["description"] = checklist.description
    return resource


# ----------------------------------------------------------------------------- the exam


@dataclass(frozen=True)
class Export:
    """A Bundle and what it could not carry (one line each, for stderr)."""

    bundle: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _subject(record: Record, config: Config) -> dict[str, Any]:
    return {"identifier": {"system": config.patient_id_system, "value": record.patient.id}}


def _identifier(system: str, value: str, *, many: bool) -> Any:
    ident = {"system": system, "value": value}
    return [ident] if many else ident


def response_items(
    checklist: Checklist, record: Record, config: Config
) -> tuple[list[dict[str, Any]], list[str]]:
    """The QuestionnaireResponse items (answered ones only, in checklist order) and a warning
    for each recorded item the checklist does not know (it has no question to answer)."""
    sections = []
    for section in checklist.sections:
        groups = []
        for item in section.items:
            finding = record.findings.get(item.id)
            if finding is None:
                continue
            children = []
            for slot in _value_slots(item):
                value = getattr(finding, slot)
                if value is None:
                    continue
                kind, answer = typed_value(item, value, checklist, config)
                children.append(
                    {
                        "linkId": f"{item.id}.{slot}",
                        "answer": [{f"value{kind}": answer}],
                    }
                )
            if finding.note:
                children.append(
                    {
                        "linkId": f"{item.id}.note",
                        "answer": [{"valueString": clean_text(finding.note)}],
                    }
                )
            if children:
                groups.append({"linkId": item.id, "item": children})
        if groups:
            sections.append({"linkId": f"section-{section.id}", "item": groups})
    code, display = LATERALITY[record.exam.affected_side]
    side = {
        "linkId": AFFECTED_SIDE_LINK,
        "answer": [{"valueCoding": {"system": SNOMED, "code": code, "display": display}}],
    }
    warnings = [
        f"item {item_id!r} is not in checklist {checklist.id} {checklist.version}: not exported"
        for item_id in record.findings
        if item_id not in checklist.items
    ]
    return [side, *sections], warnings


def questionnaire_response(
    checklist: Checklist, record: Record, version: FhirVersion, config: Config
) -> tuple[dict[str, Any], list[str]]:
    items, warnings = response_items(checklist, record, config)
    exam = record.exam
    authored = exam.completed_at or exam.updated_at or exam.started_at
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        # R5 allows several identifiers, R4B one.
        "identifier": _identifier(
            config.url("exam-record"), record_key(record), many=version == "r5"
        ),
        "questionnaire": f"{questionnaire_url(checklist, config)}|{checklist.version}",
        "status": QR_STATUS[record.status],
        "subject": _subject(record, config),
        "authored": _datetime(authored),
        "item": items,
    }
    if exam.examiner:
        resource["author"] = {"display": clean_text(exam.examiner)}
    return resource, warnings


def service_request(
    flag: Flag,
    checklist: Checklist,
    record: Record,
    response_url: str,
    version: FhirVersion,
    config: Config,
) -> dict[str, Any]:
    """A flag as a proposal: the clinician decides whether to order it."""
    try:
        priority = PRIORITY[flag.urgency]
    except KeyError:
        raise ExamTuiError(
            f"flag {flag.id!r}: urgency {flag.urgency!r} has no FHIR priority"
        ) from None
    concept = {
        "coding": [
            {"system": rule_system_url(checklist, config), "code": flag.id, "display": flag.title}
        ],
        "text": flag.title,
    }
    notes = [flag.advice]
    if flag.escalated_because:
        notes.append(f"Urgency raised: {flag.escalated_because}")
    if flag.reasons:
        notes.append("Findings: " + "; ".join(flag.reasons))
    notes.append(f"Source: {flag.source}")
    reference = {"reference": response_url}
    categories = [
        {"coding": [{"system": SNOMED, "code": code, "display": display}]}
        for code, display in (ACTION_CATEGORY[a] for a in flag.actions if a in ACTION_CATEGORY)
    ]
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "identifier": [
            {"system": config.url("exam-flag"), "value": f"{record_key(record)}.{flag.id}"}
        ],
        "status": "draft",
        "intent": "proposal",
        "priority": priority,
        # R5: code and supportingInfo are CodeableReferences; R4B: CodeableConcept, Reference.
        "code": {"concept": concept} if version == "r5" else concept,
        "subject": _subject(record, config),
        "supportingInfo": [{"reference": reference} if version == "r5" else reference],
        "note": [{"text": text} for text in notes],
    }
    if categories:
        resource["category"] = categories
    return resource


def _describe_change(a: Amendment, checklist: Checklist) -> str:
    item = checklist.items.get(a.item)
    label = item.label if item else a.item
    where = f" ({a.side})" if a.side else ""

    def show(v: Any) -> str:
        if v is None:
            return "(none)"
        return item.option_label(v) if item is not None and isinstance(v, str) else str(v)

    return clean_text(f"{label}{where}: {a.field} changed from {show(a.old)} to {show(a.new)}")


def provenance(
    amendment: Amendment, n: int, checklist: Checklist, record: Record, response_url: str
) -> dict[str, Any]:
    """One amendment: who changed what, when, from what to what."""
    at = _datetime(amendment.at)
    return {
        "resourceType": "Provenance",
        "id": _hash(record_key(record), "amendment", str(n)),
        "target": [{"reference": response_url}],
        "occurredDateTime": at,
        "recorded": at,
        "activity": {
            "coding": [{"system": DATA_OPERATION, "code": "UPDATE"}],
            "text": _describe_change(amendment, checklist),
        },
        "agent": [{"who": {"display": clean_text(amendment.by)}}],
    }


def _entry(full_url: str, resource: dict[str, Any], request: dict[str, str]) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": resource, "request": request}


def _bundle(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _questionnaire_entry(
    checklist: Checklist, version: FhirVersion, config: Config
) -> dict[str, Any]:
    q = questionnaire(checklist, version, config)
    return _entry(
        _urn(q["url"], checklist.version),
        q,
        {"method": "PUT", "url": f"Questionnaire/{q['id']}"},
    )


def export_questionnaire(checklist: Checklist, version: FhirVersion, config: Config) -> Export:
    """A transaction Bundle holding the checklist's Questionnaire alone."""
    return Export(_bundle([_questionnaire_entry(checklist, version, config)]))


def export_record(
    checklist: Checklist,
    record: Record,
    evaluation: Evaluation,
    version: FhirVersion,
    config: Config,
) -> Export:
    """The exam as one transaction Bundle: Questionnaire (PUT), QuestionnaireResponse and a
    ServiceRequest per flag (conditional creates on identifiers derived from the record), a
    Provenance per amendment (PUT on an id derived from the record)."""
    key = record_key(record)
    qr, warnings = questionnaire_response(checklist, record, version, config)
    qr_url = _urn(config.base, "exam", key)
    qr_ident = f"{config.url('exam-record')}|{key}"
    entries = [
        _questionnaire_entry(checklist, version, config),
        _entry(
            qr_url,
            qr,
            {
                "method": "POST",
                "url": "QuestionnaireResponse",
                "ifNoneExist": f"identifier={qr_ident}",
            },
        ),
    ]
    for flag in evaluation.flags:
        if flag.urgency in NOT_REQUESTS:
            continue
        sr = service_request(flag, checklist, record, qr_url, version, config)
        ident = sr["identifier"][0]
        entries.append(
            _entry(
                _urn(config.base, "exam", key, "flag", flag.id),
                sr,
                {
                    "method": "POST",
                    "url": "ServiceRequest",
                    "ifNoneExist": f"identifier={ident['system']}|{ident['value']}",
                },
            )
        )
    for n, amendment in enumerate(record.amendments):
        prov = provenance(amendment, n, checklist, record, qr_url)
        entries.append(
            _entry(
                _urn(config.base, "exam", key, "amendment", str(n)),
                prov,
                {"method": "PUT", "url": f"Provenance/{prov['id']}"},
            )
        )
    return Export(_bundle(entries), tuple(warnings))
