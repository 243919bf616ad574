"""The FastAPI app: routes, limits, and errors as problem details.

Every POST body is read by ``body.read_json`` (JSON only, size-limited, strict) and validated by
the library itself, the same way ``parse_intake_json`` does: FastAPI's own body parsing is not
used, so the service takes exactly what the published schemas say. Work runs on a worker thread
under a per-request timeout. Nothing logs a request body or an answer: only the method, path
and status (uvicorn's access log) and, for an internal error, its type.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..about import NAME, library_version
from ..api import default_triager
from ..errors import CrampTriageError, IntakeError, Problem, RegionError
from ..explain import explain
from ..fhir_response import read_questionnaire_response
from ..intake import Intake, answer_shapes, parse_intake
from ..interview import interview_for, next_question, questionnaire
from ..result import Level
from ..schemas import intake_schema
from ..triager import Triager
from . import cds
from .body import read_json
from .openapi import install_openapi
from .problems import MEDIA_TYPE, ProblemError, body, invalid_input, invalid_parameter

log = logging.getLogger("cramp_triage.server")
T = TypeVar("T")
SETTINGS_ENV = "CRAMP_TRIAGE_SERVER_SETTINGS"
FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class Settings:
    max_body: int = 64 * 1024  # bytes of one request body
    timeout: float = 10.0  # seconds one request may take
    rules: str | None = None  # a rule pack folder; None for the shipped pack
    region: str | None = None  # the region when a request names none; None for the pack's default

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> Settings:
        """The settings ``cramp-triage serve`` hands each uvicorn worker process."""
        text = os.environ.get(SETTINGS_ENV)
        return cls(**json.loads(text)) if text else cls()


def create_app(settings: Settings | None = None, triager: Triager | None = None) -> FastAPI:
    """The service for one rule pack. Builds the pack's engine and Questionnaire now, so the
    first request is as fast as the rest."""
    settings = settings if settings is not None else Settings.from_env()
    if triager is None:
        triager = Triager(settings.rules) if settings.rules is not None else default_triager()
    triager.pack.wording(settings.region)  # an unknown default region stops the service starting
    questionnaire(triager)
    interview_for(triager)
    app = FastAPI(title="cramp-triage", version=library_version(), docs_url=None, redoc_url=None,
                  description="Triage of night-time leg cramps with explained, cited rules. Not a diagnosis, "
                              "not for emergencies.")
    service = _Service(triager, settings)
    service.routes(app)
    _problem_handlers(app)
    install_openapi(app, list(triager.pack.regions.regions), settings.region or triager.pack.default_region)
    return app


def _json(data: Any, media_type: str = "application/json") -> Response:
    return Response(json.dumps(data, ensure_ascii=False), media_type=media_type)


class _Service:
    def __init__(self, triager: Triager, settings: Settings) -> None:
        self.triager = triager
        self.settings = settings

    async def run(self, work: Callable[[], T]) -> T:
        """``work`` on a worker thread, within the timeout; a library error becomes a 422."""
        try:
            with anyio.fail_after(self.settings.timeout):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise ProblemError(503, "timeout", "Took too long",
                               f"the request took longer than {self.settings.timeout:g} s; try again",
                               headers={"Retry-After": "1"}) from None
        except IntakeError as error:
            raise invalid_input(error) from None

    def region_in(self, request: Request) -> str | None:
        """The ``region`` query parameter (once at most), or the service's default; one the pack
        lacks is a 422 naming the parameter, before the body is read."""
        given = request.query_params.getlist("region")
        if len(given) > 1:
            raise invalid_parameter(RegionError("invalid region", [Problem("region", "give it once")]))
        region = given[0] if given else self.settings.region
        try:
            self.triager.pack.wording(region)
        except RegionError as error:
            raise invalid_parameter(error) from None
        return region

    def intake_in(self, data: Any) -> Intake:
        """An intake, or a QuestionnaireResponse to our Questionnaire (told by its resourceType)."""
        if isinstance(data, Mapping) and "resourceType" in data:
            return Intake.from_questionnaire_response(data)
        return parse_intake(data)

    def routes(self, app: FastAPI) -> None:
        pack = self.triager.pack

        @app.get("/healthz", operation_id="health", tags=["service"])
        async def health() -> Response:
            """The service is up: the library and rule pack versions."""
            return _json({"status": "ok", "library": {"name": NAME, "version": library_version()},
                          "rule_pack": {"name": pack.name, "version": pack.version}})

        @app.post("/v1/triage", operation_id="triage", tags=["triage"])
        async def triage(request: Request) -> Response:
            """Triage an intake (JSON answers) or a FHIR QuestionnaireResponse to the Questionnaire,
            worded for the `region` query parameter."""
            region = self.region_in(request)
            data = await read_json(request, self.settings.max_body)
            result = await self.run(lambda: self.triager.triage(self.intake_in(data), region))
            return Response(result.model_dump_json(), media_type="application/json")

        @app.post("/v1/explain", operation_id="explain", tags=["triage"])
        async def explain_route(request: Request) -> Response:
            """What `cramp-triage explain --json` prints: the result, each rule that fired with its
            sources, and the unknown answers that could have changed the outcome."""
            region = self.region_in(request)
            data = await read_json(request, self.settings.max_body)
            return _json(await self.run(lambda: explain(self.intake_in(data), self.triager, region)))

        @app.post("/v1/next-question", operation_id="nextQuestion", tags=["triage"])
        async def next_question_route(request: Request) -> Response:
            """The question the interview would ask next, or null when no answer left can change
            the outcome. Send the answers so far and the fields asked but not known, or a
            QuestionnaireResponse (an item without an answer was asked and not known)."""
            data = await read_json(request, self.settings.max_body)
            question = await self.run(lambda: self.next_for(data))
            return _json({"question": question.model_dump(mode="json") if question is not None else None})

        @app.get("/v1/schema/intake", operation_id="intakeSchema", tags=["schemas"])
        async def schema() -> Response:
            """The JSON Schema of the intake: exactly what the endpoints take."""
            return _json(intake_schema(), "application/schema+json")

        @app.get("/v1/questionnaire", operation_id="questionnaire", tags=["fhir"])
        async def fhir_questionnaire() -> Response:
            """The interview as a FHIR R4 Questionnaire (linkId = intake field)."""
            return _json(questionnaire(self.triager), FHIR_JSON)

        @app.get("/cds-services", operation_id="cdsDiscovery", tags=["cds-hooks"])
        async def discovery() -> Response:
            """CDS Hooks 2.0 discovery."""
            return _json(cds.discovery())

        @app.post(f"/cds-services/{cds.SERVICE_ID}", operation_id="cdsService", tags=["cds-hooks"])
        async def cds_service(request: Request) -> Response:
            """CDS Hooks 2.0 service for patient-view: cards from the patient's QuestionnaireResponse."""
            region = self.region_in(request)
            data = await read_json(request, self.settings.max_body)
            return _json({"cards": await self.run(lambda: self.cards_for(data, region))})

    def next_for(self, data: Any) -> Any:
        if isinstance(data, Mapping) and "resourceType" in data:
            asked = read_questionnaire_response(data, answer_shapes()).asked
            return next_question(Intake.from_questionnaire_response(data), self.triager, asked=asked)
        if not isinstance(data, Mapping):
            raise IntakeError("invalid request", [Problem("body", "expected a JSON object with intake and asked")])
        unknown = sorted(set(data) - {"intake", "asked"})
        asked = data.get("asked", [])
        problems = [Problem(name, "unknown field; send intake and asked") for name in unknown]
        if not isinstance(asked, list) or not all(isinstance(name, str) for name in asked):
            problems.append(Problem("asked", "expected a list of intake field names"))
        if problems:
            raise IntakeError("invalid request", problems)
        try:
            intake = parse_intake(data.get("intake", {}))
        except IntakeError as error:
            raise IntakeError(error.message, [Problem(f"intake.{p.loc}" if p.loc != "intake" else "intake",
                                                      p.message) for p in error.problems]) from None
        return next_question(intake, self.triager, asked=asked)

    def cards_for(self, data: Any, region: str | None = None) -> list[dict[str, Any]]:
        try:
            response = cds.response_in(data)
        except cds.NoData as missing:
            raise ProblemError(412, "no-questionnaire-response", "No QuestionnaireResponse", str(missing)) from None
        if response is None:
            return []  # the client says the patient has none: no decision support to give
        intake = Intake.from_questionnaire_response(response)
        result = self.triager.triage(intake, region)
        unanswered = []
        if result.level < Level.emergency:
            guide = interview_for(self.triager)
            known = intake.answered()
            questions = {question.field: question.text for question in guide.questions}
            unanswered = [questions[field] for field in questions if field not in known
                          and guide.relevance.could_change(field, known, aspects=("level",))]
        return cds.cards(result, unanswered)


