"""``cramp-triage scenarios``: run teaching vignettes, see what they cover, explore "what if".

Exit codes follow ``cli.app``: 0 all passed, 1 a case failed (or a rule is unreached), 2 a bad
file or option.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from ..untrusted import printable
from .app import EXIT_FINDINGS, fail, scenarios_app
from .check import RULES_OPTION, load_triager

PATHS_ARGUMENT = typer.Argument(..., help="Scenario files, or folders searched for *.scenario.yaml.",
                                show_default=False, metavar="PATH")


def _load(paths: list[Path], rules: Optional[Path]) -> tuple[Any, list[Any]]:
    from ..scenarios import load_cases

    triager = load_triager(rules)
    return triager, load_cases(paths, triager.pack)


def _run_all(triager: Any, cases: list[Any]) -> list[Any]:
    from ..scenarios import run_case

    return [run_case(triager, case) for case in cases]


def _echo(text: str = "") -> None:
    sys.stdout.write(text + "\n")


@scenarios_app.command("run")
def run(
    paths: list[Path] = PATHS_ARGUMENT,
    junit: Optional[Path] = typer.Option(None, "--junit", help="Also write JUnit XML to FILE, for CI dashboards.",
                                         metavar="FILE"),
    json_output: bool = typer.Option(False, "--json", help="Print the results as JSON, for tools."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show only failures and the summary, no teaching notes."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Run scenarios: a PASS/FAIL line per case, what differed on a failure, then `N passed, N failed`.

    Example: cramp-triage scenarios run examples/scenarios
    """
    from ..scenarios import failure_report, junit_xml, outcome_json

    triager, cases = _load(paths, rules)
    outcomes = _run_all(triager, cases)
    passed = sum(outcome.passed for outcome in outcomes)
    failed = len(outcomes) - passed
    if junit is not None:
        try:
            junit.write_text(junit_xml(outcomes), encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {junit}: {error.strerror or error}")
    if json_output:
        report = {"passed": passed, "failed": failed, "rule_pack": {"name": triager.pack.name,
                  "version": triager.pack.version}, "cases": [outcome_json(o) for o in outcomes]}
        _echo(json.dumps(report, indent=2))
    else:
        for outcome in outcomes:
            if outcome.passed:
                if not quiet:
                    _echo(f"PASS  {outcome.case.id}: {printable(outcome.case.title)}")
                    _echo(_indent(outcome.case.teaching_note))
            else:
                report_lines = failure_report(outcome).splitlines()
                _echo(f"FAIL  {report_lines[0]}")
                for line in report_lines[1:]:
                    _echo("    " + line.strip())
                if not quiet:
                    _echo(_indent(outcome.case.teaching_note))
        _echo(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(EXIT_FINDINGS)


def _indent(note: str) -> str:
    import textwrap

    return textwrap.fill(" ".join(note.split()), width=96, initial_indent="      note: ", subsequent_indent="      ")


@scenarios_app.command("coverage")
def coverage_command(
    paths: list[Path] = PATHS_ARGUMENT,
    json_output: bool = typer.Option(False, "--json", help="Print the coverage as JSON, for tools."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Which active rules no scenario fires, and which conclusions no scenario checks.

    Exits 1 when some active rule is fired by no scenario.
    """
    from ..scenarios import coverage

    triager, cases = _load(paths, rules)
    report = coverage(_run_all(triager, cases), triager.pack)
    missing = report.rules_not_fired
    if json_output:
        _echo(json.dumps({"rules": len(report.rules), "rules_not_fired": missing, "fired_by": report.fired_by,
                          "unchecked": report.unchecked}, indent=2))
    else:
        reached = len(report.rules) - len(missing)
        _echo(f"{len(cases)} cases reach {reached} of {len(report.rules)} active rules "
              f"of rule pack {triager.pack.name} {triager.pack.version}.")
        _echo(f"Rules no scenario fires: {', '.join(missing) or 'none'}")
        _echo("Not checked by any scenario's expect:")
        for key, names in report.unchecked.items():
            _echo(f"  {key}: {', '.join(names) or 'none (all checked)'}")
    if missing:
        raise typer.Exit(EXIT_FINDINGS)


@scenarios_app.command("what-if")
def what_if_command(
    file: Path = typer.Argument(..., help="A scenario file.", show_default=False, metavar="FILE"),
    change: list[str] = typer.Option(..., "--change", "-c", help="An answer to change, as field=value "
                                     "(e.g. pregnant=false, duration_minutes=12); field= means not known. "
                                     "Repeatable.", show_default=False, metavar="FIELD=VALUE"),
    case_name: Optional[str] = typer.Option(None, "--case", help="Which case, when the file has several.",
                                            metavar="NAME"),
    json_output: bool = typer.Option(False, "--json", help="Print before and after as JSON, for tools."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Run a vignette as written and with answers changed, side by side.

    Example: cramp-triage scenarios what-if examples/scenarios/pregnant-with-swollen-calf.scenario.yaml
    --change pregnant=false
    """
    from ..scenarios import parse_change, what_if

    triager, cases = _load([file], rules)
    case = _pick(cases, case_name)
    outcome = what_if(triager, case, [parse_change(text) for text in change])
    if json_output:
        changes = {name: {"before": before, "after": after} for name, (before, after) in outcome.changes.items()}
        _echo(json.dumps({"case": case.id, "changes": changes,
                          "before": outcome.before.model_dump(mode="json"),
                          "after": outcome.after.model_dump(mode="json"),
                          "rules_stopped": outcome.rules_stopped, "rules_started": outcome.rules_started}, indent=2))
        return
    _print_what_if(outcome)


def _pick(cases: list[Any], name: Optional[str]) -> Any:
    names = ", ".join(case.name for case in cases)
    if name is None:
        if len(cases) == 1:
            return cases[0]
        fail(f"this file has {len(cases)} cases; choose one with --case: {names}")
    for case in cases:
        if name in (case.name, case.id):
            return case
    fail(f"no case {name!r} in this file; cases: {names}")


def _shown(value: Any) -> str:
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def _print_what_if(outcome: Any) -> None:
    from rich.console import Console
    from rich.markup import escape as markup
    from rich.table import Table

    from .streams import for_rich

    def escape(text: str) -> str:
        return markup(printable(text))

    console = Console(file=for_rich(sys.stdout), highlight=False, soft_wrap=False)
    console.print(f"[bold]{escape(outcome.case.id)}[/]: {escape(outcome.case.title)}")
    for name, (before, after) in outcome.changes.items():
        console.print(f"  changed {name}: {escape(_shown(before))} -> {escape(_shown(after))}")
    table = Table(show_header=True, header_style="bold", show_lines=True, caption="* changed")
    table.add_column("")
    table.add_column("as written")
    table.add_column("what if")
    before, after = outcome.before, outcome.after
    rows = [
        ("level", before.level.value, after.level.value),
        ("serious", _shown([f.id for f in before.serious]), _shown([f.id for f in after.serious])),
        ("causes", _shown([c.category for c in before.causes]), _shown([c.category for c in after.causes])),
        ("see", _shown([r.id for r in before.see]), _shown([r.id for r in after.see])),
        ("self-care", _shown([s.id for s in before.self_care]), _shown([s.id for s in after.self_care])),
    ]
    for label, left, right in rows:
        mark = "" if left == right else " *"
        table.add_row(label + mark, escape(left), escape(right))
    console.print(table)
    # soft_wrap: one line each, so the lists can be read (and grepped) whole.
    console.print(f"Rules that stopped firing: {escape(', '.join(outcome.rules_stopped) or 'none')}", soft_wrap=True)
    console.print(f"Rules that started firing: {escape(', '.join(outcome.rules_started) or 'none')}", soft_wrap=True)
    console.print(f"[dim]note: {escape(' '.join(outcome.case.teaching_note.split()))}[/]")


@scenarios_app.command("new")
def new(
    file: Optional[Path] = typer.Argument(None, help="Write the template here (NAME.scenario.yaml); "
                                          "without it, print it.", show_default=False, metavar="FILE"),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
) -> None:
    """Write a commented scenario template to start from (it passes as written)."""
    from ..scenarios import SCENARIO_SUFFIX, template

    if file is None:
        sys.stdout.write(template())
        return
    if not file.name.endswith(SCENARIO_SUFFIX):
        fail(f"{file}: name scenario files NAME{SCENARIO_SUFFIX} so that `scenarios run` and pytest find them")
    if file.exists() and not force:
        fail(f"{file} already exists; use --force to overwrite it")
    scenario_id = file.name.removesuffix(SCENARIO_SUFFIX).lower()
    import re

    scenario_id = re.sub(r"[^a-z0-9]+", "-", scenario_id).strip("-") or "my-first-scenario"
    try:
        file.write_text(template(scenario_id, str(file)), encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {file}: {error.strerror or error}")
    sys.stderr.write(f"wrote {file}; run it with: cramp-triage scenarios run {file}\n")
