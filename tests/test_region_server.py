"""The HTTP service's ``region`` (issue 12): the ``region`` query parameter on the routes whose
answers a person reads, ``serve --region`` for requests that name none, a 422 naming the
parameter for a region the pack lacks, and the OpenAPI document listing the pack's regions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cli_helpers import assert_one_line_error, run
from cramp_triage import RegionError, RulePack, Triager, default_rules_path
from cramp_triage.server import Settings, create_app
from cramp_triage.server.cds import markdown
from server_helpers import running_server

PACK = RulePack.load(default_rules_path())
REGIONS = PACK.regions.regions
EMERGENCY = {"breathless_or_chest_pain": True}
WORDED = [("post", "/v1/triage"), ("post", "/v1/explain"), ("post", "/cds-services/cramp-triage")]


def said(code: str) -> str:
    return f"{REGIONS[code].emergency} in {REGIONS[code].name}"


def hook(answers: dict[str, Any]) -> dict[str, Any]:
    items = [{"linkId": field, "answer": [{"valueBoolean": value}]} for field, value in answers.items()]
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    return {"hook": "patient-view", "hookInstance": "a1", "context": {"patientId": "1", "questionnaireResponse": qr}}


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(PACK)


@pytest.fixture(scope="module")
def client(triager: Triager) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), triager=triager)) as session:
        yield session


@pytest.mark.parametrize("code", list(REGIONS))
def test_triage_takes_the_region_as_a_query_parameter(client, code):
    response = client.post("/v1/triage", params={"region": code}, json=EMERGENCY)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["region"] == code
    assert said(code) in result["do_now"] and said(code) in result["disclaimer"]


def test_without_the_parameter_the_packs_default_is_used(client):
    result = client.post("/v1/triage", json=EMERGENCY).json()
    assert result["region"] == PACK.default_region and said(PACK.default_region) in result["do_now"]


def test_explain_and_the_cds_cards_follow_the_region(client):
    explained = client.post("/v1/explain?region=AU", json=EMERGENCY).json()
    assert explained["result"]["region"] == "AU" and said("AU") in explained["result"]["do_now"]
    cards = client.post("/cds-services/cramp-triage?region=US", json=hook(EMERGENCY)).json()["cards"]
    assert markdown(said("US")) in cards[0]["detail"] and markdown(said("UK")) not in cards[0]["detail"]


@pytest.mark.parametrize(("method", "path"), WORDED)
@pytest.mark.parametrize("query", ["region=XX", "region=uk", "region=", "region=UK&region=US"])
def test_a_region_the_pack_lacks_is_a_422_naming_the_parameter(client, method, path, query):
    body = hook(EMERGENCY) if "cds" in path else EMERGENCY
    response = client.request(method, f"{path}?{query}", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [(e["field"], e["parameter"]) for e in problem["errors"]] == [("region", "region")]
    assert "pointer" not in problem["errors"][0]  # not in the body
    if query != "region=UK&region=US":
        assert ", ".join(REGIONS) in problem["errors"][0]["detail"]


def test_the_services_default_region_is_a_setting(triager):
    with TestClient(create_app(Settings(region="IE"), triager=triager)) as session:
        assert session.post("/v1/triage", json=EMERGENCY).json()["region"] == "IE"
        assert session.post("/v1/triage?region=NZ", json=EMERGENCY).json()["region"] == "NZ"
        document = session.get("/openapi.json").json()
    assert document["paths"]["/v1/triage"]["post"]["parameters"][0]["schema"]["default"] == "IE"
    with pytest.raises(RegionError):
        create_app(Settings(region="XX"), triager=triager)


def test_the_openapi_document_declares_the_parameter_where_the_words_follow_it(client):
    document = client.get("/openapi.json").json()
    for method, path in WORDED:
        parameters = document["paths"][path][method].get("parameters", [])
        assert [(p["name"], p["in"], p["required"]) for p in parameters] == [("region", "query", False)], path
        assert parameters[0]["schema"] == {"type": "string", "enum": list(REGIONS), "default": "UK"}
    assert "parameters" not in document["paths"]["/v1/next-question"]["post"]  # its words follow no region
    error = document["components"]["schemas"]["FieldError"]
    assert {"parameter", "pointer"} <= set(error["properties"]) and "pointer" not in error.get("required", [])


def test_serve_region_sets_the_default_of_the_running_service():
    with running_server("--region", "ca") as server:
        result = httpx.post(f"{server.base}/v1/triage", json=EMERGENCY, timeout=30).json()
    assert result["region"] == "CA" and said("CA") in result["do_now"]


def test_serve_with_an_unknown_region_is_one_line_exit_2():
    result = run("serve", "--region", "XX")
    assert_one_line_error(result, 2)
    assert ", ".join(REGIONS) in result.stderr
