"""A client as an app developer writes it from README.md and docs/api.md; tests/test_typing.py
runs ``mypy --strict`` on it. Each line is something the docs show or an app plainly needs."""

from __future__ import annotations

import cramp_triage
from cramp_triage import (
    Intake,
    IntakeError,
    Level,
    Location,
    Question,
    TriageResult,
    Triager,
    next_question,
    parse_intake,
    parse_intake_json,
    questionnaire,
    triage,
    triage_many,
)

intake = Intake(duration_minutes=3, locations=["calf"], during_sleep=True, medications=["Lipitor 20 mg"])
also = Intake(locations=["foot", "thigh"], cramps_per_week=4, pregnant=False)
places: list[str] = [location.value for location in Location]
result: TriageResult = triage(intake)
level: Level = result.level
if result.level >= Level.urgent:
    print("alert:", result.do_now)
most_urgent: Level = max(level, Level.see_professional)
ordered: list[Level] = sorted(Level)
name: str = str(level)
categories: list[str] = [cause.category for cause in result.causes]
urls: list[str | None] = [citation.url for step in result.trace for citation in step.citations]
versions: tuple[str, str] = (result.rule_pack.version, result.library.version)
text: str = result.model_dump_json()
again: TriageResult = triage({"duration_minutes": 2, "locations": ["calf"]})
version: str = cramp_triage.__version__

try:
    parse_intake_json('{"pregnant": "yes"}')
except IntakeError as error:
    where: list[str] = [problem.loc for problem in error.problems]

from_mapping: Intake = parse_intake({"leg_swelling": True})
with Triager() as own:
    for item in triage_many([intake, {"pregnant": True}], own):
        if isinstance(item, TriageResult):
            print(item.level)

question: Question | None = next_question(intake)
if question is not None:
    field: str = question.field
    allowed = question.allowed_values
    print(question.id, question.text, question.answer_type, allowed)
later = next_question(intake, asked=["pregnant"])

form: dict[str, object] = questionnaire()
response = {
    "resourceType": "QuestionnaireResponse",
    "status": "completed",
    "item": [{"linkId": "pregnant", "answer": [{"valueBoolean": True}]}],
}
from_fhir: Intake = Intake.from_questionnaire_response(response)
