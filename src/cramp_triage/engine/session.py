"""``Engine``: one compiled rule pack running in durable-rules. Every call into the engine is here.

How each hazard of durable-rules 2.0.28 is kept out:

- Timer threads: durable's ``Host`` starts two re-arming timers; we create no host at all, so
  creating an ``Engine`` starts no thread.
- Session ids: one fixed sid per ruleset; never a person's identifier, never two live sids, so
  no hash collisions, no out-of-order deletes and no 1024-sid limit. Its state is created when
  the ruleset is, by a fact a catch-all rule reads (deleting a state whose first fact matched no
  rule crashes), and its offset is kept from then on.
- State left behind: every fact we put in is retracted, newest first, after each evaluation, so
  the state is empty again (and memory flat); actions that fire while we clean up do nothing.
- Threads: the C code holds the GIL throughout, so threads gain nothing inside it; one lock per
  ``Engine`` serialises evaluations. A fork gives the child a fresh lock and a fresh ruleset
  (``after_fork``): the parent's may be mid-evaluation in a thread the child does not have.
- Exceptions inside actions, which durable-rules swallows: our actions record them and the
  evaluation raises ``EngineError`` naming the rule. An interrupt (``KeyboardInterrupt``, any
  ``BaseException``) is never recorded: it goes straight up.
- An exception or signal at any point of an evaluation can leave an action in flight, where any
  call on the state but the action's own asserts can crash the process. So nothing is called on
  the way out: the state is marked dirty and brought back to empty before the next evaluation
  (``_Session.recover``: abandon the action in flight, run the queue as no-ops, retract what is
  left, check that nothing is). A failure inside the C code (an error code) leaves the state in
  an unknown shape: that ruleset is never called again, and a new one is built.
- Memory: a ruleset is freed by ``close()``, or when its ``Triager`` is collected
  (``weakref.finalize``); rule actions hold no reference to the ``Engine``, so dropping the last
  reference frees it at once.
- An equal fact asserted twice is refused by the engine: each conclusion is asserted once per
  evaluation; a second rule reaching it is still in the trace.
"""

from __future__ import annotations

import signal
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import EngineError, Problem
from ..facts import Firing
from ._durable import EngineFault, LeanRuleset, MessageNotHandledException, MessageObservedException, encode
from ._durable import durable_rules_engine
from .compile import GATE_PREFIX, RULESET, STAGE, CompiledPack

_SID = "0"
# A fact only the catch-all medication rule reads: asserted and retracted once, so that the
# state exists (and its offset is known) before any evaluation can be interrupted.
_WARM_UP = {"fact": "medication", "name": "", "sid": _SID}

IDLE, DIRTY, BROKEN = "idle", "dirty", "broken"


