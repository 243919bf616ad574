"""``cramp-triage rules verify``: check a rule pack over its whole discretised answer space."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .app import EXIT_FINDINGS, RULES_OPTION, load_pack, rules_app


@rules_app.command("verify")
def verify_command(
    rules: Optional[Path] = RULES_OPTION,
    max_shown: int = typer.Option(20, "--max-violations", min=1, help="Stop collecting counter-examples after this many."),
) -> None:
    """Run every answer combination the rules can tell apart through the engine and the reference
    evaluator; check the safety invariants, monotone escalation, and that "don't know" is never
    less cautious than the benign answer. Exit 1 on any violation,
    printing each counter-example as a ready-to-run intake (cramp-triage check --input FILE)."""
    from ..tools.verify import verify

    report = verify(load_pack(rules), max_violations=max_shown)
    out = sys.stdout
    out.write(f"rule pack {report.pack}\n")
    out.write(f"discretised answer space: {report.space_size:,} intakes in {report.components} groups of fields\n")
    out.write(f"checked {report.checked:,} intakes ({report.representatives:,} representatives, one per "
              f"reachable combination of what each rule and the level depend on, plus every combination "
              f"within each group) "
              f"and {report.monotone_steps:,} escalation steps, {report.unknown_steps:,} don't-know steps\n")
    if report.ok:
        out.write("0 violations: every invariant holds and the engine agrees with the reference\n")
        return
    stopped = f" (stopped after the first {max_shown})" if report.stopped else ""
    out.write(f"{len(report.violations)} violation(s){stopped}:\n")
    for violation in report.violations:
        out.write(violation.render() + "\n")
    raise typer.Exit(EXIT_FINDINGS)
