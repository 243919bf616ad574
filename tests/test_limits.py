"""A pack is proved runnable before it runs (issue 15, item 3): every limit of durable-rules is
checked when a Triager is built and by `rules lint`, naming the rule; what the checks cannot
prove is tried in a child process under a time limit, once per pack content. Each pack below
is lint-clean apart from the limit it reaches, at the size the issue found it."""

from __future__ import annotations

import copy
import re
import threading
import time
from dataclasses import replace

import pytest

from cli_helpers import run
from pack_helpers import pack_with, rule, wide_join_pack
from cramp_triage import RulePack, RulePackError, Triager, default_rules_path
from cramp_triage.engine import compile_pack, limits, runnable

BOOLEANS = ["pregnant", "liver_disease", "kidney_disease", "underactive_thyroid", "diabetes", "low_fluid_intake",
            "intense_exercise", "poor_diet", "nerve_symptoms", "numbness", "muscle_weakness", "dark_urine",
            "red_warm_skin", "pain_when_walking", "toxin_or_wound_exposure", "sleep_disrupted"]


def refused(pack_dir, lint: bool = True) -> str:
    """The error building a Triager gives, which must also be what `rules lint` reports."""
    started = time.monotonic()
    with pytest.raises(RulePackError) as caught:
        Triager(pack_dir)
    assert time.monotonic() - started < 30  # refused, not run into the engine's endless loop
    if not lint:
        return str(caught.value)
    result = run("rules", "lint", str(pack_dir))
    assert result.exit_code == 1
    for problem in caught.value.problems:
        assert f"{problem.loc}: error: {problem.message}" in result.stdout
    return str(caught.value)


def test_492_thresholds_on_one_field_are_refused_not_hung(tmp_path):
    rules = [rule(f"OB-T-{i}", [{"intake": {"duration_minutes": {"gt": round(0.5 + i / 1000, 3)}}}]) for i in range(492)]
    message = refused(pack_with(tmp_path, rules))
    # The shipped pack's own tests on the intake count too, so which added rule is the 512th
    # depends on the pack: the message names it, the total and the field.
    found = re.search(r'extra\.yaml: OB-T-\d+: (\d+) tests follow the test fact eq "intake" \((\d+) on duration_minutes',
                      message)
    assert found and int(found[1]) > 511 and int(found[2]) > 490, message


def test_a_5000_rule_pack_is_refused_not_hung(tmp_path):
    rules = [rule(f"OB-M-{i}", [{"intake": {"cramps_per_week": i % 500, "duration_minutes": {"gt": i}}}])
             for i in range(5000)]
    message = refused(pack_with(tmp_path, rules, per_file=1000), lint=False)  # lint reads it the same way
    assert "tests follow the test fact eq \"intake\"" in message and "extra.yaml: OB-M-" in message


def test_too_many_neq_tests_in_one_rule_are_refused(tmp_path):  # error 113
    message = refused(pack_with(tmp_path, [rule("OB-NEQ", [{"intake": {f: {"neq": False} for f in BOOLEANS[:15]}}])]))
    assert "extra.yaml: OB-NEQ: a condition needs 32 engine expressions; the engine allows 31" in message
    Triager(pack_with(tmp_path / "fourteen", [rule("OB-NEQ", [{"intake": {f: {"neq": False} for f in BOOLEANS[:14]}}])]))


def test_a_join_over_16_conditions_is_refused(tmp_path):  # errors 304 and 307
    assert "extra.yaml: CA-WIDE-JOIN: joins 17 conditions; the engine joins at most 16" in refused(wide_join_pack(tmp_path))
    Triager(wide_join_pack(tmp_path / "sixteen", width=16))


def test_one_fact_passing_more_than_64_tests_is_refused(tmp_path):  # error 303
    rules = [rule(f"OB-W-{i}", [{"intake": {"cramps_per_week": {"gte": i}}}]) for i in range(70)]
    message = refused(pack_with(tmp_path, rules))
    found = re.search(r'one fact can pass (\d+) tests at once, most of them after the test fact eq "intake" '
                      r'\((\d+) on cramps_per_week', message)
    assert found and int(found[1]) > 64 and int(found[2]) >= 70, message


@pytest.mark.parametrize(("threshold", "why"), [(".nan", "finite number"), (".inf", "finite number"),
                                                ("-.inf", "finite number")])
