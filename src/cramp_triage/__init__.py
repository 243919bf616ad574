"""cramp-triage: rule-based triage of night-time leg cramps, explained rule by rule.

    from cramp_triage import Intake, triage
    result = triage(Intake(duration_minutes=2, locations=["calf"], during_sleep=True))
    print(result.level, result.do_now)

Not a diagnosis and not for emergencies: see ``TriageResult.disclaimer``.
"""

from .api import default_triager, triage, triage_many
from .errors import (
    BatchInputError,
    CrampTriageError,
    EngineError,
    IntakeError,
    Problem,
    RulePackError,
    ScenarioError,
)
from .facts import Evaluation, Firing
from .intake import Intake, Location, parse_intake, parse_intake_json
from .pack import RulePack, default_rules_path
from .result import (
    Cause,
    Citation,
    Level,
    MedicationMatch,
    Referral,
    RulePackInfo,
    SelfCareStep,
    SeriousFinding,
    TraceStep,
    TriageResult,
)
from .triager import Triager


def __getattr__(name: str) -> str:
    # __version__ is read from the installed metadata only when asked for: the look-up scans
    # the installed distributions, work no triage needs.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("cramp-triage")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "Location",
    "MedicationMatch",
    "Problem",
    "Referral",
    "RulePack",
    "RulePackError",
    "RulePackInfo",
    "ScenarioError",
    "SelfCareStep",
    "SeriousFinding",
    "TraceStep",
    "TriageResult",
    "Triager",
    "__version__",
    "default_rules_path",
    "default_triager",
    "parse_intake",
    "parse_intake_json",
    "triage",
    "triage_many",
]
