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

from cramp_triage.cli import COMMAND_MODULES, QUICK_EXIT, _name, app, only_the_command

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


# The scripts below look at the process after `main()`, which ends a quick-exit command's
# process in os._exit: in them it raises SystemExit with the code instead (in this process only,
# not in a forked trial child, which must end as it does).
AFTER_MAIN = """
import os as _os
_real_exit, _parent = _os._exit, _os.getpid()


def _exit_here(code):
    if _os.getpid() != _parent:
        _real_exit(code)
    raise SystemExit(code)


_os._exit = _exit_here
"""


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
        done = subprocess.run([sys.executable, "-c", AFTER_MAIN + ALONE.format(whole=whole, others=others), "-", name, *tail],
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
    done = subprocess.run([sys.executable, "-c", "import json\n" + AFTER_MAIN + LOADED, *args], input=stdin, capture_output=True,
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


@pytest.mark.parametrize(("args", "code"), [(["rules", "lint"], 0), (["rules", "lint", "--no-such-option"], 2)])
def test_a_command_that_ends_as_python_does_leaves_the_collector_frozen_for_its_exit(tmp_path, args, code):
    # Importing the package (the library, and the CLI's modules) leaves the collector alone; the
    # command, once done, freezes what it built so the interpreter's exit does not walk it.
    done = subprocess.run([sys.executable, "-c", COLLECTOR, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CRAMP_TRIAGE_CACHE": str(tmp_path)})
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["imported"] == {"enabled": True, "frozen": 0}
    assert report["code"] == code
    assert report["frozen_after"] > 0


PLUGIN = '''
import sys


class Plugin:
    def new_schema_validator(self, *args, **kwargs):
        print("pydantic plugin loaded", file=sys.stderr)
        return None, None, None


plugin = Plugin()
'''


def _with_a_pydantic_plugin(tmp_path: Path) -> dict[str, str]:
    """An environment where an installed package registers a pydantic plugin that says so when used."""
    site = tmp_path / "site"
    (site / "noisy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "noisy_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: noisy-plugin\nVersion: 1.0\n")
    (site / "noisy_plugin-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nnoisy = noisy_plugin:plugin\n")
    (site / "noisy_plugin.py").write_text(PLUGIN)
    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    return {**env, "PYTHONPATH": str(site), "CRAMP_TRIAGE_CACHE": str(tmp_path / "cache")}


RUN_MAIN = """
import os, sys
sys.argv = ["cramp-triage", *sys.argv[1:]]
from cramp_triage.cli import main
try:
    main()
except SystemExit:
    pass
print("PYDANTIC_DISABLE_PLUGINS=" + repr(os.environ.get("PYDANTIC_DISABLE_PLUGINS")), file=sys.stderr)
"""


def test_a_quick_command_does_not_look_for_pydantic_plugins_unless_the_user_says(tmp_path):
    # Looking for plugins reads every installed package's metadata: a cost of each start that a
    # quick command has no use for. A user who sets PYDANTIC_DISABLE_PLUGINS (even to nothing)
    # decides; the other commands (a long batch, the service) keep pydantic's default.
    env = _with_a_pydantic_plugin(tmp_path)
    args = ["check", "--json", "--duration", "2"]

    def run(*args: str, **extra: str) -> str:
        done = subprocess.run([sys.executable, "-c", AFTER_MAIN + RUN_MAIN, *args], capture_output=True, text=True,
                              env={**env, **extra}, timeout=120)
        return done.stderr

    assert "pydantic plugin loaded" in subprocess.run(  # the plugin works: the library uses it
        [sys.executable, "-c", "import cramp_triage; cramp_triage.triage({'duration_minutes': 2})"],
        capture_output=True, text=True, env=env, timeout=120).stderr
    quiet = run(*args)
    assert "pydantic plugin loaded" not in quiet and "PYDANTIC_DISABLE_PLUGINS='__all__'" in quiet
    assert "pydantic plugin loaded" in run(*args, PYDANTIC_DISABLE_PLUGINS="")
    assert "PYDANTIC_DISABLE_PLUGINS=None" in run("serve", "--help")
    assert "PYDANTIC_DISABLE_PLUGINS=None" in run("batch", "--help")


TEARDOWN = """
import atexit, sys
atexit.register(print, "interpreter teardown", file=sys.stderr)
sys.argv = ["cramp-triage", *sys.argv[1:]]
from cramp_triage.cli import main
main()
"""


@pytest.mark.parametrize(("args", "code", "quick"), [
    (["check", "--json", "--duration", "2"], 0, True),
    (["check", "--duration", "two"], 2, True),
    (["schema", "intake"], 0, True),
    (["explain", "--no-such-option"], 2, True),
    (["rules", "lint"], 0, False),
])
def test_a_one_shot_command_ends_without_the_interpreter_teardown(tmp_path, args, code, quick):
    # Freeing every module and object one by one was a tenth of a `check` start: the commands
    # that hold nothing to clean up end in os._exit once their output is flushed, the others as
    # Python ends any program (its exit handlers run).
    done = subprocess.run([sys.executable, "-c", TEARDOWN, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CRAMP_TRIAGE_CACHE": str(tmp_path)})
    assert done.returncode == code
    assert ("interpreter teardown" in done.stderr) is not quick
    assert (args[0] in QUICK_EXIT) is quick


def _command() -> str:
    """The installed ``cramp-triage`` console script of this interpreter's environment."""
    found = Path(sys.executable).parent / "cramp-triage"
    assert found.is_file(), found
    return str(found)


def test_a_quick_exit_loses_no_output_to_a_pipe_or_a_file(tmp_path):
    env = {**os.environ, "CRAMP_TRIAGE_CACHE": str(tmp_path / "cache")}
    env.pop("PYTHONUNBUFFERED", None)  # block-buffered output, as in a user's shell
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"duration_minutes": 2, "locations": ["calf"], "medications": ["Lipitor 20 mg"]}))
    piped = subprocess.run([_command(), "check", "--input", str(intake), "--json"], capture_output=True, text=True,
                           env=env, timeout=120)
    assert piped.returncode == 0 and json.loads(piped.stdout)["level"] == "self_care"
    out = tmp_path / "result.json"
    with out.open("w") as stream:
        written = subprocess.run([_command(), "check", "--input", str(intake), "--json"], stdout=stream, env=env,
                                 timeout=120)
    assert written.returncode == 0 and json.loads(out.read_text()) == json.loads(piped.stdout)
    schema = subprocess.run([_command(), "schema", "result"], capture_output=True, text=True, env=env, timeout=120)
    assert schema.returncode == 0 and json.loads(schema.stdout)["title"] == "TriageResult"
    bad = subprocess.run([_command(), "check", "--input", str(tmp_path / "missing.json")], capture_output=True,
                         text=True, env=env, timeout=120)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert len(bad.stderr.splitlines()) == 1 and "missing.json" in bad.stderr
