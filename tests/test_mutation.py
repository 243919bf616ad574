"""Mutation testing of the shipped pack: every rule deleted, every threshold moved and every
yes/no test flipped must be noticed by the rule-level assertions (tests/test_rules.py) or the
shipped scenarios (examples/scenarios). The whole run takes seconds, so CI runs every mutant;
``benchmarks/mutation.py`` adds the invariant checks and prints the per-check scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from cramp_triage.tools.mutation import FiringCase, firing_check, mutants, run_mutation, scenario_check
from cramp_triage.pack import INTAKE_FIELD_KINDS
from test_rules import TABLE

SCENARIOS = Path(__file__).parents[1] / "examples" / "scenarios"


def table_cases() -> list[FiringCase]:
    """tests/test_rules.py's table as data: each row's rule fires on its intake, not on its misses."""
    cases = []
    for row in TABLE:
        cases.append(FiringCase(row.fires, fires=frozenset({row.rule}), name=f"{row.rule} fires"))
        cases.extend(FiringCase(miss, not_fires=frozenset({row.rule}), name=f"{row.rule} near miss")
                     for miss in row.misses)
    return cases


@pytest.fixture(scope="module")
def report(pack):
    checks = [firing_check(table_cases())]
    if SCENARIOS.is_dir():
        checks.append(scenario_check([SCENARIOS], pack))
    return run_mutation(pack, checks)


def test_every_rule_deletion_is_caught(report, pack):
    deletions = [o for o in report.outcomes if o.mutant.kind == "delete"]
    assert len(deletions) == len(pack.active_rules)
    assert report.survivors("delete") == []


def test_every_threshold_move_is_caught(report):
    assert [o for o in report.outcomes if o.mutant.kind == "threshold"]
    assert report.survivors("threshold") == []


def test_boolean_flips_are_caught(report):
    survivors = report.survivors("flip")
    assert not survivors, [m.description for m in survivors]


def test_scenarios_alone_catch_every_deletion_and_threshold_move(report):
    if not SCENARIOS.is_dir():
        pytest.skip("no shipped scenarios")
    assert report.survivors("delete", "threshold", label="shipped scenarios") == []


# --- the mutant generator itself ------------------------------------------------------------------


def _tests(pack):
    for rule in pack.active_rules:
        for pattern in rule.when:
            for group in pattern.intake_groups():
                yield from group.items()


def test_one_threshold_mutant_per_direction_and_strictness(pack):
    numeric = [test for name, test in _tests(pack)
               if INTAKE_FIELD_KINDS[name] == "number" and test.operator != "known"]  # known: a flip
    strict_swappable = [t for t in numeric if t.operator in ("gt", "gte", "lt", "lte")]
    made = [m for m in mutants(pack, ["threshold"])]
    assert len(made) == 2 * len(numeric) + len(strict_swappable)
    assert any("RF-LONG: duration_minutes gt 10 -> gt 11" == m.description for m in made)
    assert any("RF-FREQUENT: cramps_per_week gte 4 -> gt 4" == m.description for m in made)


def test_a_mutant_changes_exactly_one_test(pack):
    mutant = next(m for m in mutants(pack, ["flip"]) if m.description.startswith("RF-PE: red_warm_skin"))
    before, after = pack.rule_by_id["RF-PE"], mutant.pack.rule_by_id["RF-PE"]
    assert before.when[0].any_intake[1]["red_warm_skin"] is True
    assert after.when[0].any_intake[1]["red_warm_skin"] is False
    assert after.when[1:] == before.when[1:] and after.when[0].any_intake[:1] == before.when[0].any_intake[:1]
    assert [r.id for r in mutant.pack.rules] == [r.id for r in pack.rules]
    assert pack.rule_by_id["RF-PE"].when[0].any_intake[1]["red_warm_skin"] is True  # the original is untouched


def test_a_choice_test_is_moved_to_each_other_answer(pack):
    made = {m.description for m in mutants(pack, ["flip"]) if m.description.startswith("RF-PE: leg_swelling")}
    assert made == {"RF-PE: leg_swelling one_leg -> both_legs", "RF-PE: leg_swelling one_leg -> none"}
    made = {m.description for m in mutants(pack, ["flip"]) if m.description.startswith("RF-SWELLING-PREGNANCY: leg")}
    assert made == {"RF-SWELLING-PREGNANCY: leg_swelling neq none -> neq one_leg",
                    "RF-SWELLING-PREGNANCY: leg_swelling neq none -> neq both_legs"}


def test_a_weak_suite_lets_mutants_survive(pack):
    only_frequent = [FiringCase({"cramps_per_week": 4}, fires=frozenset({"RF-FREQUENT"}))]
    weak = run_mutation(pack, [firing_check(only_frequent)], kinds=["delete", "threshold"])
    survived = {m.description for m in weak.survivors()}
    assert "delete RF-FREQUENT" not in survived
    assert "RF-FREQUENT: cramps_per_week gte 4 -> gte 5" not in survived
    assert "RF-FREQUENT: cramps_per_week gte 4 -> gte 3" in survived  # 4 still fires: not noticed
    assert "delete RF-PE" in survived
    assert 0 < weak.score < 0.2


def test_a_suite_that_fails_on_the_unmutated_pack_is_refused(pack):
    from cramp_triage import CrampTriageError

    wrong = [FiringCase({}, fires=frozenset({"RF-PE"}))]
    with pytest.raises(CrampTriageError):
        run_mutation(pack, [firing_check(wrong)], kinds=["delete"])
