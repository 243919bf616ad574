"""The real service under load and under generated input: 16 clients × 200 requests at once,
each answer equal to the library's; and a property-based run of its own OpenAPI document
(schemathesis), which must never meet a 5xx and whose responses must match the document.
Loopback only; every loop is bounded."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from cramp_triage import Intake, triage
from server_helpers import Server, running_server

CLIENTS = 16
REQUESTS_EACH = 200
EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server("--no-access-log") as started:
        yield started


def _intakes(count: int, seed: int) -> list[dict[str, Any]]:
    """Varied intakes: yes/no answers, durations either side of the thresholds, places, medicines."""
    rng = random.Random(seed)
    yes_no = [name for name, info in Intake.model_fields.items() if info.annotation == (bool | None)]
    intakes = []
    for _ in range(count):
        answers: dict[str, Any] = {name: rng.random() < 0.3 for name in rng.sample(yes_no, rng.randint(0, 6))}
        if rng.random() < 0.7:
            answers["duration_minutes"] = rng.choice([0.5, 2, 9.5, 10, 10.5, 15, 60])
        if rng.random() < 0.5:
            answers["locations"] = rng.sample(["calf", "foot", "thigh"], rng.randint(1, 3))
        if rng.random() < 0.4:
            answers["medications"] = rng.sample(["Lipitor 20 mg", "furosemide", "Ventolin", "paracetamol"], 2)
        intakes.append(answers)
    return intakes


@pytest.mark.slow
def test_concurrent_clients_each_get_the_librarys_answer(server):
    work = [_intakes(REQUESTS_EACH, seed) for seed in range(CLIENTS)]
    expected = {repr(answers): triage(answers).model_dump(mode="json") for batch in work for answers in batch}

    def client(batch: list[dict[str, Any]]) -> list[str]:
        wrong = []
        with httpx.Client(base_url=server.base, timeout=60) as session:
            for answers in batch:
                response = session.post("/v1/triage", json=answers)
                if response.status_code != 200 or response.json() != expected[repr(answers)]:
                    wrong.append(f"{answers}: {response.status_code}")
        return wrong

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        wrong = [item for result in pool.map(client, work) for item in result]
    assert wrong == []


@pytest.mark.slow
def test_the_openapi_document_holds_under_generated_requests(server):
    schema = schemathesis.openapi.from_url(f"{server.base}/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8
    failures: list[str] = []
    for operation in operations:
        # Schema-valid and schema-invalid bodies both; invalid ones must be refused with a 4xx.
        for mode in ("positive", "negative") if operation.method.upper() == "POST" else ("positive",):
            modes = [schemathesis.GenerationMode(mode)]
            extra = [negative_data_rejection] if mode == "negative" else []

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=modes[0]))
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=server.base, checks=checks + extra, timeout=30)

            try:
                run()
            except Exception as error:  # noqa: BLE001 - gather every operation's failure
                failures.append(f"{operation.label} ({mode}): {error}")
    assert not failures, "\n\n".join(failures)
