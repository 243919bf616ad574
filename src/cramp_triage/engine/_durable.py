"""durable-rules 2.0.28 as this package uses it: a host that starts no threads, and a ruleset
class that makes the same C calls as durable's own in the same order, minus the Python work we
never need (a JSON encoder built per call, a timestamped closure per firing, writing the
unchanged session state back after every action).

Nothing outside ``engine/`` imports this module: the rest of the code never sees a host, a sid
or an engine exception.
"""

from __future__ import annotations

import json
import re
import sys
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
    import durable_rules_engine
    from durable.engine import Host, MessageNotHandledException, MessageObservedException, Ruleset
except ImportError as _error:
    _why = str(_error).splitlines()[0] if str(_error) else type(_error).__name__
    raise EngineError(
        f"the rule engine durable-rules cannot be imported on Python {sys.version.split()[0]} ({_why}); "
        f"rebuild it with: {fix_command()}",
        [Problem("durable-rules", _why)],
    ) from None

__all__ = ["BUILD_FLAGS", "DURABLE_RULES", "Host", "LeanRuleset", "MessageNotHandledException", "MessageObservedException", "QuietHost",
           "durable_rules_engine", "encode", "fix_command"]

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


class _NotHandled(MessageNotHandledException):
    """durable-rules' "no rule reads this fact", without encoding the fact unless it is shown.

    Several conclusions of every evaluation are read by no rule: this is the common case."""

    def __init__(self, fact: Any) -> None:  # noqa: D107 - the base encodes eagerly; we do not
        Exception.__init__(self)
        self._fact = fact

    @property  # type: ignore[override]
    def message(self) -> str:
        return "Could not handle message: " + encode(self._fact)


class LeanRuleset(Ruleset):
    """durable-rules' ``Ruleset`` with the same C calls, minus the Python work we never need."""

    def __init__(self, name: str, host: Host, definition: dict[str, Any]) -> None:
        self._run_for = {rule: spec["run"] for rule, spec in definition.items()}
        super().__init__(name, host, definition)
        self._texts: dict[tuple[Any, ...], str] = {}

    def remember(self, facts: list[dict[str, Any]]) -> None:
        """Encode facts that actions assert again and again once, up front."""
        for fact in facts:
            self._texts[tuple(fact.items())] = encode(fact)

    def text(self, fact: dict[str, Any]) -> str:
        try:
            return self._texts[tuple(fact.items())]
        except (KeyError, TypeError):  # not a known conclusion (TypeError: a list value)
            return encode(fact)

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

    def __init__(self, ruleset: LeanRuleset, matched: dict[str, Any]) -> None:
        self._ruleset = ruleset
        self._m = matched

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        return self._ruleset.assert_fact(fact)


class QuietHost(Host):
    """A durable-rules host that starts no timer threads (we use no timers or queued events)."""

    def _run(self) -> None:
        pass

    def register_rulesets(self, ruleset_definitions: dict[str, Any]) -> list[str]:
        for name, definition in ruleset_definitions.items():
            ruleset = LeanRuleset(name, self, definition)
            self._ruleset_directory[name] = ruleset
            self._ruleset_list.append(ruleset)
        return list(ruleset_definitions)
