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

Speed (see ``benchmarks/``): durable-rules' own Python layer costs more than its C core, so our
ruleset class keeps the same C calls in the same order but drops what we never use: a JSON
encoder built per call, a timestamped closure per firing, and writing the unchanged session
state back after every action (our actions never change it). Conclusions are encoded once per
``Triager``. In front of the engine sits a bounded LRU cache of firings keyed on the exact JSON
of the base facts, so a repeated intake skips the engine; what depends on the words a person
typed (``medications[].given``, ``unrecognised_medications``) is never cached.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException, MessageObservedException, Ruleset

from .compile import GATE_PREFIX, RULESET, STAGE, CompiledPack, compile_pack
from .errors import EngineError, Problem
from .facts import Facts, intake_facts
from .intake import Intake, parse_intake
from .rulepack import RulePack, default_rules_path

if TYPE_CHECKING:
    from .result import TriageResult

_SID = "0"
DEFAULT_CACHE_SIZE = 1024  # distinct fact sets remembered; about 10 KiB each, so about 10 MiB when full
_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per call
# durable-rules' C parser does not read exponent notation: "1e-05" (how Python writes a float
# under 0.0001, e.g. a duration of 0.00001 minutes) yields no state and the next call segfaults.
# Such numbers are written out in full; the value is unchanged (Decimal of the float's repr).
_EXPONENT = re.compile(r"([:,\[]\s*)(-?\d+(?:\.\d+)?[eE][-+]?\d+)(?=\s*[,}\]])")


def _encode(value: Any) -> str:
    text = _json(value)
    if "e-" in text or "e+" in text:
        text = _EXPONENT.sub(lambda m: m.group(1) + format(Decimal(m.group(2)), "f"), text)
    return text


_decode = json.JSONDecoder().raw_decode  # the engine's JSON has no surrounding blanks


class _NotHandled(MessageNotHandledException):
    """durable-rules' "no rule reads this fact", without encoding the fact unless it is shown.

    Several conclusions of every evaluation are read by no rule: this is the common case."""

    def __init__(self, fact: Any) -> None:  # noqa: D107 - the base encodes eagerly; we do not
        Exception.__init__(self)
        self._fact = fact

    @property  # type: ignore[override]
    def message(self) -> str:
        return "Could not handle message: " + _encode(self._fact)


