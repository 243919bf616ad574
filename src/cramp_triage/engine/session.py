"""``Engine``: one compiled rule pack running in durable-rules. Every call into the engine is here.

How each hazard of durable-rules 2.0.28 is kept out:

- Timer threads: ``Host()`` starts two re-arming timers; we never use timers or queued events, so
  our host starts none. Creating an ``Engine`` starts no thread.
- Session ids: one fixed sid per ``Engine``; never a person's identifier, never two live sids,
  so no hash collisions, no out-of-order deletes and no 1024-sid limit.
- State left behind: every fact we put in is retracted, newest first, after each evaluation, so
  the state is empty again (and memory flat); actions that fire while we clean up do nothing.
- Threads: the C code holds the GIL throughout, so threads gain nothing inside it; one lock per
  ``Engine`` serialises evaluations.
- Exceptions inside actions, which durable-rules swallows: our actions record them and the
  evaluation raises ``EngineError`` naming the rule; the ``Engine`` stays usable.
- An equal fact asserted twice is refused by the engine: each conclusion is asserted once per
  evaluation; a second rule reaching it is still in the trace.
"""

from __future__ import annotations

import threading
from typing import Any

from ..errors import EngineError, Problem
from ..facts import Firing
from ._durable import LeanRuleset, MessageNotHandledException, MessageObservedException, QuietHost, encode
from ._durable import durable_rules_engine
from .compile import GATE_PREFIX, RULESET, STAGE, CompiledPack

_SID = "0"


