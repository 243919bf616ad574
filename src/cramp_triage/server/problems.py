"""Errors as RFC 9457 problem details (``application/problem+json``): a type, a title, the
status, a detail in words, and for bad input ``errors``, one per field or place, each with a
JSON pointer into the request body (or, for the ``region`` query parameter, its name). Never a stack trace, never the values sent (health data)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import CrampTriageError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:cramp-triage:problem:"


class FieldError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="Where: an intake field ('locations.0'), a place in a FHIR resource, or a "
                                   "query parameter ('region').")
    pointer: str | None = Field(default=None, description="For a fault in the body: the same place as a JSON "
                                                          "pointer into it ('#/locations/0').")
    parameter: str | None = Field(default=None, description="For a fault in the URL: the query parameter ('region').")
    detail: str = Field(description="What is wrong and what is allowed.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="Identifies the kind of problem, e.g. urn:cramp-triage:problem:invalid-intake.")
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(default=None, description="One entry per faulty field or place.")


class ProblemError(Exception):
    """Raised inside a route to answer with a problem; the app turns it into the response."""

    def __init__(self, status: int, kind: str, title: str, detail: str,
                 errors: list[FieldError] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.problem = Problem(type=TYPE_BASE + kind, title=title, status=status, detail=detail, errors=errors)
        self.headers = headers or {}


def pointer(loc: str) -> str:
    """``locations.0`` -> ``#/locations/0`` (RFC 6901 escapes ``~`` and ``/``)."""
    if not loc or loc in ("intake", "QuestionnaireResponse", "body"):
        return "#"
    parts = [part.replace("~", "~0").replace("/", "~1") for part in loc.split(".")]
    return "#/" + "/".join(parts)


def invalid_input(error: CrampTriageError, prefix: str = "") -> ProblemError:
    """422 for input that is JSON but not a valid intake or resource, naming each field."""
    errors = [FieldError(field=problem.loc, pointer=pointer(f"{prefix}{problem.loc}" if prefix else problem.loc),
                         detail=problem.message) for problem in error.problems]
    return ProblemError(422, "invalid-input", "The request does not hold valid answers", str(error), errors)


def invalid_parameter(error: CrampTriageError) -> ProblemError:
    """422 for a query parameter the library refused (``region``), naming it."""
    errors = [FieldError(field=problem.loc, parameter=problem.loc, detail=problem.message) for problem in error.problems]
    return ProblemError(422, "invalid-input", "The request does not hold valid answers", str(error), errors)


def body(problem: Problem) -> bytes:
    return json.dumps(problem.model_dump(exclude_none=True), ensure_ascii=False).encode("utf-8")


def schema_response(description: str) -> dict[str, Any]:
    """An OpenAPI response entry for a problem."""
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
