"""Platform: what happens when the rule engine cannot be imported (a durable-rules build made for
3.13 without the define, or an old cached wheel), and the supported Python versions."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SYMBOL_ERROR = "/site-packages/durable_rules_engine.cpython-313.so: undefined symbol: PyEval_CallObject"


@pytest.fixture
def broken_engine(tmp_path: Path) -> dict[str, str]:
    """An environment in which `import durable_rules_engine` fails as it does on 3.13 when the
    extension was built without the define."""
    (tmp_path / "durable_rules_engine.py").write_text(f"raise ImportError({SYMBOL_ERROR!r})\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}


def test_importing_the_library_raises_engine_error_with_the_fix(broken_engine):
    done = subprocess.run([sys.executable, "-c", "import cramp_triage"], env=broken_engine, capture_output=True, text=True)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("cramp_triage.errors.EngineError: the rule engine durable-rules cannot be imported")
    assert "undefined symbol: PyEval_CallObject" in last
    assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in last
    assert "-m pip install --no-cache-dir --force-reinstall durable-rules==2.0.28" in last
    assert "ImportError" not in done.stderr


def test_the_error_is_catchable_as_the_root_error_type(broken_engine):
    code = ("try:\n    import cramp_triage\n"
            "except Exception as error:\n"
            "    print(type(error).__name__, type(error).__mro__[1].__name__, error.problems[0].loc)\n")
    done = subprocess.run([sys.executable, "-c", code], env=broken_engine, capture_output=True, text=True)
    assert done.stdout.strip() == "EngineError CrampTriageError durable-rules", done.stderr


def test_the_command_says_it_in_one_line_with_exit_code_3(broken_engine):
    command = Path(sys.executable).with_name("cramp-triage")
    done = subprocess.run([str(command), "check", "--duration", "2"], env=broken_engine, capture_output=True,
                          text=True)
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("cramp-triage: error: the rule engine durable-rules cannot be imported")
    assert "--force-reinstall durable-rules==2.0.28" in done.stderr


def test_requires_python_admits_3_11_to_3_13_and_ci_runs_3_13():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
    assert "3.13" in (ROOT / ".ci" / "run").read_text()
