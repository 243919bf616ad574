"""Teaching scenarios: patient vignettes in YAML, what the rules should conclude, and the runner.

A scenario file (``<name>.scenario.yaml``) holds one vignette: ``id``, ``title``, ``tags``,
``given`` (intake answers, the library's field names), ``expect`` (only what is listed is
checked) and ``teaching_note``. Variants go under ``cases:``: each has a ``name``, its own
``expect`` and answers that change the shared ``given``. Files are checked against the rule pack
in use, so a typo in a rule id, cause, red flag, referral or level is an error, never a check
that silently passes.
"""

from .coverage import Coverage, coverage
from .load import find_scenario_files, load_cases, load_scenario_file
from .reports import junit_xml, outcome_json
from .failures import failure_report
from .run import CaseResult, Mismatch, check, run_case
from .spec import SCENARIO_SUFFIX, Case, CaseSpec, Expect, ScenarioSpec
from .template import template
from .what_if import WhatIf, parse_change, what_if

__all__ = ["SCENARIO_SUFFIX", "Case", "CaseResult", "CaseSpec", "Coverage", "Expect", "Mismatch", "ScenarioSpec",
           "WhatIf", "check", "coverage", "failure_report", "find_scenario_files", "junit_xml", "load_cases",
           "load_scenario_file", "outcome_json", "parse_change", "run_case", "template", "what_if"]
