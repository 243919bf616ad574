"""A ``TriageResult`` as text for a reader: the level first and prominent, what to do now, why,
what to do if it gets worse, possible causes, whom to see, self-care, then the disclaimer.

rich is imported here only, when something is shown. Colour follows the terminal and honours
``NO_COLOR``; lists wrap with a hanging indent so each item stays readable. Every text from the
result goes through ``printable``: a medicine name is shown as typed, but cannot take over the
terminal (rich writes to the stream under the escaping one, for its own colour codes).
"""

from __future__ import annotations

from typing import Any, TextIO

from ..result import Level, TriageResult
from ..untrusted import printable
from .streams import for_rich

LEVEL_STYLE = {
    Level.self_care: "bold green",
    Level.see_professional: "bold yellow",
    Level.urgent: "bold red",
    Level.emergency: "bold white on red",
}
MAX_WIDTH = 88  # long lines are hard to read, even in a wide terminal


def make_console(file: TextIO | None = None, color: bool | None = None) -> Any:
    """A rich console on ``file`` (stdout by default). ``color`` forces colour on or off; by
    default rich decides from the terminal and ``NO_COLOR``."""
    from rich.console import Console

    import sys

    console = Console(file=for_rich(file if file is not None else sys.stdout), highlight=False,
                      force_terminal=True if color else None, no_color=(not color) if color is not None else None)
    console.width = min(console.width, MAX_WIDTH)
    return console


def indented(console: Any, text: Any, first: str = "  ", rest: str = "  ") -> Any:
    """``text`` wrapped to the console width with a hanging indent: ``first`` before the first
    line, ``rest`` before the others, so wrapped lines line up under the text, not the bullet.
    Styles survive the wrapping; no line gets trailing spaces."""
    from rich.text import Text

    lines = text.wrap(console, max(20, console.width - len(first)))
    out = Text()
    for number, line in enumerate(lines):
        line.rstrip()
        out.append(first if number == 0 else rest)
        out.append_text(line)
        if number < len(lines) - 1:
            out.append("\n")
    return out


def bullets(console: Any, items: list[Any]) -> None:
    for item in items:
        console.print(indented(console, item, "  - ", "    "), soft_wrap=True)


def heading(console: Any, title: str) -> None:
    console.print()
    console.print(title, style="bold")


def render_text(result: TriageResult, file: TextIO | None = None, *, color: bool | None = None,
                explain_command: str | None = None) -> None:
    """Write the result for a person; the last line says how to see every rule that fired (with
    ``explain_command``, the very command to run)."""
    from rich.text import Text

    def text(value: str, style: str = "") -> Any:
        return Text(printable(value), style=style)

    def term(name: str, rest: str) -> Any:
        return Text.assemble((printable(name), "bold"), printable(rest))

    console = make_console(file, color)
    style = LEVEL_STYLE[result.level]
    console.print(text(f" {result.level_label.upper()} ", style))
    console.print(indented(console, text(result.do_now)), soft_wrap=True)
    if result.serious:
        heading(console, "Why")
        bullets(console, [text(("EMERGENCY: " if f.emergency else "") + f.label) for f in result.serious])
    heading(console, "If it gets worse")
    console.print(indented(console, text(result.if_worse)), soft_wrap=True)
    heading(console, "Possible causes")
    items = []
    for cause in result.causes:
        item = term(cause.label, f": {cause.explanation}")
        if cause.evidence:
            item.append(f"\nbecause: {printable('; '.join(cause.evidence))}", style="dim")
        items.append(item)
    bullets(console, items)
    if result.see:
        heading(console, "Whom to see")
        bullets(console, [term(r.who, f": {r.why}") for r in result.see])
    if result.self_care:
        heading(console, "Self-care")
        bullets(console, [text(step.text) for step in result.self_care])
    from .medicines import medicine_sections

    for title, items in medicine_sections(result):
        heading(console, title)
        bullets(console, items)
    console.print()
    console.print(indented(console, text(result.disclaimer, "italic"), "", ""), soft_wrap=True)
    pack = (f"Rule pack {result.rule_pack.name} {result.rule_pack.version}; numbers for region {result.region} "
            "(--region for another).")
    if explain_command is None:
        console.print(indented(console, text(f"{pack} Run `cramp-triage explain` with the same answers to see every "
                                             "rule that fired.", "dim"), "", ""), soft_wrap=True)
    else:  # on a line of its own, unwrapped, to copy
        console.print(text(f"{pack} To see every rule that fired, run:", "dim"))
        console.print(text(f"  {explain_command}", "dim"), soft_wrap=True)