class _Handle:
    """Where a ruleset's state stands; kept apart from the session so that its finaliser can use it."""

    __slots__ = ("freed", "offset", "state")

    def __init__(self) -> None:
        self.offset: int | None = None
        self.state = DIRTY  # until the warm-up fact is retracted
        self.freed = False


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold signals (Ctrl-C, timers) back from this thread while a C resource is created or freed.

    A signal that arrives during a C call is acted on the moment the call returns, before Python
    has stored what it returned: the ruleset it created would be lost, never freed. Held back, it
    is delivered when this block ends. (Where signals cannot be held, such a ruleset leaks.)"""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    before = mask(signal.SIG_BLOCK, ())  # reads the mask without changing it
    try:
        mask(signal.SIG_BLOCK, signal.valid_signals())
        yield
    finally:
        mask(signal.SIG_SETMASK, before)


class _Scratch:
    """What one evaluation collects: the only thing rule actions touch. It holds no reference
    to the session, so a session nobody uses is freed at once."""

    __slots__ = ("collecting", "failure", "fault", "firings", "known", "stored", "stray")

    def __init__(self) -> None:
        self.collecting = False
        self.firings: list[Firing] = []
        self.known: set[tuple[str, str]] = set()
        self.stored: list[dict[str, Any]] = []  # what actions asserted, for retraction
        self.failure: tuple[str, Exception] | None = None  # the first rule that failed
        self.fault = False  # a C call inside an action failed: the state is unknown
        self.stray = 0  # rules that fired while we cleaned up (they do nothing)

    def begin(self) -> None:
        self.firings = []
        self.known.clear()
        self.stored = []
        self.failure = None
        self.fault = False
        self.stray = 0
        self.collecting = True

    def failed(self, rule: str, error: Exception) -> None:
        if isinstance(error, EngineFault):
            self.fault = True
        if self.failure is None:
            self.failure = (rule, error)


def _assert(c: Any, fact: dict[str, Any], scratch: _Scratch) -> None:
    """Assert a conclusion from inside an action, and remember it for retraction."""
    fact["sid"] = _SID
    try:
        c.assert_fact(fact)
    except MessageNotHandledException:
        return  # no rule reads it: the engine keeps nothing, the trace keeps the conclusion
    scratch.stored.append(fact)


def _actions(compiled: CompiledPack, scratch: _Scratch) -> Callable[[str], Callable[[Any], None]]:
    """The action of each rule of the ruleset: they read and write ``scratch`` only."""

    def action_for(name: str) -> Callable[[Any], None]:
        if name.startswith(GATE_PREFIX):
            stage_fact = {"fact": STAGE, "n": compiled.gates[name]}

            def gate(c: Any) -> None:
                if not scratch.collecting:
                    return
                try:
                    _assert(c, dict(stage_fact), scratch)
                except Exception as error:  # noqa: BLE001 - durable-rules would swallow it
                    scratch.failed(name, error)

            return gate
        rule = compiled.rules.get(name)
        if rule is None:  # an observe rule: the fact is handled, nothing follows
            return lambda c: None
        tested = rule.tested_fields
        conclusions = rule.conclusions

        def action(c: Any) -> None:
            if not scratch.collecting:
                scratch.stray += 1
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
                known = scratch.known
                for conclusion in conclusions:
                    key = (conclusion["fact"], conclusion["name"])
                    if key not in known:
                        known.add(key)
                        new.append(dict(conclusion))
                scratch.firings.append(Firing(rule=name, matched=matched, concluded=new))
                for conclusion in new:
                    _assert(c, dict(conclusion), scratch)
            except Exception as error:  # noqa: BLE001 - durable-rules would swallow it; an interrupt goes up
                scratch.failed(name, error)

        return action

    return action_for


class _Session:
    """One ruleset of the compiled pack, with its one sid, and the scratch its actions fill."""

    def __init__(self, compiled: CompiledPack) -> None:
        self.scratch = _Scratch()
        self.handle = _Handle()
        action_for = _actions(compiled, self.scratch)
        run_for = {name: action_for(name) for name in compiled.patterns}
        warm_up = encode(_WARM_UP)
        with _signals_held():
            try:
                self.ruleset = LeanRuleset(RULESET, compiled.patterns_text, run_for)
            except EngineFault as error:
                raise EngineError("the rule engine refused the rule pack", [Problem("engine", str(error))]) from None
            # The finaliser holds the ruleset, not the session: a dropped Triager frees it at once.
            self._free = weakref.finalize(self, _free, self.ruleset, self.handle, self.scratch)
            self._free.atexit = False  # at exit, the memory goes with the process
            try:
                self.handle.offset = self.ruleset.assert_all("[" + warm_up + "]", [_WARM_UP])
                self.ruleset.drain(self.handle.offset)
                self.ruleset.retract_all([warm_up])
                self.ruleset.drain(self.handle.offset)
            except (EngineFault, MessageNotHandledException, MessageObservedException) as error:
                self.handle.state = BROKEN
                raise EngineError("the rule engine failed to start the rule pack",
                                  [Problem("engine", str(error))]) from None
            self.handle.state = IDLE
        facts = [c for rule in compiled.rules.values() for c in rule.conclusions]
        facts += compiled.pack.possible_facts.values()  # conclusions and medicines
        facts += [{"fact": STAGE, "n": stage} for stage in compiled.gates.values()]
        self.ruleset.remember([dict(fact, sid=_SID) for fact in facts])

    def evaluate(self, text: str, engine_facts: list[dict[str, Any]], texts: list[str]) -> tuple[Firing, ...]:
        ruleset, handle, scratch = self.ruleset, self.handle, self.scratch
        offset = handle.offset
        assert offset is not None and handle.state == IDLE
        scratch.begin()
        ruleset.current = None
        handle.state = DIRTY  # until every fact of this evaluation is retracted
        try:
            ruleset.assert_all(text, engine_facts)
            ruleset.drain(offset)
        except (MessageNotHandledException, MessageObservedException) as error:
            raise EngineError("the engine refused the intake", [Problem("engine", error.message)]) from None
        except EngineFault as error:
            handle.state = BROKEN
            rule = ruleset.current
            if rule is None:
                raise EngineError("the rule engine failed on the answers before any rule fired",
                                  [Problem("engine", str(error))]) from None
            raise EngineError(f"the rule engine failed after rule {rule} fired", [Problem(rule, str(error))],
                              rule=rule) from None
        finally:
            scratch.collecting = False
        if scratch.fault:
            handle.state = BROKEN
        else:
            self._retract(texts)
        if scratch.failure is not None:
            rule, error = scratch.failure
            raise EngineError(f"rule {rule} failed", [Problem(rule, f"{type(error).__name__}: {error}")], rule=rule)
        if handle.state == DIRTY and not scratch.stray:
            handle.state = IDLE
        return tuple(scratch.firings)

    def _retract(self, texts: list[str]) -> None:
        """Retract every fact of this evaluation, newest first, so the state is empty again."""
        ruleset, scratch = self.ruleset, self.scratch
        text = ruleset.text
        newest_first = [text(fact) for fact in reversed(scratch.stored)] + texts[::-1]
        scratch.stored = []
        try:
            ruleset.retract_all(newest_first)
            ruleset.drain(self.handle.offset)  # type: ignore[arg-type]
        except EngineFault:
            self.handle.state = BROKEN

    def recover(self) -> bool:
        return _recover(self.ruleset, self.handle, self.scratch)

    def facts(self) -> list[dict[str, Any]]:
        return self.ruleset.facts(_SID)

    def free(self) -> None:
        self._free()


def _recover(ruleset: LeanRuleset, handle: _Handle, scratch: _Scratch) -> bool:
    """Bring a state left mid-evaluation back to empty; False if it cannot be (it is then broken).

    Each step may be repeated safely, so an interrupt in here just leaves the state dirty for the
    next call to finish: abandoning is a no-op when no action is in flight, and ``drain``
    completes only actions it has itself started."""
    offset = handle.offset
    if offset is None:
        handle.state = BROKEN
        return False
    scratch.collecting = False
    try:
        ruleset.abandon(offset)
        ruleset.drain(offset)
        left = ruleset.facts(_SID)
        if left:
            ruleset.retract_all([encode(fact) for fact in reversed(left)])
            ruleset.drain(offset)
            left = ruleset.facts(_SID)
    except (EngineFault, MessageNotHandledException, MessageObservedException):
        left = [{}]
    if left:
        handle.state = BROKEN
        return False
    scratch.stored = []
    handle.state = IDLE
    return True


def _free(ruleset: LeanRuleset, handle: _Handle, scratch: _Scratch) -> None:
    """Free a ruleset and its state (``close()``, or the finaliser of a collected session)."""
    with _signals_held():
        if handle.freed:
            return
        if handle.state == DIRTY:
            _recover(ruleset, handle, scratch)
        handle.freed = True  # before the calls: an interrupt from here on leaks rather than frees twice
        if handle.state == IDLE:
            durable_rules_engine.delete_state(ruleset.handle, _SID)
        # A broken state is never walked (delete_state on a state left mid-evaluation segfaulted
        # here): only the ruleset's own tables are freed, and the state's memory (about 1 MiB for
        # the shipped pack) is leaked, once per such failure.
        durable_rules_engine.delete_ruleset(ruleset.handle)


class Engine:
    """Evaluates base facts against one compiled pack. Safe to share across threads; after a
    fork, whoever holds it calls ``after_fork`` in the child (``Triager`` does)."""

    def __init__(self, compiled: CompiledPack) -> None:
        self.compiled = compiled
        self._lock = threading.Lock()
        self._session: _Session | None = None
        self._closed = False

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
            return self._ready().evaluate(text, engine_facts, texts)

    def facts_left(self) -> list[dict[str, Any]]:
        """The facts the engine holds between evaluations: always none (a check for tests)."""
        with self._lock:
            return self._ready().facts()

    def close(self) -> None:
        """Free the engine's state and ruleset. The ``Engine`` cannot be used afterwards."""
        with self._lock:
            self._closed = True
            session, self._session = self._session, None
            if session is not None:
                session.free()

    def after_fork(self) -> None:
        """In a forked child: a new lock, and the parent's ruleset left untouched (another
        thread may have been in the middle of it); a new one is built on first use."""
        self._lock = threading.Lock()
        session, self._session = self._session, None
        if session is not None:
            session.handle.freed = True  # the parent's memory, copied on write: never touched here

    def _ready(self) -> _Session:
        """The session to evaluate in, with an empty state: the last one, brought back to empty
        if an evaluation was cut short, or a new one if that cannot be done."""
        if self._closed:
            raise EngineError("this Triager is closed")
        session = self._session
        if session is not None and session.handle.state == DIRTY:
            session.recover()
        if session is not None and session.handle.state == BROKEN:
            self._session = None
            session.free()
            session = None
        if session is None:
            session = self._session = _Session(self.compiled)
        return session

