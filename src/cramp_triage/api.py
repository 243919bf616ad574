"""``triage()``: the one-call entry point, on a default ``Triager`` built once per process."""

from __future__ import annotations

import threading
from typing import Any

from .engine import Triager
from .intake import Intake
from .result import TriageResult

_default: Triager | None = None
_default_lock = threading.Lock()


def default_triager() -> Triager:
    """The process-wide ``Triager`` on the shipped rule pack, built on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Triager()
    return _default


def triage(intake: Intake | dict[str, Any]) -> TriageResult:
    """Triage one intake (an ``Intake`` or a mapping of its JSON fields) with the shipped rules.

    Raises ``IntakeError`` for invalid answers, naming each field and what it allows.
    """
    return default_triager().triage(intake)
