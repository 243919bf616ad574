"""The naive way of driving durable-rules, for comparison only (never used by the library).

Same compiled ruleset definition and the same bookkeeping of firings as ``cramp_triage.engine``
(so it produces the very same ``TriageResult``), but driven the way the durable-rules examples
do it: durable's stock ``Host``/``Ruleset`` Python layer, a fresh session id for every call,
the facts read back with ``get_facts`` and the session deleted with ``delete_state``.

One hazard is still avoided, or the comparison would crash: the host starts no timer threads
(durable's timers dispatch on their own threads while we call it). One sid is live at a time
and deleted before the next, so sids never pile up or get deleted out of order.
"""

from __future__ import annotations

import itertools
from typing import Any

from durable.engine import Host, MessageNotHandledException, MessageObservedException

from cramp_triage.assemble import assemble
from cramp_triage.engine.compile import GATE_PREFIX, RULESET, STAGE, compile_pack
from cramp_triage.facts import Evaluation, Firing
from cramp_triage.facts import intake_facts
from cramp_triage.intake import parse_intake
from cramp_triage.result import TriageResult
from cramp_triage.pack import RulePack


class _NoTimerHost(Host):
    def _run(self) -> None:
        pass


class NaiveTriager:
    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.compiled = compile_pack(pack)
        self._host = _NoTimerHost(self.compiled.definition(self._action_for))
        self._sids = itertools.count(1)
        self._firings: list[Firing] = []
        self._known: set[tuple[str, str]] = set()
        self.facts_read_back = 0

    def triage(self, answers: dict[str, Any]) -> TriageResult:
        return assemble(self.pack, self.evaluate(answers))

    def evaluate(self, answers: dict[str, Any]) -> Evaluation:
        intake = parse_intake(answers)
        facts = intake_facts(intake, self.pack.vocabulary)
        sid = str(next(self._sids))
        self._firings, self._known = [], set()
        self._host.assert_facts(RULESET, [dict(fact, sid=sid) for fact in facts.base])
        self.facts_read_back += len(self._host.get_facts(RULESET, sid))  # read the results back
        self._host.delete_state(RULESET, sid)
        return Evaluation(intake=intake, facts=facts, firings=self._firings)

    def _action_for(self, name: str) -> Any:
        if name.startswith(GATE_PREFIX):
            stage = self.compiled.gates[name]
            return lambda c: _assert(c, {"fact": STAGE, "n": stage})
        compiled = self.compiled.rules.get(name)
        if compiled is None:
            return lambda c: None

        def action(c: Any) -> None:
            matched = []
            for fact in c._m.values():
                if fact.get("fact") == STAGE:
                    continue
                fact = {k: v for k, v in fact.items() if k != "sid"}
                if fact.get("fact") == "intake":
                    fact = {k: v for k, v in fact.items() if k == "fact" or k in compiled.tested_fields}
                matched.append(fact)
            new = []
            for conclusion in compiled.conclusions:
                key = (conclusion["fact"], conclusion["name"])
                if key not in self._known:
                    self._known.add(key)
                    new.append(dict(conclusion))
            self._firings.append(Firing(rule=name, matched=matched, concluded=new))
            for conclusion in new:
                _assert(c, dict(conclusion))

        return action


def _assert(c: Any, fact: dict[str, Any]) -> None:
    try:
        c.assert_fact(fact)  # durable adds the session's sid
    except (MessageNotHandledException, MessageObservedException):
        pass
