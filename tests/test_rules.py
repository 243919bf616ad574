"""Every active rule of the shipped pack: one intake that fires it, and near misses that do not.

The table is written by hand from each rule's meaning (not from the engine's output): a near
miss changes one answer just across the rule's edge (10 vs 11 minutes, yes vs no, a medicine of
another class, a red flag that must silence self-care). A rule added to the pack without a row
here fails ``test_table_covers_every_active_rule``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cramp_triage import Triager
from cramp_triage.tools.reference import ReferenceEvaluator

Answers = dict[str, Any]


@dataclass(frozen=True)
class Row:
    rule: str
    fires: Answers
    misses: tuple[Answers, ...]


TYPICAL: Answers = {"duration_minutes": 3, "locations": ["calf"], "during_sleep": True}

TABLE: tuple[Row, ...] = (
    # --- red flags ---------------------------------------------------------------------------
    Row("RF-PE", {"leg_swelling": True, "breathless_or_chest_pain": True},
        ({"leg_swelling": True, "breathless_or_chest_pain": False},
         {"leg_swelling": True},
         {"leg_swelling": False, "red_warm_skin": False, "breathless_or_chest_pain": True})),
    Row("RF-BREATHLESS", {"breathless_or_chest_pain": True},
        ({"breathless_or_chest_pain": False}, {"leg_swelling": True, "red_warm_skin": True})),
    Row("RF-DVT", {"red_warm_skin": True},
        ({"leg_swelling": False, "red_warm_skin": False}, {"breathless_or_chest_pain": True})),
    Row("RF-LONG-NOT-EASING", {"duration_minutes": 11, "eases_with_movement": False},
        ({"duration_minutes": 11, "eases_with_movement": True},
         {"duration_minutes": 10, "eases_with_movement": False},
         {"duration_minutes": 11})),
    Row("RF-LONG", {"duration_minutes": 11, "eases_with_movement": True},
        ({"duration_minutes": 10, "eases_with_movement": True}, {"eases_with_movement": True},
         # not easing is the urgent flag's case, listed once
         {"duration_minutes": 11, "eases_with_movement": False})),
    Row("RF-TOXIN", {"toxin_or_wound_exposure": True}, ({"toxin_or_wound_exposure": False},)),
    Row("RF-WEAKNESS", {"muscle_weakness": True}, ({"muscle_weakness": False}, {"numbness": True})),
    Row("RF-NUMBNESS", {"numbness": True}, ({"numbness": False}, {"muscle_weakness": True})),
    Row("RF-CLAUDICATION", {"pain_when_walking": True}, ({"pain_when_walking": False},)),
    Row("RF-SLEEP", {"sleep_disrupted": True}, ({"sleep_disrupted": False}, {"during_sleep": True})),
    Row("RF-FREQUENT", {"cramps_per_week": 4}, ({"cramps_per_week": 3},)),
    Row("RF-PERSISTENT", {"persistent": True}, ({"persistent": False},)),
    Row("RF-NERVE", {"nerve_symptoms": True}, ({"nerve_symptoms": False}, {"numbness": True})),
    # --- risk factors and observations -------------------------------------------------------
    Row("RK-PREGNANCY", {"pregnant": True}, ({"pregnant": False},)),
    Row("RK-LIVER", {"liver_disease": True}, ({"liver_disease": False}, {"kidney_disease": True})),
    Row("RK-KIDNEY", {"kidney_disease": True}, ({"kidney_disease": False}, {"liver_disease": True})),
    Row("RK-THYROID", {"underactive_thyroid": True}, ({"underactive_thyroid": False},)),
    Row("RK-NEUROPATHY", {"diabetes": True}, ({"diabetes": False},)),
    Row("RK-FLUIDS", {"low_fluid_intake": True}, ({"low_fluid_intake": False}, {"intense_exercise": True})),
    Row("RK-EXERCISE", {"intense_exercise": True}, ({"intense_exercise": False}, {"poor_diet": True})),
    Row("RK-DIET", {"poor_diet": True}, ({"poor_diet": False}, {"low_fluid_intake": True})),
    Row("RK-STATIN", {"medications": ["Zocor 40 mg"]},
        ({"medications": ["ezetimibe"]}, {"medications": ["furosemide"]})),
    Row("RK-LIPID-LOWERING", {"medications": ["fenofibrate"]},
        ({"medications": ["simvastatin"]}, {"medications": ["naproxen"]})),
    Row("RK-DIURETIC", {"medications": ["Lasix"]},
        ({"medications": ["salbutamol"]}, {"medications": ["nifedipine"]})),
    Row("RK-BETA-AGONIST", {"medications": ["Ventolin inhaler"]},
        ({"medications": ["nifedipine"]}, {"medications": ["spironolactone"]})),
    Row("RK-OTHER-MEDICINE", {"medications": ["nifedipine"]},
        ({"medications": ["paracetamol"]}, {"medications": ["atorvastatin"]})),
    Row("OB-TYPICAL", {"duration_minutes": 10, "locations": ["foot"], "during_sleep": True},
        ({"duration_minutes": 11, "locations": ["foot"], "during_sleep": True},
         {"duration_minutes": 10, "during_sleep": True},
         {"duration_minutes": 10, "locations": ["foot"], "during_sleep": False},
         {"locations": ["foot"], "during_sleep": True})),
    # --- causes ------------------------------------------------------------------------------
    Row("CA-DEHYDRATION", {"low_fluid_intake": True}, ({"low_fluid_intake": False}, {"poor_diet": True})),
    Row("CA-EXERCISE-NUTRITION", {"poor_diet": True},
        ({"poor_diet": False, "intense_exercise": False}, {"low_fluid_intake": True})),
    Row("CA-PREGNANCY", {"pregnant": True}, ({"pregnant": False},)),
    Row("CA-MEDICATION", {"medications": ["Crestor"]}, ({"medications": ["paracetamol", "vitamin D"]},)),
    Row("CA-LIVER", {"liver_disease": True}, ({"liver_disease": False},)),
    Row("CA-NERVE", {"nerve_symptoms": True}, ({"nerve_symptoms": False}, {"numbness": True})),
    Row("CA-OTHER-CONDITION", {"underactive_thyroid": True},
        ({"underactive_thyroid": False, "kidney_disease": False, "diabetes": False}, {"liver_disease": True})),
    Row("CA-IDIOPATHIC", {"pregnant": False, "numbness": True, "medications": ["paracetamol"]},
        ({"pregnant": True}, {"medications": ["Lipitor"]}, {"low_fluid_intake": True},
         {"medications": ["chamomile tea"]})),
    Row("CA-MEDICINE-UNCHECKED", {"medications": ["chamomile tea", "paracetamol"]},
        ({"medications": ["paracetamol"]}, {"medications": ["stopped chamomile tea"]}, {"medications": ["none"]})),
    # --- levels ------------------------------------------------------------------------------
    Row("LV-EMERGENCY", {"breathless_or_chest_pain": True},
        ({"leg_swelling": True}, {"breathless_or_chest_pain": False})),
    Row("LV-URGENT", {"toxin_or_wound_exposure": True}, ({"numbness": True}, {"toxin_or_wound_exposure": False})),
    Row("LV-SEE-DOCTOR", {"cramps_per_week": 7}, ({"cramps_per_week": 1}, {"pregnant": True})),
    # LV-SELF-CARE is the floor every answer starts from: it has no near miss (see below).
    Row("LV-SELF-CARE", {}, ()),
    # --- advice ------------------------------------------------------------------------------
    Row("SC-REASSURE", TYPICAL,
        ({**TYPICAL, "red_warm_skin": True}, {**TYPICAL, "duration_minutes": 12},
         {**TYPICAL, "muscle_weakness": True})),
    Row("SC-STRETCH", {"sleep_disrupted": True},
        ({"leg_swelling": True}, {"breathless_or_chest_pain": True}, {"numbness": True},
         {"muscle_weakness": True})),
    Row("SC-FLUIDS", {"intense_exercise": True},
        ({"intense_exercise": True, "toxin_or_wound_exposure": True},)),
    Row("SC-DIET", {"poor_diet": True},
        ({"poor_diet": True, "duration_minutes": 15, "eases_with_movement": False},)),
    Row("SC-RELAX", {"sleep_disrupted": True},
        ({"sleep_disrupted": True, "red_warm_skin": True},)),
    Row("AD-SEE-EMERGENCY", {"breathless_or_chest_pain": True},
        ({"leg_swelling": True}, {"breathless_or_chest_pain": False})),
    Row("AD-SEE-URGENT", {"red_warm_skin": True},
        ({"red_warm_skin": True, "breathless_or_chest_pain": True}, {"numbness": True})),
    Row("AD-SEE-GP", {"numbness": True},
        ({"numbness": True, "leg_swelling": True}, {"numbness": False},
         # a more specific GP referral says why already
         {"numbness": True, "persistent": True}, {"numbness": True, "nerve_symptoms": True})),
    Row("AD-PERSISTENT", {"persistent": True},
        ({"persistent": False}, {"cramps_per_week": 6}, {"persistent": True, "red_warm_skin": True})),
    Row("AD-MEDICINE-REVIEW", {"medications": ["HCTZ 25mg"]},
        ({"medications": ["omeprazole"]}, {"medications": ["HCTZ 25mg"], "leg_swelling": True})),
    Row("AD-MEDICINE-CHECK", {"medications": ["xyzzy"]},
        ({"medications": ["Lasix"]}, {"medications": ["xyzzy"], "red_warm_skin": True})),
    Row("AD-PREGNANCY", {"pregnant": True}, ({"pregnant": False}, {"pregnant": True, "leg_swelling": True})),
    Row("AD-LIVER", {"liver_disease": True},
        ({"liver_disease": False}, {"liver_disease": True, "breathless_or_chest_pain": True})),
    Row("AD-NERVE-DOCTOR", {"nerve_symptoms": True},
        ({"nerve_symptoms": False}, {"nerve_symptoms": True, "toxin_or_wound_exposure": True})),
    Row("AD-CHIROPRACTOR", {"nerve_symptoms": True},
        ({"nerve_symptoms": True, "leg_swelling": True},
         {"nerve_symptoms": True, "breathless_or_chest_pain": True},
         {"nerve_symptoms": False})),
    Row("AD-CONDITION", {"kidney_disease": True},
        ({"kidney_disease": False}, {"liver_disease": True}, {"kidney_disease": True, "red_warm_skin": True})),
)

# Rules whose only condition is "there is an intake": they fire on every answer, so no near
# miss exists; they are checked against every intake of the table instead.
ALWAYS = {"LV-SELF-CARE"}


def _fired(triager: Triager, answers: Answers) -> list[str]:
    return [step.rule for step in triager.triage(answers).trace]


def test_table_covers_every_active_rule(pack):
    assert {row.rule for row in TABLE} == {rule.id for rule in pack.active_rules}


def test_every_rule_but_the_floor_has_a_near_miss():
    assert {row.rule for row in TABLE if not row.misses} == ALWAYS


def test_always_rules_have_only_bare_intake_conditions(pack):
    for rule_id in ALWAYS:
        rule = pack.rule_by_id[rule_id]
        assert all(p.intake == {} for p in rule.when), rule_id


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.rule)
def test_rule_fires(triager, row):
    assert row.rule in _fired(triager, row.fires), row.fires


@pytest.mark.parametrize("row", [r for r in TABLE if r.misses], ids=lambda row: row.rule)
def test_rule_does_not_fire_on_near_miss(triager, row):
    for answers in row.misses:
        assert row.rule not in _fired(triager, answers), answers


@pytest.mark.parametrize("rule_id", sorted(ALWAYS))
def test_always_rules_fire_on_every_intake(triager, rule_id):
    for row in TABLE:
        for answers in (row.fires, *row.misses):
            assert rule_id in _fired(triager, answers), answers


def test_engine_and_reference_agree_on_every_table_intake(triager, reference: ReferenceEvaluator):
    """The durable-rules chain and the plain-Python reading of the pack fire the same rules."""
    for row in TABLE:
        for answers in (row.fires, *row.misses):
            result = triager.triage(answers)
            expected = reference.evaluate(answers)
            assert {step.rule for step in result.trace} == expected.fired, answers
            assert result.level.value == expected.level, answers


def test_each_firing_cites_its_rules_citations(triager, pack):
    for row in TABLE:
        for step in triager.triage(row.fires).trace:
            cited = pack.rule_by_id[step.rule].citations
            assert [(c.source, c.section) for c in step.citations] == [(c.source, c.section) for c in cited]
            assert [c.url for c in step.citations] == [pack.manifest.sources[c.source].url for c in cited]
            assert step.title == pack.rule_by_id[step.rule].title
