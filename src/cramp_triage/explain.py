"""The explanation of one triage: each rule that fired, in firing order, with its provenance and
sources, then the unknown answers that could have changed the outcome.

``cramp-triage explain --json`` prints it and ``POST /v1/explain`` serves it: one function, one
shape. The models below document that shape (the HTTP service's OpenAPI uses them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .api import default_triager
from .intake import Intake, parse_intake
from .interview import interview_for
from .result import TriageResult
from .triager import Triager

Aspect = Literal["level", "causes", "see", "self_care"]
ASPECTS: tuple[Aspect, ...] = ("level", "causes", "see", "self_care")


def explain(intake: Intake | Mapping[str, Any], triager: Triager | None = None,
            region: str | None = None) -> dict[str, Any]:
    """The result (worded for ``region``, as ``triage``), each firing with its rule's provenance,
    and the unknown answers that matter, as plain JSON data (the shape of ``Explanation``)."""
    triager = triager if triager is not None else default_triager()
    triager.pack.wording(region)  # an unknown region fails first, as in triage
    parsed = parse_intake(intake)
    pack = triager.pack
    result = triager.triage(parsed, region)
    steps = []
    for step in result.trace:
        rule = pack.rule_by_id[step.rule]
        sources = [{**citation.model_dump(exclude_none=True),
                    **pack.manifest.sources[citation.source].model_dump(exclude_none=True, include={"title", "url"})}
                   for citation in rule.citations]
        steps.append({"rule": rule.id, "title": rule.title, "layer": rule.layer, "file": pack.file_of(rule.id),
                      "matched": step.matched, "concluded": step.concluded, "explanation": rule.explanation,
                      "encodes": rule.encodes, "sources": sources})
    guide = interview_for(triager)
    asks = {question.field: question.text for question in guide.questions}
    known = parsed.answered()
    unknown = []
    for field in guide.relevance.fields:
        if field in known:
            continue
        effects = guide.relevance.effects(field, known)
        if effects:
            unknown.append({"field": field, "question": asks.get(field, field),
                            "could_change": [aspect for aspect in ASPECTS if aspect in effects]})
    return {"result": result.model_dump(mode="json"), "steps": steps, "unknown_that_matter": unknown}


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when first used


class ExplainedSource(_Shape):
    source: str = Field(description="Short source name from the pack manifest.")
    section: str | None = Field(default=None, description="Article section, where the source is the article.")
    title: str
    url: str | None = None


class ExplainedStep(_Shape):
    rule: str
    title: str
    layer: str
    file: str = Field(description="The rule file it is written in.")
    matched: list[dict[str, Any]]
    concluded: list[dict[str, Any]]
    explanation: str
    encodes: str | None = Field(description="The source passage the rule encodes, in our words.")
    sources: list[ExplainedSource]


class UnknownThatMatters(_Shape):
    field: str = Field(description="An intake field left unknown.")
    question: str = Field(description="Its question, in plain words.")
    could_change: list[Aspect] = Field(description="What an answer to it could change.")


class Explanation(_Shape):
    """What ``explain`` gives: the result, the firings with their sources, and what is unknown."""

    result: TriageResult
    steps: list[ExplainedStep]
    unknown_that_matter: list[UnknownThatMatters]
