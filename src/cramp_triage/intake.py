"""``Intake``: the answers a person, an app or a scenario gives. Every answer is optional.

An absent answer (``None``) means "not known"; the rules treat it differently from "no".
The intake knows nothing of rules: ``facts.py`` turns it into engine facts.

The intake is strict, in JSON and in Python alike: it takes exactly what its JSON Schema
(``cramp-triage schema intake``) allows. true/false for a yes/no answer (never "yes" or 1), a
number for a number (never "5"; a whole number where one is asked, 4.0 being one), places from
the list. Text typed by a person or a spreadsheet goes through ``parse_intake_text``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .errors import IntakeError, Problem
from .files import parse_json

if TYPE_CHECKING:
    from .answer_shape import AnswerShape


class Location(StrEnum):
    """Where in the leg the cramps are."""

    calf = "calf"
    foot = "foot"
    thigh = "thigh"


# The field's type: plain names, so that ``Intake(locations=["calf"])`` type-checks (a type
# checker does not take "calf" for ``Location.calf``); members of ``Location`` are accepted too.
LocationName = Literal["calf", "foot", "thigh"]

# A medicine name has a character that is not white space. The JSON Schema says so with this
# pattern, spelled out rather than ``\\S`` because regex engines disagree on what ``\\s`` covers:
# these are exactly the characters Python's ``str.isspace()`` (and so ``str.strip()``) calls space.
NOT_BLANK = "[^\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
MAX_MEDICINE_NAME = 200


def _medicine_name(value: str) -> str:
    # Checked as given, so the JSON Schema's lengths mean the same; then trimmed (" Lipitor ").
    if value.isspace():
        raise PydanticCustomError("blank_name", "a medicine name cannot be only spaces")
    return value.strip()


MedicineName = Annotated[
    str,
    Field(min_length=1, max_length=MAX_MEDICINE_NAME, json_schema_extra={"pattern": NOT_BLANK}),
    AfterValidator(_medicine_name),
]

class Swelling(StrEnum):
    """Which legs are swollen."""

    one_leg = "one_leg"
    both_legs = "both_legs"
    none = "none"


# The field's type: plain names, as for places (``Intake(leg_swelling="one_leg")`` type-checks).
SwellingName = Literal["one_leg", "both_legs", "none"]


def _swelling_from_yes_no(value: Any) -> Any:
    # Pack 1.0 asked yes/no ("swollen, usually on one side"): a JSON true or false still reads,
    # as the answer it meant. Only real booleans: "yes" in a CSV cell is refused, naming the values.
    if value is True:
        return Swelling.one_leg.value
    if value is False:
        return Swelling.none.value
    return value


# The JSON Schema says exactly what is accepted: the three values, the old true/false, or null.
SwellingAnswer = Annotated[
    SwellingName | None,
    BeforeValidator(_swelling_from_yes_no),
    WithJsonSchema({"anyOf": [{"type": "string", "enum": [s.value for s in Swelling]},
                              {"type": "boolean", "description": "Older intakes: true is read as one_leg, false as none."},
                              {"type": "null"}]}),
]

# Bounds keep junk out without refusing any real answer: a day has 1440 minutes, and more than
# 500 cramps a week is not a count a person can report.
MAX_CRAMPS_PER_WEEK = 500
MAX_MEDICATIONS = 50
MAX_AGE_YEARS = 120


def _yes(description: str) -> Any:
    return Field(default=None, description=description)


class Intake(BaseModel):
    """What is known about the cramps. ``None`` (or leaving a field out) means "don't know"."""

    # strict: no reading "yes" as true or "5" as 5; the JSON Schema says exactly what is taken.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    duration_minutes: float | None = Field(
        default=None, ge=0, le=1440, description="How long one cramp episode lasts, in minutes (0 to 1440)."
    )
    eases_with_movement: bool | None = _yes("The cramp eases when the person moves or stretches the leg.")
    locations: list[LocationName] | None = Field(
        default=None, max_length=3, description="Where the cramps are: any of calf, foot, thigh."
    )
    during_sleep: bool | None = _yes("The cramps come at night or at rest.")
    cramps_per_week: int | None = Field(
        default=None, ge=0, le=MAX_CRAMPS_PER_WEEK, description="How many cramps a week (0 to 500)."
    )
    sleep_disrupted: bool | None = _yes(
        "The cramps regularly spoil sleep, or make the next day hard (not just an occasional bad night).")
    persistent: bool | None = _yes("The cramps keep coming despite self-care (stretching, fluids, diet).")
    age_years: int | None = Field(
        default=None, ge=0, le=MAX_AGE_YEARS,
        description="Age in whole years (0 to 120). The rules are for adults: under 16 is referred.")
    pregnant: bool | None = _yes("The person is pregnant.")
    medications: list[MedicineName] | None = Field(
        default=None,
        max_length=MAX_MEDICATIONS,
        description="Medicines taken: generic or brand names, any case, doses allowed ('Lipitor 20 mg').",
    )
    liver_disease: bool | None = _yes("Chronic (long-term) liver disease.")
    kidney_disease: bool | None = _yes("Chronic kidney disease, or dialysis.")
    fluid_restriction: bool | None = _yes(
        "A doctor or nurse has told the person to limit fluids, salt or potassium (e.g. dialysis, heart failure).")
    underactive_thyroid: bool | None = _yes("An underactive thyroid (hypothyroidism).")
    diabetes: bool | None = _yes("Diabetes, or nerve damage from diabetes or another cause (neuropathy).")
    low_fluid_intake: bool | None = _yes("Drinks little, or has signs of dehydration.")
    intense_exercise: bool | None = _yes("Recent strenuous or excessive exercise.")
    poor_diet: bool | None = _yes("Poor nutrition.")
    nerve_symptoms: bool | None = _yes("Back pain spreading down the leg, tingling, or pins and needles.")
    numbness: bool | None = _yes("Numbness in the legs.")
    muscle_weakness: bool | None = _yes("Weakness or shrinking of the leg muscles.")
    muscle_pain: bool | None = _yes(
        "Muscle pain, aching or tenderness with no known reason, apart from the cramps and the soreness after one.")
    dark_urine: bool | None = _yes("Dark brown or cola-coloured urine (not just dark yellow).")
    bladder_or_bowel_change: bool | None = _yes(
        "New trouble controlling or feeling the bladder or bowel, or numbness between the legs or around "
        "the back passage.")
    leg_swelling: SwellingAnswer = Field(
        default=None,
        description="Swelling of the legs: one_leg, both_legs or none. JSON true and false are still "
                    "accepted and read as one_leg and none.")
    red_warm_skin: bool | None = _yes(
        "Red or warm skin over the painful area (a muscle sore for a day after a cramp does not count).")
    breathless_or_chest_pain: bool | None = _yes("Breathlessness or chest pain.")
    pain_when_walking: bool | None = _yes("Calf pain that comes on with walking and eases with rest.")
    toxin_or_wound_exposure: bool | None = _yes(
        "A wound that may carry tetanus, or exposure to lead, mercury or another toxin."
    )

    @field_validator("*", mode="before")
    @classmethod
    def _json_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """Numbers as JSON Schema reads them, for every number field: 4.0 is a whole number;
        true is not a number (a yes/no where a number belongs is a mistake, not 1 minute)."""
        kind = _number_type(info.field_name or "")
        if kind is None:
            return value
        if isinstance(value, bool):
            raise PydanticCustomError("number_type", "Input should be a number, not true or false")
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    @field_validator("locations")
    @classmethod
    def _unique_locations(cls, value: list[str] | None) -> list[str] | None:
        # Order-preserving de-duplication: "calf, calf" says no more than "calf". An empty list
        # names no place, so it is "not known", like leaving the field out.
        return list(dict.fromkeys(value)) or None if value is not None else None

    def answered(self) -> dict[str, Any]:
        """The known answers only, as plain JSON values."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_questionnaire_response(cls, response: Mapping[str, Any]) -> Intake:
        """The intake a FHIR R4 ``QuestionnaireResponse`` to ``questionnaire()`` gives: each
        item's linkId is a field, its answers the field's answer (an item without an answer is
        "don't know"). Raise ``IntakeError`` naming each fault by its place in the resource."""
        from .fhir_response import read_questionnaire_response  # imported when used: most starts do not

        read = read_questionnaire_response(response, answer_shapes())
        try:
            return parse_intake(read.answers)
        except IntakeError as error:
            raise IntakeError("invalid QuestionnaireResponse", [
                Problem(read.place(p.loc), f"{p.loc.split('.')[0]}: {p.message}") for p in error.problems]) from None


