"""pytest plugin: ``*.scenario.yaml`` files are collected as tests, one per case.

Registered through the ``pytest11`` entry point, so ``pytest examples/scenarios`` runs the
teaching library. ``--scenario-rules PATH`` checks the scenarios against another rule pack.
The engine is imported only when a scenario file is collected, so other test runs pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUFFIX = ".scenario.yaml"  # the same as scenarios.SCENARIO_SUFFIX, kept here to import nothing


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cramp-triage")
    group.addoption("--scenario-rules", metavar="PATH", default=None,
                    help="Run *.scenario.yaml files against the rule pack in this folder (default: the shipped pack).")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


_TRIAGER = pytest.StashKey[Any]()


def _triager(config: pytest.Config) -> Any:
    """One ``Triager`` per test session, for the pack chosen with ``--scenario-rules``."""
    if _TRIAGER not in config.stash:
        from .api import default_triager
        from .triager import Triager

        rules = config.getoption("--scenario-rules")
        config.stash[_TRIAGER] = Triager(rules) if rules else default_triager()
    return config.stash[_TRIAGER]


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[ScenarioItem]:
        from .scenarios import load_scenario_file

        for case in load_scenario_file(self.path, _triager(self.config).pack):
            yield ScenarioItem.from_parent(self, name=case.name, case=case)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from .errors import CrampTriageError

        if isinstance(excinfo.value, CrampTriageError):
            return str(excinfo.value)  # a bad scenario file: the one-line reason, not a traceback
        return super().repr_failure(excinfo, style)


class ScenarioFailed(Exception):
    """A case whose expectations did not hold; carries the readable report."""


class ScenarioItem(pytest.Item):
    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.user_properties.append(("teaching_note", case.teaching_note))

    def runtest(self) -> None:
        from .scenarios import failure_report, run_case

        outcome = run_case(_triager(self.config), self.case)
        if not outcome.passed:
            note = " ".join(self.case.teaching_note.split())
            raise ScenarioFailed(f"{failure_report(outcome)}\n  teaching note: {note}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from .errors import CrampTriageError

        if isinstance(excinfo.value, (ScenarioFailed, CrampTriageError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.line - 1 if self.case.line else None
        return self.path, line, f"scenario {self.case.id}"
