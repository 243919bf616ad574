"""``Triager``: runs a compiled rule pack in durable-rules. The only module that touches the engine.

How each hazard of durable-rules 2.0.28 (see the field guide) is kept out:

- Timer threads: ``Host()`` starts two re-arming timers; we never use timers or queued events, so
  our host overrides ``_run`` and starts none. Creating a ``Triager`` starts no thread.
- Session ids: one fixed sid per ``Triager``; never a person's identifier, never two live sids,
  so no hash collisions, no out-of-order deletes and no 1024-sid limit.
- State left behind: every fact we put in is retracted, newest first, after each evaluation, so
  the state is empty again (and memory flat); actions that fire while we clean up do nothing.
- Threads: the C code holds the GIL throughout, so threads gain nothing inside it; one lock per
  ``Triager`` serialises evaluations.
- Exceptions inside actions, which durable-rules swallows: our actions record them and the
  evaluation raises ``EngineError`` naming the rule; the ``Triager`` stays usable.
- An equal fact asserted twice is refused by the engine: each conclusion is asserted once per
  evaluation; a second rule reaching it is still in the trace.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from .compile import GATE_PREFIX, RULESET, STAGE, CompiledPack, compile_pack
from .errors import EngineError, Problem
from .facts import Facts, intake_facts
from .intake import Intake, parse_intake
from .rulepack import RulePack, default_rules_path

_SID = "0"


class _QuietHost(Host):
    """A durable-rules host that starts no timer threads (we use no timers or queued events)."""

    def _run(self) -> None:
        pass


@dataclass(frozen=True)
class Firing:
    """One rule firing: the facts it matched (intake narrowed to the fields it tests) and the new
    facts it concluded."""

    rule: str
    matched: list[dict[str, Any]]
    concluded: list[dict[str, Any]]


@dataclass
class Evaluation:
    """Everything one run of the engine produced, before it is shaped into a ``TriageResult``."""

    intake: Intake
    facts: Facts
    firings: list[Firing] = field(default_factory=list)

    def concluded(self, kind: str) -> list[tuple[dict[str, Any], Firing]]:
        """Facts of one kind in the order they were concluded, each with the firing behind it."""
        return [(fact, firing) for firing in self.firings for fact in firing.concluded if fact["t"] == kind]


class Triager:
    """Owns one compiled rule pack and evaluates intakes against it. Safe to share across threads.

    ``Triager()`` uses the shipped pack; ``Triager("path/to/rules")`` or ``Triager(pack)`` another.
    Use it as a context manager, or call ``close()``, to free the engine's memory early.
    """

    def __init__(self, rules: str | Path | RulePack | None = None) -> None:
        if isinstance(rules, RulePack):
            self.pack = rules
        else:
            self.pack = RulePack.load(rules if rules is not None else default_rules_path())
        self.compiled: CompiledPack = compile_pack(self.pack)
        self._lock = threading.Lock()
        self._host: _QuietHost | None = None
        self._used = False
        # Per-evaluation scratch, only touched while holding the lock.
        self._collecting = False
        self._run: Evaluation | None = None
        self._known: set[tuple[str, str]] = set()
        self._stored: list[dict[str, Any]] = []
        self._failure: tuple[str, BaseException] | None = None
        self._stray_firings = 0

    # -- public --

    def evaluate(self, intake: Intake | dict[str, Any]) -> Evaluation:
        """Run the rules on one intake and return the raw firings (``triage`` shapes them)."""
        intake = parse_intake(intake)
        facts = intake_facts(intake, self.pack.vocabulary)
        with self._lock:
            return self._evaluate_locked(intake, facts)

    def triage(self, intake: Intake | dict[str, Any]) -> Any:
        """Triage one intake; returns a ``TriageResult``."""
        from .assemble import assemble  # local: keeps engine -> result shaping one-way

        return assemble(self.pack, self.evaluate(intake))

    def close(self) -> None:
        """Free the engine's state and ruleset. The ``Triager`` cannot be used afterwards."""
        with self._lock:
            if self._host is not None:
                ruleset = self._host.get_ruleset(RULESET)
                if self._used:
                    ruleset.delete_state(_SID)
                durable_rules_engine.delete_ruleset(ruleset._handle)
                self._host = None
            self._closed = True

    def __enter__(self) -> Triager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- engine boundary --

    def _engine(self) -> _QuietHost:
        if getattr(self, "_closed", False):
            raise EngineError("this Triager is closed")
        if self._host is None:
            self._host = _QuietHost(self.compiled.definition(self._action_for))
        return self._host

    def _evaluate_locked(self, intake: Intake, facts: Facts) -> Evaluation:
        host = self._engine()
        self._run = Evaluation(intake=intake, facts=facts)
        self._known.clear()
        self._stored = [dict(fact, sid=_SID) for fact in facts.base]
        self._failure = None
        self._collecting = True
        self._used = True
        try:
            state = host.assert_facts(RULESET, [dict(fact) for fact in self._stored])
        except (MessageNotHandledException, MessageObservedException) as error:
            self._collecting = False
            self._reset(host)
            raise EngineError("the engine refused the intake", [Problem("engine", error.message)]) from None
        except Exception as error:  # noqa: BLE001 - any engine fault becomes our error
            self._collecting = False
            self._reset(host)
            raise EngineError("the rule engine failed", [Problem("engine", str(error))]) from None
        finally:
            self._collecting = False
        self._reset(host)
        if self._failure is not None:
            rule, error = self._failure
            raise EngineError(f"rule {rule} failed", [Problem(rule, f"{type(error).__name__}: {error}")], rule=rule)
        if isinstance(state, dict) and "exception" in state:
            raise EngineError("the rule engine failed", [Problem("engine", str(state["exception"]))])
        return self._run

    def _reset(self, host: _QuietHost) -> None:
        """Retract every fact of this evaluation, newest first, so the state is empty again."""
        self._stray_firings = 0
        for fact in reversed(self._stored):
            try:
                host.retract_fact(RULESET, fact)
            except (MessageNotHandledException, MessageObservedException):
                pass
        self._stored = []
        if self._stray_firings:
            # Something fired while we cleaned up (it did nothing); make sure nothing is left.
            for fact in host.get_facts(RULESET, _SID):
                host.retract_fact(RULESET, fact)

    def _action_for(self, name: str) -> Any:
        if name.startswith(GATE_PREFIX):
            stage_fact = {"t": STAGE, "n": self.compiled.gates[name]}
            return lambda c: self._assert(c, dict(stage_fact)) if self._collecting else None
        compiled = self.compiled.rules.get(name)
        if compiled is None:  # an observe rule: the fact is handled, nothing follows
            return lambda c: None

        def action(c: Any) -> None:
            if not self._collecting:
                self._stray_firings += 1
                return
            try:
                matched = []
                for fact in c._m.values():
                    if fact.get("t") == STAGE:
                        continue
                    fact = {k: v for k, v in fact.items() if k != "sid"}
                    if fact.get("t") == "intake":
                        fact = {k: v for k, v in fact.items() if k == "t" or k in compiled.tested_fields}
                    matched.append(fact)
                new = []
                for conclusion in compiled.conclusions:
                    key = (conclusion["t"], conclusion["name"])
                    if key not in self._known:
                        self._known.add(key)
                        new.append(dict(conclusion))
                assert self._run is not None
                self._run.firings.append(Firing(rule=name, matched=matched, concluded=new))
                for conclusion in new:
                    self._assert(c, dict(conclusion))
            except BaseException as error:  # noqa: BLE001 - durable-rules would swallow it
                if self._failure is None:
                    self._failure = (name, error)

        return action

    def _assert(self, c: Any, fact: dict[str, Any]) -> None:
        fact["sid"] = _SID
        try:
            c.assert_fact(fact)
        except MessageNotHandledException:
            return  # no rule reads it: the engine keeps nothing, the trace keeps the conclusion
        self._stored.append(fact)
