"""cramp-triage: rule-based triage of night-time leg cramps, explained rule by rule.

    from cramp_triage import Intake, triage
    result = triage(Intake(duration_minutes=2, locations=["calf"], during_sleep=True))
    print(result.level, result.do_now)

Not a diagnosis and not for emergencies: see ``TriageResult.disclaimer``.
"""

import sys as _sys
from typing import TYPE_CHECKING as _TYPE_CHECKING

from ._lazy import lazy_names as _lazy_names
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

try:
    # The engine only: the library itself is imported when a name of it is first used, so that
    # `import cramp_triage` is light and the command line can set itself up first (cli.main).
    # A missing or broken engine still fails here, at once, with the command that fixes it.
    from . import engine as _engine  # noqa: F401
except EngineError as _error:
    # Our own command (the console script) says it in one line, not as a traceback; a program
    # that imports the library gets the EngineError.
    if _sys.argv and _sys.argv[0].rsplit("/", 1)[-1] == "cramp-triage":
        print(f"cramp-triage: error: {_error}", file=_sys.stderr)
        raise SystemExit(3) from None
    raise

if _TYPE_CHECKING:
    from .about import __version__ as __version__
    from .api import default_triager, triage, triage_many
    from .facts import Evaluation, Firing
    from .intake import Intake, Location, Swelling, parse_intake, parse_intake_json
    from .interview import Question, next_question, questionnaire
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

# Where each public name lives; imported from there when first asked for. Type checkers see the
# imports above instead (tests/test_architecture.py holds the two to the same names).
_WHERE = {
    **dict.fromkeys(["default_triager", "triage", "triage_many"], "api"),
    **dict.fromkeys(["Evaluation", "Firing"], "facts"),
    **dict.fromkeys(["Intake", "Location", "Swelling", "parse_intake", "parse_intake_json"], "intake"),
    **dict.fromkeys(["Question", "next_question", "questionnaire"], "interview"),
    **dict.fromkeys(["RulePack", "default_rules_path"], "pack"),
    **dict.fromkeys(["Cause", "Citation", "Level", "LibraryInfo", "MedicationMatch", "Referral", "RulePackInfo",
                     "SelfCareStep", "SeriousFinding", "TraceStep", "TriageResult", "When"], "result"),
    "Triager": "triager",
    "__version__": "about",
}
__getattr__ = _lazy_names(__name__, _WHERE)


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