@cache
def answer_type(field: str) -> Any:
    """The type of one answer to ``field`` (of each item, for a list): bool, int, float, a
    ``Literal`` of choices (``LocationName``, ``SwellingName``) or str. Everything that reads the intake's shape (CLI options, rule checks,
    the answers to try) asks here rather than repeating the field list."""
    (inner,) = [arg for arg in get_args(Intake.model_fields[field].annotation) if arg is not type(None)]
    if get_origin(inner) is list:
        (inner,) = get_args(inner)
    if get_origin(inner) is Annotated:
        inner = get_args(inner)[0]
    return inner


def is_list_field(field: str) -> bool:
    """Does ``field`` take a list of answers (places, medicine names)? The one place that says so."""
    (inner,) = [arg for arg in get_args(Intake.model_fields[field].annotation) if arg is not type(None)]
    return get_origin(inner) is list


LIST_FIELDS = frozenset(name for name in Intake.model_fields if is_list_field(name))


@cache
def answer_shapes() -> dict[str, AnswerShape]:
    """Each field's answer shape (type, choices, bounds), read from the intake's JSON Schema."""
    from .answer_shape import shapes_from_schema  # imported when used: a triage needs no shapes

    return shapes_from_schema(Intake.model_json_schema())


@cache
def _number_type(field: str) -> type | None:
    """int or float for a number field, else None."""
    if field not in Intake.model_fields:
        return None
    kind = answer_type(field)
    return kind if kind in (int, float) else None