def _problem_handlers(app: FastAPI) -> None:
    def respond(error: ProblemError) -> Response:
        return Response(body(error.problem), status_code=error.problem.status, media_type=MEDIA_TYPE,
                        headers=error.headers)

    @app.exception_handler(ProblemError)
    async def problem(request: Request, error: ProblemError) -> Response:
        return respond(error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        words = {404: ("Not found", "no such endpoint; see /openapi.json"),
                 405: ("Method not allowed", f"{request.method} is not allowed here")}
        title, detail = words.get(error.status_code, ("Error", str(error.detail)))
        return respond(ProblemError(error.status_code, title.lower().replace(" ", "-"), title, detail,
                                    headers=dict(error.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        return respond(ProblemError(400, "invalid-request", "Invalid request", "the request is malformed"))

    @app.exception_handler(CrampTriageError)
    async def library_error(request: Request, error: CrampTriageError) -> Response:
        log.error("cramp-triage error in %s %s: %s", request.method, request.url.path, type(error).__name__)
        return respond(ProblemError(500, "internal-error", "Internal error", "the rule engine failed; try again"))

    app.add_middleware(_ContainErrors)


class _ContainErrors:
    """Any unexpected error ends as a 500 problem and one log line naming its type: never a
    traceback, in the response or the server's log (a message or a traceback could carry a
    person's answers). Starlette's own last-resort handler would log the traceback."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = False

        async def watch(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:  # noqa: BLE001 - the last resort, by design
            log.error("internal error in %s %s: %s", scope.get("method"), scope.get("path"), type(error).__name__)
            if started or scope["type"] != "http":
                return
            problem = ProblemError(500, "internal-error", "Internal error", "something went wrong; try again")
            await Response(body(problem.problem), status_code=500, media_type=MEDIA_TYPE)(scope, receive, send)
