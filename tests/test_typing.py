"""The public API is typed: a client written as the docs show passes ``mypy --strict`` (the
package ships ``py.typed``; the client's annotations pin the types an app relies on), and mypy
refuses what the types forbid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cramp_triage

HERE = Path(__file__).parent
CLIENT = HERE / "clients" / "typed_client.py"


def _mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # --follow-imports=silent: the client is checked against the library's types, as an app's
    # own code would be; errors inside the library's modules are not the client's to report.
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                           "--no-incremental", "--cache-dir", "/dev/null", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_package_ships_the_typed_marker():
    assert (Path(cramp_triage.__file__).parent / "py.typed").is_file()


@pytest.mark.slow
def test_a_client_written_as_the_docs_show_passes_mypy_strict(tmp_path):
    done = _mypy(str(CLIENT), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_catches_what_the_types_forbid(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from cramp_triage import Intake, triage\n"
        'Intake(locations=["knee"])\n'
        'Intake(pregnant="yes")\n'
        "triage(Intake()).level.rank + 'x'\n",
        encoding="utf-8",
    )
    done = _mypy(str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert "bad.py:2: error" in done.stdout and "bad.py:3: error" in done.stdout and "bad.py:4: error" in done.stdout


@pytest.mark.slow
def test_every_python_example_of_the_docs_passes_mypy_strict(tmp_path):
    """The README's and docs' own examples, each as a module, type-check as an app's code would."""
    from test_docs import ALL_BLOCKS

    examples = [block for block in ALL_BLOCKS if block.lang == "python"]
    assert examples
    paths = []
    for number, block in enumerate(examples):
        path = tmp_path / f"example_{number}.py"
        path.write_text(f"# {block.id}\n{block.text}", encoding="utf-8")
        paths.append(str(path))
    done = _mypy(*paths, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
