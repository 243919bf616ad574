"""Reading a FHIR R4 ``QuestionnaireResponse`` to our Questionnaire into intake answers.

Each item's ``linkId`` is an intake field; its answer's ``value[x]`` follows the field's shape
(``valueBoolean``, ``valueDecimal``, ``valueInteger``, ``valueCoding`` for a choice,
``valueString``), one answer or, for a list field, several. An item present without an answer
was asked and not known ("don't know"). Every fault is reported with its place in the resource.
The answers are then validated as any intake is (``Intake.from_questionnaire_response``).

This module sits below the intake model: it is given the answer shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .about import CANONICAL
from .answer_shape import AnswerShape
from .errors import IntakeError, Problem

QUESTIONNAIRE_URL = f"{CANONICAL}:questionnaire"
RESOURCE = "QuestionnaireResponse"
# What a triage may be made from: not a response entered in error.
USABLE_STATUSES = ("completed", "in-progress", "amended", "stopped")
VALUE_KEYS = {"boolean": "valueBoolean", "number": "valueDecimal", "integer": "valueInteger",
              "choice": "valueCoding", "text": "valueString"}
_WORDS = {"boolean": "a yes/no answer", "number": "a number", "integer": "a whole number",
          "choice": "one of the answer options", "text": "text"}


def code_system(field: str) -> str:
    """The code system of a choice field's answers (``valueCoding.system``)."""
    return f"{CANONICAL}:code:{field}"


@dataclass
class ResponseAnswers:
    answers: dict[str, Any] = field(default_factory=dict)  # field -> its answer, as intake JSON
    asked: set[str] = field(default_factory=set)  # fields asked without an answer: "don't know"
    items: dict[str, int] = field(default_factory=dict)  # field -> the index of its item

    def place(self, loc: str) -> str:
        """An intake problem's field path (``locations.1``) as a place in the response
        (``item.4.answer.1``), so an error points into what the client sent."""
        name, _, rest = loc.partition(".")
        if name not in self.items:
            return loc
        return f"item.{self.items[name]}.answer.{rest or 0}"


def read_questionnaire_response(response: Any, shapes: Mapping[str, AnswerShape]) -> ResponseAnswers:
    """The answers given, the fields asked without an answer, and where each item is; raise
    ``IntakeError`` naming every fault (``item.2.answer.0``: what is wrong and what is allowed)."""
    if not isinstance(response, Mapping):
        raise IntakeError("invalid QuestionnaireResponse",
                          [Problem(RESOURCE, f"expected a JSON object, got {type(response).__name__}")])
    problems = _header_problems(response)
    items = response.get("item", [])
    if not isinstance(items, list):
        raise IntakeError("invalid QuestionnaireResponse", [*problems, Problem("item", "expected a list of items")])
    read = ResponseAnswers()
    answers, asked = read.answers, read.asked
    for index, item in enumerate(items):
        where = f"item.{index}"
        if not isinstance(item, Mapping) or not isinstance(item.get("linkId"), str):
            problems.append(Problem(where, "expected an object with a linkId"))
            continue
        field = item["linkId"]
        shape = shapes.get(field)
        if shape is None:
            problems.append(Problem(f"{where}.linkId", f"{field!r} is not a question of {QUESTIONNAIRE_URL}; "
                                                       "its linkIds are the intake fields"))
            continue
        if field in answers or field in asked:
            problems.append(Problem(f"{where}.linkId", f"{field!r} is answered twice"))
            continue
        if "item" in item:
            problems.append(Problem(f"{where}.item", f"{field}: this questionnaire has no nested items"))
            continue
        read.items[field] = index
        values = _values(item.get("answer", []), shape, where, problems)
        if values is None:
            continue
        if not values:
            asked.add(field)
        elif shape.repeats:
            answers[field] = values
        elif len(values) > 1:
            problems.append(Problem(f"{where}.answer", f"{field} takes one answer, got {len(values)}"))
        else:
            answers[field] = values[0]
    if problems:
        raise IntakeError("invalid QuestionnaireResponse", problems)
    return read


def _header_problems(response: Mapping[str, Any]) -> list[Problem]:
    problems = []
    if response.get("resourceType") != RESOURCE:
        problems.append(Problem("resourceType", f"expected {RESOURCE!r}"))
    status = response.get("status")
    if status not in USABLE_STATUSES:
        why = "a response entered in error must not be used" if status == "entered-in-error" else "required"
        problems.append(Problem("status", f"{why}; one of {', '.join(USABLE_STATUSES)}"))
    named = response.get("questionnaire")
    if named is not None and (not isinstance(named, str) or named.split("|", 1)[0] != QUESTIONNAIRE_URL):
        problems.append(Problem("questionnaire", f"expected {QUESTIONNAIRE_URL} (with or without |version), "
                                                 "or leave it out"))
    return problems


def _values(answers: Any, shape: AnswerShape, where: str, problems: list[Problem]) -> list[Any] | None:
    """The answer values of one item, or None (with the problems recorded) when any is wrong."""
    if not isinstance(answers, list):
        problems.append(Problem(f"{where}.answer", f"{shape.field}: expected a list of answers"))
        return None
    key = VALUE_KEYS[shape.type]
    values = []
    for index, answer in enumerate(answers):
        place = f"{where}.answer.{index}"
        given = [name for name in answer if name.startswith("value")] if isinstance(answer, Mapping) else []
        if given != [key] or "item" in answer:
            problems.append(Problem(place, f"{shape.field}: expected an answer with {key} only "
                                           f"({_WORDS[shape.type]})"))
            return None
        value = answer[key]
        if shape.type == "choice":
            value = _code(value, shape, place, problems)
            if value is None:
                return None
        values.append(value)
    return values


def _code(coding: Any, shape: AnswerShape, place: str, problems: list[Problem]) -> str | None:
    system = code_system(shape.field)
    allowed = ", ".join(shape.choices or ())
    if (not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str)
            or coding.get("system", system) != system):
        problems.append(Problem(f"{place}.valueCoding", f"{shape.field}: expected a coding of {system} "
                                                        f"with a code among {allowed}"))
        return None
    code: str = coding["code"]
    return code
