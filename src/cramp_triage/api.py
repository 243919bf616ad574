"""``triage()``: the one-call entry point, on a default ``Triager`` built once per process;
``triage_many()`` for apps that triage many intakes in one go."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from .triager import Triager
from .errors import CrampTriageError
from .intake import Intake
from .result import TriageResult

_default: Triager | None = None
_default_lock = threading.Lock()
_fork_hook_set = False


def default_triager() -> Triager:
    """The process-wide ``Triager`` on the shipped rule pack, built on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _watch_forks()
                _default = Triager()
    return _default


def _watch_forks() -> None:
    """A child forked while another thread builds the default must not wait on its lock."""
    global _fork_hook_set
    if not _fork_hook_set and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_new_lock)
        _fork_hook_set = True


def _new_lock() -> None:
    global _default_lock
    _default_lock = threading.Lock()


def triage(intake: Intake | dict[str, Any], region: str | None = None) -> TriageResult:
    """Triage one intake (an ``Intake`` or a mapping of its JSON fields) with the shipped rules.

    ``region`` (``"UK"``, ``"IE"``, ``"EU"``, ``"US"``, ``"AU"``, ``"NZ"``, ``"CA"``; ``None``: the
    pack's default, UK) picks the emergency number and same-day services the words name.
    Raises ``IntakeError`` for invalid answers, naming each field and what it allows, and its
    ``RegionError`` for a region the pack lacks, naming those it has.
    """
    return default_triager().triage(intake, region)


def triage_many(
    intakes: Iterable[Intake | dict[str, Any]], triager: Triager | None = None, region: str | None = None
) -> Iterator[TriageResult | CrampTriageError]:
    """Triage intakes one after another, lazily, with the shipped rules (or ``triager``), all
    worded for ``region`` (as ``triage``).

    Yields exactly one item per intake, in order: its ``TriageResult``, or, when that intake
    cannot be triaged, the ``CrampTriageError`` saying why (an ``IntakeError`` names each bad
    field). A bad intake never stops the rest. Repeated intakes are served from the cache. An
    unknown region raises ``RegionError`` before the first intake: it would fail every one.
    """
    triager = triager if triager is not None else default_triager()
    triager.pack.wording(region)
    for intake in intakes:
        try:
            yield triager.triage(intake, region)
        except CrampTriageError as error:
            yield error
