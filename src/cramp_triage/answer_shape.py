"""The shape of each intake answer (yes/no, number, whole number, choice, text; one or a list;
allowed values and bounds), read from the intake's JSON Schema.

The question an app shows, the FHIR Questionnaire item and the reading of a
QuestionnaireResponse all take the shape from here, so they follow the model: a new field, a
new choice or a new bound needs no change in any of them. This module sits below the intake
model and is given its schema (``intake.answer_shapes()`` does that).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

AnswerType = Literal["boolean", "number", "integer", "choice", "text"]


@dataclass(frozen=True)
class AnswerShape:
    field: str
    type: AnswerType
    repeats: bool  # a list of answers (places, medicine names)
    choices: tuple[str, ...] | None = None  # for "choice"
    minimum: float | None = None  # for numbers
    maximum: float | None = None
    max_length: int | None = None  # for text
    max_items: int | None = None  # for a list

    @property
    def allowed_values(self) -> list[str | bool] | None:
        """The answers there are to choose from: the choices, or true and false."""
        if self.type == "boolean":
            return [True, False]
        return list(self.choices) if self.choices is not None else None


def shapes_from_schema(schema: dict[str, Any]) -> dict[str, AnswerShape]:
    """Field -> its answer's shape, for every property of an object schema (pydantic's output:
    an optional field is ``anyOf`` of its type and null, enums may sit in ``$defs``)."""
    definitions = schema.get("$defs", {})
    return {field: _shape(field, _resolve(spec, definitions), definitions)
            for field, spec in schema["properties"].items()}


def _resolve(spec: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = spec.get("$ref")
    return definitions[ref.rsplit("/", 1)[-1]] if ref else spec


def _shape(field: str, spec: dict[str, Any], definitions: dict[str, Any]) -> AnswerShape:
    options = [_resolve(option, definitions) for option in spec.get("anyOf", [spec])]
    options = [option for option in options if option.get("type") != "null"]
    if not options:
        raise ValueError(f"intake field {field!r} has no answer type in its schema")
    # A field that takes a choice or, for older clients, true/false is asked as the choice.
    main = next((option for option in options if "enum" in option), options[0])
    repeats = main.get("type") == "array"
    item = _resolve(main["items"], definitions) if repeats else main
    return AnswerShape(
        field=field,
        type=_type(field, item),
        repeats=repeats,
        choices=tuple(item["enum"]) if "enum" in item else None,
        minimum=item.get("minimum"),
        maximum=item.get("maximum"),
        max_length=item.get("maxLength"),
        max_items=main.get("maxItems") if repeats else None,
    )


def _type(field: str, item: dict[str, Any]) -> AnswerType:
    if "enum" in item:
        return "choice"
    kind = item.get("type")
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if kind == "string":
        return "text"
    raise ValueError(f"intake field {field!r} has an answer type no question can ask: {kind!r}")
