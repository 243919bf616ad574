"""The HTTP service, started for real (``cramp-triage serve`` on a free 127.0.0.1 port) and called
with httpx: every endpoint, what it answers to bad bodies, and that it answers as the library
does. Its log never holds a request body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

import cramp_triage
from cramp_triage import Intake, questionnaire, triage
from cramp_triage.explain import explain
from cramp_triage.schemas import intake_schema
from server_helpers import Server, running_server

MARKER = "Zorblax-Private-4471"  # a medicine name no log may ever show
QR = {"resourceType": "QuestionnaireResponse", "status": "completed",
      "item": [{"linkId": "leg_swelling", "answer": [{"valueCoding": {"system": "urn:cramp-triage:code:leg_swelling", "code": "one_leg"}}]},
               {"linkId": "duration_minutes", "answer": [{"valueDecimal": 3}]},
               {"linkId": "breathless_or_chest_pain"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as started:  # the default: access log on
        yield started


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, timeout=30) as session:
        yield session


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    data = response.json()
    assert {"type", "title", "status", "detail"} <= set(data) and data["status"] == status
    assert "Traceback" not in response.text and 'File "' not in response.text
    return data


def test_healthz_names_the_versions(client):
    data = client.get("/healthz").json()
    assert data == {"status": "ok", "library": {"name": "cramp-triage", "version": cramp_triage.__version__},
                    "rule_pack": {"name": "cramp-triage-core", "version": data["rule_pack"]["version"]}}


@pytest.mark.parametrize("answers", [
    {}, {"duration_minutes": 2, "locations": ["calf"], "during_sleep": True, "medications": ["Lipitor 20 mg", MARKER]},
    {"breathless_or_chest_pain": True}, {"leg_swelling": True, "pregnant": True}, {"cramps_per_week": 4.0},
], ids=repr)
def test_triage_answers_as_the_library_does(client, answers):
    response = client.post("/v1/triage", json=answers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json() == triage(answers).model_dump(mode="json")


def test_triage_takes_a_questionnaire_response(client):
    response = client.post("/v1/triage", content=json.dumps(QR), headers={"content-type": "application/fhir+json"})
    assert response.status_code == 200
    assert response.json() == triage(Intake.from_questionnaire_response(QR)).model_dump(mode="json")


def test_explain_is_what_the_cli_prints(client):
    answers = {"duration_minutes": 12, "eases_with_movement": False, "locations": ["calf"]}
    response = client.post("/v1/explain", json=answers)
    assert response.status_code == 200
    assert response.json() == explain(answers)


def test_next_question_follows_the_answers_and_what_was_asked(client):
    first = client.post("/v1/next-question", json={}).json()["question"]
    assert first["field"] == "breathless_or_chest_pain" and first["allowed_values"] == [True, False]
    later = client.post("/v1/next-question", json={"intake": {"breathless_or_chest_pain": False},
                                                   "asked": ["leg_swelling"]}).json()["question"]
    assert later == cramp_triage.next_question({"breathless_or_chest_pain": False},
                                               asked=["leg_swelling"]).model_dump(mode="json")
    assert client.post("/v1/next-question", json={"intake": {"breathless_or_chest_pain": True}}).json() == \
        {"question": None}


def test_next_question_reads_a_questionnaire_response_items_without_answers_as_asked(client):
    question = client.post("/v1/next-question", json=QR).json()["question"]
    # breathless_or_chest_pain was asked (no answer): not asked again.
    expected = cramp_triage.next_question(Intake.from_questionnaire_response(QR), asked=["breathless_or_chest_pain"])
    assert question == (expected.model_dump(mode="json") if expected else None)
    assert question is None or question["field"] != "breathless_or_chest_pain"


def test_the_intake_schema_is_the_published_one(client):
    response = client.get("/v1/schema/intake")
    assert response.headers["content-type"] == "application/schema+json"
    assert response.json() == intake_schema()


def test_the_questionnaire_is_the_librarys_and_valid_fhir(client):
    response = client.get("/v1/questionnaire")
    assert response.headers["content-type"] == "application/fhir+json"
    assert response.json() == questionnaire()
    Questionnaire.model_validate(response.json())


def test_the_openapi_document_lists_every_endpoint(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/healthz", "/v1/triage", "/v1/explain", "/v1/next-question",
                                      "/v1/schema/intake", "/v1/questionnaire", "/cds-services",
                                      "/cds-services/cramp-triage"}
    body = document["paths"]["/v1/triage"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"oneOf": [{"$ref": "#/components/schemas/Intake"},
                              {"$ref": "#/components/schemas/QuestionnaireResponse"}]}
    assert document["components"]["schemas"]["Intake"]["properties"] == intake_schema()["properties"]


# -- bad requests --------------------------------------------------------------------------------


def test_invalid_answers_name_each_field_with_a_pointer(client):
    data = _problem(client.post("/v1/triage", json={"pregnant": "yes", "duration_minutes": "5",
                                                     "locations": ["calf", "knee"], "pregant": True}), 422)
    assert {(e["field"], e["pointer"]) for e in data["errors"]} == {
        ("pregnant", "#/pregnant"), ("duration_minutes", "#/duration_minutes"),
        ("locations.1", "#/locations/1"), ("pregant", "#/pregant")}
    assert all(e["detail"] for e in data["errors"])
    assert "yes" not in json.dumps(data["errors"])  # what was sent is not echoed


def test_a_faulty_questionnaire_response_points_into_it(client):
    bad = {**QR, "item": [{"linkId": "pregnant", "answer": [{"valueString": "yes"}]}]}
    data = _problem(client.post("/v1/triage", json=bad), 422)
    assert [(e["field"], e["pointer"]) for e in data["errors"]] == [("item.0.answer.0", "#/item/0/answer/0")]


@pytest.mark.parametrize("content", [b"{", b"{'pregnant': true}", b"pregnant=true", b"\xff\xfe{}", b"", b"   "],
                         ids=repr)
def test_a_body_that_is_not_json_is_a_400(client, content):
    _problem(client.post("/v1/triage", content=content, headers={"content-type": "application/json"}), 400)


@pytest.mark.parametrize("document", [[], "calf", 1, None, True, [{"pregnant": True}]], ids=repr)
def test_json_that_is_not_an_object_is_a_422(client, document):
    for path in ("/v1/triage", "/v1/explain", "/v1/next-question", "/cds-services/cramp-triage"):
        data = _problem(client.post(path, content=json.dumps(document), headers={"content-type": "application/json"}),
                        422)
        assert data["errors"]


@pytest.mark.parametrize(("text", "field"), [('{"duration_minutes": NaN}', "duration_minutes"),
                                             ('{"pregnant": true, "pregnant": false}', "pregnant")])
def test_what_is_not_strict_json_is_refused_naming_the_field(client, text, field):
    data = _problem(client.post("/v1/triage", content=text, headers={"content-type": "application/json"}), 422)
    assert [e["field"] for e in data["errors"]] == [field]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_sent_as_json_is_a_415(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    _problem(client.post("/v1/triage", content=b"{}", headers=headers), 415)


def test_an_oversized_body_is_a_413_whether_its_length_is_declared_or_not(client):
    big = json.dumps({"medications": ["x" * 199] * 400}).encode()
    assert len(big) > 64 * 1024
    _problem(client.post("/v1/triage", content=big, headers={"content-type": "application/json"}), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for start in range(0, len(big), 4096):
            yield big[start:start + 4096]

    _problem(client.post("/v1/triage", content=chunks(), headers={"content-type": "application/json"}), 413)


def test_just_under_the_limit_is_read(client):
    padding = " " * (64 * 1024 - 200)
    response = client.post("/v1/triage", content=f'{{"pregnant": true{padding}}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 200


def test_unknown_paths_and_methods_are_problems_too(client):
    _problem(client.get("/v1/nothing"), 404)
    assert _problem(client.delete("/v1/triage"), 405)
    assert client.get("/v1/triage").headers.get("allow") == "POST"


# -- CDS Hooks -----------------------------------------------------------------------------------


def _hook(**extra: Any) -> dict[str, Any]:
    return {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {"userId": "Practitioner/example", "patientId": "1288992"}, **extra}


def test_discovery_declares_the_prefetch_of_the_questionnaire_response(client):
    [service] = client.get("/cds-services").json()["services"]
    assert (service["hook"], service["id"]) == ("patient-view", "cramp-triage")
    assert service["description"] and service["title"]
    template = service["prefetch"]["questionnaireResponse"]
    assert template.startswith("QuestionnaireResponse?patient={{context.patientId}}&questionnaire=")


def _answer(field: str, value: object) -> dict[str, object]:
    """One QuestionnaireResponse answer, as the Questionnaire's item type asks for it."""
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, str):
        return {"valueCoding": {"system": f"urn:cramp-triage:code:{field}", "code": value}}
    return {"valueDecimal": value}