class Engine:
    """Evaluates base facts against one compiled pack. Safe to share across threads."""

    def __init__(self, compiled: CompiledPack) -> None:
        self.compiled = compiled
        self._lock = threading.Lock()
        self._host: QuietHost | None = None
        self._ruleset: LeanRuleset | None = None
        self._used = False
        self._closed = False
        # Per-evaluation scratch, only touched while holding the lock.
        self._collecting = False
        self._firings: list[Firing] = []
        self._known: set[tuple[str, str]] = set()
        self._stored: list[dict[str, Any]] = []
        self._base_texts: list[str] = []
        self._failure: tuple[str, BaseException] | None = None
        self._stray_firings = 0

    @staticmethod
    def encode(base: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]], list[str]]:
        """The base facts as the engine is given them: one JSON text (also a cache key: True, 1
        and 1.0 stay distinct), the facts with their sid, and each fact's text."""
        engine_facts = [dict(fact, sid=_SID) for fact in base]
        texts = [encode(fact) for fact in engine_facts]
        return "[" + ",".join(texts) + "]", engine_facts, texts

    def evaluate(self, text: str, engine_facts: list[dict[str, Any]], texts: list[str]) -> tuple[Firing, ...]:
        """Run every rule the facts set off; the firings in order."""
        with self._lock:
            return self._evaluate_locked(text, engine_facts, texts)

    def facts_left(self) -> list[dict[str, Any]]:
        """The facts the engine holds between evaluations: always none (a check for tests)."""
        with self._lock:
            return list(self._engine().get_facts(_SID))

    def close(self) -> None:
        """Free the engine's state and ruleset. The ``Engine`` cannot be used afterwards."""
        with self._lock:
            if self._host is not None:
                ruleset = self._host.get_ruleset(RULESET)
                if self._used:
                    ruleset.delete_state(_SID)
                durable_rules_engine.delete_ruleset(ruleset._handle)
                self._host = None
                self._ruleset = None
            self._closed = True

    # -- inside the lock --

    def _engine(self) -> LeanRuleset:
        if self._closed:
            raise EngineError("this Triager is closed")
        if self._ruleset is None:
            self._host = QuietHost(self.compiled.definition(self._action_for))
            self._ruleset = self._host.get_ruleset(RULESET)
            pack = self.compiled.pack
            facts = [c for rule in self.compiled.rules.values() for c in rule.conclusions]
            facts += pack.possible_facts.values()  # conclusions and medicines
            facts += [{"fact": STAGE, "n": stage} for stage in self.compiled.gates.values()]
            self._ruleset.remember([dict(fact, sid=_SID) for fact in facts])
        return self._ruleset

    def _evaluate_locked(
        self, text: str, engine_facts: list[dict[str, Any]], texts: list[str]
    ) -> tuple[Firing, ...]:
        ruleset = self._engine()
        self._firings = []
        self._known.clear()
        self._base_texts = texts
        self._stored = []  # what actions assert
        self._failure = None
        self._collecting = True
        self._used = True
        try:
            state = ruleset.run(text, engine_facts)
        except (MessageNotHandledException, MessageObservedException) as error:
            raise EngineError("the engine refused the intake", [Problem("engine", error.message)]) from None
        except Exception as error:  # noqa: BLE001 - any engine fault becomes our error
            raise EngineError("the rule engine failed", [Problem("engine", str(error))]) from None
        finally:
            self._collecting = False
            self._reset(ruleset)
        if self._failure is not None:
            rule, error = self._failure
            raise EngineError(f"rule {rule} failed", [Problem(rule, f"{type(error).__name__}: {error}")], rule=rule)
        if isinstance(state, dict) and "exception" in state:
            raise EngineError("the rule engine failed", [Problem("engine", str(state["exception"]))])
        return tuple(self._firings)

    def _reset(self, ruleset: LeanRuleset) -> None:
        """Retract every fact of this evaluation, newest first, so the state is empty again."""
        self._stray_firings = 0
        text = ruleset.text
        newest_first = [text(fact) for fact in reversed(self._stored)] + self._base_texts[::-1]
        self._stored, self._base_texts = [], []
        ruleset.run_retract(newest_first)
        if self._stray_firings:
            # Something fired while we cleaned up (it did nothing); make sure nothing is left.
            for fact in ruleset.get_facts(_SID):
                self._host.retract_fact(RULESET, fact)  # type: ignore[union-attr]

    def _action_for(self, name: str) -> Any:
        if name.startswith(GATE_PREFIX):
            stage_fact = {"fact": STAGE, "n": self.compiled.gates[name]}

            def gate(c: Any) -> None:
                if not self._collecting:
                    return
                try:
                    self._assert(c, dict(stage_fact))
                except BaseException as error:  # noqa: BLE001 - durable-rules would swallow it
                    if self._failure is None:
                        self._failure = (name, error)

            return gate
        compiled = self.compiled.rules.get(name)
        if compiled is None:  # an observe rule: the fact is handled, nothing follows
            return lambda c: None
        tested = compiled.tested_fields
        conclusions = compiled.conclusions

        def action(c: Any) -> None:
            if not self._collecting:
                self._stray_firings += 1
                return
            try:
                matched = []
                for fact in c._m.values():
                    kind = fact.get("fact")
                    if kind == STAGE:
                        continue
                    if kind == "intake":
                        matched.append({k: v for k, v in fact.items() if k == "fact" or k in tested})
                    else:
                        matched.append({k: v for k, v in fact.items() if k != "sid"})
                new = []
                known = self._known
                for conclusion in conclusions:
                    key = (conclusion["fact"], conclusion["name"])
                    if key not in known:
                        known.add(key)
                        new.append(dict(conclusion))
                self._firings.append(Firing(rule=name, matched=matched, concluded=new))
                for conclusion in new:
                    self._assert(c, dict(conclusion))
            except BaseException as error:  # noqa: BLE001 - durable-rules would swallow it
                if self._failure is None:
                    self._failure = (name, error)

        return action

    def _assert(self, c: Any, fact: dict[str, Any]) -> None:
        """Assert a conclusion from inside an action, and remember it for retraction."""
        fact["sid"] = _SID
        try:
            c.assert_fact(fact)
        except MessageNotHandledException:
            return  # no rule reads it: the engine keeps nothing, the trace keeps the conclusion
        self._stored.append(fact)
