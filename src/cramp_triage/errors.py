"""One root error, ``CrampTriageError``, with structured fields; every error we raise is one."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where it is (``loc``: field path, file, rule id) and what is allowed."""

    loc: str
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}" if self.loc else self.message


@dataclass
class CrampTriageError(Exception):
    """Root of every error cramp-triage raises.

    ``problems`` lists each fault with its location, so a caller can show all of them at once
    (nothing is lost); ``str(error)`` is one readable line. A subclass with fields of its own is
    a dataclass too; one without inherits these (making each a dataclass cost every start).
    """

    message: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        detail = "; ".join(str(p) for p in self.problems)
        return f"{self.message}: {detail}"


class IntakeError(CrampTriageError):
    """The answers given do not form a valid intake (a field name and what is allowed)."""


class RegionError(IntakeError):
    """The region asked for is not one of the rule pack's; the problem (``loc`` ``region``) lists
    those it has. An ``IntakeError``, so whatever reports bad answers reports it too."""


@dataclass
class RulePackError(CrampTriageError):
    """A rule pack file is broken: the problems name the file and the rule id."""

    path: str | None = None


@dataclass
class EngineError(CrampTriageError):
    """The rule engine failed while evaluating; ``rule`` names the rule whose action failed."""

    rule: str | None = None


class BatchInputError(CrampTriageError):
    """A batch input as a whole cannot be read (unknown format, bad CSV header): nothing was triaged."""


@dataclass
class ScenarioError(CrampTriageError):
    """A teaching scenario file is broken: the problems name the field and, where known, the line."""

    path: str | None = None
