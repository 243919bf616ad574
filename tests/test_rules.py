"""Every active rule of the shipped pack: one intake that fires it, and near misses that do not.

The table is written by hand from each rule's meaning (not from the engine's output): a near
miss changes one answer just across the rule's edge (10 vs 11 minutes, yes vs no, answered vs
not, a medicine of another class, a red flag that must silence self-care). A rule with two
edges on one field (RF-LONG: over 10, up to 60 minutes) has a row for each. A rule added to the
pack without a row here fails ``test_table_covers_every_active_rule``.
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
# Every warning-sign question answered, none alarming: reassurance and the step stretch need it
# (pack 2.0: an unanswered warning-sign question is never read as "no").
CLEAR: Answers = {
    **TYPICAL, "eases_with_movement": True, "breathless_or_chest_pain": False, "leg_swelling": "none",
    "red_warm_skin": False, "toxin_or_wound_exposure": False, "bladder_or_bowel_change": False,
    "muscle_weakness": False, "numbness": False, "nerve_symptoms": False, "pain_when_walking": False,
    "sleep_disrupted": False, "cramps_per_week": 1, "persistent": False, "pregnant": False,
}
NOT_SWOLLEN: Answers = {"leg_swelling": "none", "red_warm_skin": False}
STATIN = ["Zocor 40 mg"]

TABLE: tuple[Row, ...] = (
    # --- red flags ---------------------------------------------------------------------------
    Row("RF-PE", {"leg_swelling": "one_leg", "breathless_or_chest_pain": True},
        ({"leg_swelling": "one_leg", "breathless_or_chest_pain": False},
         {"leg_swelling": "one_leg"},
         {"leg_swelling": "both_legs", "red_warm_skin": False, "breathless_or_chest_pain": True},
         {"leg_swelling": "none", "red_warm_skin": False, "breathless_or_chest_pain": True})),
    Row("RF-BREATHLESS", {"breathless_or_chest_pain": True},
        ({"breathless_or_chest_pain": False}, {"leg_swelling": "one_leg", "red_warm_skin": True})),
    Row("RF-DVT", {"red_warm_skin": True},
        ({"leg_swelling": "none", "red_warm_skin": False}, {"breathless_or_chest_pain": True},
         {"leg_swelling": "both_legs", "red_warm_skin": False})),
    Row("RF-SWELLING-PREGNANCY", {"pregnant": True, "leg_swelling": "both_legs"},
        ({"pregnant": False, "leg_swelling": "both_legs"}, {"pregnant": True, "leg_swelling": "none"},
         {"pregnant": True})),
    Row("RF-SWELLING-BOTH", {"leg_swelling": "both_legs"},
        ({"leg_swelling": "one_leg"}, {"leg_swelling": "none"}, {})),
    Row("RF-LONG-NOT-EASING", {"duration_minutes": 11, "eases_with_movement": False},
        ({"duration_minutes": 11, "eases_with_movement": True},
         {"duration_minutes": 10, "eases_with_movement": False},
         {"duration_minutes": 11})),
    Row("RF-LONG-EASING-UNKNOWN", {"duration_minutes": 11},
        ({"duration_minutes": 11, "eases_with_movement": True}, {"duration_minutes": 11, "eases_with_movement": False},
         {"duration_minutes": 10})),
    Row("RF-VERY-LONG", {"duration_minutes": 61}, ({"duration_minutes": 60}, {"eases_with_movement": True})),
    Row("RF-LONG", {"duration_minutes": 11, "eases_with_movement": True},
        ({"duration_minutes": 10, "eases_with_movement": True}, {"eases_with_movement": True},
         # not easing (or unknown) is the urgent flag's case, and over an hour the very long one's
         {"duration_minutes": 11, "eases_with_movement": False},
         {"duration_minutes": 61, "eases_with_movement": True})),
    Row("RF-LONG", {"duration_minutes": 60, "eases_with_movement": True}, ()),
    Row("RF-TOXIN", {"toxin_or_wound_exposure": True}, ({"toxin_or_wound_exposure": False},)),
    Row("RF-BLADDER-BOWEL", {"bladder_or_bowel_change": True}, ({"bladder_or_bowel_change": False},)),
    Row("RF-CAUDA-EQUINA", {"bladder_or_bowel_change": True, "nerve_symptoms": True},
        ({"bladder_or_bowel_change": True}, {"nerve_symptoms": True, "numbness": True},
         {"bladder_or_bowel_change": False, "muscle_weakness": True})),
    Row("RF-LIPID-MUSCLE", {"medications": STATIN, "muscle_pain": True},
        ({"medications": STATIN, "muscle_pain": False, "dark_urine": False}, {"muscle_pain": True},
         {"medications": ["Lasix"], "dark_urine": True})),
    Row("RF-LIPID-WEAKNESS", {"medications": ["fenofibrate"], "muscle_weakness": True},
        ({"muscle_weakness": True}, {"medications": ["fenofibrate"], "muscle_weakness": False})),
    Row("RF-WEAKNESS", {"muscle_weakness": True}, ({"muscle_weakness": False}, {"numbness": True})),
    Row("RF-NUMBNESS", {"numbness": True}, ({"numbness": False}, {"muscle_weakness": True})),
    Row("RF-CLAUDICATION", {"pain_when_walking": True}, ({"pain_when_walking": False},)),
    Row("RF-SLEEP", {"sleep_disrupted": True}, ({"sleep_disrupted": False}, {"during_sleep": True})),
    Row("RF-FREQUENT", {"cramps_per_week": 4}, ({"cramps_per_week": 3},)),
    Row("RF-PERSISTENT", {"persistent": True}, ({"persistent": False},)),
    Row("RF-NERVE", {"nerve_symptoms": True}, ({"nerve_symptoms": False}, {"numbness": True})),
    # --- unanswered warning-sign questions ----------------------------------------------------
    Row("UN-BREATHLESS", {}, ({"breathless_or_chest_pain": False}, {"breathless_or_chest_pain": True})),
    Row("UN-SWELLING", {}, ({"leg_swelling": "none"}, {"leg_swelling": "one_leg"})),
    Row("UN-RED-SKIN", {}, ({"red_warm_skin": False},)),
    Row("UN-DURATION", {}, ({"duration_minutes": 3},)),
    Row("UN-EASES", {"duration_minutes": 11},
        ({"duration_minutes": 3}, {"duration_minutes": 10}, {"duration_minutes": 11, "eases_with_movement": True})),
    Row("UN-TOXIN", {}, ({"toxin_or_wound_exposure": False},)),
    Row("UN-BLADDER", {}, ({"bladder_or_bowel_change": False},)),
    Row("UN-WEAKNESS", {}, ({"muscle_weakness": False},)),
    Row("UN-WEAKNESS-LIPID", {"medications": STATIN}, ({"medications": STATIN, "muscle_weakness": False}, {})),
    Row("UN-NUMBNESS", {}, ({"numbness": False},)),
    Row("UN-NERVE", {}, ({"nerve_symptoms": False},)),
    Row("UN-WALKING", {}, ({"pain_when_walking": False},)),
    Row("UN-SLEEP", {}, ({"sleep_disrupted": False},)),
    Row("UN-FREQUENCY", {}, ({"cramps_per_week": 0},)),
    Row("UN-PERSISTENT", {}, ({"persistent": False},)),
    Row("UN-PREGNANT", {}, ({"pregnant": False}, {"leg_swelling": "none"})),
    Row("UN-MUSCLE-PAIN", {"medications": STATIN}, ({"medications": STATIN, "muscle_pain": False},
                                                    {"medications": ["Lasix"]})),
    Row("UN-DARK-URINE", {"medications": STATIN}, ({"medications": STATIN, "dark_urine": False}, {})),
    # --- risk factors and observations -------------------------------------------------------
    Row("RK-PREGNANCY", {"pregnant": True}, ({"pregnant": False},)),
    Row("RK-LIVER", {"liver_disease": True}, ({"liver_disease": False}, {"kidney_disease": True})),
    Row("RK-KIDNEY", {"kidney_disease": True}, ({"kidney_disease": False}, {"liver_disease": True})),
    Row("RK-THYROID", {"underactive_thyroid": True}, ({"underactive_thyroid": False},)),
    Row("RK-NEUROPATHY", {"diabetes": True}, ({"diabetes": False},)),
    Row("RK-FLUIDS", {"low_fluid_intake": True}, ({"low_fluid_intake": False}, {"intense_exercise": True})),
    Row("RK-EXERCISE", {"intense_exercise": True}, ({"intense_exercise": False}, {"poor_diet": True})),
    Row("RK-DIET", {"poor_diet": True}, ({"poor_diet": False}, {"low_fluid_intake": True})),
    Row("RK-STATIN", {"medications": STATIN},
        ({"medications": ["ezetimibe"]}, {"medications": ["furosemide"]})),
    Row("RK-LIPID-LOWERING", {"medications": ["fenofibrate"]},
        ({"medications": ["simvastatin"]}, {"medications": ["naproxen"]})),
    Row("RK-DIURETIC", {"medications": ["Lasix"]},
        ({"medications": ["salbutamol"]}, {"medications": ["nifedipine"]})),
    Row("RK-BETA-AGONIST", {"medications": ["Ventolin inhaler"]},
        ({"medications": ["nifedipine"]}, {"medications": ["spironolactone"]})),
    Row("RK-OTHER-MEDICINE", {"medications": ["nifedipine"]},
        ({"medications": ["paracetamol"]}, {"medications": ["atorvastatin"]}, {"medications": ["quinine"]})),
    Row("OB-TYPICAL", {"duration_minutes": 10, "locations": ["foot"], "during_sleep": True},
        ({"duration_minutes": 11, "locations": ["foot"], "during_sleep": True},
         {"duration_minutes": 10, "during_sleep": True},
         {"duration_minutes": 10, "locations": ["foot"], "during_sleep": False},
         {"locations": ["foot"], "during_sleep": True})),
    Row("OB-CHILD", {"age_years": 15}, ({"age_years": 16}, {})),
    Row("OB-ADULT-UNDER-65", {"age_years": 16}, ({"age_years": 15}, {"age_years": 65}, {})),
    Row("OB-ADULT-UNDER-65", {"age_years": 64}, ()),
    Row("OB-NOT-PREGNANT", {"pregnant": False}, ({"pregnant": True}, {})),
    Row("OB-LIMIT-NOT-ASKED", {}, ({"fluid_restriction": False}, {"fluid_restriction": True})),
    Row("RK-FLUID-LIMIT", {"fluid_restriction": True},
        ({"fluid_restriction": False}, {"fluid_restriction": False, "kidney_disease": False},
         {"liver_disease": True, "fluid_restriction": False})),
    Row("RK-FLUID-LIMIT-LIVER", {"liver_disease": True},
        ({"liver_disease": True, "fluid_restriction": False}, {"liver_disease": False})),
    Row("RK-FLUID-LIMIT-DIURETIC", {"medications": ["Lasix"]},
        ({"medications": ["Lasix"], "fluid_restriction": False}, {"medications": STATIN})),
    # --- causes ------------------------------------------------------------------------------
    Row("CA-DEHYDRATION", {"low_fluid_intake": True}, ({"low_fluid_intake": False}, {"poor_diet": True})),
    Row("CA-EXERCISE-NUTRITION", {"poor_diet": True},
        ({"poor_diet": False, "intense_exercise": False}, {"low_fluid_intake": True})),
    Row("CA-PREGNANCY", {"pregnant": True}, ({"pregnant": False},)),
    Row("CA-MEDICATION", {"medications": ["Crestor"]},
        ({"medications": ["paracetamol", "vitamin D"]}, {"medications": ["tonic water"]})),
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
        ({"leg_swelling": "one_leg"}, {"breathless_or_chest_pain": False})),
    Row("LV-URGENT", {"toxin_or_wound_exposure": True}, ({"numbness": True}, {"toxin_or_wound_exposure": False})),
    Row("LV-SEE-DOCTOR", {"cramps_per_week": 7}, ({"cramps_per_week": 1}, {"pregnant": True}, {"age_years": 10})),
    Row("LV-CHILD", {"age_years": 10}, ({"age_years": 30}, {"cramps_per_week": 7})),
    # LV-SELF-CARE is the floor every answer starts from: it has no near miss (see below).
    Row("LV-SELF-CARE", {}, ()),
    # --- advice ------------------------------------------------------------------------------
    Row("SC-REASSURE", CLEAR,
        ({**CLEAR, "red_warm_skin": True}, {**CLEAR, "duration_minutes": 12}, {**CLEAR, "muscle_weakness": True},
         TYPICAL, {**CLEAR, "age_years": 10}, {k: v for k, v in CLEAR.items() if k != "persistent"})),
    Row("SC-STRETCH", {**CLEAR, "age_years": 40},
        ({**CLEAR, "age_years": 70}, {**CLEAR, "age_years": 40, "pregnant": True},
         {"age_years": 40, "pregnant": False}, {**CLEAR, "age_years": 40, "numbness": True},
         {**CLEAR, "age_years": 40, "muscle_weakness": True}, {**CLEAR, "age_years": 40, "leg_swelling": "one_leg"})),
    Row("SC-STRETCH-SUPPORTED", NOT_SWOLLEN,
        ({"leg_swelling": "one_leg", "red_warm_skin": False}, {**NOT_SWOLLEN, "numbness": True}, {},
         {**NOT_SWOLLEN, "age_years": 40, "pregnant": False}, {**NOT_SWOLLEN, "age_years": 10},
         {**NOT_SWOLLEN, "muscle_weakness": True})),
    Row("SC-FLUIDS", {"intense_exercise": True},
        ({"intense_exercise": True, "toxin_or_wound_exposure": True}, {"fluid_restriction": True},
         {"kidney_disease": True}, {"age_years": 10})),
    Row("SC-DIET", {"poor_diet": True},
        ({"poor_diet": True, "duration_minutes": 15, "eases_with_movement": False}, {"fluid_restriction": True})),
    Row("SC-WITHIN-LIMITS", {"kidney_disease": True},
        ({"kidney_disease": False, "fluid_restriction": False}, {"kidney_disease": True, "toxin_or_wound_exposure": True},
         {"kidney_disease": True, "age_years": 10})),
    Row("SC-RELAX", {"sleep_disrupted": True},
        ({"sleep_disrupted": True, "red_warm_skin": True}, {"age_years": 10})),
    Row("AD-SEE-EMERGENCY", {"breathless_or_chest_pain": True},
        ({"leg_swelling": "one_leg"}, {"breathless_or_chest_pain": False})),
    Row("AD-SEE-URGENT", {"red_warm_skin": True},
        ({"red_warm_skin": True, "breathless_or_chest_pain": True}, {"numbness": True})),
    Row("AD-SEE-GP", {"numbness": True},
        ({"numbness": True, "leg_swelling": "one_leg"}, {"numbness": False},
         # the nerve referral (also within days) says why already; frequent cramps are routine
         {"numbness": True, "nerve_symptoms": True}, {"cramps_per_week": 7})),
    Row("AD-CHILD", {"age_years": 10},
        ({"age_years": 10, "numbness": True}, {"age_years": 10, "red_warm_skin": True}, {"age_years": 30})),
    Row("AD-SEE-GP-ROUTINE", {"cramps_per_week": 7},
        ({"cramps_per_week": 7, "numbness": True}, {"cramps_per_week": 7, "persistent": True},
         {"cramps_per_week": 7, "age_years": 10}, {"cramps_per_week": 1}, {"cramps_per_week": 7, "red_warm_skin": True})),
    Row("AD-PERSISTENT", {"persistent": True},
        ({"persistent": False}, {"cramps_per_week": 6}, {"persistent": True, "red_warm_skin": True},
         {"persistent": True, "numbness": True}, {"persistent": True, "age_years": 10})),
    Row("AD-MEDICINE-REVIEW", {"medications": ["HCTZ 25mg"]},
        ({"medications": ["omeprazole"]}, {"medications": ["HCTZ 25mg"], "leg_swelling": "one_leg"})),
    Row("AD-MEDICINE-CHECK", {"medications": ["xyzzy"]},
        ({"medications": ["Lasix"]}, {"medications": ["xyzzy"], "red_warm_skin": True})),
    Row("AD-PREGNANCY", {"pregnant": True},
        ({"pregnant": False}, {"pregnant": True, "leg_swelling": "both_legs"})),
    Row("AD-LIVER", {"liver_disease": True},
        ({"liver_disease": False}, {"liver_disease": True, "breathless_or_chest_pain": True})),
    Row("AD-NERVE-DOCTOR", {"nerve_symptoms": True},
        ({"nerve_symptoms": False}, {"nerve_symptoms": True, "toxin_or_wound_exposure": True})),
    Row("AD-CHIROPRACTOR",
        {"nerve_symptoms": True, "muscle_weakness": False, "numbness": False, "bladder_or_bowel_change": False},
        ({"nerve_symptoms": True},  # weakness, numbness and bladder trouble not ruled out
         {"nerve_symptoms": True, "muscle_weakness": True, "numbness": False, "bladder_or_bowel_change": False},
         {"nerve_symptoms": True, "muscle_weakness": False, "numbness": True, "bladder_or_bowel_change": False},
         {"nerve_symptoms": True, "muscle_weakness": False, "numbness": False, "bladder_or_bowel_change": True},
         {"nerve_symptoms": True, "muscle_weakness": False, "numbness": False, "bladder_or_bowel_change": False,
          "leg_swelling": "one_leg"},
         {"nerve_symptoms": False, "muscle_weakness": False, "numbness": False, "bladder_or_bowel_change": False})),
    Row("AD-CONDITION", {"kidney_disease": True},
        ({"kidney_disease": False}, {"liver_disease": True}, {"kidney_disease": True, "red_warm_skin": True})),
    Row("AD-CRAMP-MEDICINE-REVIEW", {"medications": ["quinine sulfate 300 mg"]},
        ({"medications": ["Lipitor"]}, {"medications": ["tonic water"], "red_warm_skin": True}, {})),
)

# Rules whose only condition is "there is an intake": they fire on every answer, so no near
# miss exists; they are checked against every intake of the table instead.
ALWAYS = {"LV-SELF-CARE"}


def _fired(triager: Triager, answers: Answers) -> list[str]:
    return [step.rule for step in triager.triage(answers).trace]


def test_table_covers_every_active_rule(pack):
    assert {row.rule for row in TABLE} == {rule.id for rule in pack.active_rules}


def test_every_rule_but_the_floor_has_a_near_miss():
    with_misses = {row.rule for row in TABLE if row.misses}
    assert {row.rule for row in TABLE} - with_misses == ALWAYS


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
