"""`cramp-triage explain`, `rules list|show|lint|graph` and `schema`, through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, copy_pack, run, write_yaml

import cramp_triage
from cramp_triage import Intake, RulePack, TriageResult, default_rules_path, triage
from cramp_triage.cli.app import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK
from cramp_triage.yamlfile import read_yaml


@pytest.fixture(scope="module")
def shipped() -> RulePack:
    return RulePack.load(default_rules_path())


# -- explain ---------------------------------------------------------------------------------


def test_explain_follows_the_trace_with_provenance(shipped: RulePack) -> None:
    result = run("explain", "--leg-swelling", "one_leg", "--duration", "3", "--json")
    assert result.exit_code == EXIT_OK, result.stderr
    data = json.loads(result.stdout)
    trace = triage({"leg_swelling": "one_leg", "duration_minutes": 3}).trace
    assert [s["rule"] for s in data["steps"]] == [t.rule for t in trace]
    for step in data["steps"]:
        rule = shipped.rule_by_id[step["rule"]]
        assert step["encodes"] == rule.encodes
        assert [s["title"] for s in step["sources"]] == [shipped.manifest.sources[c.source].title
                                                         for c in rule.citations]
    unknown = {item["field"]: item["could_change"] for item in data["unknown_that_matter"]}
    # At `urgent`, breathlessness can still raise the level; diet can only add a cause.
    assert "level" in unknown["breathless_or_chest_pain"]
    assert "level" not in unknown["poor_diet"] and "causes" in unknown["poor_diet"]
    assert "leg_swelling" not in unknown and "duration_minutes" not in unknown
    # red_warm_skin leads to the same finding as leg_swelling, which is already there.
    assert "red_warm_skin" not in unknown


def test_explain_text_lists_every_firing_in_order() -> None:
    result = run("explain", "--pregnant", "--location", "calf")
    assert result.exit_code == EXIT_OK
    trace = triage({"pregnant": True, "locations": ["calf"]}).trace
    positions = [result.stdout.index(f". {step.rule}  ") for step in trace]
    assert positions == sorted(positions)
    assert "Unknown answers that could have changed the outcome" in result.stdout


# -- rules -----------------------------------------------------------------------------------


def test_rules_list_shows_every_rule(shipped: RulePack) -> None:
    result = run("rules", "list")
    assert result.exit_code == EXIT_OK
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert ids == [rule.id for rule in shipped.rules]
    listed = json.loads(run("rules", "list", "--json").stdout)
    assert {row["id"]: row["layer"] for row in listed} == {r.id: r.layer for r in shipped.rules}


def test_rules_show_gives_provenance_and_neighbours(shipped: RulePack) -> None:
    data = json.loads(run("rules", "show", "LV-URGENT", "--json").stdout)
    urgent_flags = {r.id for r in shipped.active_rules for c in r.then
                    if c.kind == "finding" and shipped.terms.findings[c.name].level == "urgent"}
    assert urgent_flags and urgent_flags <= set(data["fed_by"])
    assert data["citations"] and data["file"] == "levels.yaml"
    dvt = json.loads(run("rules", "show", "RF-DVT", "--json").stdout)
    assert "LV-URGENT" in dvt["feeds"] and dvt["fed_by"] == []
    text = run("rules", "show", "RF-PERSISTENT").stdout
    assert shipped.rule_by_id["RF-PERSISTENT"].encodes in " ".join(text.split())


def test_rules_show_unknown_id_suggests_close_ones() -> None:
    result = run("rules", "show", "RF-DVX")
    assert_one_line_error(result, EXIT_BAD_INPUT)
    assert "RF-DVT" in result.stderr


def test_lint_passes_the_shipped_pack() -> None:
    result = run("rules", "lint")
    assert result.exit_code == EXIT_OK, result.stdout
    assert "0 error(s)" in result.stdout


def _edit_rules(pack: Path, file: str, edit) -> None:  # type: ignore[no-untyped-def]
    data = read_yaml(pack / file)
    edit(data["rules"])
    write_yaml(pack / file, data)


def test_lint_reports_schema_problems_with_file_and_rule(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)

    def break_rules(rules: list[dict]) -> None:  # type: ignore[type-arg]
        rules[0]["citations"] = []
        rules[1]["when"] = [{"intake": {"leg_swollen": True}}]
        rules.append(dict(rules[2]))

    _edit_rules(pack, "red-flags.yaml", break_rules)
    result = run("rules", "lint", str(pack))
    assert result.exit_code == EXIT_FINDINGS
    lines = result.stdout.splitlines()
    assert any(line.startswith("red-flags.yaml: RF-PE: citations") for line in lines)
    assert any("RF-BREATHLESS" in line and "unknown intake field 'leg_swollen'" in line for line in lines)
    assert any("RF-DVT" in line and "duplicate rule id" in line for line in lines)


def test_lint_reports_chaining_problems(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    terms = read_yaml(pack / "terms.yaml")
    terms["findings"]["rf_orphan"] = {"label": "An orphan", "kind": "risk_factor"}
    terms["findings"]["rf_never"] = {"label": "Never concluded", "kind": "risk_factor"}
    write_yaml(pack / "terms.yaml", terms)

    def add(rules: list[dict]) -> None:  # type: ignore[type-arg]
        base = {k: v for k, v in rules[0].items() if k not in ("id", "when", "then", "encodes")}
        rules.append({**base, "id": "RK-ORPHAN", "when": [{"intake": {"poor_diet": True}}],
                      "then": [{"finding": "rf_orphan"}]})
        rules.append({**base, "id": "RK-DEAD", "when": [{"finding": "rf_never"}],
                      "then": [{"finding": "rf_poor_diet"}]})

    _edit_rules(pack, "risk-factors.yaml", add)
    result = run("rules", "lint", "--json", str(pack))
    assert result.exit_code == EXIT_FINDINGS
    problems = json.loads(result.stdout)
    errors = [(p["where"], p["message"]) for p in problems if p["severity"] == "error"]
    assert any(w == "risk-factors.yaml: RK-ORPHAN" and "rf_orphan" in m and "no active rule reads" in m
               for w, m in errors)
    assert any(w == "risk-factors.yaml: RK-DEAD" and "can never hold" in m for w, m in errors)
    assert any(p["severity"] == "warning" and "rf_never" in p["message"] for p in problems)


def test_lint_of_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert_one_line_error(run("rules", "lint", str(tmp_path / "nope")), EXIT_BAD_INPUT)


def test_lint_checks_the_questions_file(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    questions = read_yaml(pack / "questions.yaml")
    del questions["questions"]["pregnant"]
    questions["questions"]["pregnancy"] = {"ask": "Pregnant?"}
    write_yaml(pack / "questions.yaml", questions)
    result = run("rules", "lint", str(pack))
    assert result.exit_code == EXIT_FINDINGS
    assert "'pregnant'" in result.stdout and "pregnancy: error: not an intake field" in result.stdout


@pytest.mark.parametrize("fmt, first", [("mermaid", "flowchart LR"), ("dot", 'digraph "cramp-triage-core" {')])
def test_graph_has_an_edge_for_every_active_rule(shipped: RulePack, fmt: str, first: str) -> None:
    result = run("rules", "graph", "--format", fmt)
    assert result.exit_code == EXIT_OK
    assert result.stdout.splitlines()[0] == first
    for rule in shipped.active_rules:
        has_input = any(p.fact_kind is not None or any(g for g in p.intake_groups()) or p.negated is not None
                        for p in rule.when)
        if has_input:
            assert f"{rule.id}" in result.stdout, rule.id
    # dashed edges for `not`: CA-IDIOPATHIC needs the other causes to be absent
    assert ("not CA-IDIOPATHIC" in result.stdout)


def test_every_command_takes_rules(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing")
    for args in (["explain"], ["rules", "list"], ["rules", "show", "RF-DVT"], ["rules", "graph"],
                 ["schema", "intake"], ["schema", "result"]):
        assert_one_line_error(run(*args, "--rules", missing), EXIT_BAD_INPUT)
    pack = str(copy_pack(tmp_path))
    for args in (["explain", "--no-input"], ["rules", "list"], ["rules", "graph"], ["schema", "intake"]):
        assert run(*args, "--rules", pack).exit_code == EXIT_OK, args


# -- schema ----------------------------------------------------------------------------------


def test_schemas_are_the_models_schemas_with_id_and_version() -> None:
    for name, model in (("intake", Intake), ("result", TriageResult)):
        published = json.loads(run("schema", name).stdout)
        assert published.pop("$schema") == "https://json-schema.org/draft/2020-12/schema"
        assert published.pop("$id") == f"urn:cramp-triage:schema:{name}:{cramp_triage.__version__}"
        assert published.pop("version") == cramp_triage.__version__
        assert published == model.model_json_schema()


def test_the_docs_show_the_current_graph_of_the_shipped_pack():
    # docs/rule-pack.md renders `rules graph`; a rule change must regenerate it (see that page).
    readme = (Path(__file__).parents[1] / "docs" / "rule-pack.md").read_text(encoding="utf-8")
    shown = readme.split("```mermaid\n", 1)[1].split("```", 1)[0]
    result = run("rules", "graph", "--format", "mermaid")
    assert result.exit_code == 0
    assert shown.strip() == result.stdout.strip()


# -- red flags -------------------------------------------------------------------------------


def test_the_red_flag_page_is_the_current_output_of_the_command(shipped: RulePack) -> None:
    # docs/red-flags.md is `rules red-flags --format md`: a rule or term change must regenerate it.
    page = (Path(__file__).parents[1] / "docs" / "red-flags.md").read_text(encoding="utf-8")
    result = run("rules", "red-flags", "--format", "md")
    assert result.exit_code == EXIT_OK
    assert page == result.stdout, "regenerate: cramp-triage rules red-flags --format md > docs/red-flags.md"


def test_the_red_flag_table_lists_every_red_flag_with_its_level_and_when(shipped: RulePack) -> None:
    rows = json.loads(run("rules", "red-flags", "--format", "json").stdout)
    assert {row["finding"] for row in rows} == set(shipped.red_flags)
    for row in rows:
        term = shipped.terms.findings[row["finding"]]
        assert (row["level"], row["when"]) == (term.level.value, term.when.value)
        assert row["sources"] and row["trigger"]
    ranks = [{"emergency": 0, "urgent": 1, "see_professional": 2}[row["level"]] for row in rows]
    assert ranks == sorted(ranks)
    chiro = [row for row in rows if row["rule"] == "RF-LONG-EASING-UNKNOWN"]
    assert chiro and "not answered" in chiro[0]["trigger"]
