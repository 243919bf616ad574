"""``Triager``: one rule pack, ready to triage. It turns an intake into facts, runs them in the
``Engine`` (or takes the firings from its cache), and shapes the result.

In front of the engine sits a bounded LRU cache of firings keyed on the exact JSON of the base
facts, so a repeated intake skips the engine; what depends on the words a person typed
(``medications[].given``, ``unrecognised_medications``) is never cached.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .assemble import assemble
from .engine import CompiledPack, Engine, compile_pack, prove_runnable
from .facts import Evaluation, Firing, intake_facts
from .intake import Intake, parse_intake
from .pack import RulePack, default_rules_path
from .result import TriageResult

DEFAULT_CACHE_SIZE = 1024  # distinct fact sets remembered; about 10 KiB each, so about 10 MiB when full


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

    def after_fork(self) -> None:
        self._lock = threading.Lock()  # the parent's may have been held by a thread the child lacks

    def __len__(self) -> int:
        return len(self._entries)


class Triager:
    """Owns one compiled rule pack and evaluates intakes against it. Safe to share across threads.

    ``Triager()`` uses the shipped pack; ``Triager("path/to/rules")`` or ``Triager(pack)`` another.
    Building one proves the pack runnable (``engine.prove_runnable``): a pack past the engine's
    limits raises ``RulePackError`` naming the rule, here rather than on some later intake.
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
        prove_runnable(self.compiled)  # every engine limit checked; any other pack tried once, in a child
        self._engine = Engine(self.compiled)
        self._cache = _FiringCache(cache_size) if cache_size else None
        _watch_forks(self)

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
        where to get help today), never the firings, so the cache serves every region."""
        self.pack.wording(region)  # an unknown region fails here, before the engine runs
        return assemble(self.pack, self.evaluate(intake), region)

    def clear_cache(self) -> None:
        if self._cache is not None:
            self._cache.clear()

    def close(self) -> None:
        """Free the engine's state and ruleset. The ``Triager`` cannot be used afterwards."""
        self._engine.close()
        self.clear_cache()

    def _after_fork(self) -> None:
        """In a forked child: fresh locks and a fresh engine (see ``Engine.after_fork``)."""
        self._engine.after_fork()
        if self._cache is not None:
            self._cache.after_fork()

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
