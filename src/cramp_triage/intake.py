"""``Intake``: the answers a person, an app or a scenario gives. Every answer is optional.

An absent answer (``None``) means "not known"; the rules treat it differently from "no".
The intake knows nothing of rules: ``facts.py`` turns it into engine facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from .errors import IntakeError, Problem
from .files import parse_json


class Location(str, Enum):
    """Where in the leg the cramps are."""

    calf = "calf"
    foot = "foot"
    thigh = "thigh"


MedicineName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# Bounds keep junk out without refusing any real answer: a day has 1440 minutes, and more than
# 500 cramps a week is not a count a person can report.
MAX_CRAMPS_PER_WEEK = 500
MAX_MEDICATIONS = 50


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
    sleep_disrupted: bool | None = _yes("The cramps disturb sleep or daytime life.")
    persistent: bool | None = _yes("The cramps keep coming despite self-care (stretching, fluids, diet).")
    pregnant: bool | None = _yes("The person is pregnant.")
    medications: list[MedicineName] | None = Field(
        default=None,
        max_length=MAX_MEDICATIONS,
        description="Medicines taken: generic or brand names, any case, doses allowed ('Lipitor 20 mg').",
    )
    liver_disease: bool | None = _yes("Chronic (long-term) liver disease.")
    kidney_disease: bool | None = _yes("Chronic kidney disease, or dialysis.")
    underactive_thyroid: bool | None = _yes("An underactive thyroid (hypothyroidism).")
    diabetes: bool | None = _yes("Diabetes, or nerve damage from diabetes or another cause (neuropathy).")
    low_fluid_intake: bool | None = _yes("Drinks little, or has signs of dehydration.")
    intense_exercise: bool | None = _yes("Recent strenuous or excessive exercise.")
    poor_diet: bool | None = _yes("Poor nutrition.")
    nerve_symptoms: bool | None = _yes("Back pain spreading down the leg, tingling, or pins and needles.")
    numbness: bool | None = _yes("Numbness in the legs.")
    muscle_weakness: bool | None = _yes("Weakness or shrinking of the leg muscles.")
    leg_swelling: bool | None = _yes("Swelling of the calf or leg, usually on one side.")
    red_warm_skin: bool | None = _yes("Warm, red or tender skin over the painful area.")
    breathless_or_chest_pain: bool | None = _yes("Breathlessness or chest pain.")
    pain_when_walking: bool | None = _yes("Calf pain that comes on with walking and eases with rest.")
    toxin_or_wound_exposure: bool | None = _yes(
        "A wound that may carry tetanus, or exposure to lead, mercury or another toxin."
    )

    @field_validator("duration_minutes", "cramps_per_week", mode="before")
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
    """The type of one answer to ``field`` (of each item, for a list): bool, int, float,
    Location or str. Everything that reads the intake's shape (CLI options, rule checks, the
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
    """Parse and validate a JSON document into an ``Intake``; raise ``IntakeError`` on any fault
    (a field given twice is one: ``{"leg_swelling": true, "leg_swelling": false}`` is refused)."""
    return parse_intake(parse_json(text, "intake", IntakeError))
