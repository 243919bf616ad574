"""Everything that touches durable-rules, and only that: the pack compiled into a ruleset
(``compile``), what the engine can run (``limits``, ``runnable``), and one running session of
it (``Engine``)."""

from .compile import CompiledPack, compile_pack
from .runnable import prove_runnable
from .session import Engine

__all__ = ["CompiledPack", "Engine", "compile_pack", "prove_runnable"]
