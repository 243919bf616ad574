"""The chaining graph of a rule pack: intake answers and medicines -> findings -> causes ->
levels and advice, one edge per rule from what it reads to what it concludes (dashed for
``not``). Rendered as Mermaid or Graphviz dot by ``cramp-triage rules graph``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..pack.conditions import selector_attributes
from ..pack import RulePack

KINDS = ("intake", "medication", "finding", "cause", "level", "see", "self_care")
KIND_TITLES = {"intake": "Answers", "medication": "Medicines", "finding": "Findings", "cause": "Causes",
               "level": "Levels", "see": "Whom to see", "self_care": "Self-care"}


@dataclass(frozen=True)
class Edge:
    source: tuple[str, str]  # (kind, name)
    target: tuple[str, str]
    rule: str
    negated: bool


def edges(pack: RulePack) -> list[Edge]:
    found: list[Edge] = []
    for rule in pack.active_rules:
        targets = [(c.kind, c.name) for c in rule.then]
        for pattern in rule.when:
            target, negated = (pattern.negated, True) if pattern.negated is not None else (pattern, False)
            if target.fact_kind is None:
                sources = [("intake", f) for group in target.intake_groups() for f in group]
            elif target.fact_kind == "medication":
                sources = [("medication", str(g))
                           for g in selector_attributes("medication", target.selector).get("group", [])]
            else:
                sources = sorted(pack.matching_facts(target))
            found += [Edge(source, t, rule.id, negated) for source in dict.fromkeys(sources) for t in targets]
    return found


def _node_id(node: tuple[str, str]) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{node[0]}_{node[1]}")


def _nodes(all_edges: list[Edge]) -> dict[str, list[tuple[str, str]]]:
    by_kind: dict[str, list[tuple[str, str]]] = {kind: [] for kind in KINDS}
    for edge in all_edges:
        for node in (edge.source, edge.target):
            if node not in by_kind[node[0]]:
                by_kind[node[0]].append(node)
    return by_kind


def to_mermaid(pack: RulePack) -> str:
    all_edges = edges(pack)
    lines = ["flowchart LR"]
    for kind, nodes in _nodes(all_edges).items():
        if nodes:
            lines.append(f"  subgraph sg_{kind}[\"{KIND_TITLES[kind]}\"]")
            lines += [f'    {_node_id(n)}["{n[1]}"]' for n in nodes]
            lines.append("  end")
    for e in all_edges:
        arrow = f"-.->|not {e.rule}|" if e.negated else f"-->|{e.rule}|"
        lines.append(f"  {_node_id(e.source)} {arrow} {_node_id(e.target)}")
    return "\n".join(lines) + "\n"


def to_dot(pack: RulePack) -> str:
    all_edges = edges(pack)
    lines = [f'digraph "{pack.name}" {{', "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
    for kind, nodes in _nodes(all_edges).items():
        if nodes:
            lines.append(f'  subgraph cluster_{kind} {{ label="{KIND_TITLES[kind]}";')
            lines += [f'    {_node_id(n)} [label="{n[1]}"];' for n in nodes]
            lines.append("  }")
    for e in all_edges:
        style = ', style=dashed, label="not ' + e.rule + '"' if e.negated else f', label="{e.rule}"'
        lines.append(f"  {_node_id(e.source)} -> {_node_id(e.target)} [fontsize=8{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