# What is allowed, in words, for the pydantic errors whose pydantic message says only what is wrong.
TYPE_MESSAGES = {
    "bool_type": "Input should be true or false (leave the answer out if it is not known)",
    "bool_parsing": "Input should be true or false (leave the answer out if it is not known)",
    "float_type": "Input should be a number",
    "float_parsing": "Input should be a number",
    "int_type": "Input should be a whole number (an integer)",
    "int_parsing": "Input should be a whole number (an integer)",
    "int_from_float": "Input should be a whole number (an integer)",
    "extra_forbidden": "unknown field; allowed fields are listed by `cramp-triage schema intake`",
}


def _problems(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = ".".join(str(part) for part in item["loc"]) or "intake"
        problems.append(Problem(loc=loc, message=TYPE_MESSAGES.get(item["type"], item["msg"])))
    return problems


def parse_intake(data: Any) -> Intake:
    """Validate a mapping (e.g. parsed JSON) into an ``Intake``; raise ``IntakeError`` naming each bad field."""
    if isinstance(data, Intake):
        return data
    if not isinstance(data, Mapping):
        raise IntakeError(
            "invalid intake", [Problem("intake", f"expected a JSON object, got {type(data).__name__}")]
        )
    try:
        return Intake.model_validate(dict(data))
    except ValidationError as error:
        raise IntakeError("invalid intake", _problems(error)) from None
    except RecursionError:  # a Python caller can nest deeper than JSON parsing allows
        deep = [str(key) for key, value in data.items() if _depth_over(value, 32)] or ["intake"]
        raise IntakeError("invalid intake", [Problem(key, "nested too deeply (lists or objects inside each other)")
                                             for key in deep]) from None


def _depth_over(value: Any, limit: int) -> bool:
    """Is ``value`` nested more than ``limit`` lists or objects deep? (iterative: no recursion)"""
    level = [value]
    for _ in range(limit + 1):
        level = [child for item in level if isinstance(item, (list, tuple, dict))
                 for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return True


_YES = frozenset({"yes", "true"})
_NO = frozenset({"no", "false"})
_WHOLE = re.compile(r"[-+]?\d+\Z")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")


def parse_intake_text(answers: Mapping[str, Any]) -> Intake:
    """Validate answers typed as text (CSV cells, form fields): each text is read as its field's
    type first (yes/no/true/false for a yes/no answer, digits for a number; a list stays a list
    of names), then the intake is as strict as JSON. Raise ``IntakeError`` naming each bad field."""
    if not isinstance(answers, Mapping):
        return parse_intake(answers)
    typed: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in answers.items():
        if not isinstance(value, str) or name not in Intake.model_fields or name in LIST_FIELDS:
            typed[name] = value
            continue
        try:
            typed[name] = _from_text(name, value.strip())
        except ValueError as error:
            problems.append(Problem(name, str(error)))
    if problems:
        raise IntakeError("invalid intake", problems)
    return parse_intake(typed)


def _from_text(name: str, text: str) -> Any:
    """A typed text as the value it stands for: text is not left for the model to guess."""
    kind = answer_type(name)
    if kind is bool:
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise ValueError(f"{text!r} is not yes or no: write yes, no, true or false, or leave it empty if not known")
    if kind is int:
        if _WHOLE.match(text):
            return int(text)
        raise ValueError(f"{text!r} is not a whole number")
    if kind is float:
        if _NUMBER.match(text):
            return int(text) if _WHOLE.match(text) else float(text)  # as JSON would give it
        raise ValueError(f"{text!r} is not a number")
    return text


def parse_intake_json(text: str | bytes) -> Intake:
    """Parse and validate a JSON document into an ``Intake``; raise ``IntakeError`` on any fault.

    Strict JSON: NaN and Infinity are not JSON, and a key given twice is refused
    (``{"leg_swelling": true, "leg_swelling": false}``: which answer was meant?)."""
    return parse_intake(parse_json(text, "intake", IntakeError))
