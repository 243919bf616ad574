"""A ``TriageResult`` as text for a reader: level first, then what to do, why, causes, whom to
see, self-care, and the disclaimer. rich is imported here only, when something is shown."""

from __future__ import annotations

from typing import TextIO

from .result import Level, TriageResult

LEVEL_STYLE = {
    Level.self_care: "bold green",
    Level.see_professional: "bold yellow",
    Level.urgent: "bold red",
    Level.emergency: "bold white on red",
}


def render_text(result: TriageResult, file: TextIO | None = None, *, color: bool | None = None) -> None:
    """Write the result for a person. Colour follows the terminal and ``NO_COLOR`` unless
    ``color`` forces it on or off."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=file, no_color=None if color is None else not color,
                      force_terminal=color if color else None, highlight=False, soft_wrap=False)
    style = LEVEL_STYLE[result.level]
    console.print(f"[{style}]{escape(result.level_label.upper())}[/]  ({result.level.value})")
    console.print(escape(result.do_now))
    console.print(f"[bold]If it gets worse:[/] {escape(result.if_worse)}")
    if result.serious:
        console.print("\n[bold]Why[/]")
        for finding in result.serious:
            marker = "EMERGENCY: " if finding.emergency else ""
            console.print(f"  - {marker}{escape(finding.label)}")
    console.print("\n[bold]Likely causes[/]")
    for cause in result.causes:
        console.print(f"  - {escape(cause.label)}: {escape(cause.explanation)}")
        if cause.evidence:
            console.print(f"    [dim]because: {escape('; '.join(cause.evidence))}[/]")
    if result.see:
        console.print("\n[bold]Whom to see[/]")
        for referral in result.see:
            console.print(f"  - {escape(referral.who)}: {escape(referral.why)}")
    if result.self_care:
        console.print("\n[bold]Self-care[/]")
        for step in result.self_care:
            console.print(f"  - {escape(step.text)}")
    if result.unrecognised_medications:
        names = ", ".join(result.unrecognised_medications)
        console.print(f"\n[bold]Medicines not recognised[/] (not checked for links with cramps): {escape(names)}")
    console.print(f"\n[dim]{escape(result.disclaimer)}[/]")
    console.print(f"[dim]Rule pack {escape(result.rule_pack.name)} {escape(result.rule_pack.version)}; "
                  "run `cramp-triage explain` with the same answers to see every rule that fired.[/]")
