"""``Triager``: one rule pack, ready to triage. It turns an intake into facts, runs them in the
``Engine`` (or takes the firings from its cache), and shapes the result.

Two bounded LRU caches:

- results (``result_cache_size`` entries), keyed on everything that changes a result (``_result_key``): the answers exactly as
  given, medicine names as typed included, since ``medications[].given``,
  ``unrecognised_medications`` and the hints repeat the words. A hit returns the very result
  made before, with no work: it is frozen (``frozen.freeze``), so no caller can change what the
  next one gets.
- firings (``cache_size`` entries), keyed on the exact JSON of the engine facts: answers worded differently that give
  the same facts ("Lipitor", "atorvastatin 20 mg") skip the engine; the result is then made
  afresh from the words of this call.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from pathlib import Path
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from .assemble import assemble
from .engine import CompiledPack, Engine, compile_pack, prove_runnable
from .facts import Evaluation, Firing, intake_facts
from .frozen import freeze
from .intake import Intake, parse_intake
from .pack import RulePack, default_rules_path
from .result import TriageResult

DEFAULT_CACHE_SIZE = 1024  # distinct fact sets remembered; about 10 KiB each, so about 10 MiB when full
# Finished results remembered: a result holds its whole trace, about 70 KiB in memory, so about
# 18 MiB when full. Real intakes cluster on few answer sets; raise it where memory allows.
DEFAULT_RESULT_CACHE_SIZE = 256


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


V = TypeVar("V")
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _answers_key(intake: Intake | dict[str, Any]) -> Hashable | None:
    """The answers exactly as given, as a key: each value with its type, so that 2 and 2.0, or
    true and 1, are different keys (they can give different results, or only one be valid).
    None for anything else (a tuple, a mapping that is not a dict...): never cached, as a
    value the key cannot tell apart from a valid one could be invalid."""
    if type(intake) is dict:
        items = []
        for name, value in sorted(intake.items()):
            kind = type(value)
            if kind is list:
                if any(type(item) is not str for item in value):
                    return None
                value = tuple(value)
            elif kind not in _SCALARS:
                return None
            items.append((name, kind, value))
        return "answers", tuple(items)
    if isinstance(intake, Intake):  # validated already: its values are plain
        return "intake", tuple((name, type(value), tuple(value) if type(value) is list else value)
                               for name, value in intake.__dict__.items() if value is not None)
    return None


class _LRU(Generic[V]):
    """A bounded, thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def after_fork(self) -> None:
        self._lock = threading.Lock()  # the parent's may have been held by a thread the child lacks

    def __len__(self) -> int:
        return len(self._entries)


