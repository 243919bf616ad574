"""The rule pack's file schema (pydantic): the manifest, the terms a rule may conclude, and rules
with their Arden-style provenance."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..result import LEVEL_WHEN, Level, When
from .conditions import Pattern

Layer = Literal["red_flag", "finding", "cause", "level", "advice"]
LAYERS: tuple[str, ...] = get_args(Layer)
CONCLUSION_KINDS = ("finding", "cause", "level", "see", "self_care")


class _Strict(BaseModel):
    # defer_build: built on the first validation. A start that takes the pack from its snapshot
    # (snapshot.py) validates none of these, and building them cost it about 10 ms.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- terms: what a rule may conclude, in plain words ---------------------------------------


class LevelTerm(_Strict):
    label: str
    lead: str | None = Field(
        default=None, description="Opens a sentence listing signs at this level: what to do, and "
                                  "'if you notice any of these:'. Needed by a level whose signs are listed.")
    do_now: str
    unchecked: str | None = Field(
        default=None, description="Opens the list of signs that could not be checked, added to do_now; "
                                  "none: they are not listed at this level.")
    mention: str | None = Field(
        default=None, description="Opens the sentence listing unchecked signs no more pressing than this "
                                  "level ('Tell the doctor you see today about any of these:').")
    safety_net: list[Level] = Field(
        default_factory=list, description="The levels whose red-flag signs `if_worse` lists, from the pack's red flags.")
    if_worse: str = Field(default="", description="Said after the generated safety net.")


class FindingTerm(_Strict):
    label: str
    kind: Literal["red_flag", "risk_factor", "observation", "unanswered"]
    level: Level | None = Field(default=None, description="For a red flag: the level it calls for.")
    when: When | None = Field(default=None, description="For a red flag: how soon to be seen.")
    sign: str | None = Field(default=None, description="For a red flag: the sign in a few words, for the safety net.")
    field: str | None = Field(default=None, description="For an unanswered question: the intake field.")
    if_so: Level | None = Field(
        default=None, description="For an unanswered question: the level a worrying answer would call for.")

    @model_validator(mode="after")
    def _attributes_fit_the_kind(self) -> FindingTerm:
        red_flag, unanswered = self.kind == "red_flag", self.kind == "unanswered"
        if red_flag != (self.level is not None and self.when is not None and self.sign is not None):
            raise ValueError("a red_flag finding needs a level, when and sign, and only a red flag has them")
        if unanswered != (self.field is not None and self.if_so is not None):
            raise ValueError("an unanswered finding needs a field and if_so, and only it has them")
        if red_flag and self.when not in LEVEL_WHEN[self.level]:  # type: ignore[index]
            allowed = sorted(w.value for w in LEVEL_WHEN[self.level] if w)  # type: ignore[index]
            raise ValueError(f"a {self.level.value} red flag is seen {' or '.join(allowed)}, not {self.when.value}")  # type: ignore[union-attr]
        return self


class CauseTerm(_Strict):
    label: str
    type: Literal["idiopathic", "secondary"]
    explanation: str


class SeeTerm(_Strict):
    who: str
    why: str
    when: When


class SelfCareTerm(_Strict):
    text: str


class Terms(_Strict):
    levels: dict[Level, LevelTerm]
    findings: dict[str, FindingTerm]
    causes: dict[str, CauseTerm]
    see: dict[str, SeeTerm]
    self_care: dict[str, SelfCareTerm]

    @model_validator(mode="after")
    def _every_level(self) -> Terms:
        missing = [level.value for level in Level if level not in self.levels]
        if missing:
            raise ValueError(f"levels must define every level; missing {missing}")
        wordless = [level.value for level, term in self.levels.items()
                    if term.unchecked is not None and term.mention is None and level.rank > 0]
        if wordless:
            raise ValueError(f"levels {wordless} list unchecked signs, so they need `mention` for the less pressing ones")
        listed = {net for term in self.levels.values() for net in term.safety_net}
        listed |= {term.if_so for term in self.findings.values() if term.if_so is not None}
        leadless = sorted(level.value for level in listed if self.levels[level].lead is None)
        if leadless:
            raise ValueError(f"levels {leadless} have signs listed, so they need a `lead`")
        return self

    def table(self, kind: str) -> dict[Any, Any]:
        return {"finding": self.findings, "cause": self.causes, "level": self.levels, "see": self.see,
                "self_care": self.self_care}[kind]


# --- rules ------------------------------------------------------------------------------------


class CitationRef(_Strict):
    """A rule's citation as written in a rule file: a source of ``pack.yaml`` (and its section)."""

    source: str
    section: str | None = None


class Conclusion(_Strict):
    """One fact a rule asserts: exactly one key, naming a term."""

    finding: str | None = None
    cause: str | None = None
    level: Level | None = None
    see: str | None = None
    self_care: str | None = None

    @model_validator(mode="after")
    def _one_key(self) -> Conclusion:
        given = [name for name in CONCLUSION_KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a conclusion takes exactly one of {', '.join(CONCLUSION_KINDS)} (got {given or 'none'})")
        return self

    @property
    def kind(self) -> str:
        return next(name for name in CONCLUSION_KINDS if getattr(self, name) is not None)

    @property
    def name(self) -> str:
        value = getattr(self, self.kind)
        return value.value if isinstance(value, Level) else value


class Rule(_Strict):
    """One rule, with Arden-style provenance (id, title, version, status, purpose, citations, review)."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
    title: str
    version: str
    status: Literal["active", "draft", "retired"]
    layer: Layer
    purpose: str
    explanation: str
    encodes: str | None = Field(default=None, description="The source passage it encodes, in our words.")
    citations: list[CitationRef] = Field(min_length=1)
    reviewed: dt.date
    when: list[Pattern] = Field(min_length=1)
    then: list[Conclusion] = Field(min_length=1)


class SourceInfo(_Strict):
    title: str
    url: str | None = None
    sections: list[str] | None = None


class Manifest(_Strict):
    name: str
    version: str
    description: str
    disclaimer: str
    sources: dict[str, SourceInfo]
    default_region: str = Field(description="The region (of `regions`) whose services the words name "
                                            "unless another is asked for.")
    rule_files: list[str] = Field(min_length=1)
    terms: str = "terms.yaml"
    vocabulary: str = "vocabulary/medications.yaml"
    regions: str = "regions.yaml"
