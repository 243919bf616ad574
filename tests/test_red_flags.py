"""The red flags of the clinical reference: each sets the right level, is listed in ``serious``,
overrides benign causes and self-care, and never fires on an unknown answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cramp_triage import Intake, Level, triage

Answers = dict[str, Any]

# The clinical reference's red-flag table: answers -> (finding id, level, emergency?).
# "see a doctor" in the reference is the level see_professional.
RED_FLAGS: list[tuple[str, Answers, str, Level]] = [
    ("possible DVT: swollen calf", {"leg_swelling": True}, "possible_dvt", Level.urgent),
    ("possible DVT: warm red tender skin", {"red_warm_skin": True}, "possible_dvt", Level.urgent),
    ("possible PE: clot signs with breathlessness",
     {"leg_swelling": True, "red_warm_skin": True, "breathless_or_chest_pain": True}, "possible_pe", Level.emergency),
    ("breathlessness or chest pain alone", {"breathless_or_chest_pain": True}, "breathless_or_chest_pain",
     Level.emergency),
    ("over 10 minutes, not easing on movement", {"duration_minutes": 25, "eases_with_movement": False},
     "long_cramp_not_easing", Level.urgent),
    ("tetanus-prone wound or toxin", {"toxin_or_wound_exposure": True}, "toxin_or_tetanus_risk", Level.urgent),
    ("over 10 minutes though it eases", {"duration_minutes": 12, "eases_with_movement": True}, "long_cramp",
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
# low. Any red flag added to it must still win.
BENIGN: Answers = {
    "duration_minutes": 3, "eases_with_movement": True, "locations": ["calf"], "during_sleep": True,
    "pregnant": True, "low_fluid_intake": True, "medications": ["Lipitor 20 mg"],
}
STRETCH_IDS = {"calf_stretch", "typical_reassurance"}


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
    result = triage({**BENIGN, **answers})
    assert result.level is level
    assert finding in [item.id for item in result.serious]
    # causes are still named, but they never lower the level
    assert {"pregnancy", "medication", "dehydration_electrolytes"} <= {c.category for c in result.causes}
    steps = {step.id for step in result.self_care}
    if level.rank >= Level.urgent.rank:
        assert steps == set(), "no self-care when the answer is urgent"
    elif finding in ("muscle_weakness", "numbness"):
        # standing on the edge of a step with weak or numb legs risks a fall
        assert "calf_stretch" not in steps and "fluids" in steps
    else:
        assert "calf_stretch" in steps


@pytest.mark.parametrize(("name", "answers", "finding", "level"), RED_FLAGS, ids=[r[0] for r in RED_FLAGS])
def test_red_flag_fires_before_any_cause_is_named(name, answers, finding, level):
    result = triage({**BENIGN, **answers})
    layers = [step.layer for step in result.trace]
    red = max(i for i, layer in enumerate(layers) if layer == "red_flag")
    first_cause = layers.index("cause")
    assert red < first_cause
    level_rule = {Level.emergency: "LV-EMERGENCY", Level.urgent: "LV-URGENT",
                  Level.see_professional: "LV-SEE-DOCTOR"}[level]
    assert [step.rule for step in result.trace].index(level_rule) < first_cause


def test_pregnant_with_swollen_red_calf_is_urgent_with_no_calf_stretch():
    result = triage({"pregnant": True, "leg_swelling": True, "red_warm_skin": True, "locations": ["calf"],
                     "duration_minutes": 5, "during_sleep": True})
    assert result.level is Level.urgent
    assert [item.id for item in result.serious] == ["possible_dvt"]
    assert result.self_care == []
    assert "stretch" not in " ".join(step.text for step in result.self_care).lower()
    assert "urgent_same_day" in [s.id for s in result.see]
    assert "do not massage or stretch" in result.do_now.lower()


def test_clot_signs_with_breathlessness_is_an_emergency_listed_first():
    result = triage({"leg_swelling": True, "breathless_or_chest_pain": True, "nerve_symptoms": True})
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


def test_a_long_cramp_with_easing_unknown_is_not_called_unrelenting():
    # "don't know whether it eases" must not count as "it does not ease".
    result = triage({"duration_minutes": 40, "eases_with_movement": None})
    assert [item.id for item in result.serious] == ["long_cramp"]
    assert result.level is Level.see_professional


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
    "numbness": True, "muscle_weakness": True, "leg_swelling": True, "red_warm_skin": True,
    "breathless_or_chest_pain": True, "pain_when_walking": True, "toxin_or_wound_exposure": True,
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
