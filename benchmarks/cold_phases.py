"""One start of ``cramp-triage check --input FILE --json``, phase by phase, in this process.

The same calls as ``cli/check.py`` makes, in the same order, each timed, in a process set up as
``cli.main`` sets up a ``check`` (pydantic's plugin look-up and the garbage collector off); prints
the phases as JSON (milliseconds), then ends as ``cli.main`` ends a ``check`` (``os._exit`` once
the output is flushed). ``cold_start.py --breakdown``
runs it in fresh processes, sums the phases up and counts the rest of the wall time as start and exit.

    python benchmarks/cold_phases.py INTAKE.json
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time

_marks: list[tuple[str, float]] = []
_last = time.perf_counter()


def mark(phase: str) -> None:
    global _last
    now = time.perf_counter()
    _marks.append((phase, (now - _last) * 1e3))
    _last = now


def main(intake_path: str) -> None:
    import contextlib
    import io

    import typer
    import typer.main

    hello = typer.Typer()

    @hello.command()
    def greet(name: str = "world") -> None:
        print(f"hello {name}")

    with contextlib.redirect_stdout(io.StringIO()):
        hello(["--name", "x"], standalone_mode=False)
    mark("a typer hello-world, run in-process (what the reference pays)")
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as cli.main does for a quick command,
    gc.disable()  # once typer is imported
    import cramp_triage  # noqa: F401

    mark("import cramp_triage (the engine's C module only; the rest on first use)")
    from cramp_triage.cli import loaded_app, only_the_command

    root = loaded_app(["check"])
    mark("import cramp_triage.cli and the check command's module")
    import cramp_triage.assemble  # noqa: F401
    import cramp_triage.triager  # noqa: F401

    mark("import the rest of the library a check uses (on first use: pack, engine, result)")
    command = typer.main.get_command(only_the_command(root, ["check"]))
    mark("typer builds the check command")
    command.commands["check"].make_context("check", ["--input", intake_path, "--json"])  # type: ignore[attr-defined]
    mark("typer parses its options (a pydantic adapter for each of its 30-odd)")
    from cramp_triage.cli.intake_options import read_input

    answers = read_input(intake_path)
    mark("read --input (JSON, validated)")
    from cramp_triage.pack import RulePack, default_rules_path

    pack = RulePack.load(default_rules_path())
    mark("RulePack.load (from its snapshot when kept)")
    from cramp_triage.engine import Engine, compile_pack, prove_runnable

    compiled = compile_pack(pack)
    mark("compile the pack")
    prove_runnable(compiled)
    mark("prove runnable (the kept verdict)")
    engine = Engine(compiled)
    engine.facts_left()  # the ruleset is created on first use
    mark("create the engine's ruleset")
    from cramp_triage.facts import Evaluation, intake_facts
    from cramp_triage.intake import parse_intake

    intake = parse_intake(answers)
    facts = intake_facts(intake, pack.reader)
    mark("intake and facts (medicine names read)")
    firings = engine.evaluate(*Engine.encode(facts.base))
    mark("evaluate")
    from cramp_triage.assemble import assemble

    result = assemble(pack, Evaluation(intake=intake, facts=facts, firings=list(firings)))
    mark("assemble the result")
    result.model_dump_json(indent=2)
    mark("JSON out")
    print(json.dumps(_marks), flush=True)
    os._exit(0)  # as cli.main ends a check: no interpreter teardown


if __name__ == "__main__":
    main(sys.argv[1])
