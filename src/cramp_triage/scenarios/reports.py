"""Scenario outcomes for tools: JUnit XML for CI dashboards, and JSON."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .failures import failure_report
from .run import CaseResult
from .spec import SCENARIO_SUFFIX


def junit_xml(outcomes: Sequence[CaseResult], suite: str = "cramp-triage scenarios") -> str:
    """JUnit XML for CI dashboards: one testcase per case, a failure element per failed case."""
    import xml.etree.ElementTree as ET

    failures = sum(not outcome.passed for outcome in outcomes)
    root = ET.Element("testsuites", name=suite, tests=str(len(outcomes)), failures=str(failures))
    element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(outcomes)), failures=str(failures),
                            errors="0", skipped="0")
    for outcome in outcomes:
        case = outcome.case
        testcase = ET.SubElement(element, "testcase", classname=_classname(case.path), name=case.id,
                                 file=str(case.path))
        if not outcome.passed:
            failure = ET.SubElement(testcase, "failure", message="; ".join(str(m) for m in outcome.mismatches))
            failure.text = failure_report(outcome)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _classname(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", path.name.removesuffix(SCENARIO_SUFFIX))


def outcome_json(outcome: CaseResult) -> dict[str, Any]:
    case = outcome.case
    return {
        "id": case.id,
        "file": str(case.path),
        "title": case.title,
        "tags": list(case.tags),
        "passed": outcome.passed,
        "level": outcome.result.level.value,
        "mismatches": [{"expectation": m.expectation, "expected": m.expected, "actual": m.actual}
                       for m in outcome.mismatches],
        "rules_fired": outcome.rules_fired,
        "teaching_note": case.teaching_note,
    }
