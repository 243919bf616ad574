"""Rule packs made for a test: a copy of the shipped pack with rules (and findings) added."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli_helpers import copy_pack, write_yaml
from cramp_triage.yamlfile import read_yaml


def rule(rule_id: str, when: list[dict[str, Any]], then: list[dict[str, Any]] | None = None,
         layer: str = "finding") -> dict[str, Any]:
    """A rule with valid provenance; by default it concludes the shipped finding ``numbness``."""
    return {"id": rule_id, "title": "A rule made for a test", "version": "1.0", "status": "active", "layer": layer,
            "purpose": "Test the engine.", "explanation": "Made for a test.", "citations": [{"source": "NICE-CKS"}],
            "reviewed": "2026-11-25", "when": when, "then": then or [{"finding": "numbness"}]}


def pack_with(tmp_path: Path, rules: list[dict[str, Any]], findings: list[str] = (), per_file: int = 0) -> Path:
    """The shipped pack plus ``rules`` (in files of their own, ``per_file`` rules to a file) and
    observation ``findings``."""
    pack_dir = copy_pack(tmp_path)
    if findings:
        terms = read_yaml(pack_dir / "terms.yaml")
        terms["findings"].update({name: {"label": name, "kind": "observation"} for name in findings})
        write_yaml(pack_dir / "terms.yaml", terms)
    manifest = read_yaml(pack_dir / "pack.yaml")
    size = per_file or max(1, len(rules))
    for start in range(0, max(1, len(rules)), size):
        name = "extra.yaml" if start == 0 else f"extra-{start // size}.yaml"
        write_yaml(pack_dir / name, {"rules": rules[start:start + size]})
        manifest["rule_files"].append(name)
    write_yaml(pack_dir / "pack.yaml", manifest)
    return pack_dir


def wide_join_pack(tmp_path: Path, width: int = 17) -> Path:
    """A lint-clean pack whose rule CA-WIDE-JOIN joins ``width`` findings, each concluded by its own
    rule when the person is pregnant: durable-rules fails with error 307 from 17 (issue 15, item 2)."""
    names = [f"sign_{i}" for i in range(width)]
    producers = [rule(f"OB-SIGN-{i}", [{"intake": {"pregnant": True}}], [{"finding": name}])
                 for i, name in enumerate(names)]
    join = rule("CA-WIDE-JOIN", [{"finding": name} for name in names], [{"cause": "other_condition"}], layer="cause")
    return pack_with(tmp_path, producers + [join], names)
