"""Shared fixtures: the shipped pack, one Triager per test session, and the reference evaluator."""

from __future__ import annotations

import pytest

from cramp_triage import RulePack, Triager, default_rules_path
from cramp_triage.reference import ReferenceEvaluator


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return RulePack.load(default_rules_path())


@pytest.fixture(scope="session")
def triager(pack: RulePack) -> Triager:
    return Triager(pack)


@pytest.fixture(scope="session")
def reference(pack: RulePack) -> ReferenceEvaluator:
    return ReferenceEvaluator(pack)