@pytest.mark.parametrize(("answers", "indicator"), [
    ({"breathless_or_chest_pain": True}, "critical"), ({"leg_swelling": "one_leg"}, "warning"),
    ({"breathless_or_chest_pain": False, "leg_swelling": "none", "red_warm_skin": False, "duration_minutes": 2,
      "toxin_or_wound_exposure": False, "muscle_weakness": False, "numbness": False, "nerve_symptoms": False,
      "pain_when_walking": False}, "info"),
], ids=["emergency", "urgent", "self_care"])
def test_cards_carry_the_level_as_indicator_and_the_sources(client, answers, indicator):
    items = [{"linkId": field, "answer": [_answer(field, value)]} for field, value in answers.items()]
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    response = client.post("/cds-services/cramp-triage", json=_hook(prefetch={"questionnaireResponse": qr}))
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    result = triage(answers)
    level_card = cards[0]
    assert level_card["indicator"] == indicator
    assert len(level_card["summary"]) < 140 and result.level_label in level_card["summary"]
    assert result.rule_pack.name in level_card["source"]["label"]
    assert result.rule_pack.version in level_card["source"]["label"]
    assert level_card["source"]["url"].startswith("https://")
    assert level_card["source"]["url"] in level_card["detail"]
    for card in cards:
        assert set(card) <= {"summary", "indicator", "detail", "source"} and card["source"]["label"]
        assert len(card["summary"]) < 140


