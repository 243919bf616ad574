"""The red flags of the clinical reference: each sets the right level, is listed in ``serious``,
overrides benign causes and self-care, and never fires on an unknown answer alone; where "don't
know" would be the reassuring reading (a long cramp, easing unknown), the safe reading wins."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cramp_triage import Intake, Level, triage

Answers = dict[str, Any]

# The clinical reference's red-flag table: answers -> (finding id, level, emergency?).
# "see a doctor" in the reference is the level see_professional.
RED_FLAGS: list[tuple[str, Answers, str, Level]] = [
    ("possible DVT: one swollen leg", {"leg_swelling": "one_leg"}, "possible_dvt", Level.urgent),
    ("possible DVT: red or warm skin", {"red_warm_skin": True}, "possible_dvt", Level.urgent),
    ("possible PE: clot signs with breathlessness",
     {"leg_swelling": "one_leg", "red_warm_skin": True, "breathless_or_chest_pain": True}, "possible_pe",
     Level.emergency),
    ("breathlessness or chest pain alone", {"breathless_or_chest_pain": True}, "breathless_or_chest_pain",
     Level.emergency),
    ("bladder or bowel trouble with nerve symptoms", {"bladder_or_bowel_change": True, "nerve_symptoms": True},
     "possible_cauda_equina", Level.emergency),
    ("bladder or bowel trouble with weak legs", {"bladder_or_bowel_change": True, "muscle_weakness": True},
     "possible_cauda_equina", Level.emergency),
    ("bladder or bowel trouble alone", {"bladder_or_bowel_change": True}, "bladder_or_bowel_change", Level.urgent),
    ("over 10 minutes, not easing on movement", {"duration_minutes": 25, "eases_with_movement": False},
     "long_cramp_not_easing", Level.urgent),
    ("over 10 minutes, easing not known", {"duration_minutes": 25, "eases_with_movement": None},
     "long_cramp_easing_unknown", Level.urgent),
    ("over an hour, though it eases", {"duration_minutes": 90, "eases_with_movement": True}, "very_long_cramp",
     Level.urgent),
    ("tetanus-prone wound or toxin", {"toxin_or_wound_exposure": True}, "toxin_or_tetanus_risk", Level.urgent),
    ("any swelling in pregnancy", {"leg_swelling": "both_legs", "pregnant": True}, "swelling_in_pregnancy",
     Level.urgent),
    ("statin with unexplained muscle pain", {"medications": ["Lipitor"], "muscle_pain": True},
     "possible_muscle_breakdown", Level.urgent),
    ("statin with dark urine", {"medications": ["simvastatin"], "dark_urine": True}, "possible_muscle_breakdown",
     Level.urgent),
    ("statin with weakness", {"medications": ["Crestor"], "muscle_weakness": True}, "possible_muscle_breakdown",
     Level.urgent),
    ("over 10 minutes though it eases", {"duration_minutes": 12, "eases_with_movement": True}, "long_cramp",
     Level.see_professional),
    ("both legs swollen, nothing else", {"leg_swelling": "both_legs", "pregnant": False}, "both_legs_swollen",
     Level.see_professional),
    ("muscle weakness or wasting", {"muscle_weakness": True}, "muscle_weakness", Level.see_professional),
    ("numbness in the legs", {"numbness": True}, "numbness", Level.see_professional),
    ("claudication", {"pain_when_walking": True}, "claudication", Level.see_professional),
    ("disturbs sleep or daily life", {"sleep_disrupted": True}, "disturbs_sleep", Level.see_professional),
    ("frequent", {"cramps_per_week": 5}, "frequent_cramps", Level.see_professional),
    ("persistent despite self-care", {"persistent": True}, "persistent_despite_self_care", Level.see_professional),
    ("nerve signs", {"nerve_symptoms": True}, "nerve_signs", Level.see_professional),
]

# The most benign picture the article knows: a short night cramp in the calf, pregnant, fluids
# low, an asthma inhaler; the clot signs answered no. Any red flag added to it must still win.
# (Pack 1.0 used Lipitor here; on a statin, weakness is now urgent, so another medicine cause.)
BENIGN: Answers = {
    "duration_minutes": 3, "eases_with_movement": True, "locations": ["calf"], "during_sleep": True,
    "pregnant": True, "low_fluid_intake": True, "medications": ["Ventolin"], "leg_swelling": "none",
    "red_warm_skin": False,
}


@pytest.mark.parametrize(("name", "answers", "finding", "level"), RED_FLAGS, ids=[r[0] for r in RED_FLAGS])
def test_red_flag_sets_level_and_is_listed(name, answers, finding, level):
    result = triage(answers)
    assert result.level is level
    serious = {item.id: item for item in result.serious}
    assert finding in serious
    assert serious[finding].level is level
    assert serious[finding].emergency is (level is Level.emergency)
    assert serious[finding].label
    # the most urgent finding is first, and the level comes from it
    assert result.serious[0].level is level


@pytest.mark.parametrize(("name", "answers", "finding", "level"), RED_FLAGS, ids=[r[0] for r in RED_FLAGS])
def test_red_flag_overrides_a_benign_picture(name, answers, finding, level):
    merged = {**BENIGN, **answers}
    result = triage(merged)
    assert result.level is level
    assert finding in [item.id for item in result.serious]
    # causes are still named, but they never lower the level
    causes = {"medication", "dehydration_electrolytes"} | ({"pregnancy"} if merged["pregnant"] else set())
    assert causes <= {c.category for c in result.causes}
    steps = {step.id for step in result.self_care}
    if level.rank >= Level.urgent.rank:
        assert steps == set(), "no self-care when the answer is urgent"
    elif finding in ("muscle_weakness", "numbness"):
        # standing to stretch with weak or numb legs risks a fall
        assert not steps & {"calf_stretch", "calf_stretch_supported"} and "fluids" in steps
    else:
        # pregnant: never on the edge of a step, always holding a support
        assert "calf_stretch_supported" in steps and "calf_stretch" not in steps


@pytest.mark.parametrize(("name", "answers", "finding", "level"), RED_FLAGS, ids=[r[0] for r in RED_FLAGS])
def test_the_level_waits_for_every_red_flag_and_advice_waits_for_the_level(name, answers, finding, level):
    """Pack 1.0 set the level before any cause was named. Pack 2.0 has red flags that combine
    other findings (bladder trouble with nerve signs; a statin with weakness), so the level is
    set once they have run, which can be after a cause; what matters holds: every red flag
    before the level, the level before any advice, and no cause lowers it."""
    result = triage({**BENIGN, **answers})
    layers = [step.layer for step in result.trace]
    fired = [step.rule for step in result.trace]
    level_rule = {Level.emergency: "LV-EMERGENCY", Level.urgent: "LV-URGENT",
                  Level.see_professional: "LV-SEE-DOCTOR"}[level]
    red_flags = [i for i, step in enumerate(result.trace)
                 if any(f.get("kind") == "red_flag" for f in step.concluded)]
    assert max(red_flags) < fired.index(level_rule) < layers.index("advice")


def test_pregnant_with_swollen_red_calf_is_urgent_with_no_calf_stretch():
    result = triage({"pregnant": True, "leg_swelling": "one_leg", "red_warm_skin": True, "locations": ["calf"],
                     "duration_minutes": 5, "during_sleep": True})
    assert result.level is Level.urgent
    assert [item.id for item in result.serious] == ["possible_dvt", "swelling_in_pregnancy"]
    assert result.self_care == []
    assert "stretch" not in " ".join(step.text for step in result.self_care).lower()
    assert "urgent_same_day" in [s.id for s in result.see]
    assert "do not massage or stretch" in result.do_now.lower()


def test_clot_signs_with_breathlessness_is_an_emergency_listed_first():
    result = triage({"leg_swelling": "one_leg", "breathless_or_chest_pain": True, "nerve_symptoms": True})
    assert result.level is Level.emergency
    assert result.serious[0].emergency
    assert {item.id for item in result.serious if item.emergency} == {"possible_pe", "breathless_or_chest_pain"}
    assert {item.id for item in result.serious if not item.emergency} == {"possible_dvt", "nerve_signs"}
    assert result.see[0].id == "emergency_services"
    assert "chiropractor_after_doctor" not in [s.id for s in result.see]
    assert result.self_care == []


def test_several_red_flags_take_the_most_urgent_level():
    result = triage({"numbness": True, "toxin_or_wound_exposure": True, "cramps_per_week": 10})
    assert result.level is Level.urgent
    assert [item.level for item in result.serious] == sorted(
        (item.level for item in result.serious), key=lambda level: -level.rank)
    assert {item.id for item in result.serious} == {"numbness", "toxin_or_tetanus_risk", "frequent_cramps"}


def test_without_red_flags_nothing_is_serious():
    result = triage(BENIGN)
    assert result.level is Level.self_care
    assert result.serious == []


# --- unknown answers never trigger a red flag ------------------------------------------------


def _red_flag_fields(pack) -> set[str]:
    fields: set[str] = set()
    for rule in pack.active_rules:
        if rule.layer == "red_flag":
            for pattern in rule.when:
                for group in pattern.intake_groups():
                    fields.update(group)
    return fields


def test_each_red_flag_field_left_unknown_triggers_nothing(pack):
    fields = _red_flag_fields(pack)
    assert {"leg_swelling", "breathless_or_chest_pain", "duration_minutes", "eases_with_movement"} <= fields
    for field in fields:
        result = triage({field: None})
        assert result.serious == [], field
        assert result.level is Level.self_care, field


def test_all_unknown_triggers_nothing():
    result = triage(Intake())
    assert result.level is Level.self_care
    assert result.serious == []


def test_a_long_cramp_with_easing_unknown_is_urgent_and_says_why():
    # Pack 1.0 read "don't know whether it eases" as the benign answer (a routine GP visit). It
    # cannot rule out a cramp that does not ease, so pack 2.0 takes the safe side (issue 9),
    # with a label that says it was not known, and asks about it in do_now.
    result = triage({"duration_minutes": 40, "eases_with_movement": None})
    assert [item.id for item in result.serious] == ["long_cramp_easing_unknown"]
    assert result.level is Level.urgent
    assert "not known" in result.serious[0].label
    assert "eases_with_movement" in result.unanswered_red_flags


def test_answering_no_to_every_question_triggers_nothing():
    no_to_all = {name: False for name, info in Intake.model_fields.items() if "bool" in str(info.annotation)}
    result = triage({**no_to_all, "duration_minutes": 1, "cramps_per_week": 0})
    assert result.serious == []
    assert result.level is Level.self_care


# --- never quinine or tonic water -------------------------------------------------------------

EVERYTHING: Answers = {
    "duration_minutes": 30, "eases_with_movement": False, "locations": ["calf", "foot", "thigh"],
    "during_sleep": True, "cramps_per_week": 14, "sleep_disrupted": True, "persistent": True, "pregnant": True,
    "medications": ["Lipitor", "Lasix", "Ventolin", "nifedipine", "ezetimibe", "quinine sulfate"],
    "liver_disease": True, "kidney_disease": True, "underactive_thyroid": True, "diabetes": True,
    "low_fluid_intake": True, "intense_exercise": True, "poor_diet": True, "nerve_symptoms": True,
    "numbness": True, "muscle_weakness": True, "leg_swelling": "one_leg", "red_warm_skin": True,
    "breathless_or_chest_pain": True, "pain_when_walking": True, "toxin_or_wound_exposure": True,
    "muscle_pain": True, "dark_urine": True, "bladder_or_bowel_change": True, "fluid_restriction": True,
    "age_years": 70,
}


@pytest.mark.parametrize(
    "answers",
    [{}, BENIGN, {"persistent": True}, {"persistent": True, "cramps_per_week": 7, "sleep_disrupted": True},
     {"nerve_symptoms": True}, {"pregnant": True}, {k: v for k, v in EVERYTHING.items() if k != "medications"}]
    + [{"persistent": True, **answers} for _, answers, _, _ in RED_FLAGS],
    ids=repr,
)
def test_no_answer_mentions_quinine_or_tonic_water(answers):
    text = json.dumps(triage(answers).model_dump(mode="json")).lower()
    # The FDA warning against quinine may be cited as a source by its short name; nothing else
    # in an answer may name quinine or tonic water.
    text = text.replace('"fda-quinine"', "")
    assert "quinine" not in text
    assert "tonic" not in text


def test_a_person_taking_quinine_is_not_told_it_helps():
    """Since vocabulary v2 quinine is recognised (class quinine), so that its use can be
    reviewed; it is never a cause and never advice."""
    result = triage(EVERYTHING)
    assert [(m.name, m.group) for m in result.medications if m.given == "quinine sulfate"] == [("quinine", "quinine")]
    assert result.unrecognised_medications == []
    advice = " ".join([result.do_now, result.if_worse, *(s.text for s in result.self_care),
                       *(r.who + r.why for r in result.see)]).lower()
    assert "quinine" not in advice and "tonic" not in advice
    assert result.level is Level.emergency


@pytest.mark.parametrize("taken", ["quinine sulfate 300 mg", "Qualaquin", "quinine sulphate", "tonic water"])
def test_quinine_or_tonic_water_gets_a_neutral_review_and_nothing_else_names_it(taken):
    result = triage({**BENIGN, "medications": [taken]})
    assert result.level is Level.self_care
    [review] = [r for r in result.see if r.id == "cramp_medicine_review"]
    assert review.when.value == "routine"
    assert "review" in review.why and "quinine" in review.why.lower()
    assert not any(word in review.why.lower().split() for word in ("helps", "take", "try", "drink"))
    rest = " ".join([result.do_now, result.if_worse, *(s.text for s in result.self_care),
                     *(r.who + r.why for r in result.see if r is not review), *(c.explanation for c in result.causes)])
    assert "quinine" not in rest.lower() and "tonic" not in rest.lower()
    assert "medication" not in [c.category for c in result.causes]  # it is not a cause of cramps


# --- unanswered warning-sign questions ----------------------------------------------------------


def test_unanswered_red_flags_come_in_question_order(pack):
    from cramp_triage.interview import load_questions, questions_path

    questions = [q.field for q in load_questions(questions_path(pack.path))]
    terms = list(dict.fromkeys(t.field for t in pack.terms.findings.values() if t.kind == "unanswered"))
    assert terms == [field for field in questions if field in terms]  # assemble lists them in terms order
    for answers in ({}, {"medications": ["Lipitor"], "duration_minutes": 20}):
        listed = triage(answers).unanswered_red_flags
        assert listed == [field for field in questions if field in listed] and len(listed) > 10


# The answers under which each unanswered question matters (its rule in rules/unanswered.yaml
# fires), written by hand; the alarming answer is the top of the field's direction.
CONTEXTS: dict[str, Answers] = {
    "eases_with_movement": {"duration_minutes": 20}, "pregnant": {"leg_swelling": "both_legs"},
    "muscle_pain": {"medications": ["Lipitor"]}, "dark_urine": {"medications": ["Lipitor"]},
    "unanswered_muscle_weakness_lipid": {"medications": ["Lipitor"]},
}
ALARMING: Answers = {"eases_with_movement": False, "duration_minutes": 61, "cramps_per_week": 4,
                     "leg_swelling": "one_leg"}


def test_each_unanswered_sign_says_the_level_its_answer_would_call_for(pack):
    """do_now says "if so, get medical help today" (the term's `if_so`): the answer must bear it out."""
    for name, term in pack.terms.findings.items():
        if term.kind != "unanswered":
            continue
        context = {**CONTEXTS.get(term.field, {}), **CONTEXTS.get(name, {})}
        assert term.field in triage(context).unanswered_red_flags, name
        answered = triage({**context, term.field: ALARMING.get(term.field, True)})
        assert answered.level is term.if_so, (name, answered.level)