class _LeanRuleset(Ruleset):
    """durable-rules' ``Ruleset`` with the same C calls, minus the Python work we never need."""

    def __init__(self, name: str, host: Host, definition: dict[str, Any]) -> None:
        self._run_for = {rule: spec["run"] for rule, spec in definition.items()}
        super().__init__(name, host, definition)
        self._texts: dict[tuple[Any, ...], str] = {}

    def remember(self, facts: list[dict[str, Any]]) -> None:
        """Encode facts that actions assert again and again once, up front."""
        for fact in facts:
            self._texts[tuple(fact.items())] = _encode(fact)

    def text(self, fact: dict[str, Any]) -> str:
        try:
            return self._texts[tuple(fact.items())]
        except (KeyError, TypeError):  # not a known conclusion (TypeError: a list value)
            return _encode(fact)

    def _handle_result(self, result: Any, message: Any) -> Any:
        code = result[0]
        if code == 0:
            return result[1]
        if code == 1:
            raise _NotHandled(message)
        return super()._handle_result(result, message)

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        return self._handle_result(durable_rules_engine.assert_fact(self._handle, self.text(fact)), fact)

    def retract_fact(self, fact: dict[str, Any]) -> Any:
        return self._handle_result(durable_rules_engine.retract_fact(self._handle, self.text(fact)), fact)

    def run(self, facts_text: str, facts: list[dict[str, Any]]) -> Any:
        """Assert facts already encoded as a JSON array and run every action they set off."""
        state_handle = self._handle_result(durable_rules_engine.assert_facts(self._handle, facts_text), facts)
        return self._drain(state_handle)

    def run_retract(self, texts: list[str]) -> Any:
        """Retract facts (as JSON texts) in the order given, in one call, and run what that sets off."""
        # Every fact given was stored by this evaluation, so the result code is always "done".
        _code, state_handle = durable_rules_engine.retract_facts(self._handle, "[" + ",".join(texts) + "]")
        return self._drain(state_handle)

    def do_actions(self, state_handle: Any, complete: Any) -> None:
        # Called by ``Host`` for every assert/retract made through it.
        try:
            state = self._drain(state_handle)
        except BaseException as error:  # noqa: BLE001 - Host re-raises it
            complete(error, None)
        else:
            complete(None, state)

    def _drain(self, state_handle: Any) -> dict[str, Any] | None:
        """Run queued actions one by one, as durable's own loop does, until none is left."""
        handle = self._handle
        result = durable_rules_engine.start_action_for_state(handle, state_handle)
        if not result:
            return None
        state: dict[str, Any] = _decode(result[0])[0]
        message: dict[str, Any] = _decode(result[1])[0]
        while True:
            name, matched = next(iter(message.items()))
            try:
                self._run_for[name](_Match(self, matched))
            except BaseException as error:  # noqa: BLE001 - as durable does: note it, go on
                state["exception"] = f"exception caught {error}"
            try:
                next_message = durable_rules_engine.complete_and_start_action(handle, state_handle)
            except BaseException:
                durable_rules_engine.abandon_action(handle, state_handle)
                raise
            if not next_message:
                return state
            message = _decode(next_message)[0]


class _Match:
    """What an action receives: the facts it matched (``_m``) and a way to assert new ones."""

    __slots__ = ("_m", "_ruleset")

    def __init__(self, ruleset: _LeanRuleset, matched: dict[str, Any]) -> None:
        self._ruleset = ruleset
        self._m = matched

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        return self._ruleset.assert_fact(fact)


class _QuietHost(Host):
    """A durable-rules host that starts no timer threads (we use no timers or queued events)."""

    def _run(self) -> None:
        pass

    def register_rulesets(self, ruleset_definitions: dict[str, Any]) -> list[str]:
        for name, definition in ruleset_definitions.items():
            ruleset = _LeanRuleset(name, self, definition)
            self._ruleset_directory[name] = ruleset
            self._ruleset_list.append(ruleset)
        return list(ruleset_definitions)


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


def _fresh(firings: tuple[Firing, ...]) -> list[Firing]:
    """Copies of cached firings, down to list values, so no caller can change the cache."""
    return [
        Firing(
            rule=firing.rule,
            matched=[{k: list(v) if type(v) is list else v for k, v in fact.items()} for fact in firing.matched],
            concluded=[dict(fact) for fact in firing.concluded],
        )
        for firing in firings
    ]


