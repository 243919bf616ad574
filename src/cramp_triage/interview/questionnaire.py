"""The interview as a FHIR R4 ``Questionnaire``: one item per intake field, in the interview's
order, each with the pack's words and the answer type and options of the intake model.

``enableWhen`` says what the interview's skipping can honestly say ahead of time, as FHIR can
express it (each condition on one earlier yes/no or single-choice answer, all of them holding):

- an answer that alone makes the level an emergency disables every later question (the
  interview stops there);
- an answer after which a later question can no longer change the outcome disables it, when the
  rules say so with that answer alone (the other answers still unknown). An item stays enabled
  when its question could still matter.

What a form cannot know ahead of time is left out: skips that depend on two answers together,
on a number's threshold (FHIR's ``>`` is false while a number is unanswered, which would hide
the item) or on a list of places or medicines. So the form may ask a question the interview
would have skipped, never skip one it would ask. ``next_question`` gives the exact order.
"""

from __future__ import annotations

import copy
import threading
from typing import Any
from weakref import WeakKeyDictionary

from ..about import NAME, library_version
from ..answer_shape import AnswerShape
from ..api import default_triager
from ..fhir_response import QUESTIONNAIRE_URL, VALUE_KEYS, code_system
from ..intake import answer_shapes
from ..result import Level
from ..triager import Triager
from .flow import Interview, interview_for
from .questions import Question

ITEM_TYPES = {"boolean": "boolean", "number": "decimal", "integer": "integer", "choice": "choice", "text": "string"}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"

_built: WeakKeyDictionary[Triager, dict[str, Any]] = WeakKeyDictionary()
_built_lock = threading.Lock()


def questionnaire(triager: Triager | None = None) -> dict[str, Any]:
    """The FHIR R4 ``Questionnaire`` of the interview for the shipped rule pack (or
    ``triager``'s), as JSON data. Built once per pack (working out ``enableWhen`` runs the rules
    many times); each call returns a fresh copy."""
    triager = triager if triager is not None else default_triager()
    with _built_lock:
        built = _built.get(triager)
        if built is None:
            built = _built[triager] = _build(triager)
    return copy.deepcopy(built)


def _build(triager: Triager) -> dict[str, Any]:
    pack = triager.pack
    guide = interview_for(triager)
    shapes = answer_shapes()
    return {
        "resourceType": "Questionnaire",
        "id": NAME,
        "url": QUESTIONNAIRE_URL,
        "version": pack.version,
        "name": "CrampTriage",
        "title": "Night-time leg cramps",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": NAME,
        "description": (
            f"The questions of the cramp-triage interview (rule pack {pack.name} {pack.version}, "
            f"cramp-triage {library_version()}). Each item's linkId is an intake field; every answer is "
            "optional, and an item left unanswered means \"don't know\". Not a diagnosis, not for emergencies."
        ),
        "item": [_item(question, shapes[question.field], _enable_when(guide, index, shapes))
                 for index, question in enumerate(guide.questions)],
    }


def _item(question: Question, shape: AnswerShape, conditions: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.field, "text": question.text, "type": ITEM_TYPES[shape.type]}
    extensions = []
    if shape.minimum is not None:
        extensions.append({"url": MIN_VALUE, _number_key(shape): _number(shape, shape.minimum)})
    if shape.maximum is not None:
        extensions.append({"url": MAX_VALUE, _number_key(shape): _number(shape, shape.maximum)})
    if shape.max_items is not None:
        extensions.append({"url": MAX_OCCURS, "valueInteger": shape.max_items})
    if extensions:
        item["extension"] = extensions
    if conditions:
        item["enableWhen"] = conditions
        if len(conditions) > 1:
            item["enableBehavior"] = "all"
    item["required"] = False  # every answer may be "don't know"
    item["repeats"] = shape.repeats
    if shape.max_length is not None:
        item["maxLength"] = shape.max_length
    if shape.choices is not None:
        item["answerOption"] = [{"valueCoding": _coding(shape.field, choice)} for choice in shape.choices]
    return item


def _number_key(shape: AnswerShape) -> str:
    return "valueInteger" if shape.type == "integer" else "valueDecimal"


def _number(shape: AnswerShape, value: float) -> float | int:
    return int(value) if shape.type == "integer" else value


def _coding(field: str, code: str) -> dict[str, str]:
    return {"system": code_system(field), "code": code, "display": code.replace("_", " ")}


def _enable_when(guide: Interview, index: int, shapes: dict[str, AnswerShape]) -> list[dict[str, Any]]:
    """The conditions under which the interview still asks question ``index``: for each earlier
    yes/no or single-choice answer that stops the interview or makes this question moot, "that
    answer was not given"."""
    field = guide.questions[index].field
    most_urgent = list(Level)[-1].value
    conditions = []
    for earlier in guide.questions[:index]:
        shape = shapes[earlier.field]
        if shape.repeats or shape.type not in ("boolean", "choice"):
            continue
        for value in shape.allowed_values or []:
            answers = {earlier.field: value}
            stops = guide.relevance.outcome(answers).level == most_urgent
            if stops or not guide.relevance.could_change(field, answers):
                answer = _coding(earlier.field, str(value)) if shape.type == "choice" else value
                # FHIR's "!=" holds while the earlier question is unanswered, as the interview would ask.
                conditions.append({"question": earlier.field, "operator": "!=",
                                   _answer_key(shape): answer})
    return conditions


def _answer_key(shape: AnswerShape) -> str:
    return VALUE_KEYS[shape.type].replace("value", "answer", 1)
