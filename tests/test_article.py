"""Each actionable claim of the seed article, asserted on the triage result, with the article
section the responsible rule cites.

Article sections: "What Are Leg Spasms?", "Causes of Leg Cramps", "Idiopathic Leg Cramps",
"Secondary Leg Cramps", "Treating Leg Spasms".
"""

from __future__ import annotations

from typing import Any

import pytest

from cramp_triage import Level, TriageResult, triage

Answers = dict[str, Any]
WHAT = "What Are Leg Spasms?"
CAUSES = "Causes of Leg Cramps"
IDIOPATHIC = "Idiopathic Leg Cramps"
SECONDARY = "Secondary Leg Cramps"
TREATING = "Treating Leg Spasms"
# Every warning-sign question answered "no". Pack 2.0 reassures, and offers the article's step
# stretch, only when nothing that could be a warning sign is left unanswered (issue 9).
NO_WARNING_SIGNS: Answers = {
    "eases_with_movement": True, "breathless_or_chest_pain": False, "leg_swelling": "none", "red_warm_skin": False,
    "toxin_or_wound_exposure": False, "bladder_or_bowel_change": False, "muscle_weakness": False,
    "numbness": False, "nerve_symptoms": False, "pain_when_walking": False, "sleep_disrupted": False,
    "cramps_per_week": 1, "persistent": False, "pregnant": False,
}


def _step(result: TriageResult, rule: str):
    steps = [step for step in result.trace if step.rule == rule]
    assert steps, f"{rule} did not fire"
    return steps[0]


def _article_sections(result: TriageResult, rule: str) -> set[str]:
    return {c.section for c in _step(result, rule).citations if c.source == "article"}


# --- "What Are Leg Spasms?": calf, feet, thighs; a few seconds to 10 minutes ----------------


@pytest.mark.parametrize("location", ["calf", "foot", "thigh"])
@pytest.mark.parametrize("minutes", [0.1, 1, 10])
def test_typical_picture_is_reassured_and_self_care(location, minutes):
    result = triage({**NO_WARNING_SIGNS, "duration_minutes": minutes, "locations": [location], "during_sleep": True})
    assert result.level is Level.self_care
    assert result.serious == []
    assert "typical_reassurance" in [step.id for step in result.self_care]
    assert WHAT in _article_sections(result, "OB-TYPICAL")
    assert WHAT in _article_sections(result, "SC-REASSURE")


@pytest.mark.parametrize("minutes", [10.5, 11, 60])
def test_longer_than_ten_minutes_is_outside_the_typical_picture(minutes):
    result = triage({"duration_minutes": minutes, "locations": ["calf"], "during_sleep": True,
                     "eases_with_movement": True})
    assert "typical_reassurance" not in [step.id for step in result.self_care]
    assert "long_cramp" in [item.id for item in result.serious]
    assert result.level is Level.see_professional
    assert WHAT in _article_sections(result, "RF-LONG")


# --- "Causes of Leg Cramps": idiopathic (unknown reasons) vs secondary (underlying conditions)


def test_no_cause_means_idiopathic():
    result = triage({"duration_minutes": 2, "locations": ["calf"], "during_sleep": True})
    assert [(c.category, c.type) for c in result.causes] == [("idiopathic", "idiopathic")]
    assert CAUSES in _article_sections(result, "CA-IDIOPATHIC")