class Triager:
    """Owns one compiled rule pack and evaluates intakes against it. Safe to share across threads.

    ``Triager()`` uses the shipped pack; ``Triager("path/to/rules")`` or ``Triager(pack)`` another.
    Building one proves the pack runnable (``engine.prove_runnable``): a pack past the engine's
    limits raises ``RulePackError`` naming the rule, here rather than on some later intake.
    ``cache_size`` bounds the cache of engine firings, ``result_cache_size`` that of finished
    results (at most ``cache_size``; ``cache_size=0`` turns both off). Use it as a context
    manager, or call ``close()``, to free the engine's memory early.
    """

    def __init__(self, rules: str | Path | RulePack | None = None, *, cache_size: int = DEFAULT_CACHE_SIZE,
                 result_cache_size: int = DEFAULT_RESULT_CACHE_SIZE) -> None:
        if isinstance(rules, RulePack):
            self.pack = rules
        else:
            self.pack = RulePack.load(rules if rules is not None else default_rules_path())
        if cache_size < 0 or result_cache_size < 0:
            raise ValueError("cache_size and result_cache_size must be 0 (no cache) or more")
        self.compiled: CompiledPack = compile_pack(self.pack)
        prove_runnable(self.compiled)  # every engine limit checked; any other pack tried once, in a child
        self._engine = Engine(self.compiled)
        self._cache: _LRU[tuple[Firing, ...]] | None = _LRU(cache_size) if cache_size else None
        results = min(cache_size, result_cache_size)
        self._results: _LRU[TriageResult] | None = _LRU(results) if results else None
        _watch_forks(self)

    @property
    def cache_info(self) -> dict[str, int]:
        """The caches: ``size`` (fact sets it holds at most), ``entries`` (fact sets held),
        ``results`` (results held), ``hits`` (calls that did not run the engine: a result hit or
        a firing hit), ``misses`` (calls that ran it), ``result_hits`` (calls answered with a
        result made before, no work at all). All 0 when the cache is off."""
        cache, results = self._cache, self._results
        if cache is None:
            return dict.fromkeys(("size", "entries", "results", "hits", "misses", "result_hits"), 0)
        held, result_hits = (len(results), results.hits) if results is not None else (0, 0)
        return {"size": cache.size, "entries": len(cache), "results": held,
                "hits": cache.hits + result_hits, "misses": cache.misses, "result_hits": result_hits}

    def evaluate(self, intake: Intake | dict[str, Any]) -> Evaluation:
        """Run the rules on one intake and return the raw firings (``triage`` shapes them)."""
        intake = parse_intake(intake)
        facts = intake_facts(intake, self.pack.reader)
        text, engine_facts, texts = Engine.encode(facts.base)
        cache = self._cache
        firings = cache.get(text) if cache is not None else None
        if firings is None:
            firings = self._engine.evaluate(text, engine_facts, texts)
            if cache is None:  # nobody else holds these firings: no need to copy them
                return Evaluation(intake=intake, facts=facts, firings=list(firings))
            cache.put(text, firings)
        return Evaluation(intake=intake, facts=facts, firings=_fresh(firings))

    def triage(self, intake: Intake | dict[str, Any], region: str | None = None) -> TriageResult:
        """Triage one intake, worded for ``region`` (a code of the pack's regions, e.g. ``"AU"``;
        ``None``: the pack's default). The region changes only the words (emergency number,
        where to get help today), never the firings, so the firing cache serves every region.
        With the cache on, the result is frozen: its lists and dicts refuse to change
        (``model_dump()`` or ``model_copy(deep=True)`` give a copy to change)."""
        code = self.pack.wording(region).region  # an unknown region fails here, before the engine runs
        results = self._results
        if results is None:
            return assemble(self.pack, self.evaluate(intake), code)
        key = self._result_key(intake, code)
        if key is not None:
            result = results.get(key)
            if result is not None:
                return result
        result = freeze(assemble(self.pack, self.evaluate(intake), code))
        if key is not None:
            results.put(key, result)
        return result

    def _result_key(self, intake: Intake | dict[str, Any], region: str) -> Hashable | None:
        """Everything that changes the result of this ``Triager`` (its pack is fixed): the region
        and the answers exactly as given. Anything else that changes a result must be added here."""
        answers = _answers_key(intake)
        return None if answers is None else (region, answers)

    def clear_cache(self) -> None:
        for cache in (self._cache, self._results):
            if cache is not None:
                cache.clear()

    def close(self) -> None:
        """Free the engine's state and ruleset. The ``Triager`` cannot be used afterwards."""
        self._engine.close()
        self.clear_cache()

    def _after_fork(self) -> None:
        """In a forked child: fresh locks and a fresh engine (see ``Engine.after_fork``)."""
        self._engine.after_fork()
        for cache in (self._cache, self._results):
            if cache is not None:
                cache.after_fork()

    def __enter__(self) -> Triager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Every live Triager, so that a forked child gets fresh locks and engines: a fork while another
# thread is mid-triage would otherwise leave the child waiting for ever on a lock nobody holds.
_live: weakref.WeakSet[Triager] = weakref.WeakSet()
_fork_hook = threading.Lock()
_fork_hook_set = False


def _watch_forks(triager: Triager) -> None:
    global _fork_hook_set
    _live.add(triager)
    if not _fork_hook_set and hasattr(os, "register_at_fork"):
        with _fork_hook:
            if not _fork_hook_set:
                os.register_at_fork(after_in_child=_after_fork_in_child)
                _fork_hook_set = True


def _after_fork_in_child() -> None:
    for triager in list(_live):
        triager._after_fork()
