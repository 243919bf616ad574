"""Everything that touches durable-rules, and only that: the pack compiled into a ruleset
(``compile``), what the engine can run (``limits``, ``runnable``), and one running session of
it (``Engine``).

Importing this package imports only the engine itself (``_durable``): if it cannot be imported,
``EngineError`` says why and how to fix it, at once. The rest is imported when first used, so
that ``import cramp_triage``, which imports this, stays light."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names
from . import _durable  # noqa: F401 - the check above

if TYPE_CHECKING:
    from .compile import CompiledPack, compile_pack
    from .runnable import prove_runnable
    from .session import Engine

# Type checkers see the imports above (tests/test_architecture.py holds the two to the same names).
_WHERE = {"CompiledPack": "compile", "compile_pack": "compile", "prove_runnable": "runnable", "Engine": "session"}
__getattr__ = lazy_names(__name__, _WHERE)

__all__ = ["CompiledPack", "Engine", "compile_pack", "prove_runnable"]