class _FiringCache:
    """A bounded, thread-safe LRU map: base facts (as JSON text) -> the firings they produce."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[Firing, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> tuple[Firing, ...] | None:
        with self._lock:
            firings = self._entries.get(key)
            if firings is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return firings

    def put(self, key: str, firings: tuple[Firing, ...]) -> None:
        with self._lock:
            self._entries[key] = firings
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class Triager:
    """Owns one compiled rule pack and evaluates intakes against it. Safe to share across threads.

    ``Triager()`` uses the shipped pack; ``Triager("path/to/rules")`` or ``Triager(pack)`` another.
    ``cache_size`` bounds the cache of engine firings (``0`` turns it off). Use it as a context
    manager, or call ``close()``, to free the engine's memory early.
    """

    def __init__(self, rules: str | Path | RulePack | None = None, *, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        if isinstance(rules, RulePack):
            self.pack = rules
        else:
            self.pack = RulePack.load(rules if rules is not None else default_rules_path())
        if cache_size < 0:
            raise ValueError("cache_size must be 0 (no cache) or more")
        self.compiled: CompiledPack = compile_pack(self.pack)
        self._cache = _FiringCache(cache_size) if cache_size else None
        self._lock = threading.Lock()
        self._host: _QuietHost | None = None
        self._ruleset: _LeanRuleset | None = None
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

    # -- public --

    @property
    def cache_info(self) -> dict[str, int]:
        """Cache size limit, entries held, hits and misses (all 0 when the cache is off)."""
        cache = self._cache
        if cache is None:
            return {"size": 0, "entries": 0, "hits": 0, "misses": 0}
        return {"size": cache.size, "entries": len(cache), "hits": cache.hits, "misses": cache.misses}

    def evaluate(self, intake: Intake | dict[str, Any]) -> Evaluation:
        """Run the rules on one intake and return the raw firings (``triage`` shapes them)."""
        intake = parse_intake(intake)
        facts = intake_facts(intake, self.pack.vocabulary)
        engine_facts = [dict(fact, sid=_SID) for fact in facts.base]
        texts = [_encode(fact) for fact in engine_facts]
        # The exact text the engine is given: the cache key (True, 1 and 1.0 stay distinct).
        text = "[" + ",".join(texts) + "]"
        cache = self._cache
        firings = cache.get(text) if cache is not None else None
        if firings is None:
            with self._lock:
                firings = self._evaluate_locked(text, engine_facts, texts)
            if cache is None:  # nobody else holds these firings: no need to copy them
                return Evaluation(intake=intake, facts=facts, firings=list(firings))
            cache.put(text, firings)
        return Evaluation(intake=intake, facts=facts, firings=_fresh(firings))

    def triage(self, intake: Intake | dict[str, Any]) -> TriageResult:
        """Triage one intake."""
        from .assemble import assemble  # local: keeps engine -> result shaping one-way

        return assemble(self.pack, self.evaluate(intake))

    def clear_cache(self) -> None:
        if self._cache is not None:
            self._cache.clear()

    def close(self) -> None:
        """Free the engine's state and ruleset. The ``Triager`` cannot be used afterwards."""
        with self._lock:
            if self._host is not None:
                ruleset = self._host.get_ruleset(RULESET)
                if self._used:
                    ruleset.delete_state(_SID)
                durable_rules_engine.delete_ruleset(ruleset._handle)
                self._host = None
                self._ruleset = None
            self.clear_cache()
            self._closed = True

    def __enter__(self) -> Triager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- engine boundary --

    def _engine(self) -> _QuietHost:
        if self._closed:
            raise EngineError("this Triager is closed")
        if self._host is None:
            self._host = _QuietHost(self.compiled.definition(self._action_for))
            self._ruleset = self._host.get_ruleset(RULESET)
            facts = [c for rule in self.compiled.rules.values() for c in rule.conclusions]
            facts += self.pack.possible_facts.values()  # conclusions and medicines
            facts += [{"t": STAGE, "n": stage} for stage in self.compiled.gates.values()]
            self._ruleset.remember([dict(fact, sid=_SID) for fact in facts])
        return self._host

    def _evaluate_locked(
        self, text: str, engine_facts: list[dict[str, Any]], texts: list[str]
    ) -> tuple[Firing, ...]:
        self._engine()
        ruleset = self._ruleset
        assert ruleset is not None
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

    def _reset(self, ruleset: _LeanRuleset) -> None:
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
            stage_fact = {"t": STAGE, "n": self.compiled.gates[name]}

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
                    kind = fact.get("t")
                    if kind == STAGE:
                        continue
                    if kind == "intake":
                        matched.append({k: v for k, v in fact.items() if k == "t" or k in tested})
                    else:
                        matched.append({k: v for k, v in fact.items() if k != "sid"})
                new = []
                known = self._known
                for conclusion in conclusions:
                    key = (conclusion["t"], conclusion["name"])
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
