"""``cramp-triage scenarios``: run teaching vignettes, see what they cover, explore "what if".

Exit codes follow ``cli.app``: 0 all passed, 1 a case failed (or a rule is unreached), 2 a bad
file or option.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
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
                _echo(f"FAIL  {printable(report_lines[0])}")
                for line in report_lines[1:]:
                    _echo("  " + printable(line))
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
    save_case: Optional[str] = typer.Option(
        None, "--save-case", metavar="NAME", help="Also add the changed case to FILE as a new case named NAME, "
        "expecting what it gives (a one-case file gets `cases:`, its case named as-written); comments are kept."),
    json_output: bool = typer.Option(False, "--json", help="Print before and after as JSON, for tools."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Run a vignette as written and with answers changed, side by side, and whether each
    expectation still holds.

    Example: cramp-triage scenarios what-if examples/scenarios/pregnant-with-swollen-calf.scenario.yaml
    --change pregnant=false
    """
    from ..scenarios import parse_change, what_if

    triager, cases = _load([file], rules)
    case = _pick(cases, case_name)
    outcome = what_if(triager, case, [parse_change(text) for text in change])
    saved = None
    if save_case is not None:
        from ..scenarios.save import save_case as save

        saved = save(outcome, save_case, triager)
    if json_output:
        changes = {name: {"before": before, "after": after} for name, (before, after) in outcome.changes.items()}
        expectations = [{"expectation": held.expectation, "expected": held.expected, "line": held.line,
                         "as_written": held.as_written is None, "what_if": held.what_if is None}
                        for held in outcome.expectations]
        _echo(json.dumps({"case": case.id, "changes": changes,
                          "before": outcome.before.model_dump(mode="json"),
                          "after": outcome.after.model_dump(mode="json"),
                          "rules_stopped": outcome.rules_stopped, "rules_started": outcome.rules_started,
                          "expectations": expectations, "saved_case": saved.id if saved else None}, indent=2))
    else:
        _print_what_if(outcome)
    if saved is not None:
        sys.stderr.write(f"saved case {printable(saved.name)} in {printable(str(file))}; "
                         f"run it with: cramp-triage scenarios run {printable(str(file))}\n")


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
    """An answer or a list of names as the file writes them (yes, no, not known, one_leg)."""
    from ..scenarios.words import answer

    return answer(value, names=True)


def _outcome_rows(result: Any) -> list[tuple[str, str]]:
    """A result as the rows a learner compares: the level, what was found (in words a learner
    uses: warning signs, reasons to see a doctor), causes, whom to see, self-care."""
    from ..scenarios.words import finding_kind

    def found(kind: str) -> str:
        return _shown([f.id for f in result.serious if finding_kind(f.level) == kind])

    return [("level", result.level.value), ("warning signs", found("warning sign")),
            ("reasons to see a doctor", found("reason to see a doctor")),
            ("causes", _shown(list(dict.fromkeys(c.category for c in result.causes)))),
            ("whom to see", _shown([r.id for r in result.see])),
            ("self-care", _shown([s.id for s in result.self_care]))]


