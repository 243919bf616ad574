"""Shared fixtures: the shipped pack, one Triager per test session, and the reference evaluator."""

from __future__ import annotations

import pytest

from cramp_triage import RulePack, Triager, default_rules_path
from cramp_triage.tools.reference import ReferenceEvaluator


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return RulePack.load(default_rules_path())


@pytest.fixture(scope="session")
def triager(pack: RulePack) -> Triager:
    return Triager(pack)


def fail_on_conclusion(triager: Triager, name: str):
    """A stand-in for ``Engine._assert`` that raises when a rule concludes ``name``: a rule
    action failing inside durable-rules. Returns it with the original, to put back."""
    original = triager._engine._assert

    def broken(c, fact):
        if fact.get("name") == name:
            raise RuntimeError("boom")
        original(c, fact)

    return broken, original


@pytest.fixture(scope="session")
def reference(pack: RulePack) -> ReferenceEvaluator:
    return ReferenceEvaluator(pack)
