"""What a start pays for, checked by what it loads (speed itself is `benchmarks/cold_start.py`'s):
the CLI builds only the command it runs, and `check --json` with a kept pack imports nothing it
does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cramp_triage.cli import _name, app, only_the_command

NAMES = [_name(command) for command in app.registered_commands] + [group.name for group in app.registered_groups]


def test_every_command_is_found_by_its_name():
    assert sorted(NAMES) == sorted(typer_command_names())
    for name in NAMES:
        trimmed = only_the_command(app, [name, "--help"])
        assert trimmed is not app
        assert len(trimmed.registered_commands) + len(trimmed.registered_groups) == 1
    assert app.registered_commands and len(app.registered_commands) + len(app.registered_groups) == len(NAMES)


def typer_command_names() -> list[str]:
    import typer.main

    return list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("tail", [["--help"], ["--no-such-option"]])
def test_one_command_alone_says_what_the_whole_app_says(name, tail):
    args = [name, *tail]
    whole = CliRunner().invoke(app, args)
    alone = CliRunner().invoke(only_the_command(app, args), args)
    assert (alone.exit_code, alone.stdout, alone.stderr) == (whole.exit_code, whole.stdout, whole.stderr)


@pytest.mark.parametrize("args", [[], ["--help"], ["-h"], ["--version"], ["chek"], ["--version", "check"]])
def test_anything_but_a_command_name_first_gets_the_whole_app(args):
    assert only_the_command(app, args) is app


LOADED = """
import sys
sys.argv = ["cramp-triage", *sys.argv[1:]]
from cramp_triage.cli import main
try:
    main()
except SystemExit as end:
    code = end.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _loaded(args: list[str], cache: Path, stdin: str = "") -> list[str]:
    done = subprocess.run([sys.executable, "-c", "import json\n" + LOADED, *args], input=stdin, capture_output=True,
                          text=True, env={**os.environ, "CRAMP_TRIAGE_CACHE": str(cache)}, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return report["modules"]


# Not needed to triage answers given as JSON: the YAML reader (the pack comes from its snapshot),
# the typo matcher (no typo), the terminal renderer, the interview, the service, the tools, the
# scenarios, the other commands' code, and the installed-metadata look-up.
NOT_FOR_CHECK_JSON = ["yaml", "rapidfuzz", "rich", "fastapi", "uvicorn", "starlette", "cramp_triage.server",
                      "cramp_triage.tools", "cramp_triage.scenarios", "cramp_triage.batch", "cramp_triage.explain",
                      "cramp_triage.interview", "cramp_triage.cli.render", "cramp_triage.engine.limits",
                      "durable.engine", "logging"]


def test_check_json_with_a_kept_pack_imports_only_what_it_uses(tmp_path):
    intake = json.dumps({"duration_minutes": 2, "locations": ["calf"], "medications": ["Lipitor 20 mg"]})
    args = ["check", "--input", "-", "--json"]
    first = _loaded(args, tmp_path, intake)
    assert "yaml" in first  # the first start reads the pack from its files, and keeps it
    again = _loaded(args, tmp_path, intake)
    leaked = [name for name in NOT_FOR_CHECK_JSON if name in again or any(m.startswith(name + ".") for m in again)]
    assert leaked == []


COLLECTOR = """
import gc, json, sys
sys.argv = ["cramp-triage", *sys.argv[1:]]
import cramp_triage.cli
imported = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
try:
    cramp_triage.cli.main()
except SystemExit as end:
    code = end.code
print(json.dumps({"code": code, "imported": imported, "frozen_after": gc.get_freeze_count()}), file=sys.stderr)
"""


@pytest.mark.parametrize(("args", "code"), [(["check", "--json", "--duration", "2"], 0),
                                            (["check", "--no-such-option"], 2)])
def test_only_the_command_leaves_the_collector_frozen_for_its_exit(tmp_path, args, code):
    # Importing the package (the library, and the CLI's modules) leaves the collector alone; the
    # command, once done, freezes what it built so the interpreter's exit does not walk it.
    done = subprocess.run([sys.executable, "-c", COLLECTOR, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CRAMP_TRIAGE_CACHE": str(tmp_path)})
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["imported"] == {"enabled": True, "frozen": 0}
    assert report["code"] == code
    assert report["frozen_after"] > 0