def _console() -> Any:
    from rich.console import Console

    from .streams import for_rich

    return Console(file=for_rich(sys.stdout), highlight=False, soft_wrap=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(printable(text))


def side_by_side(console: Any, left: str, right: str, rows: list[tuple[str, str, str]]) -> None:
    """Rows of (label, left, right) in a table; a changed row's label is marked with *."""
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", show_lines=True, caption="* changed")
    table.add_column("", no_wrap=True)
    table.add_column(_escape(left))
    table.add_column(_escape(right))
    for label, before, after in rows:
        table.add_row(label + ("" if before == after else " *"), _escape(before), _escape(after))
    console.print(table)


def _print_what_if(outcome: Any) -> None:
    console = _console()
    console.print(f"[bold]{_escape(outcome.case.id)}[/]: {_escape(outcome.case.title)}")
    for name, (before, after) in outcome.changes.items():
        console.print(f"  changed {name}: {_escape(_shown(before))} -> {_escape(_shown(after))}")
    rows = [(label, left, right) for (label, left), (_, right)
            in zip(_outcome_rows(outcome.before), _outcome_rows(outcome.after))]
    side_by_side(console, "as written", "what if", rows)
    # soft_wrap: one line each, so the lists can be read (and grepped) whole.
    console.print(f"Rules that stopped firing: {_escape(', '.join(outcome.rules_stopped) or 'none')}", soft_wrap=True)
    console.print(f"Rules that started firing: {_escape(', '.join(outcome.rules_started) or 'none')}", soft_wrap=True)
    console.print("Expectations, as written -> what if:")
    for held in outcome.expectations:
        line = f" (line {held.line})" if held.line is not None else ""
        console.print(f"  {held.expectation}: {_escape(held.expected)}{line}: {_held(held.as_written)} -> "
                      f"{_held(held.what_if)}", soft_wrap=True)
    console.print(f"[dim]note: {_escape(' '.join(outcome.case.teaching_note.split()))}[/]")


def _held(mismatch: Any) -> str:
    return "holds" if mismatch is None else f"fails (got {_escape(mismatch.actual)})"


@scenarios_app.command("compare")
def compare_command(
    paths: list[Path] = PATHS_ARGUMENT,
    rules: list[Path] = typer.Option(..., "--rules", metavar="PATH", show_default=False,
                                     help="A rule pack folder; give it twice: the old pack, then the new one."),
    json_output: bool = typer.Option(False, "--json", help="Print every case under both packs as JSON, for tools."),
) -> None:
    """Which cases change level, causes or referrals between two rule packs, side by side.

    The scenario files are checked against the old pack. Exits 0 when no case changes, 1 when
    some case does (as diff does), 2 on a bad file or pack.
    Example: cramp-triage scenarios compare --rules old-pack --rules new-pack examples/scenarios
    """
    from ..scenarios import load_cases
    from ..scenarios.compare import compare

    if len(rules) != 2:
        fail(f"give --rules twice, the old pack then the new one (got {len(rules)})")
    old, new = (load_triager(path) for path in rules)
    cases = load_cases(paths, old.pack)
    changes = compare(cases, old, new)
    changed = [change for change in changes if change.changed]
    packs = {side: {"name": triager.pack.name, "version": triager.pack.version, "path": str(path)}
             for side, triager, path in (("old", old, rules[0]), ("new", new, rules[1]))}
    if json_output:
        _echo(json.dumps({**packs, "cases": len(changes), "changed": len(changed),
                          "by_case": [{"id": c.case.id, "file": str(c.case.path), "title": c.case.title,
                                       "changed": c.changed, "old": c.old.json(), "new": c.new.json()}
                                      for c in changes]}, indent=2))
    else:
        _print_compare(packs, changes, changed)
    if changed:
        raise typer.Exit(EXIT_FINDINGS)


def _print_compare(packs: dict[str, dict[str, str]], changes: list[Any], changed: list[Any]) -> None:
    console = _console()
    for side, pack in packs.items():
        console.print(f"{side}: rule pack {_escape(pack['name'])} {_escape(pack['version'])} ({_escape(pack['path'])})",
                      soft_wrap=True)
    counts = ", ".join(f"{aspect} {sum(aspect in c.changed for c in changed)}" for aspect in ("level", "causes", "referrals"))
    cases = f"{len(changes)} case{'' if len(changes) == 1 else 's'}"
    console.print(f"{cases}: {len(changed)} changed ({counts}), {len(changes) - len(changed)} unchanged.")
    for change in changed:
        console.print()
        console.print(f"[bold]{_escape(change.case.id)}[/]: {_escape(change.case.title)} "
                      f"({', '.join(change.changed)} changed)", soft_wrap=True)
        old, new = change.old, change.new
        side_by_side(console, "old pack", "new pack", [
            ("level", old.level.value, new.level.value),
            ("causes", _shown(old.causes), _shown(new.causes)),
            ("referrals", _shown(old.referrals), _shown(new.referrals)),
            ("expectations", _passes(old.passed), _passes(new.passed)),
        ])


def _passes(passed: bool) -> str:
    return "hold" if passed else "do not hold"


class SheetFormat(str, Enum):
    html = "html"
    md = "md"


@scenarios_app.command("report")
def report_command(
    paths: list[Path] = PATHS_ARGUMENT,
    format: SheetFormat = typer.Option(SheetFormat.html, "--format", "-f",
                                       help="html (one self-contained page to print) or md (Markdown)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the sheets to FILE (default: print them)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Case sheets a learner can print or hand in: per case the answers, the expected and actual
    outcome, the rules that fired with their sources, the teaching note, and the unknown answers
    that could change it.

    A failing case is shown as failing on its sheet; the command exits 0 once the sheets are made.
    Example: cramp-triage scenarios report examples/scenarios --format html -o sheets.html
    """
    from ..explain import explain
    from ..scenarios.sheet import report
    from ..scenarios.sheet_html import to_html
    from ..scenarios.sheet_md import to_markdown

    triager, cases = _load(paths, rules)
    sheets = report(_run_all(triager, cases), lambda case: explain(case.intake, triager), triager)
    text = to_html(sheets) if format is SheetFormat.html else to_markdown(sheets)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    sys.stderr.write(f"wrote {len(sheets.sheets)} case sheets to {printable(str(output))} "
                     f"({sheets.passed} passed, {len(sheets.sheets) - sheets.passed} failed)\n")


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
