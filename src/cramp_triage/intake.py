"""``Intake``: the answers a person, an app or a scenario gives. Every answer is optional.

An absent answer (``None``) means "not known"; the rules treat it differently from "no".
The intake knows nothing of rules: ``facts.py`` turns it into engine facts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Any, Optional, get_args, get_origin

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError,
                      WithJsonSchema, field_validator)
from pydantic_core import PydanticCustomError

from .errors import IntakeError, Problem


class Location(str, Enum):
    """Where in the leg the cramps are."""

    calf = "calf"
    foot = "foot"
    thigh = "thigh"


class Swelling(str, Enum):
    """Which legs are swollen."""

    one_leg = "one_leg"
    both_legs = "both_legs"
    none = "none"


def _swelling_from_yes_no(value: Any) -> Any:
    # Pack 1.0 asked yes/no ("swollen, usually on one side"): a JSON true or false still reads,
    # as the answer it meant. Only real booleans: "yes" in a CSV cell is refused, naming the values.
    if value is True:
        return Swelling.one_leg
    if value is False:
        return Swelling.none
    return value


# The JSON Schema says exactly what is accepted: the three values, the old true/false, or null.
SwellingAnswer = Annotated[
    Optional[Swelling],
    BeforeValidator(_swelling_from_yes_no),
    WithJsonSchema({"anyOf": [{"type": "string", "enum": [s.value for s in Swelling]},
                              {"type": "boolean", "description": "Older intakes: true is read as one_leg, false as none."},
                              {"type": "null"}]}),
]

MedicineName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# Bounds keep junk out without refusing any real answer: a day has 1440 minutes, and more than
# 500 cramps a week is not a count a person can report.
MAX_CRAMPS_PER_WEEK = 500
MAX_MEDICATIONS = 50
MAX_AGE_YEARS = 120


def _yes(description: str) -> Any:
    return Field(default=None, description=description)


class Intake(BaseModel):
    """What is known about the cramps. ``None`` (or leaving a field out) means "don't know"."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    duration_minutes: float | None = Field(
        default=None, ge=0, le=1440, description="How long one cramp episode lasts, in minutes (0 to 1440)."
    )
    eases_with_movement: bool | None = _yes("The cramp eases when the person moves or stretches the leg.")
    locations: list[Location] | None = Field(
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

    @field_validator("duration_minutes", "cramps_per_week", "age_years", mode="before")
    @classmethod
    def _number_not_yes_no(cls, value: Any) -> Any:
        # pydantic would read true as 1: a yes/no where a number belongs is a mistake, not 1 minute.
        if isinstance(value, bool):
            raise PydanticCustomError("number_type", "Input should be a number, not true or false")
        return value

    @field_validator("locations")
    @classmethod
    def _unique_locations(cls, value: list[Location] | None) -> list[Location] | None:
        # Order-preserving de-duplication: "calf, calf" says no more than "calf". An empty list
        # names no place, so it is "not known", like leaving the field out.
        return list(dict.fromkeys(value)) or None if value is not None else None

    def answered(self) -> dict[str, Any]:
        """The known answers only, as plain JSON values."""
        return self.model_dump(mode="json", exclude_none=True)


def answer_type(field: str) -> type:
    """The type of one answer to ``field`` (of each item, for a list): bool, int, float, an
    Enum of choices (Location, Swelling) or str. Everything that reads the intake's shape (CLI options, rule checks, the
    answers to try) asks here rather than repeating the field list."""
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


def _problems(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = ".".join(str(part) for part in item["loc"]) or "intake"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field; allowed fields are listed by `cramp-triage schema intake`"
        problems.append(Problem(loc=loc, message=message))
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


def parse_intake_json(text: str | bytes) -> Intake:
    """Parse and validate a JSON document into an ``Intake``; raise ``IntakeError`` on any fault."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        # ValueError covers JSONDecodeError and bad UTF-8 in bytes input.
        raise IntakeError("invalid intake", [Problem("intake", f"not valid JSON ({error})")]) from None
    return parse_intake(data)
