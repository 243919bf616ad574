"""The scenario file model: a vignette (``id``, ``title``, ``tags``, ``given``, ``expect``,
``teaching_note``) or its variants under ``cases:``, and ``Case``, one runnable case."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..intake import Intake
from ..result import Level

SCENARIO_SUFFIX = ".scenario.yaml"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_LEVELS = ", ".join(level.value for level in Level)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


class Expect(_Strict):
    """What the rules should conclude. Only what is listed is checked."""

    level: Level | None = Field(default=None, description="The level exactly.")
    min_level: Level | None = Field(default=None, description="At least this level.")
    max_level: Level | None = Field(default=None, description="At most this level.")
    causes_include: list[str] = Field(default_factory=list, description="Cause categories that must be named.")
    causes_exclude: list[str] = Field(default_factory=list, description="Cause categories that must not be named.")
    serious_include: list[str] = Field(default_factory=list, description="Red flags that must be among `serious`.")
    see_include: list[str] = Field(default_factory=list, description="Referrals that must be among `see`.")
    rules_fired_include: list[str] = Field(default_factory=list, description="Rule ids that must fire.")
    rules_not_fired: list[str] = Field(default_factory=list, description="Rule ids that must not fire.")
    unanswered_include: list[str] = Field(
        default_factory=list, description="Warning-sign questions that must be among unanswered_red_flags.")
    text_include: list[str] = Field(
        default_factory=list, description="Words the person must read (what to do, if it gets worse, whom to see, "
                                          "self-care), in any case.")
    text_exclude: list[str] = Field(default_factory=list, description="Words the person must not read.")

    @field_validator("level", "min_level", "max_level", mode="before")
    @classmethod
    def _known_level(cls, value: Any) -> Any:
        if value is not None and value not in {level.value for level in Level}:
            raise ValueError(f"unknown level {value!r}; allowed: {_LEVELS}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if not self.model_fields_set:
            keys = ", ".join(type(self).model_fields)
            raise ValueError(f"expect lists nothing to check; give at least one of {keys}")
        low, high = self.min_level, self.max_level
        if low is not None and high is not None and low.rank > high.rank:
            raise ValueError(f"min_level {low.value} is above max_level {high.value}")
        if self.level is not None and (low is not None or high is not None):
            raise ValueError("give either level or min_level/max_level, not both")
        both = set(self.causes_include) & set(self.causes_exclude)
        if both:
            raise ValueError(f"causes both included and excluded: {', '.join(sorted(both))}")
        both = set(self.rules_fired_include) & set(self.rules_not_fired)
        if both:
            raise ValueError(f"rules both expected to fire and not to fire: {', '.join(sorted(both))}")
        both = {w.lower() for w in self.text_include} & {w.lower() for w in self.text_exclude}
        if both:
            raise ValueError(f"words both expected and not expected: {', '.join(sorted(both))}")
        return self


class CaseSpec(_Strict):
    """One variant of a vignette: its answers change the shared ``given``."""

    name: str = Field(pattern=SLUG, description="Short name in lower-case words joined by hyphens.")
    given: dict[str, Any] = Field(default_factory=dict)
    expect: Expect
    teaching_note: str | None = Field(default=None, min_length=1)


class ScenarioSpec(_Strict):
    """One scenario file."""

    id: str = Field(pattern=SLUG, description="Lower-case words joined by hyphens, unique in a library.")
    title: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    given: dict[str, Any] = Field(default_factory=dict)
    expect: Expect | None = None
    teaching_note: str = Field(min_length=1)
    cases: list[CaseSpec] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _expect_or_cases(self) -> ScenarioSpec:
        if (self.expect is None) == (self.cases is None):
            raise ValueError("give either `expect` (one case) or `cases` (several variants), not both")
        names = [case.name for case in self.cases or []]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"case names must be unique; repeated: {', '.join(repeated)}")
        return self


@dataclass(frozen=True)
class Case:
    """One runnable case: a vignette (or one of its variants) with its merged answers."""

    id: str  # "scenario-id", or "scenario-id[case-name]" for a variant
    name: str  # the case name, or the scenario id when the file has one case
    title: str
    tags: tuple[str, ...]
    path: Path
    line: int | None
    given: dict[str, Any]
    intake: Intake
    expect: Expect
    teaching_note: str
    given_lines: dict[str, int] = field(default_factory=dict)  # answer -> the line it was read from
    expect_lines: dict[str, int] = field(default_factory=dict)  # expectation key -> its line
