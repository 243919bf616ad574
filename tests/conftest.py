"""Shared fixtures: the shipped pack, one Triager per test session, and the reference evaluator."""

from __future__ import annotations

import os
import tempfile

import pytest

from cramp_triage import RulePack, Triager, default_rules_path
from cramp_triage.tools.reference import ReferenceEvaluator


# The verdicts of engine trial runs (engine/runnable.py) go to a folder of this run, not ~/.cache:
# every run starts cold, as CI does. The CLI run as a subprocess inherits it.
os.environ.setdefault("CRAMP_TRIAGE_CACHE", tempfile.mkdtemp(prefix="cramp-triage-cache-"))


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return RulePack.load(default_rules_path())


@pytest.fixture(scope="session")
def triager(pack: RulePack) -> Triager:
    return Triager(pack)


def fail_on_conclusion(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make every rule action that concludes ``name`` raise: a rule action failing inside
    durable-rules. ``monkeypatch.undo()`` puts the engine back."""
    from cramp_triage.engine import session

    original = session._assert

    def broken(c, fact, scratch):
        if fact.get("name") == name:
            raise RuntimeError("boom")
        original(c, fact, scratch)

    monkeypatch.setattr(session, "_assert", broken)


@pytest.fixture(scope="session")
def reference(pack: RulePack) -> ReferenceEvaluator:
    return ReferenceEvaluator(pack)
