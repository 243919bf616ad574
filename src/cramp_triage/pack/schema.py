"""The rule pack's file schema (pydantic): the manifest, the terms a rule may conclude, and rules
with their Arden-style provenance."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..result import Level
from .conditions import Pattern

Layer = Literal["red_flag", "finding", "cause", "level", "advice"]
LAYERS: tuple[str, ...] = get_args(Layer)
CONCLUSION_KINDS = ("finding", "cause", "level", "see", "self_care")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- terms: what a rule may conclude, in plain words ---------------------------------------


class LevelTerm(_Strict):
    label: str
    do_now: str
    if_worse: str


class FindingTerm(_Strict):
    label: str
    kind: Literal["red_flag", "risk_factor", "observation"]
    level: Level | None = Field(default=None, description="For a red flag: the level it calls for.")

    @model_validator(mode="after")
    def _red_flags_have_levels(self) -> FindingTerm:
        if (self.kind == "red_flag") != (self.level is not None):
            raise ValueError("a red_flag finding needs a level, and only a red flag has one")
        return self


class CauseTerm(_Strict):
    label: str
    type: Literal["idiopathic", "secondary"]
    explanation: str


class SeeTerm(_Strict):
    who: str
    why: str


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
    rule_files: list[str] = Field(min_length=1)
    terms: str = "terms.yaml"
    vocabulary: str = "vocabulary/medications.yaml"
