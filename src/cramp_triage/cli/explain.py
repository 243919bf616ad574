"""``cramp-triage explain``: the forward chain as it ran, for clinicians-in-training and app
developers: each rule that fired in firing order, what it matched and concluded, its sources
and the article passage it encodes, then which unknown answers could have changed the outcome.
The data comes from ``cramp_triage.explain`` (the HTTP service serves the same); this module
prints it.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any, Optional

import typer

from .app import REGION_OPTION, RULES_OPTION, Sections, app
from .check import NO_INPUT_OPTION, gather_answers, load_triager
from .intake_options import OUTPUT_PANEL, with_intake_options

ASPECT_WORDS = {"level": "the level", "causes": "the causes", "see": "whom to see", "self_care": "self-care"}


def _fact_text(fact: dict[str, Any]) -> str:
    from ..assemble import answer_words

    if fact["fact"] == "intake":
        answers = [f"{k} = {answer_words(v)}" for k, v in fact.items() if k != "fact"]
        return "answers: " + (", ".join(answers) if answers else "(any)")
    extra = {k: v for k, v in fact.items() if k not in ("fact", "name")}
    details = f" ({', '.join(f'{k} {v}' for k, v in extra.items())})" if extra else ""
    return f"{fact['fact']} {fact['name']}{details}"


def print_explanation(data: dict[str, Any]) -> None:
    width = 88
    out: list[str] = []

    def field(label: str, text: str) -> None:
        out.append(textwrap.fill(text, width, initial_indent=f"   {label:<11}", subsequent_indent=" " * 14))

    out.append(f"Rules that fired, in firing order ({len(data['steps'])}):")
    for number, step in enumerate(data["steps"], 1):
        out.append("")
        out.append(f"{number:>2}. {step['rule']}  {step['title']}  [{step['layer']}, {step['file']}]")
        field("matched:", "; ".join(_fact_text(f) for f in step["matched"]) or "-")
        field("concluded:", "; ".join(_fact_text(f) for f in step["concluded"]) or "nothing new (already concluded)")
        field("why:", " ".join(step["explanation"].split()))
        sources = [s["title"] + (f", section '{s['section']}'" if s.get("section") else "") for s in step["sources"]]
        field("sources:", "; ".join(sources))
        if step["encodes"]:
            field("encodes:", step["encodes"])  # the passage in our words, not a quotation
    result = data["result"]
    out += ["", f"Result: {result['level_label']} ({result['level']}); causes: "
            + ", ".join(c["category"] for c in result["causes"])]
    out.append("")
    if data["unknown_that_matter"]:
        out.append("Unknown answers that could have changed the outcome:")
        for item in data["unknown_that_matter"]:
            changes = ", ".join(ASPECT_WORDS[a] for a in item["could_change"])
            out.append(textwrap.fill(f"{item['field']}: {item['question']} (could change {changes})", width,
                                     initial_indent="  - ", subsequent_indent="    "))
    else:
        out.append("No unknown answer could have changed the outcome.")
    out += ["", textwrap.fill(result["disclaimer"], width)]
    print("\n".join(out))


@app.command(cls=Sections,
             epilog="Example: cramp-triage explain --duration 12 --no-eases-with-movement --location calf")
@with_intake_options
def explain(
    answers: dict[str, Any] | None,
    json_output: bool = typer.Option(False, "--json", rich_help_panel=OUTPUT_PANEL,
                                     help="Print the explanation as JSON."),
    no_input: bool = NO_INPUT_OPTION,
    rules: Optional[Path] = RULES_OPTION,
    region: Optional[str] = REGION_OPTION,
) -> None:
    """Show how the answer was reached: every rule that fired, with its sources.

    Takes the same answers as check (a JSON intake or a scenario file with --input, options, or
    the questions in a terminal). For each rule that fired, in firing order: what it matched
    and concluded, its sources and the article passage it encodes; then the unknown
    answers that could have changed the outcome, and what they could change.
    """
    from ..explain import explain as explain_intake

    triager = load_triager(rules)
    triager.pack.wording(region)  # an unknown region fails before any question is asked
    data = explain_intake(gather_answers(triager, answers, no_input, region=region), triager, region)
    if json_output:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        print_explanation(data)
