"""cramp-triage: rule-based triage of night-time leg cramps, explained rule by rule.

    from cramp_triage import Intake, triage
    result = triage(Intake(duration_minutes=2, locations=["calf"], during_sleep=True))
    print(result.level, result.do_now)

Not a diagnosis and not for emergencies: see ``TriageResult.disclaimer``.
"""

import sys as _sys
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from .errors import EngineError

try:
    from .api import default_triager, triage, triage_many
    from .errors import (
        BatchInputError,
        CrampTriageError,
        EngineError,
        IntakeError,
        Problem,
        RegionError,
        RulePackError,
        ScenarioError,
    )
    from .facts import Evaluation, Firing
    from .intake import Intake, Location, Swelling, parse_intake, parse_intake_json
    from .pack import RulePack, default_rules_path
    from .result import (
        Cause,
        Citation,
        Level,
        LibraryInfo,
        MedicationMatch,
        Referral,
        RulePackInfo,
        SelfCareStep,
        SeriousFinding,
        TraceStep,
        TriageResult,
        When,
    )
    from .triager import Triager
except EngineError as _error:
    # Our own command (the console script) says it in one line, not as a traceback; a program
    # that imports the library gets the EngineError.
    if _sys.argv and _sys.argv[0].rsplit("/", 1)[-1] == "cramp-triage":
        print(f"cramp-triage: error: {_error}", file=_sys.stderr)
        raise SystemExit(3) from None
    raise


# The interview's names are imported when first asked for: a triage needs none of it (the CLI's
# `check` with its answers given is most starts). Type checkers see them as usual.
if _TYPE_CHECKING:
    from .interview import Question, next_question, questionnaire

_INTERVIEW = frozenset({"Question", "next_question", "questionnaire"})


def __getattr__(name: str) -> _Any:
    if name == "__version__":
        from .about import __version__

        return __version__
    if name in _INTERVIEW:
        from . import interview

        value = getattr(interview, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "BatchInputError",
    "Cause",
    "Citation",
    "CrampTriageError",
    "EngineError",
    "Evaluation",
    "Firing",
    "Intake",
    "IntakeError",
    "Level",
    "LibraryInfo",
    "Location",
    "MedicationMatch",
    "Problem",
    "Question",
    "Referral",
    "RegionError",
    "RulePack",
    "RulePackError",
    "RulePackInfo",
    "ScenarioError",
    "SelfCareStep",
    "SeriousFinding",
    "Swelling",
    "TraceStep",
    "TriageResult",
    "Triager",
    "When",
    "__version__",
    "default_rules_path",
    "default_triager",
    "next_question",
    "parse_intake",
    "parse_intake_json",
    "questionnaire",
    "triage",
    "triage_many",
]
