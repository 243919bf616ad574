"""The published JSON Schemas of the intake and the result: the models' own schemas, with the
dialect, an ``$id`` that carries the library version, and that version.

``cramp-triage schema intake``, ``GET /v1/schema/intake`` and the tests use these, so what is
published is exactly what ``parse_intake_json`` takes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .about import CANONICAL, library_version
from .intake import Intake
from .result import TriageResult

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_id(name: str) -> str:
    """The ``$id`` of one schema (``intake`` or ``result``) in this library version."""
    return f"{CANONICAL}:schema:{name}:{library_version()}"


def _published(model: type[BaseModel], name: str) -> dict[str, Any]:
    # "version" is not a JSON Schema keyword; validators ignore it, and a reader sees which
    # release the schema belongs to without parsing the $id.
    return {"$schema": DIALECT, "$id": schema_id(name), "version": library_version(), **model.model_json_schema()}


def intake_schema() -> dict[str, Any]:
    """The JSON Schema of the intake: exactly what ``parse_intake_json`` accepts."""
    return _published(Intake, "intake")


def result_schema() -> dict[str, Any]:
    """The JSON Schema of a ``TriageResult`` as JSON."""
    return _published(TriageResult, "result")