def test_a_card_asks_about_red_flags_left_unanswered(client):
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed",
          "item": [{"linkId": "leg_swelling", "answer": [{"valueCoding": {"system": "urn:cramp-triage:code:leg_swelling", "code": "one_leg"}}]}]}
    cards = client.post("/cds-services/cramp-triage", json=_hook(context={
        "patientId": "1", "questionnaireResponse": qr})).json()["cards"]
    assert len(cards) == 2
    assert cards[1]["indicator"] == "warning" and "not asked about" in cards[1]["summary"]
    assert "breathless" in cards[1]["detail"]


def test_the_newest_response_of_a_search_bundle_is_used(client):
    def entry(authored: str, value: bool) -> dict[str, Any]:
        return {"resource": {"resourceType": "QuestionnaireResponse", "status": "completed", "authored": authored,
                             "item": [{"linkId": "breathless_or_chest_pain", "answer": [{"valueBoolean": value}]}]}}

    bundle = {"resourceType": "Bundle", "type": "searchset",
              "entry": [entry("2026-01-01T10:00:00Z", False), entry("2026-03-01T10:00:00Z", True)]}
    cards = client.post("/cds-services/cramp-triage", json=_hook(prefetch={"questionnaireResponse": bundle})).json()
    assert cards["cards"][0]["indicator"] == "critical"


def test_no_response_for_the_patient_gives_no_cards_and_no_prefetch_is_a_412(client):
    assert client.post("/cds-services/cramp-triage", json=_hook(prefetch={"questionnaireResponse": None})).json() \
        == {"cards": []}
    _problem(client.post("/cds-services/cramp-triage", json=_hook()), 412)


def test_a_malformed_hook_call_names_what_is_missing(client):
    data = _problem(client.post("/cds-services/cramp-triage", json={"hook": "order-sign"}), 422)
    assert {e["field"] for e in data["errors"]} == {"hook", "hookInstance", "context"}


def test_words_typed_by_a_person_cannot_become_markdown_links(client):
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed",
          "item": [{"linkId": "medications", "answer": [{"valueString": "[click](http://example.invalid) <b>"}]}]}
    detail = client.post("/cds-services/cramp-triage",
                         json=_hook(prefetch={"questionnaireResponse": qr})).json()["cards"][0]["detail"]
    assert "](http://example.invalid)" not in detail and "<b>" not in detail
    assert "\\[click\\]" in detail


# -- what the log holds --------------------------------------------------------------------------


def test_the_log_never_holds_a_request_body(client, server):
    client.post("/v1/triage", json={"medications": [MARKER]})
    client.post("/v1/triage", json={"medications": [MARKER], "pregnant": "yes"})
    client.post("/v1/triage", content=f'{{"medications": ["{MARKER}"'.encode(), headers={"content-type": "application/json"})
    log = server.log_text()
    assert '"POST /v1/triage HTTP/1.1" 200' in log  # the access log is on, and says only this
    assert MARKER not in log


# -- the command ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_serve_takes_the_documented_options():
    """docs/server.md's commands: another port, two workers, a timeout, no access log."""
    with running_server("--workers", "2", "--timeout", "5", "--no-access-log") as started:
        with httpx.Client(base_url=started.base, timeout=30) as session:
            answers = [session.post("/v1/triage", json={"leg_swelling": True}).json()["level"] for _ in range(20)]
        assert set(answers) == {"urgent"}
        assert "POST /v1/triage" not in started.log_text()


def test_serve_refuses_a_remote_address_unless_told():
    import subprocess
    import sys
    from pathlib import Path

    command = [str(Path(sys.executable).parent / "cramp-triage"), "serve", "--host", "0.0.0.0", "--port", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "not a loopback address" in done.stderr and "--allow-remote" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch):
    import sys

    from typer.testing import CliRunner

    from cramp_triage.cli import app

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the [server] extra were not installed
    done = CliRunner().invoke(app, ["serve"])
    assert done.exit_code == 2
    assert "pip install 'cramp-triage[server]'" in done.stderr
