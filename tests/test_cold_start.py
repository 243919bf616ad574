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

from cramp_triage.cli import COMMAND_MODULES, _name, app, only_the_command

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


def test_the_table_of_command_modules_names_every_command_and_where_it_is_registered():
    # `main()` imports only COMMAND_MODULES[argv[1]]: each command or group registered must be in
    # the table, with every module that adds to it (a group's subcommands may come from several).
    assert sorted(COMMAND_MODULES) == sorted(NAMES)
    registered: dict[str, set[str]] = {}
    for command in app.registered_commands:
        registered.setdefault(_name(command), set()).add(command.callback.__module__)
    for group in app.registered_groups:
        typer_app = group.typer_instance
        callbacks = [c.callback for c in typer_app.registered_commands]
        callbacks += [typer_app.registered_callback.callback] if typer_app.registered_callback else []
        registered.setdefault(group.name, set()).update(c.__module__ for c in callbacks if c is not None)
    assert {name: {f"cramp_triage.cli.{m}" for m in modules} for name, modules in COMMAND_MODULES.items()} == registered


ALONE = """
import json, sys
sys.argv = ["cramp-triage", *sys.argv[2:]]
import cramp_triage.cli
if {whole}:
    cramp_triage.cli.app  # every command module imported first, as in-process users get it
try:
    cramp_triage.cli.main()
finally:
    others = sorted(m for m in sys.modules if m.startswith("cramp_triage.cli.") and m.rsplit(".", 1)[1] in {others!r})
    print(json.dumps(others), file=sys.stderr)
"""


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("tail", [["--help"], ["--no-such-option"]])
def test_a_command_run_alone_imports_fewer_modules_and_says_what_the_whole_app_says(name, tail):
    # Run as `main()` runs it, in a fresh process: with only its modules imported (and what they
    # import: `explain` uses `check`'s code), then with every command module imported first.
    others = sorted({m for modules in COMMAND_MODULES.values() for m in modules} - set(COMMAND_MODULES[name]))

    def run(whole: bool) -> tuple[int, str, str, list[str]]:
        done = subprocess.run([sys.executable, "-c", ALONE.format(whole=whole, others=others), "-", name, *tail],
                              capture_output=True, text=True, timeout=120)
        *stderr, imported = done.stderr.strip().splitlines()
        return done.returncode, done.stdout, "\n".join(stderr), json.loads(imported)

    *alone, imported_alone = run(whole=False)
    *whole, imported_whole = run(whole=True)
    assert alone == whole
    assert imported_whole == [f"cramp_triage.cli.{m}" for m in others]
    assert set(imported_alone) < set(imported_whole)


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
                      "durable.engine", "logging", *(f"cramp_triage.cli.{m}" for m in
                                                     ("batch", "diff", "explain", "medicines", "rules", "scenarios",
                                                      "schema", "serve", "verify"))]


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