def test_a_threshold_that_is_not_a_number_is_refused_when_the_pack_loads(tmp_path, threshold, why):
    # A .nan threshold turned the long-cramp red flag off: a 30-minute cramp that does not ease was self-care.
    pack_dir = pack_with(tmp_path, [])
    text = (pack_dir / "red-flags.yaml").read_text(encoding="utf-8")
    assert "{duration_minutes: {gt: 10}" in text
    (pack_dir / "red-flags.yaml").write_text(text.replace("{duration_minutes: {gt: 10}", "{duration_minutes: {gt: "
                                                          + threshold + "}", 1), encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        RulePack.load(pack_dir)
    [problem] = [p for p in caught.value.problems if why in p.message]
    assert problem.loc.startswith("red-flags.yaml: RF-LONG-NOT-EASING: when.0.intake.duration_minutes.")
    assert problem.loc.endswith(".gt")


def test_numbers_written_with_an_exponent_reach_the_engine_as_written(tmp_path):  # errors 202 and 204
    pack_dir = pack_with(tmp_path, [rule("OB-TINY", [{"intake": {"duration_minutes": {"gt": 1e-05}}}])])
    triager = Triager(pack_dir)
    assert "OB-TINY" in [step.rule for step in triager.triage({"duration_minutes": 0.0001}).trace]
    assert "OB-TINY" not in [step.rule for step in triager.triage({"duration_minutes": 0.000001}).trace]


def test_a_whole_number_past_64_bits_is_refused(tmp_path):
    message = refused(pack_with(tmp_path, [rule("OB-BIG", [{"intake": {"cramps_per_week": {"eq": 2**64}}}])]))
    assert "extra.yaml: OB-BIG: the number 18446744073709551616 is too large for the engine" in message


def test_the_shipped_pack_is_within_every_limit_and_passes_its_trial(pack):
    compiled = compile_pack(pack)
    assert limits.check(compiled) == []
    assert runnable._trial(compiled) is None
    assert len(runnable.trial_intakes(compiled)) < 20


# --- the trial: what the checks cannot prove -----------------------------------------------------


def test_a_pack_the_checks_pass_but_the_engine_fails_is_refused_naming_a_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "check", lambda compiled, where=None: [])  # an engine fault nobody has listed yet
    with pytest.raises(RulePackError) as caught:
        Triager(wide_join_pack(tmp_path))
    assert "fails in the rule engine" in str(caught.value) and "error code: 307" in str(caught.value)
    [problem] = caught.value.problems
    rule_id = problem.loc.split(": ")[-1]
    assert problem.loc == f"{RulePack.load(tmp_path / 'pack').file_of(rule_id)}: {rule_id}", problem.loc
    assert problem.message.startswith(f"the rule engine failed after rule {rule_id} fired")


def test_a_pack_that_hangs_the_engine_costs_a_timeout_not_a_frozen_caller(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "check", lambda compiled, where=None: [])
    monkeypatch.setattr(runnable, "TRIAL_SECONDS", 3.0)
    rules = [rule(f"OB-T-{i}", [{"intake": {"duration_minutes": {"gt": round(0.5 + i / 1000, 3)}}}]) for i in range(492)]
    started = time.monotonic()
    with pytest.raises(RulePackError, match="did not finish running the pack within 3 s"):
        Triager(pack_with(tmp_path, rules))
    assert time.monotonic() - started < 15


def test_the_verdict_is_kept_by_content_in_this_process_and_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAMP_TRIAGE_CACHE", str(tmp_path / "cache"))
    trials = []
    original = runnable._trial
    monkeypatch.setattr(runnable, "_trial", lambda compiled: trials.append(1) or original(compiled))
    pack_dir = pack_with(tmp_path, [rule("OB-ONE", [{"intake": {"cramps_per_week": {"gte": 77}}}])])
    Triager(pack_dir)
    Triager(pack_dir)
    assert len(trials) == 1
    assert len(list((tmp_path / "cache" / "runnable").iterdir())) == 1
    monkeypatch.setattr(runnable, "_proven", set())  # a new process: only the folder remembers
    Triager(pack_dir)
    assert len(trials) == 1



def test_the_verdicts_digest_covers_every_fact_the_pack_can_assert_in_any_order(pack):
    compiled = compile_pack(pack)
    digest = runnable._digest(compiled)

    def with_facts(facts):
        other = copy.copy(pack)
        other.__dict__["possible_facts"] = facts
        return runnable._digest(replace(compiled, pack=other))

    facts = pack.possible_facts
    assert with_facts(dict(reversed(facts.items()))) == digest  # the same facts, listed otherwise
    key = next(k for k in facts if k[0] == "medication")
    changed = {**facts, key: {**facts[key], "group": "something else"}}
    assert with_facts(changed) != digest
    assert with_facts({k: v for k, v in facts.items() if k != key}) != digest


def test_with_threads_running_the_trial_runs_in_a_fresh_interpreter(tmp_path, monkeypatch):
    monkeypatch.setattr(runnable, "_in_fork", lambda compiled: pytest.fail("forked with threads running"))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(RulePackError, match="error code: 307"):
            monkeypatch.setattr(limits, "check", lambda compiled, where=None: [])
            Triager(wide_join_pack(tmp_path))
    finally:
        stop.set()
        thread.join()


def test_lint_passes_the_shipped_pack_with_the_engine_checks():
    result = run("rules", "lint", str(default_rules_path()))
    assert result.exit_code == 0, result.stdout
