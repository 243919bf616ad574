"""Everything that touches durable-rules, and only that: the pack compiled into a ruleset
(``compile``), and one running session of it (``Engine``)."""

from .compile import CompiledPack, compile_pack
from .session import Engine

__all__ = ["CompiledPack", "Engine", "compile_pack"]
