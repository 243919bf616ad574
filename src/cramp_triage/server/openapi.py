"""The OpenAPI document: the routes read their bodies themselves (``body.read_json``), so the
request and response schemas are declared here, from the same models the library validates
with. A QuestionnaireResponse is described as far as JSON Schema can say (its linkIds are the
intake fields); the reading itself checks each answer against its item."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from ..explain import Explanation
from ..fhir_response import USABLE_STATUSES
from ..intake import Intake
from ..interview import Question
from ..result import TriageResult
from .cds import CardsResponse
from .problems import Problem, schema_response

REF = "#/components/schemas/{model}"


class NextQuestionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intake: Intake = Field(default_factory=Intake, description="The answers so far.")
    asked: list[str] = Field(default_factory=list, description="Fields asked and answered \"don't know\".")


class NextQuestionResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question | None = Field(description="null when no answer left can change the outcome.")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _questionnaire_response() -> dict[str, Any]:
    values = {"valueBoolean": {"type": "boolean"}, "valueDecimal": {"type": "number"},
              "valueInteger": {"type": "integer"}, "valueString": {"type": "string"},
              "valueCoding": {"type": "object", "required": ["code"],
                              "properties": {"system": {"type": "string"}, "code": {"type": "string"}}}}
    answer = {"type": "object", "properties": values, "minProperties": 1, "maxProperties": 1,
              "additionalProperties": False}
    item = {"type": "object", "required": ["linkId"],
            "properties": {"linkId": {"enum": list(Intake.model_fields)}, "text": {"type": "string"},
                           "answer": {"type": "array", "items": answer}}}
    return {"type": "object", "title": "QuestionnaireResponse",
            "description": "A FHIR R4 QuestionnaireResponse to GET /v1/questionnaire.",
            "required": ["resourceType", "status"],
            "properties": {"resourceType": {"const": "QuestionnaireResponse"},
                           "status": {"enum": list(USABLE_STATUSES)}, "questionnaire": {"type": "string"},
                           "item": {"type": "array", "items": item}}}


def _cds_request() -> dict[str, Any]:
    return {"type": "object", "title": "CdsHooksRequest", "required": ["hook", "hookInstance", "context"],
            "properties": {"hook": {"const": "patient-view"}, "hookInstance": {"type": "string"},
                           "context": {"type": "object"},
                           "prefetch": {"type": "object",
                                        "properties": {"questionnaireResponse": {
                                            "anyOf": [_ref("QuestionnaireResponse"), {"type": "null"}]}}}}}


def _body(*names: str, media: tuple[str, ...] = ("application/json",)) -> dict[str, Any]:
    schema = _ref(names[0]) if len(names) == 1 else {"oneOf": [_ref(name) for name in names]}
    return {"requestBody": {"required": True, "content": {m: {"schema": schema} for m in media}}}


def _ok(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"description": "OK", "content": {media: {"schema": schema}}}


BAD_BODY = {
    "400": schema_response("Not JSON, or not UTF-8"),
    "413": schema_response("The body is over the size limit"),
    "415": schema_response("Not sent as JSON"),
    "422": schema_response("JSON, but not valid answers: each faulty field is named"),
    "503": schema_response("The request took longer than the time limit"),
}
ROUTES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/triage"): {**_body("Intake", "QuestionnaireResponse", media=("application/json", "application/fhir+json")),
                             "responses": {"200": _ok(_ref("TriageResult")), **BAD_BODY}},
    ("post", "/v1/explain"): {**_body("Intake", "QuestionnaireResponse", media=("application/json", "application/fhir+json")),
                              "responses": {"200": _ok(_ref("Explanation")), **BAD_BODY}},
    ("post", "/v1/next-question"): {**_body("NextQuestionRequest", "QuestionnaireResponse"),
                                    "responses": {"200": _ok(_ref("NextQuestionResponse")), **BAD_BODY}},
    ("get", "/v1/schema/intake"): {"responses": {"200": _ok({"type": "object"}, "application/schema+json")}},
    ("get", "/v1/questionnaire"): {"responses": {"200": _ok(
        {"type": "object", "required": ["resourceType", "item"],
         "properties": {"resourceType": {"const": "Questionnaire"}}}, "application/fhir+json")}},
    ("get", "/healthz"): {"responses": {"200": _ok(
        {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}})}},
    ("get", "/cds-services"): {"responses": {"200": _ok(
        {"type": "object", "required": ["services"], "properties": {"services": {"type": "array"}}})}},
    ("post", "/cds-services/cramp-triage"): {**_body("CdsHooksRequest"), "responses": {
        "200": _ok(_ref("CardsResponse")), **BAD_BODY,
        "412": schema_response("No QuestionnaireResponse in the prefetch or the context")}},
}


def region_parameter(regions: list[str], default: str) -> dict[str, Any]:
    """The ``region`` query parameter: the pack's regions, as data."""
    return {"name": "region", "in": "query", "required": False,
            "schema": {"type": "string", "enum": regions, "default": default},
            "description": "Where the person is: the emergency number and the place to get help today that the "
                           "words name (do_now, if_worse, see, disclaimer) follow it; the level and everything "
                           "the rules decide do not. Absent: the service's default (`serve --region`, else the "
                           "rule pack's). Another value is a 422 naming the parameter."}


# The routes whose answers a person reads, worded for the region.
WORDED = [("post", "/v1/triage"), ("post", "/v1/explain"), ("post", "/cds-services/cramp-triage")]


def install_openapi(app: FastAPI, regions: list[str], default_region: str) -> None:
    """Replace the app's OpenAPI builder with one that adds the bodies and schemas above, and the
    ``region`` parameter (``regions``, ``default_region``) where the words follow it."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=app.description,
                               routes=app.routes)
        models = [(Intake, "validation"), (NextQuestionRequest, "validation"), (TriageResult, "serialization"),
                  (Explanation, "serialization"), (NextQuestionResponse, "serialization"),
                  (CardsResponse, "serialization"), (Problem, "serialization")]
        _, schemas = models_json_schema(models, ref_template=REF)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.update(schemas["$defs"])
        components["QuestionnaireResponse"] = _questionnaire_response()
        components["CdsHooksRequest"] = _cds_request()
        for (method, path), operation in ROUTES.items():
            target = document["paths"][path][method]
            target.update({key: value for key, value in operation.items() if key != "responses"})
            target["responses"] = operation["responses"]
            if (method, path) in WORDED:
                target["parameters"] = [region_parameter(regions, default_region)]
        app.openapi_schema = document
        return document

    app.openapi = build  # type: ignore[method-assign]