@pytest.mark.parametrize(
    ("answers", "category", "cause_type", "sections"),
    [
        # "Dehydration and electrolyte imbalances ..." (idiopathic factors; also under secondary)
        ({"low_fluid_intake": True}, "dehydration_electrolytes", "idiopathic", {IDIOPATHIC, SECONDARY}),
        # "... exacerbated by poor nutrition and excessive exercise"
        ({"intense_exercise": True}, "exercise_nutrition", "idiopathic", {SECONDARY}),
        ({"poor_diet": True}, "exercise_nutrition", "idiopathic", {SECONDARY}),
        # "Pregnancy ..."
        ({"pregnant": True}, "pregnancy", "secondary", {SECONDARY}),
        # "Certain medications, such as statins and cholesterol-lowering medicines"
        ({"medications": ["Lipitor 20 mg"]}, "medication", "secondary", {IDIOPATHIC}),
        ({"medications": ["simvastatin"]}, "medication", "secondary", {IDIOPATHIC}),
        ({"medications": ["ezetimibe"]}, "medication", "secondary", {IDIOPATHIC}),
        ({"medications": ["fenofibrate 145 mg"]}, "medication", "secondary", {IDIOPATHIC}),
        # "Chronic liver disease, which can lead to muscle cramping"
        ({"liver_disease": True}, "liver_disease", "secondary", {SECONDARY}),
        # "Nerve impingement or other structural issues in the leg"
        ({"nerve_symptoms": True}, "nerve_impingement", "secondary", {IDIOPATHIC, SECONDARY}),
    ],
    ids=lambda v: str(v)[:40],
)
def test_each_article_cause_is_named_with_its_evidence_and_source(answers, category, cause_type, sections):
    result = triage(answers)
    causes = {c.category: c for c in result.causes}
    assert set(causes) == {category}, "one answer, one cause; idiopathic only when nothing else fits"
    cause = causes[category]
    assert cause.type == cause_type
    assert cause.evidence, "a cause says what it rests on"
    assert cause.label and cause.explanation
    assert sections <= _article_sections(result, cause.rule)
    # the chain: an answer -> a finding -> the cause
    fired = [step.rule for step in result.trace]
    finding_rules = [step.rule for step in result.trace
                     if any(f["fact"] == "finding" for f in step.concluded)]
    assert finding_rules and fired.index(finding_rules[0]) < fired.index(cause.rule)


def test_several_causes_together_and_never_idiopathic_with_them():
    result = triage({"pregnant": True, "low_fluid_intake": True, "liver_disease": True,
                     "medications": ["Crestor"], "intense_exercise": True})
    categories = [c.category for c in result.causes]
    assert set(categories) == {"pregnancy", "dehydration_electrolytes", "liver_disease", "medication",
                               "exercise_nutrition"}
    assert "idiopathic" not in categories


def test_statin_and_cholesterol_medicine_evidence_names_the_class():
    result = triage({"medications": ["Lipitor", "Zetia"]})
    [cause] = result.causes
    assert any("statin" in item.lower() for item in cause.evidence)
    assert any("cholesterol" in item.lower() for item in cause.evidence)


def test_exercise_and_poor_nutrition_are_both_evidence(pack):
    result = triage({"intense_exercise": True, "poor_diet": True})
    [cause] = result.causes
    assert cause.category == "exercise_nutrition"
    assert set(cause.evidence) == {pack.terms.findings["rf_intense_exercise"].label,
                                   pack.terms.findings["rf_poor_diet"].label}


# --- "Treating Leg Spasms": self-care for most cases ------------------------------------------


def test_most_cases_get_the_four_self_care_measures():
    # The article's step stretch: an adult under 65, not pregnant, clot signs answered (pack 2.0).
    result = triage({**NO_WARNING_SIGNS, "duration_minutes": 2, "locations": ["calf"], "during_sleep": True,
                     "age_years": 40})
    assert result.level is Level.self_care
    steps = {step.id: step for step in result.self_care}
    assert {"calf_stretch", "fluids", "balanced_diet", "relaxation"} <= set(steps)
    stretch = steps["calf_stretch"].text.lower()
    assert "step" in stretch and "heels" in stretch and "lower" in stretch
    assert "before and after exercise" in steps["fluids"].text.lower()
    assert "balanced diet" in steps["balanced_diet"].text.lower()
    assert "breathing" in steps["relaxation"].text.lower() or "meditation" in steps["relaxation"].text.lower()
    for rule in ("SC-STRETCH", "SC-FLUIDS", "SC-DIET", "SC-RELAX", "LV-SELF-CARE"):
        assert TREATING in _article_sections(result, rule), rule
    for step in result.self_care:
        assert step.rule in {s.rule for s in result.trace}


@pytest.mark.parametrize("age", [15, 70, None])
def test_the_same_stretch_holding_a_support_for_everyone_else(age):
    # Pack 2.0: the step edge risks a fall in pregnancy and for older people; with the age or the
    # pregnancy not known, the safer stretch is the default. (A child gets no adult list at all.)
    answers = {**NO_WARNING_SIGNS, "age_years": age} if age is not None else NO_WARNING_SIGNS
    steps = {step.id: step for step in triage(answers).self_care}
    if age == 15:
        assert steps == {}
        return
    assert "calf_stretch" not in steps
    text = steps["calf_stretch_supported"].text.lower()
    assert "wall" in text and "chair" in text and "not on a step" not in text and "edge" not in text
    assert TREATING in _article_sections(triage(answers), "SC-STRETCH-SUPPORTED")


