"""What the service does when the work itself goes wrong: a request over the time limit, and an
unexpected error. These need a rule engine that misbehaves, so the app runs in this process
(starlette's test client); everything else about the service is tested against the real server
in test_server.py."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cramp_triage import Triager, TriageResult
from cramp_triage.server import Settings, create_app


class _Slow(Triager):
    def __init__(self, pack: Any, release: threading.Event) -> None:
        super().__init__(pack)
        self.release = release

    def triage(self, intake: Any, region: str | None = None) -> TriageResult:
        self.release.wait(10)  # held until the test lets it go
        return super().triage(intake, region)


class _Broken(Triager):
    def triage(self, intake: Any, region: str | None = None) -> TriageResult:
        raise KeyError(f"secret answer {intake!r}")


def test_a_request_over_the_time_limit_is_a_503_and_the_service_goes_on(pack):
    release = threading.Event()
    app = create_app(Settings(timeout=0.3), triager=_Slow(pack, release))
    with TestClient(app) as client:
        started = time.monotonic()
        response = client.post("/v1/triage", json={"pregnant": True})
        assert time.monotonic() - started < 5
        release.set()
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "1"
        assert "0.3 s" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200
        assert client.post("/v1/triage", json={"pregnant": True}).status_code == 200


def test_an_unexpected_error_is_a_500_problem_and_one_log_line_without_the_answers(pack, caplog):
    app = create_app(Settings(), triager=_Broken(pack))
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR):
        response = client.post("/v1/triage", json={"medications": ["Zorblax"]})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Internal error"
    assert "Zorblax" not in response.text and "Traceback" not in response.text
    logged = [record for record in caplog.records if record.name.startswith("cramp_triage")]
    assert [record.getMessage() for record in logged] == ["internal error in POST /v1/triage: KeyError"]
    assert all(record.exc_info is None for record in caplog.records)
    assert "Zorblax" not in caplog.text


@pytest.mark.parametrize("limit", [1024, 4096])
def test_the_body_limit_is_a_setting(pack, limit):
    app = create_app(Settings(max_body=limit), triager=Triager(pack))
    with TestClient(app) as client:
        body = '{"medications": ["' + "x" * 100 + '"]' + " " * limit + "}"
        assert client.post("/v1/triage", content=body, headers={"content-type": "application/json"}).status_code == 413
        assert client.post("/v1/triage", json={"pregnant": True}).status_code == 200
