"""durable-rules 2.0.28 as this package uses it: a ruleset class that makes the same C calls as
durable's own in the same order, minus what we never need: a ``Host`` (whose timer threads
re-arm for ever), a JSON encoder built per call, a timestamped closure per firing, writing the
unchanged session state back after every action.

Nothing outside ``engine/`` imports this module: the rest of the code never sees a host, a sid
or an engine exception.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..errors import EngineError, Problem

DURABLE_RULES = "durable-rules==2.0.28"
# durable-rules 2.0.28 calls PyEval_CallObject, which Python 3.13 removed; the preprocessor maps
# it onto its replacement. The same define builds on 3.11 and 3.12.
BUILD_FLAGS = "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject"


def fix_command() -> str:
    """The command that rebuilds the engine for this Python (pip caches a broken build)."""
    return f"{BUILD_FLAGS} {sys.executable} -m pip install --no-cache-dir --force-reinstall {DURABLE_RULES}"


try:
    # Only the C module: durable's Python layer (``durable.engine``: a Host, logging, timers)
    # is not used, and its import cost every start 2 ms.
    import durable_rules_engine
except ImportError as _error:
    _why = str(_error).splitlines()[0] if str(_error) else type(_error).__name__
    raise EngineError(
        f"the rule engine durable-rules cannot be imported on Python {sys.version.split()[0]} ({_why}); "
        f"rebuild it with: {fix_command()}",
        [Problem("durable-rules", _why)],
    ) from None

__all__ = ["BUILD_FLAGS", "DURABLE_RULES", "EngineFault", "LeanRuleset", "MessageNotHandledException",
           "MessageObservedException", "durable_rules_engine", "encode", "fix_command"]

# What the C module raises when a call fails (an error code: 113, 204, 303, 307...).
EngineFault: type[Exception] = durable_rules_engine.error

_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per call
# durable-rules' C parser does not read exponent notation: "1e-05" (how Python writes a float
# under 0.0001, e.g. a duration of 0.00001 minutes) yields no state and the next call segfaults.
# Such numbers are written out in full; the value is unchanged (Decimal of the float's repr).
_EXPONENT = re.compile(r"([:,\[]\s*)(-?\d+(?:\.\d+)?[eE][-+]?\d+)(?=\s*[,}\]])")


def encode(value: Any) -> str:
    """JSON text the engine's C parser reads (no exponents)."""
    text = _json(value)
    if "e-" in text or "e+" in text:
        text = _EXPONENT.sub(lambda m: m.group(1) + format(Decimal(m.group(2)), "f"), text)
    return text


_decode = json.JSONDecoder().raw_decode  # the engine's JSON has no surrounding blanks


class _Refused(Exception):
    """A fact the engine would not take, named as durable's Python layer names it; the fact is
    encoded only when the message is shown (several conclusions of every evaluation are read
    by no rule: that is the common case)."""

    _WHAT = ""

    def __init__(self, fact: Any) -> None:
        super().__init__()
        self._fact = fact

    @property
    def message(self) -> str:
        return self._WHAT + encode(self._fact)


class MessageNotHandledException(_Refused):
    """No rule reads this fact (the engine's result code 1)."""

    _WHAT = "Could not handle message: "


class MessageObservedException(_Refused):
    """This fact is already in the state (the engine's result code 2)."""

    _WHAT = "Message has already been observed: "


class LeanRuleset:
    """One durable-rules ruleset, driven through the C module directly: no ``Host`` (so no timer
    threads) and no per-call JSON encoder. Actions are plain callables taking the match."""

    def __init__(self, name: str, rules_text: str, run_for: dict[str, Callable[[Any], None]]) -> None:
        """``rules_text``: each rule's priority and patterns, as ``encode`` writes them (durable's
        own Ruleset encodes with json.dumps, which writes 1e-05 for 0.00001: its C parser reads
        that as 1 followed by junk, error 204); ``run_for``: each rule's action."""
        self._run_for = run_for
        self.handle: int = durable_rules_engine.create_ruleset(name, rules_text)
        self._texts: dict[tuple[Any, ...], str] = {}
        self.current: str | None = None  # the rule whose action ran last

    def remember(self, facts: list[dict[str, Any]]) -> None:
        """Encode facts that actions assert again and again once, up front."""
        for fact in facts:
            self._texts[tuple(fact.items())] = encode(fact)

    def text(self, fact: dict[str, Any]) -> str:
        try:
            return self._texts[tuple(fact.items())]
        except (KeyError, TypeError):  # not a known conclusion (TypeError: a list value)
            return encode(fact)

    @staticmethod
    def _result(result: Any, message: Any) -> Any:
        code = result[0]
        if code == 0:
            return result[1]
        if code == 1:
            raise MessageNotHandledException(message)
        if code == 2:
            raise MessageObservedException(message)
        return 0

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        """Assert one fact (from inside an action: the chain it sets off is queued, not run)."""
        return self._result(durable_rules_engine.assert_fact(self.handle, self.text(fact)), fact)

    def assert_all(self, facts_text: str, facts: list[dict[str, Any]]) -> int:
        """Assert facts already encoded as a JSON array; the state's offset (actions are queued)."""
        return int(self._result(durable_rules_engine.assert_facts(self.handle, facts_text), facts))

    def retract_all(self, texts: list[str]) -> int:
        """Retract facts (as JSON texts) in the order given, in one call; the state's offset."""
        return int(self._result(durable_rules_engine.retract_facts(self.handle, "[" + ",".join(texts) + "]"), texts))

    def facts(self, sid: str) -> list[dict[str, Any]]:
        return list(json.loads(durable_rules_engine.get_facts(self.handle, sid)))

    def abandon(self, offset: int) -> None:
        """Drop the action in flight, if any: it stays queued and is started again by ``drain``."""
        durable_rules_engine.abandon_action(self.handle, offset)

    def drain(self, offset: int) -> None:
        """Run queued actions one by one, as durable's own loop does, until none is left.

        Between ``start``/``complete_and_start`` returning an action and the next
        ``complete_and_start``, that action is in flight: the engine must not be called on this
        state except by the action's own asserts (anything else can crash it). An exception
        that escapes here leaves it in flight; ``abandon`` then ``drain`` finishes the queue."""
        handle = self.handle
        result = durable_rules_engine.start_action_for_state(handle, offset)
        if not result:
            return
        message: dict[str, Any] = _decode(result[1])[0]
        while True:
            name, matched = next(iter(message.items()))
            self.current = name
            self._run_for[name](_Match(self, matched))
            next_message = durable_rules_engine.complete_and_start_action(handle, offset)
            if not next_message:
                return
            message = _decode(next_message)[0]

    def delete_state(self, sid: str) -> None:
        durable_rules_engine.delete_state(self.handle, sid)

    def delete(self) -> None:
        durable_rules_engine.delete_ruleset(self.handle)


class _Match:
    """What an action receives: the facts it matched (``_m``) and a way to assert new ones."""

    __slots__ = ("_m", "_ruleset")

    def __init__(self, ruleset: LeanRuleset, matched: dict[str, Any]) -> None:
        self._ruleset = ruleset
        self._m = matched

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        return self._ruleset.assert_fact(fact)
