"""``rules verify``: the discretised space comes from the rules, the pruning loses no behaviour,
and planted faults (a level that drops, "don't know" read as the benign answer, a missing level
rule, a missing "unanswered" rule, quinine advice, an engine that disagrees with the reference)
are found and printed as ready-to-run intakes."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from cramp_triage import RulePack, Triager, default_rules_path
from cramp_triage.cli import app
from cramp_triage.tools.reference import ReferenceEvaluator
from cramp_triage.yamlfile import read_yaml
from cramp_triage.pack.vocabulary import UNCHECKED
from cramp_triage.tools.verify import Keyer, cones, discretise, representatives, sweep, verify


def copy_pack(tmp_path: Path, name: str = "pack") -> Path:
    target = tmp_path / name
    shutil.copytree(default_rules_path(), target)
    return target


def edit_yaml(path: Path, change: Any) -> None:
    data = read_yaml(path)  # the pack's own loader (libyaml reads what PyYAML's pure loader cannot)
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def add_rule(pack_dir: Path, rule: dict[str, Any], file: str = "red-flags.yaml") -> None:
    edit_yaml(pack_dir / file, lambda data: data["rules"].append(rule))


def remove_rule(pack_dir: Path, rule_id: str, file: str) -> None:
    edit_yaml(pack_dir / file, lambda data: data.__setitem__("rules", [r for r in data["rules"] if r["id"] != rule_id]))


def rule(rule_id: str, when: list[Any], then: list[Any], layer: str = "red_flag") -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id, "version": "1", "status": "active", "layer": layer,
            "purpose": "test", "explanation": "test", "citations": [{"source": "NHS"}],
            "reviewed": "2026-11-25", "when": when, "then": then}


# --- the space ------------------------------------------------------------------------------------


def test_domains_come_from_the_rules_thresholds(pack):
    space = discretise(pack)
    # RF-LONG: gt 10 and lte 60, OB-TYPICAL: lte 10, RF-VERY-LONG: gt 60
    assert space.domains["duration_minutes"] == [None, 9, 10, 11, 59, 60, 61]
    assert space.domains["cramps_per_week"] == [None, 3, 4, 5]  # RF-FREQUENT: gte 4
    assert space.domains["age_years"] == [None, 15, 16, 17, 64, 65, 66]  # OB-CHILD lt 16, OB-ADULT-UNDER-65
    assert space.domains["leg_swelling"] == [None, "one_leg", "both_legs", "none"]
    assert space.domains["locations"][0] is None


def test_one_medicine_per_medicine_condition_plus_none_all_and_unknown(pack):
    medicines = discretise(pack).domains["medications"]
    assert medicines[0] is None
    singles = [m[0] for m in medicines[1:] if len(m) == 1]
    known = [name for name in singles if pack.reader.read(name).matches]
    groups = {pack.reader.read(name).matches[0].group for name in known} | {UNCHECKED}
    read = {p.medication for r in pack.active_rules for p in r.when if isinstance(p.medication, str)}
    assert groups == read
    assert any(pack.reader.read(name).unrecognised for name in singles)  # a name nobody knows
    assert max(medicines[1:], key=len) == singles  # a name nobody knows is read by a rule too


def test_fields_tested_together_share_a_component(pack):
    components = discretise(pack).components
    clot = next(c for c in components if "leg_swelling" in c)
    # RF-PE joins the clot signs; RF-SWELLING-PREGNANCY adds pregnancy
    assert set(clot) == {"leg_swelling", "red_warm_skin", "breathless_or_chest_pain", "pregnant"}
    assert ["age_years"] in components


def test_a_new_rule_is_covered_without_editing_verify(tmp_path):
    pack_dir = copy_pack(tmp_path)
    add_rule(pack_dir, rule("RF-VERY-FREQUENT", [{"intake": {"cramps_per_week": {"gt": 20}}}],
                            [{"finding": "frequent_cramps"}]))
    domain = discretise(RulePack.load(pack_dir)).domains["cramps_per_week"]
    assert {19, 20, 21} <= set(domain) and {3, 4, 5} <= set(domain)


# --- the pruning ----------------------------------------------------------------------------------


def test_pruning_loses_no_behaviour_on_a_sample_of_the_full_product(pack):
    """Random intakes from the full product (10^15 of them): each later rule fires for it exactly
    when it fires for the representative of its key as the rule's cone sees it, and its level is
    that of the representative of its level key."""
    space = discretise(pack)
    keyer = Keyer(pack, space)
    later, level_cone = cones(pack, keyer)
    reps = {id(cone): representatives(space, keyer, cone) for cone in [level_cone, *later]}
    reference = ReferenceEvaluator(pack)
    rng = random.Random(5)
    for _ in range(300):
        answers = {name: value for name, values in space.domains.items()
                   if (value := rng.choice(values)) is not None}
        got = reference.evaluate(answers)
        key = keyer.key(answers)
        level_rep = reps[id(level_cone)][level_cone.project(key)]
        assert got.level == reference.evaluate(level_rep).level, (answers, level_rep)
        for cone in later:
            rep = reps[id(cone)][cone.project(key)]
            assert got.fired & cone.rules == reference.evaluate(rep).fired & cone.rules, (answers, rep)


def test_every_sweep_intake_has_a_representative_in_every_cone(pack):
    space = discretise(pack)
    keyer = Keyer(pack, space)
    later, level_cone = cones(pack, keyer)
    for cone in [level_cone, *later]:
        reps = representatives(space, keyer, cone)
        assert all(cone.project(keyer.key(answers)) in reps for _, answers in sweep(space))
    assert sum(len(representatives(space, keyer, cone)) for cone in later) < space.size / 10**9


# --- the shipped pack, and planted faults -------------------------------------------------------------


def test_shipped_pack_verifies_clean(pack):
    report = verify(pack)
    assert report.ok, "\n".join(v.render() for v in report.violations)
    assert report.checked >= report.representatives > 1000
    assert report.monotone_steps > report.checked


def small_pack(tmp_path: Path, name: str = "small") -> Path:
    """The pack without its risk factors (so no cause but "idiopathic"): a quicker pack to verify.
    (Pack 1.0's small pack had no advice either; every level now needs its referral.)"""
    pack_dir = copy_pack(tmp_path, name)
    edit_yaml(pack_dir / "pack.yaml", lambda data: data.__setitem__(
        "rule_files", ["red-flags.yaml", "unanswered.yaml", "levels.yaml", "causes.yaml", "advice.yaml"]))
    return pack_dir


def test_a_level_that_drops_as_an_answer_escalates_is_caught(tmp_path):
    pack_dir = small_pack(tmp_path)
    # A (wrong) rule: a very short cramp is urgent, so 0 -> 1 minute lowers the level.
    add_rule(pack_dir, rule("RF-SHORT", [{"intake": {"duration_minutes": {"lt": 1}}}], [{"finding": "possible_dvt"}]))
    report = verify(RulePack.load(pack_dir), max_violations=500)
    monotone = [v for v in report.violations if v.kind == "monotone"]
    assert monotone, [v.render() for v in report.violations]
    assert all(v.intake.get("duration_minutes", 0) < 1 <= v.other["duration_minutes"] for v in monotone)


def test_dont_know_read_as_less_than_the_benign_answer_is_caught(tmp_path):
    """Without RF-LONG-EASING-UNKNOWN a long cramp whose easing is unknown fires no red flag at
    all, while "it eases" (the benign answer) sends it to a doctor. (Pack 1.0 read unknown as the
    benign answer, which the invariant allows; pack 2.0 goes further, to urgent, in that rule.)"""
    pack_dir = small_pack(tmp_path)
    remove_rule(pack_dir, "RF-LONG-EASING-UNKNOWN", "red-flags.yaml")
    report = verify(RulePack.load(pack_dir), max_violations=50)
    unknown = [v for v in report.violations if v.kind == "unknown"]
    assert unknown, [v.render() for v in report.violations]
    for violation in unknown:
        assert "eases_with_movement" not in violation.intake
        assert violation.other == {**violation.intake, "eases_with_movement": True}
        assert 10 < violation.intake["duration_minutes"] <= 60
        assert "benign intake: " in violation.render()


def test_a_warning_sign_question_without_its_unanswered_rule_is_caught(tmp_path):
    pack_dir = small_pack(tmp_path)
    remove_rule(pack_dir, "UN-TOXIN", "unanswered.yaml")
    report = verify(RulePack.load(pack_dir), max_violations=5)
    assert report.violations
    for violation in report.violations:
        assert violation.message == "unanswered_red_flags: missing ['toxin_or_wound_exposure'], not expected []"
        assert "toxin_or_wound_exposure" not in violation.intake


def test_a_missing_emergency_level_rule_is_caught(tmp_path):
    pack_dir = small_pack(tmp_path)
    remove_rule(pack_dir, "LV-EMERGENCY", "levels.yaml")
    report = verify(RulePack.load(pack_dir))
    messages = [v.message for v in report.violations if v.kind == "invariant"]
    assert any("emergency finding" in m for m in messages), messages
    # breathlessness, or bladder trouble with nerve signs (cauda equina): the emergency findings
    assert all(v.intake.get("breathless_or_chest_pain") is True or v.intake.get("bladder_or_bowel_change") is True
               for v in report.violations)


def test_quinine_advice_is_caught(tmp_path):
    pack_dir = copy_pack(tmp_path)
    edit_yaml(pack_dir / "terms.yaml", lambda data: data["self_care"]["fluids"].__setitem__(
        "text", "Drink a glass of tonic water before bed."))
    report = verify(RulePack.load(pack_dir), max_violations=5)
    assert report.violations
    assert {v.message for v in report.violations} == {"the result mentions quinine or tonic water at self_care.0.text"}


def test_an_engine_that_disagrees_with_the_reference_is_caught(tmp_path):
    # Verify a pack, but run it through an engine built from the same pack with one threshold
    # moved: every intake where the two differ is a disagreement.
    right, wrong = small_pack(tmp_path, "right"), small_pack(tmp_path, "wrong")
    edit_yaml(wrong / "red-flags.yaml", lambda data: next(
        r for r in data["rules"] if r["id"] == "RF-FREQUENT")["when"][0]["intake"].__setitem__(
        "cramps_per_week", {"gte": 5}))
    with Triager(RulePack.load(wrong)) as engine:
        report = verify(RulePack.load(right), triager=engine, max_violations=3)
    # (the pruning self-check notices too: equal keys, different levels)
    assert report.violations and {v.kind for v in report.violations} <= {"disagreement", "pruning"}
    assert report.violations[0].kind == "disagreement"
    assert all(v.intake.get("cramps_per_week") == 4 for v in report.violations)


# --- the command ------------------------------------------------------------------------------------


def test_cli_verify_clean_pack_exits_0(tmp_path):
    result = CliRunner().invoke(app, ["rules", "verify", "--rules", str(small_pack(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "0 violations" in result.output
    checked = int(result.output.split("checked ")[1].split()[0].replace(",", ""))
    assert checked > 50


def test_cli_verify_prints_ready_to_run_counter_examples_and_exits_1(tmp_path):
    pack_dir = small_pack(tmp_path)
    remove_rule(pack_dir, "LV-EMERGENCY", "levels.yaml")
    runner = CliRunner()
    result = runner.invoke(app, ["rules", "verify", "--rules", str(pack_dir), "--max-violations", "2"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("intake: ")]
    assert len(lines) == 2
    for line in lines:
        intake = json.loads(line.split("intake: ", 1)[1])
        (tmp_path / "intake.json").write_text(json.dumps(intake))
        rerun = runner.invoke(app, ["check", "--input", str(tmp_path / "intake.json"), "--rules", str(pack_dir), "--json"])
        assert rerun.exit_code == 0, rerun.output
        assert json.loads(rerun.stdout)["level"] != "emergency"  # the counter-example reproduces


def test_cli_verify_bad_pack_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["rules", "verify", "--rules", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "not a rule pack" in result.stderr



# --- engine bugs of the kinds in the durable-rules field guide -----------------------------------------


def _engine_with(monkeypatch, pack_dir: Path, change) -> Triager:
    """A Triager whose compiled ruleset is altered by ``change`` (CompiledPack -> CompiledPack)."""
    import cramp_triage.triager as engine_module

    original = engine_module.compile_pack
    monkeypatch.setattr(engine_module, "compile_pack", lambda pack: change(original(pack)))
    return Triager(RulePack.load(pack_dir), cache_size=0)


def test_verify_catches_a_negation_that_does_not_wait(tmp_path, monkeypatch):
    """Field guide: durable-rules does not withdraw a queued activation when the fact it negates
    arrives later. Without the stage gate, "no other cause" fires next to the nerve cause."""
    from dataclasses import replace

    def no_gates(compiled):
        rules = {rid: replace(rule, stage=None) for rid, rule in compiled.rules.items()}
        return replace(compiled, rules=rules, gates={})

    pack_dir = small_pack(tmp_path)
    with _engine_with(monkeypatch, pack_dir, no_gates) as engine:
        report = verify(RulePack.load(pack_dir), triager=engine, max_violations=200)
    disagreements = [v for v in report.violations if v.kind == "disagreement"]
    # (the same bug also lets a stretch through beside an unanswered clot sign: an invariant)
    assert any("CA-IDIOPATHIC" in v.message and v.intake.get("nerve_symptoms") is True for v in disagreements)


def test_verify_catches_a_not_pattern_placed_first(tmp_path, monkeypatch):
    """Field guide: a ``not`` pattern placed first in a rule never fires."""
    import cramp_triage.engine.compile as compile_module

    original = compile_module._patterns
    monkeypatch.setattr(compile_module, "_patterns",
                        lambda compiled: sorted(original(compiled), key=lambda p: not next(iter(p)).endswith("$not")))
    pack_dir = small_pack(tmp_path)
    with Triager(RulePack.load(pack_dir), cache_size=0) as engine:
        report = verify(RulePack.load(pack_dir), triager=engine, max_violations=3)
    assert any(v.kind == "disagreement" and "CA-IDIOPATHIC" in v.message for v in report.violations)
    assert "the result names no cause" in {v.message for v in report.violations}
