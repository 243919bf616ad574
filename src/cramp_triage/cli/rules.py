"""``cramp-triage rules list|show|lint|graph|red-flags|regions``: tools for rule authors."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from .app import EXIT_FINDINGS, REGION_OPTION, RULES_OPTION, fail, load_pack, rules_app


@rules_app.command("list", epilog="Example: cramp-triage rules list --rules my-pack/")
def list_rules(
    json_output: bool = typer.Option(False, "--json", help="Print the rules as JSON."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """List every rule of the pack: id, layer, title and status, in file order."""
    pack = load_pack(rules)
    rows = [{"id": r.id, "layer": r.layer, "title": r.title, "status": r.status} for r in pack.rules]
    if json_output:
        print(json.dumps(rows, indent=2))
        return
    id_width = max(len(row["id"]) for row in rows)
    layer_width = max(len(row["layer"]) for row in rows)
    for row in rows:
        print(f"{row['id']:<{id_width}}  {row['layer']:<{layer_width}}  {row['status']:<7}  {row['title']}")


def rule_details(pack: Any, rule_id: str) -> dict[str, Any]:
    """Everything about one rule: its provenance, conditions, conclusions, and its neighbours
    in the chain (the rules whose conclusions it reads, and the rules that read its own)."""
    rule = pack.rule_by_id[rule_id]
    reads = {key for key, _ in pack.consumes(rule)}
    gives = pack.produces(rule)
    fed_by = [other.id for other in pack.active_rules if other.id != rule.id and pack.produces(other) & reads]
    feeds = [other.id for other in pack.active_rules
             if other.id != rule.id and {key for key, _ in pack.consumes(other)} & gives]
    details = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
    details.update(file=pack.file_of(rule.id), stratum=pack.strata.get(rule.id), fed_by=fed_by, feeds=feeds)
    details["sources"] = {c.source: pack.manifest.sources[c.source].model_dump(exclude_none=True)
                          for c in rule.citations}
    return details


@rules_app.command(epilog="Example: cramp-triage rules show RF-DVT")
def show(
    rule_id: str = typer.Argument(..., metavar="ID", help="The rule id, e.g. RF-DVT."),
    json_output: bool = typer.Option(False, "--json", help="Print the rule as JSON."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Show everything about one rule, and which rules feed it and which it feeds.

    Provenance (purpose, explanation, encoded passage, citations, review date), conditions,
    conclusions and sources.
    """
    pack = load_pack(rules)
    if rule_id not in pack.rule_by_id:
        import difflib

        close = difflib.get_close_matches(rule_id.upper(), list(pack.rule_by_id), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `cramp-triage rules list`"
        fail(f"no rule {rule_id!r} in {pack.name}{hint}")
    details = rule_details(pack, rule_id)
    if json_output:
        print(json.dumps(details, indent=2))
        return
    import yaml

    def block(label: str, value: Any) -> None:
        if isinstance(value, str):
            text = textwrap.fill(" ".join(value.split()), 86)
        else:
            text = yaml.safe_dump(value, sort_keys=False, width=80).rstrip()
        print(f"{label}:")
        print(textwrap.indent(text, "  "))

    print(f"{details['id']}  {details['title']}")
    print(f"layer {details['layer']}, status {details['status']}, version {details['version']}, "
          f"reviewed {details['reviewed']}, stratum {details['stratum']}, in {details['file']}")
    for label in ("purpose", "explanation", "encodes"):
        if details.get(label):
            block(label, details[label])
    block("citations", details["citations"])
    block("sources", details["sources"])
    block("when", details["when"])
    block("then", details["then"])
    print(f"fed by: {', '.join(details['fed_by']) or '(answers only)'}")
    print(f"feeds:  {', '.join(details['feeds']) or '(the result only)'}")


@rules_app.command(epilog="Example: cramp-triage rules lint my-pack/   (exit code 1 when it finds errors)")
def lint(
    path: Optional[Path] = typer.Argument(None, help="A rule pack folder (default: the shipped pack, or --rules)."),
    json_output: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Check a rule pack for errors; exit code 1 when it finds any (for CI).

    Schema errors with file and rule id, unknown intake fields, duplicate ids, missing
    citations, what the rule engine cannot run (its limits, then a trial run), findings
    nothing reads, conditions nothing can produce, the questions file.
    Warnings alone exit 0; a PATH that is not a folder exits 2.
    """
    from ..tools.lint import lint_pack
    from ..pack import default_rules_path

    target = path or rules or default_rules_path()
    if not target.is_dir():
        fail(f"not a folder: {target}")
    problems = lint_pack(target)
    errors = sum(p.severity == "error" for p in problems)
    if json_output:
        print(json.dumps([asdict(p) for p in problems], indent=2))
    else:
        for problem in problems:
            print(problem)
        print(f"{target}: {errors} error(s), {len(problems) - errors} warning(s)")
    if errors:
        raise typer.Exit(EXIT_FINDINGS)


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


@rules_app.command(epilog="Example: cramp-triage rules graph --format dot | dot -Tsvg > rules.svg")
def graph(
    format: GraphFormat = typer.Option(GraphFormat.mermaid, "--format", "-f", help="mermaid or dot (Graphviz)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Draw the chaining graph of the rules, as Mermaid or Graphviz dot.

    Answers and medicines -> findings -> causes -> levels and advice; each edge is a rule
    (dashed: the rule needs the fact to be absent).
    """
    from ..tools.graph import to_dot, to_mermaid

    pack = load_pack(rules)
    print(to_mermaid(pack) if format is GraphFormat.mermaid else to_dot(pack), end="")


class RedFlagFormat(str, Enum):
    md = "md"
    json = "json"


@rules_app.command("red-flags", epilog="Example: cramp-triage rules red-flags --format md > docs/red-flags.md")
def red_flags(
    format: RedFlagFormat = typer.Option(RedFlagFormat.md, "--format", "-f", help="md (a Markdown page) or json."),
    rules: Optional[Path] = RULES_OPTION,
    region: Optional[str] = REGION_OPTION,
) -> None:
    """List every red flag: the warning sign, the rule and conditions that trigger it, the level,
    how soon to be seen (when) and the sources."""
    from ..tools.redflags import red_flag_rows, to_markdown

    pack = load_pack(rules)
    if format is RedFlagFormat.json:
        print(json.dumps(red_flag_rows(pack, region), indent=2, ensure_ascii=False))
    else:
        print(to_markdown(pack, region), end="")


@rules_app.command(epilog="Example: cramp-triage rules regions --json")
def regions(
    json_output: bool = typer.Option(False, "--json", help="Print the regions as JSON."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """List the regions --region takes: each one's emergency number and where to get help today
    (with --json, also the official pages they were checked against). The default is marked."""
    pack = load_pack(rules)
    data = {code: region.model_dump() for code, region in pack.regions.regions.items()}
    if json_output:
        print(json.dumps({"default": pack.default_region, "regions": data}, indent=2, ensure_ascii=False))
        return
    for code, region in data.items():
        print(f"{code}: {region['name']}{' (default)' if code == pack.default_region else ''}")
        print(f"  emergency: {region['emergency']}")
        print(textwrap.fill(region["urgent"], 88, initial_indent="  today:     ", subsequent_indent=" " * 13))
    print("\nThe official pages each one was checked against: cramp-triage rules regions --json")