def test_stretching_is_presented_honestly():
    for answers in ({**NO_WARNING_SIGNS, "age_years": 40}, NO_WARNING_SIGNS):
        [stretch] = [s for s in triage(answers).self_care if s.id.startswith("calf_stretch")]
        assert "weak" in stretch.text.lower()


# --- "In Persistent Cases: Medical intervention may be necessary" -----------------------------


def test_persistent_cramps_go_to_a_doctor():
    result = triage({"persistent": True, "duration_minutes": 2, "locations": ["calf"], "during_sleep": True})
    assert result.level is Level.see_professional
    assert "persistent_despite_self_care" in [item.id for item in result.serious]
    assert "gp_persistent" in [s.id for s in result.see]
    assert TREATING in _article_sections(result, "RF-PERSISTENT")
    assert TREATING in _article_sections(result, "AD-PERSISTENT")


# --- "Treating Underlying Conditions": pregnancy, liver disease, nerve impingement -----------


@pytest.mark.parametrize(
    ("answers", "referral", "rule"),
    [
        ({"pregnant": True}, "midwife", "AD-PREGNANCY"),
        ({"liver_disease": True}, "liver_team", "AD-LIVER"),
        ({"nerve_symptoms": True}, "doctor_nerve", "AD-NERVE-DOCTOR"),
        ({"kidney_disease": True}, "doctor_condition", "AD-CONDITION"),
    ],
)
def test_underlying_condition_is_sent_to_whoever_treats_it(answers, referral, rule):
    result = triage(answers)
    see = {s.id: s for s in result.see}
    assert referral in see
    assert see[referral].rule == rule
    assert see[referral].who and see[referral].why
    assert TREATING in _article_sections(result, rule) or SECONDARY in _article_sections(result, rule)


# --- "Chiropractic Care": kept, but only after a doctor and never when urgent ----------------


def test_chiropractor_comes_after_the_doctor_for_nerve_impingement():
    # Pack 2.0: only once weakness, numbness and bladder or bowel trouble are answered "no".
    result = triage({"nerve_symptoms": True, "muscle_weakness": False, "numbness": False,
                     "bladder_or_bowel_change": False})
    ids = [s.id for s in result.see]
    assert "doctor_nerve" in ids and "chiropractor_after_doctor" in ids
    assert ids.index("doctor_nerve") < ids.index("chiropractor_after_doctor")
    chiropractor = result.see[ids.index("chiropractor_after_doctor")]
    assert "after a doctor" in chiropractor.who.lower()
    assert TREATING in _article_sections(result, "AD-CHIROPRACTOR")
    fired = [step.rule for step in result.trace]
    assert fired.index("AD-NERVE-DOCTOR") < fired.index("AD-CHIROPRACTOR")


@pytest.mark.parametrize(
    "extra",
    [{"leg_swelling": True}, {"red_warm_skin": True}, {"breathless_or_chest_pain": True},
     {"toxin_or_wound_exposure": True}, {"duration_minutes": 20, "eases_with_movement": False}],
    ids=repr,
)
def test_no_chiropractor_when_urgent_or_emergency(extra):
    result = triage({"nerve_symptoms": True, **extra})
    assert result.level.rank >= Level.urgent.rank
    ids = [s.id for s in result.see]
    # At urgent or above the same-day (or emergency) contact comes instead of routine referrals.
    assert "chiropractor_after_doctor" not in ids
    assert "doctor_nerve" not in ids
    assert ids[0] in ("urgent_same_day", "emergency_services")
    assert "nerve_impingement" in [c.category for c in result.causes]


@pytest.mark.parametrize("answers", [{}, {"liver_disease": True}, {"numbness": True}, {"persistent": True}],
                         ids=repr)
def test_no_chiropractor_without_nerve_signs(answers):
    assert "chiropractor_after_doctor" not in [s.id for s in triage(answers).see]


# --- every rule that encodes an article passage cites the article -----------------------------


def test_rules_encoding_the_article_cite_it(pack):
    encoding = [rule for rule in pack.active_rules if rule.encodes]
    assert len(encoding) >= 20
    for rule in encoding:
        assert any(c.source == "article" and c.section for c in rule.citations), rule.id


def test_every_answer_carries_the_disclaimer(pack):
    for answers in ({}, {"nerve_symptoms": True}, {"breathless_or_chest_pain": True}):
        result = triage(answers)
        assert result.disclaimer == pack.wording().disclaimer  # the default region's words
        assert "not a diagnosis" in result.disclaimer
        assert "emergenc" in result.disclaimer
