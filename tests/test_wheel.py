"""The wheel built from a clean checkout ships the rule pack and triages correctly when installed
into a fresh virtual environment, run from outside the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STEP_TIMEOUT = 150  # seconds; pip may build durable-rules once if its cache is empty


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of the project")
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    # A clean checkout of the committed HEAD: nothing uncommitted or untracked reaches the wheel.
    source = base / "source"
    _run(["git", "clone", "--quiet", str(REPO), str(source)], cwd=base, env=env)
    dist = base / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)], cwd=base, env=env)
    [wheel] = dist.glob("cramp_triage-*.whl")

    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=base, env=env)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=base, env=env)
    outside = base / "elsewhere"
    outside.mkdir()
    return {"source": source, "wheel": wheel, "venv": venv, "python": python, "outside": outside}


@pytest.mark.slow
def test_wheel_contains_the_rule_pack(installed):
    source_rules = installed["source"] / "rules"
    expected = {
        f"cramp_triage/rules/{path.relative_to(source_rules).as_posix()}"
        for path in source_rules.rglob("*.yaml")
    }
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert "cramp_triage/rules/pack.yaml" in names
    assert "cramp_triage/rules/terms.yaml" in names
    assert "cramp_triage/rules/vocabulary/medications.yaml" in names
    assert expected <= names, sorted(expected - names)
    # every rule file the manifest names is shipped
    import yaml

    manifest = yaml.safe_load((source_rules / "pack.yaml").read_text(encoding="utf-8"))
    for rule_file in manifest["rule_files"]:
        assert f"cramp_triage/rules/{rule_file}" in names


@pytest.mark.slow
@pytest.mark.parametrize(("example", "level"), [("possible-clot.json", "urgent"), ("night-cramp.json", "self_care")])
def test_installed_cli_triages_an_example_from_outside_the_repo(installed, example, level):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    cli = installed["venv"] / "bin" / "cramp-triage"
    example_path = installed["source"] / "examples" / example
    result = _run([str(cli), "check", "--input", str(example_path), "--json"], cwd=installed["outside"], env=env)
    data = json.loads(result.stdout)
    assert data["level"] == level
    assert data["disclaimer"]
    assert data["rule_pack"]["name"]
    assert data["trace"]


@pytest.mark.slow
def test_installed_package_uses_its_own_rules(installed):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    code = (
        "import cramp_triage, json; "
        "print(json.dumps([cramp_triage.__file__, str(cramp_triage.default_rules_path()), "
        "cramp_triage.triage({'leg_swelling': True, 'breathless_or_chest_pain': True}).level.value]))"
    )
    result = _run([str(installed["python"]), "-c", code], cwd=installed["outside"], env=env)
    module_file, rules_path, level = json.loads(result.stdout)
    venv = installed["venv"].resolve()
    assert Path(module_file).resolve().is_relative_to(venv)
    assert Path(rules_path).resolve().is_relative_to(venv)
    assert (Path(rules_path) / "pack.yaml").is_file()
    assert level == "emergency"


def _quick_start() -> list[str]:
    """The README quick start's two commands, as written."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.slow
def test_readme_quick_start_runs_as_written(tmp_path):
    """The first command sets up a fresh clone and triages the example; the second (set up and run
    the tests) is what .ci/run runs, so CI proves it on every submission."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of the project")
    main_job, tests = _quick_start()
    assert tests in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    clone = tmp_path / "clone"
    _run(["git", "clone", "--quiet", str(REPO), str(clone)], cwd=tmp_path, env=env)
    # `python3` as the reader's shell finds it: the interpreter running these tests.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = _run(["bash", "-c", main_job], cwd=clone, env=env)
    # pip's output comes first; then the result, level first, ending with the pack's name.
    shown = [line.strip() for line in done.stdout.splitlines()]
    assert {"SELF-CARE AT HOME", "SEE A DOCTOR"} & set(shown), done.stdout[-2000:]
    assert "cramp-triage-core" in done.stdout
